"""The URL patterns of the two apps, and how to fill one in: for tests that request every page
(tenancy, headers), so that a new page is covered without being listed."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

APP_NAMESPACES = ("assessments", "strategy")


def app_patterns() -> list[URLPattern]:
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif namespace in APP_NAMESPACES:
                entry.namespace = namespace
                found.append(entry)

    walk(get_resolver().url_patterns, None)
    return found


def fill(pattern: URLPattern, values: dict) -> str:
    """The pattern's URL with `values`; `namespace:name` keys win over plain `name` keys."""
    prefix = pattern.namespace + ":"
    scoped = values | {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
    names = list(pattern.pattern.converters)
    missing = [n for n in names if n not in scoped]
    assert not missing, f"the test's values do not fill {missing} of {pattern.name}"
    return reverse(f"{pattern.namespace}:{pattern.name}", kwargs={n: scoped[n] for n in names})
