"""The forms of an assessment's team page: how the team answers, and who answers on their own."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Respondent

MODE_HELP = {
    Assessment.Mode.SHARED: _(
        "Everyone answers the same questions together; the last save counts."
    ),
    Assessment.Mode.INDIVIDUAL: _(
        "Each respondent answers on their own first; then the team compares and agrees the answers "
        "that are scored."
    ),
}
OTHERS_HELP = {
    Assessment.OthersAnswers.AFTER_OWN: _(
        "Nobody is swayed by the first answers they see: each sees how the others answered once "
        "they submitted their own."
    ),
    Assessment.OthersAnswers.ALWAYS: _("Respondents see how the others answered while answering."),
    Assessment.OthersAnswers.NEVER: _("Only owners and editors see the others' answers."),
}


def mode_field(required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        required=required,
        label=_("How the team answers"),
        choices=Assessment.Mode.choices,
        initial=Assessment.Mode.SHARED,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the two ways of answering."),
            "invalid_choice": _("Choose one of the two ways of answering."),
        },
    )


class TeamSettingsForm(forms.Form):
    mode = mode_field()
    others_answers = forms.ChoiceField(
        label=_("Respondents see the others' answers (how many chose what, never who)"),
        choices=Assessment.OthersAnswers.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose when respondents see the others' answers."),
            "invalid_choice": _("Choose when respondents see the others' answers."),
        },
    )


class RespondentForm(forms.Form):
    """A respondent's assignment: the layer they speak for and the sections they answer; when
    adding, also which member of the organization."""

    user = forms.TypedChoiceField(
        label=_("Member"),
        coerce=int,
        error_messages={
            "required": _("Choose a member of the organization."),
            "invalid_choice": _("Choose a member of the organization who is not a respondent yet."),
        },
    )
    speaks_for = forms.ChoiceField(label=_("Speaks for"), required=False)
    sections = forms.MultipleChoiceField(
        label=_("Sections they answer"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all sections."),
        error_messages={"invalid_choice": _("Choose sections of this questionnaire.")},
    )

    def __init__(
        self,
        *args,
        assessment: Assessment,
        structure,
        respondent: Respondent | None = None,
        layers: list[tuple[str, str]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.respondent = respondent
        questionnaire = assessment.questionnaire
        names = questionnaire.axis_names
        field = self.fields["speaks_for"]
        field.label = _("Speaks for (%(layer)s)") % {"layer": names.layer_lower}
        field.choices = [("", _("No one %(layer)s in particular") % {"layer": names.layer_lower})]
        if layers is None:  # a page of many such forms reads them once and passes them
            layers = [(layer.key, layer.name) for layer in questionnaire.layers.all()]
        field.choices += layers
        field.error_messages["invalid_choice"] = _(
            "Choose one of this questionnaire's %(layers)s."
        ) % {"layers": names.layers_lower}
        self.fields["sections"].choices = [(s.key, s.title) for s in structure.sections]
        if respondent is not None:
            del self.fields["user"]
            self.initial.setdefault("speaks_for", respondent.speaks_for)
            self.initial.setdefault("sections", respondent.sections)
        else:
            taken = assessment.respondents.exclude(user=None).values("user_id")
            members = list(
                get_user_model()
                .objects.filter(memberships__organization_id=assessment.organization_id)
                .exclude(pk__in=taken)
                .order_by("username")
            )
            self.fields["user"].choices = [("", _("Choose a member"))] + [
                (user.pk, user.get_full_name() or user.get_username()) for user in members
            ]
            self.members = {user.pk: user for user in members}

    def clean_sections(self) -> list[str]:
        chosen = set(self.cleaned_data["sections"])
        every = [key for key, _title in self.fields["sections"].choices]
        # Ticking every section is the same as ticking none: all of them, also those a later
        # version might add.
        return [] if chosen >= set(every) else [key for key in every if key in chosen]
