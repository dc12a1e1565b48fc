"""Signing up. Logging in, out and resetting passwords are django.contrib.auth's own views."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from assessments.client_address import client_ip
from assessments.forms.accounts import SignupForm
from assessments.models import SignupAttempt


def safe_next(request) -> str:
    """The `next` the request carries, or "" if it would send the user to another site."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "assessments:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Only a form that would make an account counts: a stray or empty POST from anyone
        # must not use up an address's allowance.
        if _too_many_signups(request):
            form.add_error(
                None, _("Too many sign-ups from your network in the last hour. Try again later.")
            )
            return render(
                request, "registration/signup.html", {"form": form, "next": next_url}, status=429
            )
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user})
        return redirect(next_url or "assessments:organization_create")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def _too_many_signups(request) -> bool:
    """Record this valid sign-up and say whether its client address is over its hourly allowance."""
    ip_address = client_ip(request)
    since = timezone.now() - timedelta(hours=1)
    recent = SignupAttempt.objects.filter(ip_address=ip_address, created_at__gte=since).count()
    SignupAttempt.objects.create(ip_address=ip_address)
    return recent >= settings.SIGNUP_LIMIT_PER_HOUR
