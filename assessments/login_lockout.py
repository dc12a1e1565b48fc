"""The login lockout: django-axes' database handler, plus a limit per address across accounts.

Axes locks a username and address pair after `LOGIN_FAILURE_LIMIT` wrong passwords. On its own
that lets one address try a few passwords against each of many accounts (password spraying)
without ever being locked. Axes takes one failure limit for all its lockout parameters, so this
handler adds the second limit itself: once an address has `LOGIN_ADDRESS_FAILURE_LIMIT` failures
within the lockout period, whatever the usernames, every log-in from it is refused until they
age out. It reads the same `AccessAttempt` rows axes writes (one per username, address and user
agent, counting failures), and a successful log-in still resets only its own username's rows.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AddressLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The pair's failures; at least axes' limit once the address is over its own limit.

        Axes compares this one number with its limit, both before a log-in is tried and after
        each failure, so raising it is how an address lockout joins axes' own.
        """
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def address_failures(request) -> int:
    """Failed log-ins from the request's address, for any username, in the lockout period."""
    ip_address = getattr(request, "axes_ip_address", None)
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
