"""Middleware of the project itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import check_for_language

from assessments.content_language import source_texts

# Pages anyone may see and that show nothing of a visitor's own: they keep whatever caching
# they have (the health check sets its own `never_cache`).
PUBLIC_VIEWS = frozenset(
    {
        "assessments:home",
        "assessments:model",
        "assessments:model_version",
        "healthz",
        "about",
        "license_text",
    }
)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response but the public pages'.

    Organization pages, their exports (CSV, JSON, Markdown, PDF) and the account pages show one
    person's or one organization's data: no shared cache may keep them, and no browser should
    write them to disk, where the next person at a shared computer finds them in its history.
    Everything is private unless listed in PUBLIC_VIEWS, so a new page is private until someone
    decides otherwise. Static files never get here: WhiteNoise, above this in MIDDLEWARE, answers
    them first with its own long-lived caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or match.view_name not in PUBLIC_VIEWS:
            patch_cache_control(response, private=True, no_store=True)
        return response


# The session key that holds the language a signed-in person chose on their account, copied there
# at login (ospo_assess/language.py), so that no request reads the account for it.
SESSION_LANGUAGE = "reader_language"


class ReaderLanguageMiddleware(LocaleMiddleware):
    """Django's locale middleware, with the account's language first.

    The order: the language chosen on the account, then the switcher's cookie, then the
    browser's Accept-Language, then English. The admin edits a questionnaire's source texts, so
    there every translatable field reads as written (assessments/content_language.py), in
    whatever language the admin's own words are.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.session.get(SESSION_LANGUAGE) if hasattr(request, "session") else None
        if chosen and check_for_language(chosen) and chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        else:
            super().process_request(request)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The language is the thread's: put back what was active before, so that a request's
        # language never outlives it (in tests, the test's own thread runs the request).
        previous = translation.get_language()
        try:
            if request.path_info.startswith("/admin/"):
                with source_texts():
                    return super().__call__(request)
            return super().__call__(request)
        finally:
            translation.activate(previous) if previous else translation.deactivate()
