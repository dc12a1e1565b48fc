"""The answer to one question, as a form: used by the htmx save and by the whole-section submit."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from html import escape

from django import forms
from django.core.validators import URLValidator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from assessments.forms.rendering import BootstrapFieldsMixin, label_with_note
from assessments.models import Answer, Question

DONT_KNOW = Answer.Kind.DONT_KNOW.value
NOT_APPLICABLE = Answer.Kind.NOT_APPLICABLE.value
COMMENT_MAX = 5000
# A checklist's choice as one value, so that it compares, conflicts and merges like a radio's:
# "boxes:" and the pks of the boxes checked, in the question's order (`boxes_choice`).
BOXES_PREFIX = "boxes:"


def boxes_choice(boxes) -> str:
    return BOXES_PREFIX + ",".join(str(pk) for pk in boxes)


REASON_MAX = 1000


class WebLinkField(forms.URLField):
    """A link people can open in a browser: http or https only (no javascript:, no ftp:)."""

    # Replaces URLField's own validator rather than adding one: a bad link gets one message.
    default_validators = [URLValidator(schemes=["http", "https"])]


SMALL = {"class": "form-control form-control-sm"}

# What a person changes in one question, as the form names it.
ANSWER_FIELDS = ("choice", "reason", "comment", "evidence_url")


@dataclass(frozen=True)
class Start:
    """What a save started from: the answer's version the person saw (0: none yet), its choice
    then (None: not known, as after "use mine"), and the fields the person has changed since.

    When someone else saved in between, only those fields are written on top of theirs, and a
    different choice of theirs is never overwritten without asking (`AssessmentAnswers.record`).
    """

    version: int
    choice: str | None
    changed: frozenset[str]
    # The texts as the person saw them (by field name), when the page said.
    texts: dict[str, str] = dataclasses.field(default_factory=dict)


class AnswerForm(BootstrapFieldsMixin, forms.Form):
    # RadioSelect gives every option its own id ("id_q-7-choice_0"), which its label points to.
    # Not required: a comment or a link may be kept before anyone chooses (a note, `answer_values`).
    choice = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    # A checklist's boxes; its "choice" then offers only "don't know" and "not applicable".
    boxes = forms.MultipleChoiceField(
        label=_("Check every one that applies"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(
        label=_("Why does this not apply?"),
        required=False,
        max_length=REASON_MAX,
        # A blank placeholder lets app.css tell an empty reason (:placeholder-shown) and keep it
        # folded away until 'not applicable' is chosen.
        widget=forms.TextInput(attrs={**SMALL, "placeholder": " "}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={**SMALL, "rows": 2}),
    )
    evidence_url = WebLinkField(
        label=_("Evidence link"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={**SMALL, "placeholder": "https://"}),
    )

    label_class = "form-label mt-2"
    # The page's form is `novalidate` and every question saves on its own: a browser must not
    # refuse to send a section because some question is still open.
    use_required_attribute = False

    def __init__(self, *args, question: Question, disabled: bool = False, **kwargs) -> None:
        """`disabled`: the person may look at the answer but not change it."""
        self.question = question
        self.disabled = disabled
        self.drawn: dict = {}  # the start values as posted, once cleaned (`posted_start`)
        kwargs.setdefault("prefix", f"q-{question.pk}")
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label_with_note(
            self.fields["reason"].label, _("(needed for 'not applicable')")
        )
        for field in self.fields.values():
            field.disabled = disabled
        # Options come from the question itself, so an option of another question, or an id that
        # is not a number at all, is simply not a valid choice.
        options = [(str(option.pk), option.label) for option in question.options.all()]
        choices = [] if question.is_checklist else options
        if question.is_checklist:
            self.fields["choice"].label = _("Or")
            self.fields["boxes"].choices = options
            self.fields["boxes"].error_messages["invalid_choice"] = _(
                "%(value)s is not a box of this question; check only the boxes offered."
            )
        else:
            del self.fields["boxes"]
        if question.is_text:
            # The answer is the words themselves, kept as a comment is: never scored.
            self.fields["comment"].label = _("Your answer")
            self.fields["comment"].widget.attrs["rows"] = 4
            self.fields["comment"].error_messages["max_length"] = _(
                "The answer has %(show_value)d characters; at most %(limit_value)d are kept."
            )
        if not question.is_text:
            choices.append((DONT_KNOW, _("Don't know")))
        if question.allows_not_applicable and not question.is_text:
            choices.append((NOT_APPLICABLE, _("Not applicable")))
        self.fields["choice"].choices = choices
        self.fields["choice"].error_messages["invalid_choice"] = _(
            "Choose one of the answers offered for this question."
        )
        self.fields["choice"].error_messages["required"] = _("Choose an answer.")
        if question.is_text:
            self.fields["choice"].error_messages["required"] = _("Write an answer.")
        elif question.is_checklist:
            self.fields["choice"].error_messages["required"] = _(
                "Check a box, or choose 'Don't know'."
            )

    # What the page drew the question from, sent back with each save (`start`): the version of
    # the stored answer and its values then, in hidden inputs that are replaced after each save.
    # Not fields: nobody edits them and they are written without widgets, and copying five more
    # fields for every form of a section page cost more than the rest of the form.
    START_FIELDS = ("version", "was_choice", "was_reason", "was_comment", "was_evidence_url")

    def start_inputs(self) -> SafeString:
        """The hidden inputs saying what the question was drawn from: what was posted, or for a
        form that is not bound (or is disabled) its initial values. Written here in one piece:
        a loop over them in the template cost a section page of ten questions a millisecond."""
        posted = self.is_bound and not self.disabled
        values = []
        for name in self.START_FIELDS:
            value = self.data.get(self.add_prefix(name)) if posted else self.initial.get(name)
            shown = "" if value is None else escape(str(value))
            values.append(f'<input type="hidden" name="{self.add_prefix(name)}" value="{shown}">')
        return mark_safe("".join(values))  # noqa: S308 - the values escaped, the names ours

    def clean(self):
        data = super().clean()
        self.drawn = self.posted_start()
        if self.question.is_checklist and "choice" in data and "boxes" in data:
            self._clean_boxes(data)
        # Nothing chosen and nothing to keep: unless a kept note is being emptied.
        had_note = self.drawn.get("was_comment") or self.drawn.get("was_evidence_url")
        if "choice" in data and not data["choice"] and not (self.has_note() or had_note):
            self.add_error("choice", self.fields["choice"].error_messages["required"])
        if data.get("choice") == NOT_APPLICABLE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why this practice does not apply to you."))
        return data

    def _clean_boxes(self, data: dict) -> None:
        """A checklist's boxes and its radio as one choice (`boxes_choice`), or the errors.

        "None of these" never goes with other boxes, nor boxes with "don't know": the page
        clears the others as one is checked (app.js), and what arrives otherwise is refused.
        """
        checked = set(data["boxes"])
        boxes = [o for o in self.question.options.all() if str(o.pk) in checked]
        if boxes and data["choice"]:
            self.add_error(
                "boxes",
                _("Check boxes or choose “%(choice)s”, not both.")
                % {"choice": dict(self.fields["choice"].choices)[data["choice"]]},
            )
            return
        exclusive = [box for box in boxes if box.exclusive]
        if exclusive and len(boxes) > 1:
            others = ", ".join(f"“{box.label}”" for box in boxes if not box.exclusive)
            self.add_error(
                "boxes",
                _("“%(none)s” cannot be checked with other boxes (%(others)s).")
                % {"none": exclusive[0].label, "others": others},
            )
            return
        if boxes:
            data["choice"] = boxes_choice(box.pk for box in boxes)

    def has_note(self) -> bool:
        """Whether a comment or a link was given, which is kept even without a choice."""
        data = self.cleaned_data
        return bool(data.get("comment") or data.get("evidence_url"))

    def answer_values(self) -> dict:
        """What to store, from cleaned data: the kind, the option and the texts.

        Without a choice, the comment and the link are kept as a note (`Answer.Kind.NOTE`):
        not an answer, so neither scored nor counted as answered, but there after a reload.
        """
        data = self.cleaned_data
        choice = data["choice"]
        option = None
        boxes: list[int] = []
        if not choice:
            kind = Answer.Kind.NOTE
        elif choice.startswith(BOXES_PREFIX):
            kind = Answer.Kind.CHECKED
            boxes = [int(pk) for pk in choice.removeprefix(BOXES_PREFIX).split(",")]
        elif choice == DONT_KNOW:
            kind = Answer.Kind.DONT_KNOW
        elif choice == NOT_APPLICABLE:
            kind = Answer.Kind.NOT_APPLICABLE
        else:
            kind = Answer.Kind.OPTION
            option = next(o for o in self.question.options.all() if str(o.pk) == choice)
        return {
            "kind": kind,
            "option": option,
            "boxes": boxes,
            "reason": data["reason"].strip() if kind == Answer.Kind.NOT_APPLICABLE else "",
            "comment": data["comment"],
            "evidence_url": data["evidence_url"],
        }

    def start(self, resolve: str = "") -> Start | None:
        """Where this save started from; None if the client did not say (last writer wins).

        `resolve="mine"`: the person saw the colleague's answer in the conflict panel and keeps
        their own, all of it, over that version of the colleague's.
        """
        data, drawn = self.cleaned_data, self.drawn
        if resolve == "mine" and drawn.get("their_version"):
            return Start(drawn["their_version"], None, frozenset(ANSWER_FIELDS))
        if drawn.get("version") is None:
            return None
        changed = frozenset(f for f in ANSWER_FIELDS if data[f] != drawn[f"was_{f}"])
        texts = {f: drawn[f"was_{f}"] for f in ("reason", "comment", "evidence_url")}
        return Start(drawn["version"], drawn["was_choice"], changed, texts)

    def posted_start(self) -> dict:
        """The posted start values (`START_FIELDS`), and `their_version`, which only the
        conflict panel sends (the version of the colleague's answer it showed): the versions
        whole numbers or None, the texts stripped. A version that is not a whole number, or
        below its least value, is a problem of the form."""
        get = self.data.get
        drawn: dict = {}
        bad = False
        for name, least in (("version", 0), ("their_version", 1)):
            raw = (get(self.add_prefix(name)) or "").strip()
            try:
                number = int(raw) if raw else None
            except ValueError:
                number, bad = None, True
            if number is not None and number < least:
                number, bad = None, True
            drawn[name] = number
        if bad:
            self.add_error(None, _("The page sent a bad answer version: reload it."))
        for name in ANSWER_FIELDS:
            drawn[f"was_{name}"] = (get(self.add_prefix(f"was_{name}")) or "").strip()
        return drawn

    @classmethod
    def initial_for(cls, answer: Answer | None) -> dict:
        if answer is None:
            return {"version": 0}
        boxes: list[str] = []
        if answer.kind == Answer.Kind.NOTE:
            choice = ""
        elif answer.kind == Answer.Kind.OPTION:
            choice = str(answer.option_id)
        elif answer.kind == Answer.Kind.CHECKED:
            choice = boxes_choice(answer.boxes)
            boxes = [str(pk) for pk in answer.boxes]
        else:
            choice = answer.kind
        values = {
            "choice": choice,
            "reason": answer.reason,
            "comment": answer.comment,
            "evidence_url": answer.evidence_url,
        }
        shown = {**values, "choice": "" if boxes else choice, "boxes": boxes}
        return {
            **shown,
            **{f"was_{name}": value for name, value in values.items()},
            "version": answer.version,
        }
