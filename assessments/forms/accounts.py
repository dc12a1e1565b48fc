"""Signing up: the stock user creation form, plus the email address password resets are sent to."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email"),
        required=True,
        max_length=254,
        help_text=_("Used only to send you a link if you forget your password."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        # The email is a model field so that the password validators, which run against the
        # unsaved user, can reject a password that resembles it.
        fields = ("username", "email")
