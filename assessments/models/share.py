"""Read-only share links of a submitted assessment's results.

The token is 32 random bytes (`secrets.token_urlsafe`, 43 characters) and only its SHA-256 is
stored: a leaked database gives no working link, and the lookup compares digests of a secret the
visitor sent, so its timing says nothing about any stored token. The owner sees the link once,
when it is made; a lost link is revoked and made again.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = 30
DAY_CHOICES = (7, 30, 90)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def live(self, now=None):
        """Links that open today: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("share link")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.expires_at:%Y-%m-%d}"

    @classmethod
    def create_for(cls, assessment, user, days: int = DEFAULT_DAYS) -> tuple[ShareLink, str]:
        """A new link and its token, which is never stored and so shown only now."""
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            assessment=assessment,
            token_hash=token_digest(token),
            created_by=user,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return link, token

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
