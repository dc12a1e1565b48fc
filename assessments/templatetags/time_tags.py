"""How long ago something happened, in the words every page uses.

Dates themselves go through Django's localization with no format of our own: `|date` (the
language's DATE_FORMAT) for a day, `|date:"DATETIME_FORMAT"` for a moment, so one language shows
one style everywhere.
"""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

register = template.Library()


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """'just now' under a minute (timesince alone says '0 minutes'), else '3 minutes ago'."""
    if not value:
        return ""
    now = now or timezone.now()
    if now - value < timedelta(minutes=1):
        return gettext("just now")
    # timesince counts each unit with ngettext: '1 minute', '2 hours'.
    return gettext("%(time)s ago") % {"time": timesince(value, now)}
