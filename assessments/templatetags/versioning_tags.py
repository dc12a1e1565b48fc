"""Template tags about questionnaire versions."""

from django import template

from assessments.versioning import newer_version_hint

register = template.Library()


@register.simple_tag
def newer_questionnaire_version(assessment):
    """The newer published version `assessment` could move to, or None. Usually no query."""
    return newer_version_hint(assessment)
