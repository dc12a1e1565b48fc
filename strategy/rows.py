"""The structured parts of a strategy as data: KPIs, risks, budget lines, policies, staffing.

Each kind is a small schema (its fields, their types and limits) and belongs to one section of
the template. A row stores its values as JSON (`strategy.models.StructuredRow.data`), checked by
`clean`, a pure function over plain data: no database, no forms. Why one model with a kind and
JSON rather than a model per kind: see docs/strategy.md, "Template and structured parts".

The maturity level a KPI evidences is a stage of the assessment's questionnaire version, stored
by its level and shown in that version's words (`stages` below are (level, name) pairs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

TEXT, LONG, CHOICE, DECIMAL, DATE, URL, STAGE = (
    "text",
    "long",
    "choice",
    "decimal",
    "date",
    "url",
    "stage",
)
MAX_ROWS = 100  # per kind and strategy: a register longer than this belongs in another tool
MAX_DECIMAL = Decimal("1000000000000")

# A small scale for a risk's likelihood and impact.
SCALE = (("low", _("Low")), ("medium", _("Medium")), ("high", _("High")))
BUDGET_KINDS = (
    ("people", _("People")),
    ("tools", _("Tools")),
    ("memberships", _("Memberships")),
    ("events", _("Events")),
    ("other", _("Other")),
)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = TEXT
    required: bool = False
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Kind:
    key: str
    section: str  # the key of the template section the rows belong to
    noun: str  # one row, in words: "KPI"
    plural: str
    missing: str  # what the overview says when there is none: "no KPI yet"
    fields: tuple[Field, ...]

    @property
    def title_field(self) -> str:
        return self.fields[0].name


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "kpi",
            "where-we-aim",
            _("KPI"),
            _("Key performance indicators"),
            _("no KPI yet"),
            (
                Field("name", _("Indicator"), required=True),
                Field("baseline", _("Baseline"), max_length=100, help=_("Its value today.")),
                Field("target", _("Target"), required=True, max_length=100),
                Field("date", _("By"), DATE, help=_("For example: 2027-12-31.")),
                Field("owner", _("Owner")),
                Field("stage", _("Evidence of"), STAGE),
            ),
        ),
        Kind(
            "risk",
            "risks",
            _("risk"),
            _("Risk register"),
            _("no risk yet"),
            (
                Field("risk", _("Risk"), required=True, max_length=500),
                Field("likelihood", _("Likelihood"), CHOICE, required=True, choices=SCALE),
                Field("impact", _("Impact"), CHOICE, required=True, choices=SCALE),
                Field("owner", _("Owner")),
                Field("mitigation", _("Mitigation"), LONG, max_length=2000),
            ),
        ),
        Kind(
            "budget",
            "budget",
            _("budget line"),
            _("Budget lines"),
            _("no budget line yet"),
            (
                Field("item", _("Item"), required=True),
                Field("kind", _("Kind"), CHOICE, required=True, choices=BUDGET_KINDS),
                Field("cost", _("Cost per year"), DECIMAL, required=True),
                Field("benefit", _("Benefit"), LONG, max_length=1000),
            ),
        ),
        Kind(
            "policy",
            "policies",
            _("policy"),
            _("Policies"),
            _("no policy yet"),
            (
                Field("name", _("Policy"), required=True),
                Field("owner", _("Owner")),
                Field("version", _("Version"), max_length=50),
                Field("link", _("Link"), URL, max_length=500),
            ),
        ),
        Kind(
            "staff",
            "governance",
            _("role"),
            _("Staffing"),
            _("no role yet"),
            (
                Field("role", _("Role"), required=True),
                Field("fte", _("FTE"), DECIMAL, required=True, help=_("For example: 0.5.")),
                Field("who", _("Who"), help=_("A name, or leave empty while the role is open.")),
            ),
        ),
    )
}
BY_SECTION: dict[str, Kind] = {kind.section: kind for kind in KINDS.values()}


def _decimal(text: str) -> Decimal | None:
    # People type "120 000", "1,5" or "0.5": spaces are grouping, a lone comma is a decimal point.
    text = text.replace(" ", "").replace("\u00a0", "").replace("'", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def clean(
    kind: Kind, data: Mapping[str, str], stages: Sequence[tuple[int, str]] = ()
) -> tuple[dict, dict[str, list[str]]]:
    """The row's values as stored, and the errors per field; nothing is stored if any.

    Text is stripped; a decimal is kept as a string of its exact value ("0.5"), a date as ISO
    text, a stage as its level (an int), an empty optional value as "" (None for a stage).
    """
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for field in kind.fields:
        raw = str(data.get(field.name) or "").strip()
        if not raw:
            if field.required:
                errors[field.name] = [str(_("Fill in this field."))]
            values[field.name] = None if field.type == STAGE else ""
            continue
        limit = field.max_length if field.type in (TEXT, LONG, URL) else 100
        if len(raw) > limit:
            message = _("At most %(limit)s characters (this has %(length)s).")
            errors[field.name] = [str(message) % {"limit": limit, "length": len(raw)}]
            continue
        value, error = _typed(field, raw, stages)
        if error:
            errors[field.name] = [error]
        else:
            values[field.name] = value
    return (values if not errors else {}), errors


def _typed(field: Field, raw: str, stages: Sequence[tuple[int, str]]) -> tuple[object, str]:
    if field.type == CHOICE:
        if raw not in {key for key, _label in field.choices}:
            names = ", ".join(str(label) for _key, label in field.choices)
            return None, str(_("Choose one of: %(names)s.")) % {"names": names}
        return raw, ""
    if field.type == DECIMAL:
        value = _decimal(raw)
        if value is None:
            return None, str(_("Enter a number, for example 0.5 or 12000."))
        if value < 0 or value >= MAX_DECIMAL:
            return None, str(_("Enter a number from 0 to less than a trillion."))
        return format(value.normalize(), "f"), ""
    if field.type == DATE:
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            return None, str(_("Enter a date as year-month-day, for example 2027-12-31."))
        return day.isoformat(), ""
    if field.type == URL:
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None, str(_("Enter a web address starting with https:// or http://."))
        return raw, ""
    if field.type == STAGE:
        levels = {level for level, _name in stages}
        if not raw.lstrip("-").isdigit() or int(raw) not in levels:
            return None, str(_("Choose one of the assessment's levels."))
        return int(raw), ""
    return raw, ""


def display(kind: Kind, data: Mapping, stages: Mapping[int, str], currency: str = "") -> list[str]:
    """The row's values as the document shows them, one string per column."""
    out = []
    for field in kind.fields:
        value = data.get(field.name)
        if value is None or value == "":
            out.append("")
        elif field.type == CHOICE:
            out.append(str(dict(field.choices).get(value, value)))
        elif field.type == STAGE:
            name = stages.get(value)
            out.append(f"{value} · {name}" if name else str(value))
        elif field.type == DECIMAL:
            out.append(number(value, currency if field.name == "cost" else ""))
        else:
            out.append(str(value))
    return out


def number(value: str | Decimal, currency: str = "") -> str:
    """12000 as "12 000" (a narrow no-break space groups, so it never breaks), with a currency;
    a fraction with the active language's decimal sign (0.5, 0,5)."""
    amount = Decimal(str(value))
    whole, _dot, fraction = format(amount, "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    text = grouped + (f"{formats.get_format('DECIMAL_SEPARATOR')}{fraction}" if fraction else "")
    return f"{text}\u00a0{currency}" if currency else text


def total(kind: Kind, rows: Sequence[Mapping], field: str) -> Decimal | None:
    """The sum of a decimal field over rows, None when there is no row."""
    if not rows:
        return None
    return sum((Decimal(str(r.get(field) or 0)) for r in rows), Decimal(0))


# --- Completeness ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionState:
    """What completeness needs of a section, as plain data."""

    key: str
    body: str
    generated: bool = False  # written from the assessment: complete when its block exists
    has_block: bool = False
    rows: int = 0


@dataclass(frozen=True)
class Completeness:
    complete: bool
    missing: str  # what is missing, in words; "" when complete


def completeness(state: SectionState) -> Completeness:
    """A section is complete when what it asks for is there.

    A structured section (KPIs, risks…) asks for at least one row; its text is optional. A
    generated section counts once its generated block exists (or it has any text). Any other
    section asks for some text, of any length.
    """
    kind = BY_SECTION.get(state.key)
    if kind is not None:
        if state.rows:
            return Completeness(True, "")
        return Completeness(False, str(kind.missing))
    if state.body.strip() or (state.generated and state.has_block):
        return Completeness(True, "")
    if state.generated:
        return Completeness(False, str(_("not drafted yet")))
    return Completeness(False, str(_("no text yet")))
