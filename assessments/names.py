"""Names in any script, in URLs and file names.

Slugs and download names keep the letters of every script: an organization called
オープンソース推進室 is /orgs/オープンソース推進室/ and downloads オープンソース推進室-….csv, not
/orgs/organization-3/ and "-….csv". A name whose letters all fold to ASCII keeps the ASCII slug
it always had ("Société Générale" is still societe-generale, easy to type). docs/architecture.md
("Names in any script") says why Unicode slugs rather than a transliteration.
"""

from __future__ import annotations

from django.utils.http import content_disposition_header
from django.utils.text import slugify


def readable_slug(text: str) -> str:
    """`text` as a slug that keeps its letters, whatever the script; "" when it has none.

    ASCII when folding the accents away loses no letter (é -> e), else Unicode: "Straße" keeps
    its ß, "OSPO 推進室" its kanji (the ASCII slug would be "strae" and "ospo").
    """
    unicode = slugify(text, allow_unicode=True)
    ascii = slugify(text)
    return ascii if _letter_count(ascii) == _letter_count(unicode) else unicode


def _letter_count(slug: str) -> int:
    return len(slug.replace("-", ""))


def download_name(*parts: str, extension: str) -> str:
    """A file name from `parts` (each made a readable slug; empty ones left out)."""
    stem = "-".join(slug for part in parts if (slug := readable_slug(part)))
    return f"{stem or 'download'}.{extension}"


def attachment(filename: str) -> str:
    """The Content-Disposition of a download called `filename`. A non-ASCII name goes in
    `filename*` (RFC 6266), which every current browser reads; an ASCII one as before."""
    return content_disposition_header(as_attachment=True, filename=filename)
