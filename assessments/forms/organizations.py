"""Forms of an organization's settings: creating it, its members, its invitations, deleting it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Invitation, Membership, Organization


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name"]
        help_texts = {"name": _("You can invite colleagues once it exists.")}


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["role", "email", "single_use"]
        labels = {"email": _("Email (optional)")}
        help_texts = {
            "role": _("Everyone who joins through this link gets this role."),
            "email": _("If you give an address, the link is also sent there."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("single_use") and not cleaned.get("email"):
            self.add_error(
                "email", _("A single-use invitation needs the address of the person it is for.")
            )
        return cleaned


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
