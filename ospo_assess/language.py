"""Choosing the language one reads in: the switcher's view and the account's language at login."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.models import AccountSettings
from assessments.views.accounts import safe_next
from ospo_assess.middleware import SESSION_LANGUAGE


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Read the site in another language from now on: on the account when signed in (every
    device it signs in on), and in a cookie for this browser (before signing in too)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(
            _("“%(language)s” is not a language this site is available in.")
            % {"language": language},
            content_type="text/plain; charset=utf-8",
        )
    if request.user.is_authenticated:
        AccountSettings.choose_language(request.user, language)
        request.session[SESSION_LANGUAGE] = language
    # The page it was chosen on; never another site.
    response = HttpResponseRedirect(safe_next(request) or "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@receiver(user_logged_in)
def _language_of_account(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """At login, the language chosen on the account wins over this browser's."""
    if request is None or not hasattr(request, "session"):
        return
    language = AccountSettings.language_of(user)
    if language and language in dict(settings.LANGUAGES):
        request.session[SESSION_LANGUAGE] = language
