"""Authored Markdown on the assessment pages, through the one sanitizer the strategy uses."""

from django import template
from django.utils.safestring import SafeString

from strategy.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown rendered, then sanitized by nh3 (no raw HTML, no images, safe link schemes)."""
    return render_markdown(text)
