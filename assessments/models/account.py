"""What a person sets for themselves, whatever the organization: the language they read in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings"
    )
    # Empty: the browser's language, as before anyone chose.
    language = models.CharField(
        _("language"), max_length=16, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def language_of(cls, user) -> str:
        return cls.objects.filter(user=user).values_list("language", flat=True).first() or ""

    @classmethod
    def choose_language(cls, user, language: str) -> None:
        cls.objects.update_or_create(user=user, defaults={"language": language})
