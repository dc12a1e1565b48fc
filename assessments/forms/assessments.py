from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from assessments.models import Answer, AnswerChange, Assessment, Organization, Questionnaire
from assessments.versioning import matching_option


class StartAssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    prefill_from = forms.ModelChoiceField(
        label=_("Start from the answers of"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("Nothing: start blank"),
        help_text=_(
            "For a re-assessment: answers carry over where the question is unchanged; "
            "review and update them."
        ),
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.questionnaire = Questionnaire.objects.latest_published()
        self.fields["prefill_from"].queryset = organization.assessments.order_by("-created_at")
        self.fields["title"].initial = _("OSPO assessment, %(month)s") % {
            "month": date_format(timezone.now(), "F Y")
        }

    def clean(self):
        data = super().clean()
        if self.questionnaire is None:
            raise forms.ValidationError(
                _("No questionnaire is published yet. Ask an administrator to publish one.")
            )
        return data

    @transaction.atomic
    def create(self, user) -> Assessment:
        assessment = Assessment.objects.create(
            organization=self.organization,
            questionnaire=self.questionnaire,
            title=self.cleaned_data["title"],
            created_by=user,
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
    for old in source.answers.filter(respondent__isnull=True).select_related("question", "option"):
        question = questions.get(old.question.key)
        if question is None:
            continue
        option = None
        if old.kind == Answer.Kind.OPTION:
            option = matching_option(old.option, question.options.all())
            if option is None:
                continue
        if old.kind == Answer.Kind.NOT_APPLICABLE and not question.allows_not_applicable:
            continue
        copied.append(
            Answer(
                assessment=target,
                question=question,
                kind=old.kind,
                option=option,
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
