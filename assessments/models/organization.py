from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.names import readable_slug

INVITATION_DAYS = 14

# The fixed paths right under /orgs/: an organization with one of these slugs would have its
# dashboard shadowed (/orgs/new/ is the "create an organization" page). A test checks that this
# covers every fixed `orgs/<segment>/` of the URLconf.
RESERVED_SLUGS = frozenset({"new"})
FALLBACK_SLUG = "organization"
SLUG_ATTEMPTS = 3


def validate_unreserved_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for a page of the site; choose another slug."),
            code="reserved",
            params={"slug": value},
        )


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def unique_slug(self, name: str) -> str:
        """A free, unreserved slug made from `name`, numbered when the plain one is taken."""
        max_length = Organization._meta.get_field("slug").max_length or 50
        # A name in any script keeps its letters (オープンソース推進室, مكتب-المصادر-المفتوحة);
        # one with none (only emoji or punctuation) gets a neutral slug, numbered like any other.
        base = readable_slug(name)[:max_length].strip("-") or FALLBACK_SLUG
        candidate, number = base, 1
        while candidate in RESERVED_SLUGS or self.filter(slug=candidate).exists():
            number += 1
            suffix = f"-{number}"
            candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        return candidate

    def create_with_owner(self, name: str, user, slug: str | None = None) -> Organization:
        """Create an organization with `user` as its owner (none when `user` is None).

        Without a `slug` one is made from the name; someone may take it between the check and
        the insert, so it is picked again a few times. A given `slug` is checked by the field's
        validators (the same ones the admin and the import apply) and raises `ValidationError`;
        a taken one raises `IntegrityError`.
        """
        if slug is not None:
            Organization._meta.get_field("slug").clean(slug, None)
        attempts_left = SLUG_ATTEMPTS
        while True:
            try:
                with transaction.atomic(using=self.db):
                    organization = self.create(name=name, slug=slug or self.unique_slug(name))
                    if user is not None:
                        Membership.objects.using(self.db).create(
                            organization=organization, user=user, role=Membership.Role.OWNER
                        )
                return organization
            except IntegrityError:
                attempts_left -= 1
                if slug is not None or not attempts_left:
                    raise


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # Unicode: letters and digits of any script, `_` and `-` (docs/architecture.md, "Names in
    # any script"). Slugs made before stay as they were.
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        allow_unicode=True,
        validators=[validate_unreserved_slug],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.get_role_display()})"

    @property
    def can_edit(self) -> bool:
        """May change answers, strategies and roadmaps (owners and editors; viewers only read)."""
        return self.role in (self.Role.OWNER, self.Role.EDITOR)

    @property
    def can_manage(self) -> bool:
        """May invite, change roles, reopen and delete (owners only)."""
        return self.role == self.Role.OWNER


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet):
    def usable(self) -> InvitationQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).exclude(
            single_use=True, uses__gt=0
        )


class Invitation(models.Model):
    """A link to join an organization with a given role.

    A reusable link lets whoever holds it join until it expires or is revoked. A single-use one
    is addressed to an e-mail: only a signed-in user whose account has that address (in any
    case) can accept it, once; then it is used up.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    email = models.EmailField(_("for (optional)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("times used"), default=0)
    single_use = models.BooleanField(
        _("single use, only for this address"),
        default=False,
        help_text=_(
            "Only someone signed in with an account of this e-mail address can accept it, once. "
            "Otherwise the link lets anyone who has it join, until it expires or you revoke it."
        ),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.expires_at is None:
            self.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
        super().save(*args, **kwargs)

    @property
    def is_used_up(self) -> bool:
        return self.single_use and self.uses > 0

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and not self.is_used_up

    def is_addressed_to(self, user) -> bool:
        """May `user` accept it? Anyone, for a reusable link; for a single-use one, only the
        owner of the address it names."""
        if not self.single_use:
            return True
        address = (getattr(user, "email", "") or "").strip()
        return bool(address) and address.casefold() == self.email.strip().casefold()


class SignupAttempt(models.Model):
    """A valid sign-up form sent from a client address; counted to slow down scripted account
    creation (an invalid form costs nothing, so it cannot use up the limit for others)."""

    ip_address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.ip_address} at {self.created_at}"
