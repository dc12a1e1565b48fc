"""Rendered pieces of pages kept under the exact state they show.

A results page is a pure function of the answers (named by `Assessment.answers_fingerprint`),
the frozen questionnaire version, the assessment's status, the language and the code that draws
it. Kept under a key made of all of them, a piece never needs invalidating: any change makes a
new key, and the old entry ages out of the cache. Anything personal (CSRF tokens, CSP nonces,
what the member may do) stays outside the cached piece.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as default_cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Rendered pieces are a few tens of kilobytes; a day is plenty for pages people come back to.
TIMEOUT_S = 24 * 3600


@cache
def code_version() -> str:
    """A digest of the templates and the Python code that draw pieces, taken once per process.

    A cache shared between processes (Redis, the database) may outlive a deployment; with this
    in the key, a new release never serves a piece drawn by the old one.
    """
    digest = hashlib.sha256()
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + [Path(__file__).resolve().parent]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".html", ".py", ".svg"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fragment_key(kind: str, *parts: object) -> str:
    text = ":".join(str(p) for p in (kind, code_version(), get_language() or "", *parts))
    # Cache backends limit key length and characters; a digest keeps any part safe.
    return f"fragment:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached_fragment(key: str | None, render: Callable[[], str]) -> SafeString:
    """The piece stored under `key`, rendered and stored first if missing; `None`: never kept.

    `render` must return template output: it is marked safe as it comes out of the cache.
    """
    if key is None:
        return mark_safe(render())
    html = default_cache.get(key)
    if html is None:
        html = render()
        default_cache.set(key, str(html), TIMEOUT_S)
    return mark_safe(html)
