"""URL converters of the project's own.

An organization's slug may be in any script (`Organization.slug` allows Unicode, made by
`slugify(name, allow_unicode=True)`): Django's `<slug:...>` converter takes ASCII only, so
organization URLs use `<unicode_slug:...>`, which takes what a Unicode slug may hold: letters and
digits of any script, `_` and `-` (the same as `validate_unicode_slug`). Browsers send such a
path percent-encoded as UTF-8; Django decodes it before resolving, and `reverse()` encodes it
again.
"""

from django.urls import register_converter


class UnicodeSlugConverter:
    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered on import: both apps' URLconfs import this module before their patterns.
register_converter(UnicodeSlugConverter, "unicode_slug")
