"""The text of a page as a reader sees it, and our model's words found in it: for tests that
check a model which names its levels and axes otherwise never shows ours."""

import re
from html.parser import HTMLParser

# The shipped model's words, which a model that names its axes otherwise must never show.
OURS = re.compile(r"\b(stages?|layers?|pillars?|ospo|five)\b", re.IGNORECASE)


class _VisibleText(HTMLParser):
    """The text a reader sees: element content, not attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def ours_in(text: str) -> list[str]:
    """Each of our words found, with some context, for a readable failure."""
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in OURS.finditer(text)]
