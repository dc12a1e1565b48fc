from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ospo_assess import about


@never_cache
@require_safe
def healthz(request):
    """For load balancers and orchestrators: 200 when the app can reach its database, with the
    version that answers (which release a rolling deployment has reached)."""
    version = about.version()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {"status": "error", "database": "unreachable", "version": version}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "version": version})


@never_cache
@require_safe
def session_ping(request):
    """Whether the visitor is signed in: 204 if so, 401 if not.

    The cheapest request a signed-in person makes (the session and the user are loaded, through
    every middleware), which makes it the benchmark's floor for signed-in pages; a page that
    keeps someone editing for a long time can also call it to learn that their session ended.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return HttpResponse(status=204)


@require_safe
def about_page(request):
    """What this software is: version, licence, source, and the third-party notices. Public: it
    shows nothing of the visitor's."""
    return render(
        request,
        "about.html",
        {
            "version": about.version(),
            "license": about.LICENSE,
            "license_url": about.LICENSE_URL,
            "source_url": settings.SOURCE_URL,
            "notices": about.notices(),
        },
    )


@require_safe
def license_text(request):
    """The project's LICENSE file as shipped, as plain text."""
    text = about.notices().license_text
    if text is None:
        raise Http404("No LICENSE file ships with this installation.")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
