from django.contrib import admin
from django.urls import include, path

from ospo_assess.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("strategy.urls")),
    path("", include("assessments.urls")),
]
