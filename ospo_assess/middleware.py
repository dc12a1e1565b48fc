"""Middleware of the project itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Pages anyone may see and that show nothing of a visitor's own: they keep whatever caching
# they have (the health check sets its own `never_cache`).
PUBLIC_VIEWS = frozenset(
    {"assessments:home", "assessments:model", "assessments:model_version", "healthz"}
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
