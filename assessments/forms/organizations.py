"""Forms of an organization's settings: creating it, its members, its invitations, deleting it."""

from __future__ import annotations

from django import forms
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from assessments.models import Invitation, Membership, Organization

# "new" would give the dashboard URL /orgs/new/, which the "create an organization" page owns.
RESERVED_SLUGS = frozenset({"new"})
FALLBACK_SLUG = "organization"
SLUG_ATTEMPTS = 3


def unique_slug(name: str) -> str:
    max_length = Organization._meta.get_field("slug").max_length
    # URLs only accept ASCII slugs; a name written entirely in another script gets a neutral one.
    base = slugify(name)[:max_length].strip("-") or FALLBACK_SLUG
    candidate, number = base, 1
    while candidate in RESERVED_SLUGS or Organization.objects.filter(slug=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name"]
        help_texts = {"name": _("You can invite colleagues once it exists.")}

    def save(self, *, owner) -> Organization:
        name = self.cleaned_data["name"]
        attempts_left = SLUG_ATTEMPTS
        while True:
            try:
                with transaction.atomic():
                    organization = Organization.objects.create(name=name, slug=unique_slug(name))
                    Membership.objects.create(
                        organization=organization, user=owner, role=Membership.Role.OWNER
                    )
                return organization
            except IntegrityError:
                # Someone took the same slug between the check and the insert: pick again.
                attempts_left -= 1
                if not attempts_left:
                    raise


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["role", "email"]
        labels = {"email": _("Email (optional)")}
        help_texts = {
            "role": _("Everyone who joins through this link gets this role."),
            "email": _("If you give an address, the link is also sent there."),
        }


class OrganizationDeleteForm(forms.Form):
    confirm_name = forms.CharField(label=_("Type the name of the organization to confirm"))

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        self.organization = organization
        kwargs.setdefault("prefix", "delete")
        super().__init__(*args, **kwargs)
        self.fields["confirm_name"].widget.attrs["autocomplete"] = "off"

    def clean_confirm_name(self) -> str:
        value = self.cleaned_data["confirm_name"]
        if value != self.organization.name:
            raise forms.ValidationError(
                _("This is not the name of the organization; nothing was deleted."),
                code="mismatch",
            )
        return value
