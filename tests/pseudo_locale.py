"""A pseudo-locale for tests: every interface and questionnaire text, visibly "translated".

Each message becomes its source with every letter accented, padded about 30 % longer (as German
and French run) and wrapped in ⟦…⟧, placeholders and HTML left as they are. A page read in it
shows at a glance what escaped translation: any plain ASCII word that is not someone's own
content. The catalogue is made from the source code itself (makemessages into a temporary
directory), not from a committed catalogue, so a string wrapped today is pseudo today.

Used only by tests: the language is added to LANGUAGES (and LANG_INFO) by the tests that read it.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

from django.apps import apps

from assessments.content_language import _Translated

PSEUDO_LANGUAGE = "qps"
PSEUDO_INFO = {
    "bidi": False,
    "code": PSEUDO_LANGUAGE,
    "name": "Pseudo",
    "name_local": "Pseudo",
}
OPEN, CLOSE = "⟦", "⟧"
ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("assessments", "strategy", "ospo_assess", "templates")

_LOWER = "áƀçďëƒĝĥíĵķĺɱñóþʠŕšťúṽŵẋýž"
_UPPER = "ÁƁÇĎËƑĜĤÍĴĶĹṀÑÓṔɊŔŠŤÚṼŴẊÝŽ"
ACCENTS = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", _LOWER + _UPPER)
# What must reach the page as written: placeholders (%(name)s, %s, %d, {name}), HTML tags and
# entities, addresses, and Markdown link targets.
KEEP = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrx%]"
    r"|\{[^{}\s]*\}"
    r"|<[^>]*>"
    r"|&[#a-zA-Z0-9]+;"
    r"|https?://\S+"
    r"|\]\([^)]*\)"
)


def pseudo(text: str) -> str:
    """`text` accented, padded ~30 % and marked; placeholders, HTML and leading or trailing
    white space (which msgfmt compares with the source's) kept."""
    if not text or not text.strip():
        return text
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    head, body, tail = text[:start], text[start:end], text[end:]
    out, last = [], 0
    for match in KEEP.finditer(body):
        out.append(body[last : match.start()].translate(ACCENTS))
        out.append(match.group(0))
        last = match.end()
    out.append(body[last:].translate(ACCENTS))
    # In words of at most six, as a translation's longer words are: one long run would not wrap.
    tildes = "~" * max(1, math.ceil(len(body) * 0.3))
    padding = " ".join(tildes[i : i + 6] for i in range(0, len(tildes), 6))
    return f"{head}{OPEN}{''.join(out)}{padding}{CLOSE}{tail}"


# -- the interface catalogue ----------------------------------------------------------------


def _po_string(quoted: str) -> str:
    body = quoted[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    out, i = [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = escaped.split("\n")
    parts = [line + "\\n" for line in lines[:-1]] + [lines[-1]]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return f'"{parts[0] if parts else ""}"'
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


def read_po(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural (as present); obsolete ones left
    out, the header too."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if "msgid" in current:
                entries.append(current)
            if not line:
                current, key = {}, ""
            continue
        if line.startswith('"'):
            if key:
                current[key] += _po_string(line)
            continue
        key, _, rest = line.partition(" ")
        current[key] = _po_string(rest)
    seen: list[dict[str, str]] = []
    for entry in entries:
        if entry.get("msgid") and entry not in seen:
            seen.append(entry)
    return seen


def write_po(entries: list[dict[str, str]], path: Path) -> None:
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Language: qps\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    )
    blocks = [header]
    for entry in entries:
        lines = []
        if "msgctxt" in entry:
            lines.append(f"msgctxt {_quote(entry['msgctxt'])}")
        lines.append(f"msgid {_quote(entry['msgid'])}")
        if "msgid_plural" in entry:
            lines.append(f"msgid_plural {_quote(entry['msgid_plural'])}")
            lines.append(f"msgstr[0] {_quote(pseudo(entry['msgid']))}")
            lines.append(f"msgstr[1] {_quote(pseudo(entry['msgid_plural']))}")
        else:
            lines.append(f"msgstr {_quote(pseudo(entry['msgid']))}")
        blocks.append("\n".join(lines) + "\n\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(blocks), encoding="utf-8")


def extract_messages(workdir: Path) -> Path:
    """Every message of the source, by Django's makemessages run in `workdir` (links to the
    source folders), so nothing is written in the project's own catalogues."""
    for name in SOURCE_DIRS:
        link = workdir / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    (workdir / "locale").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "ospo_assess.settings"}
    env.setdefault("SECRET_KEY", "pseudo-locale")
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", PSEUDO_LANGUAGE, "--symlinks",
         "--no-obsolete", "-v0"],
        cwd=workdir, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return workdir / "locale" / PSEUDO_LANGUAGE / "LC_MESSAGES" / "django.po"


def build_catalogue(locale_dir: Path) -> Path:
    """Make and compile the pseudo catalogue under `locale_dir` (a LOCALE_PATHS entry)."""
    work = locale_dir.parent / "extract"
    work.mkdir(parents=True, exist_ok=True)
    entries = read_po(extract_messages(work))
    po = locale_dir / PSEUDO_LANGUAGE / "LC_MESSAGES" / "django.po"
    write_po(entries, po)
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)],
        check=True, capture_output=True,
    )  # fmt: skip
    return po


# -- questionnaire texts ---------------------------------------------------------------------


def translated_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, _Translated)]


def pseudo_value(value):
    if isinstance(value, str):
        return pseudo(value)
    if isinstance(value, dict):
        return {key: pseudo_value(text) for key, text in value.items()}
    return value


def translate_questionnaire_rows(language: str = PSEUDO_LANGUAGE) -> int:
    """Give every questionnaire row in the (test) database pseudo texts in `language`.

    Published versions refuse changes through their models; a plain update of the
    `translations` column on the base manager is what a test may do to its own database."""
    changed = 0
    for model in apps.get_models():
        fields = translated_fields(model)
        if not fields or not any(f.attname == "translations" for f in model._meta.fields):
            continue
        manager = model._base_manager
        for row in manager.values("pk", "translations", *fields):
            texts = {name: pseudo_value(row[name]) for name in fields if row[name]}
            translations = {**(row["translations"] or {}), language: texts}
            manager.filter(pk=row["pk"]).update(translations=translations)
            changed += 1
    return changed


__all__ = [
    "PSEUDO_LANGUAGE",
    "PSEUDO_INFO",
    "build_catalogue",
    "pseudo",
    "translate_questionnaire_rows",
]
