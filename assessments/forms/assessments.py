from __future__ import annotations

import math

from django import forms
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assessments.demo import DEFAULT_QUESTIONNAIRE_KEY
from assessments.forms.team import MODE_HELP, mode_field
from assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Organization,
    Question,
    Questionnaire,
    Section,
)
from assessments.versioning import match_answer

# About half a minute a question: reading it, and picking an answer most people know.
SECONDS_PER_QUESTION = 30


def time_estimate(questions: int) -> str:
    """Roughly how long answering takes, in words: to the 5 minutes below an hour, to the quarter
    hour above. An estimate, and the page says so: nobody answers at a set pace."""
    minutes = math.ceil(questions * SECONDS_PER_QUESTION / 60)
    if minutes < 60:
        minutes = max(5, 5 * round(minutes / 5))
        return ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {"n": minutes}
    quarters = round(minutes / 15)
    hours, rest = divmod(quarters * 15, 60)
    hours_text = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if not rest:
        return gettext("about %(hours)s") % {"hours": hours_text}
    return gettext("about %(hours)s %(minutes)d minutes") % {"hours": hours_text, "minutes": rest}


def _count_of(model) -> Coalesce:
    return Coalesce(
        Subquery(
            model.objects.filter(questionnaire=OuterRef("pk"))
            .order_by()
            .values("questionnaire")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def offered_models() -> list[Questionnaire]:
    """One questionnaire version per key: its latest published one, by title.

    Drafts and retired versions are never offered. Each carries `section_count`,
    `question_count` and `estimate` for the page. One query, however many models.
    """
    versions = (
        Questionnaire.objects.published()
        .annotate(section_count=_count_of(Section), question_count=_count_of(Question))
        .order_by("key", "-published_at", "-version")
    )
    latest: dict[str, Questionnaire] = {}
    for version in versions:
        latest.setdefault(version.key, version)
    models = sorted(latest.values(), key=lambda q: (q.title.casefold(), q.key))
    for model in models:
        model.estimate = time_estimate(model.question_count)  # type: ignore[attr-defined]
    return models


def default_title(model: Questionnaire) -> str:
    return gettext("%(model)s, %(month)s") % {
        "model": model.title,
        "month": date_format(timezone.now(), "F Y"),
    }


class StartAssessmentForm(forms.Form):
    """Start an assessment: which model, what to call it, and whose answers to start from.

    Offered are the published models: one per questionnaire key, on its latest published
    version (`offered_models`); drafts and retired versions never, and posting one's id is
    refused. Chosen already, when several are offered:

    1. the model of the organization's latest assessment, if it is still offered: people
       re-assess with the model they used last;
    2. else the default OSPO model (`demo.DEFAULT_QUESTIONNAIRE_KEY`), the one the product is
       about;
    3. else the first by title.

    The answers to start from are the organization's assessments on the chosen model only (any
    version of it): another model's questions share no keys worth carrying.

    `initial` may name a model (`questionnaire`) and a `title`, as the page sends them when
    another model is chosen: the title follows the model unless the person wrote their own.
    """

    questionnaire = forms.TypedChoiceField(
        label=_("Model"),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a model."),
            "invalid_choice": _(
                "That model version is not offered: it is a draft, retired or unknown. "
                "Choose one of the published models."
            ),
        },
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    prefill_from = forms.ModelChoiceField(
        label=_("Start from the answers of"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("Nothing: start blank"),
        help_text=_(
            "For a re-assessment: answers carry over where the question is unchanged; "
            "review and update them. Only assessments on the chosen model are listed."
        ),
        error_messages={
            "invalid_choice": _(
                "Answers can only carry over from one of your organization's assessments on "
                "the chosen model. Choose one of those, or start blank."
            )
        },
    )

    # One shared answer set (the default), or each respondent on their own and then a consensus
    # (docs/team.md); changeable on the team page until the first answer.
    mode = mode_field(required=False)

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.mode_help = MODE_HELP
        self.models = offered_models()
        self.default = self._default_model()
        self.chosen = self._chosen_model()
        self.fields["questionnaire"].choices = [(m.pk, m.title) for m in self.models]
        self.initial["questionnaire"] = self.chosen.pk if self.chosen else None
        if self.chosen is not None:
            self.fields["prefill_from"].queryset = organization.assessments.filter(
                questionnaire__key=self.chosen.key
            ).order_by("-created_at", "-pk")
            title = self.initial.get("title") or ""
            if not title.strip() or title in {default_title(m) for m in self.models}:
                self.initial["title"] = default_title(self.chosen)

    def _default_model(self) -> Questionnaire | None:
        if len(self.models) < 2:
            return self.models[0] if self.models else None
        by_key = {m.key: m for m in self.models}
        last_used = (
            self.organization.assessments.order_by("-created_at", "-pk")
            .values_list("questionnaire__key", flat=True)
            .first()
        )
        return by_key.get(last_used) or by_key.get(DEFAULT_QUESTIONNAIRE_KEY) or self.models[0]

    def _chosen_model(self) -> Questionnaire | None:
        """The model the page is about: the one sent (posted, or asked for), if offered."""
        sent = (
            self.data.get("questionnaire") if self.is_bound else self.initial.get("questionnaire")
        )
        by_pk = {str(m.pk): m for m in self.models}
        return by_pk.get(str(sent), self.default)

    @property
    def several(self) -> bool:
        return len(self.models) > 1

    def clean_mode(self) -> str:
        # A form sent without the choice (an older page, a script) starts as it always did.
        return self.cleaned_data["mode"] or Assessment.Mode.SHARED

    def clean_questionnaire(self) -> Questionnaire:
        pk = self.cleaned_data["questionnaire"]
        return next(m for m in self.models if m.pk == pk)

    def clean(self):
        data = super().clean()
        if not self.models:
            raise forms.ValidationError(
                _("No questionnaire is published yet. Ask an administrator to publish one.")
            )
        return data

    @transaction.atomic
    def create(self, user) -> Assessment:
        assessment = Assessment.objects.create(
            organization=self.organization,
            questionnaire=self.cleaned_data["questionnaire"],
            title=self.cleaned_data["title"],
            created_by=user,
            mode=self.cleaned_data["mode"],
        )
        source = self.cleaned_data.get("prefill_from")
        if source is not None:
            carry_over_answers(source, assessment, user)
        return assessment


def carry_over_answers(source: Assessment, target: Assessment, user) -> int:
    """Copy answers whose question (by stable key) and chosen option exist in the target's version.

    An option matches as it does when a version is upgraded (`matching_option`: same score, same
    label). Returns the number of answers copied. Comments and evidence come along; who answered
    becomes the person starting the new cycle. Each copied answer is marked as not yet reviewed
    until someone confirms or changes it: a year-old answer is a guess until a person looks.
    """
    questions = {q.key: q for q in target.questionnaire.questions.prefetch_related("options")}
    copied = []
    olds = (
        source.answers.filter(respondent__isnull=True)
        .select_related("question", "option")
        .prefetch_related("question__options")
    )
    for old in olds:
        question = questions.get(old.question.key)
        if question is None:
            continue
        match = match_answer(old, question)
        if match.reason is not None:
            continue
        copied.append(
            Answer(
                assessment=target,
                question=question,
                kind=old.kind,
                option=match.option,
                boxes=match.boxes,
                reason=old.reason,
                comment=old.comment,
                evidence_url=old.evidence_url,
                answered_by=user,
                needs_review=old.kind != Answer.Kind.NOTE,
            )
        )
    Answer.objects.bulk_create(copied)
    AnswerChange.objects.record(copied, AnswerChange.How.CARRIED_OVER, user, source.title)
    return len(copied)
