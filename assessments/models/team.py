"""The people who answer an assessment each on their own, before the team agrees its answers.

An assessment run as "individual answers, then consensus" has respondents: members of the
organization an owner asked to answer, each with their own answer rows (`Answer.respondent`).
The agreed answers (no respondent) are what is scored; the consensus view sets them from the
individual ones (docs/team.md).

A respondent outlives their membership: when a member leaves the organization their answers
stay in the aggregates, but `user` is emptied, so nothing ties them to a person any more; the
respondent is then only "Respondent 3".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class RespondentQuerySet(models.QuerySet["Respondent"]):
    def of_user(self, assessment, user) -> Respondent | None:
        if not getattr(user, "pk", None):
            return None
        return self.filter(assessment=assessment, user_id=user.pk).first()

    def anonymize(self, organization, user) -> int:
        """Detach `user` from their answers in `organization`'s assessments (they left it).

        The answers stay, under the respondent's number only; whoever they answered as, the
        rows and their history no longer name them. The agreed answers, which the team owns,
        keep whoever wrote them. `organization` and `user` may be instances or ids. All or
        nothing, and inside the caller's transaction when there is one, so that a membership is
        never gone while its answers still carry the name. Returns the respondents anonymized.
        """
        from assessments.models.assessment import Answer
        from assessments.models.history import AnswerChange

        with transaction.atomic(using=self.db):
            mine = self.filter(assessment__organization=organization, user=user)
            ids = list(mine.select_for_update().values_list("pk", flat=True))
            if not ids:
                return 0
            # A plain UPDATE: anonymizing changes no answer, so no revision moves and no
            # result kept under the answers fingerprint changes.
            models.QuerySet(Answer).filter(respondent_id__in=ids).update(answered_by=None)
            AnswerChange.objects.filter(respondent_id__in=ids).update(changed_by=None)
            return self.filter(pk__in=ids).update(user=None)


class Respondent(models.Model):
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="respondents"
    )
    # Empty once the person left the organization: their answers stay, without their name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # "Respondent 3", where names are hidden or the person has left: stable, never reused.
    number = models.PositiveSmallIntegerField()
    # The key of the layer of work this person speaks for ("" for none): results compare the
    # groups so formed with the agreed result.
    speaks_for = models.CharField(_("speaks for"), max_length=80, blank=True)
    # The keys of the sections this person is asked to answer; empty: all of them.
    sections = models.JSONField(_("sections"), default=list, blank=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=Q(user__isnull=False),
                name="one_respondent_per_user",
            ),
            models.UniqueConstraint(
                fields=["assessment", "number"], name="one_respondent_per_number"
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    @property
    def has_left(self) -> bool:
        return self.user_id is None

    @property
    def has_submitted(self) -> bool:
        return self.submitted_at is not None

    def anonymous_label(self) -> str:
        return gettext("Respondent %(number)s") % {"number": self.number}

    def label(self, names: bool = True) -> str:
        """What pages call this person: their name, or their number where names are hidden or
        the person has left the organization."""
        if not names or self.user is None:
            return self.anonymous_label()
        return self.user.get_full_name() or self.user.get_username()

    def answers_section(self, key: str) -> bool:
        """Is this person asked to answer the section `key`? All of them, unless assigned."""
        return not self.sections or key in self.sections

    def may_see_others(self) -> bool:
        """May this respondent see the aggregate of the others' answers (never their names)?"""
        from assessments.models.assessment import Assessment

        seen = self.assessment.others_answers
        if seen == Assessment.OthersAnswers.ALWAYS:
            return True
        if seen == Assessment.OthersAnswers.AFTER_OWN:
            return self.has_submitted
        return False


@receiver(post_delete, sender="assessments.Membership")
def _anonymize_who_left(sender, instance, origin=None, **kwargs) -> None:
    """However a membership ends (the members page, the admin, a deleted account), the person's
    own answers stay without their name: in the deletion's own transaction.

    Deleting the whole organization deletes the answers too: nothing to do then.
    """
    from assessments.models.organization import Organization

    if isinstance(origin, Organization) or (
        isinstance(origin, models.QuerySet) and origin.model is Organization
    ):
        return
    Respondent.objects.anonymize(instance.organization_id, instance.user_id)
