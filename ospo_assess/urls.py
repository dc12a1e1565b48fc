from django.contrib import admin
from django.urls import include, path

from ospo_assess.language import choose_language
from ospo_assess.views import about_page, healthz, license_text, session_ping

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("about/", about_page, name="about"),
    path("about/license/", license_text, name="license_text"),
    path("accounts/session/", session_ping, name="session_ping"),
    path("language/", choose_language, name="choose_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("strategy.urls")),
    path("", include("assessments.urls")),
]
