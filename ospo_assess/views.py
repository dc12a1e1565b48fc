from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """For load balancers and orchestrators: 200 when the app can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
