"""`{% software_version %}` and `{% software %}`: this release's version, and its name with it,
for the footer of every page and the metadata of the PDFs (ospo_assess/about.py reads them)."""

from django import template

from ospo_assess import about

register = template.Library()


@register.simple_tag
def software_version() -> str:
    return about.version()


@register.simple_tag
def software() -> str:
    return about.software()
