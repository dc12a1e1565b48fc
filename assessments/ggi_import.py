"""The OSPO Alliance Good Governance Initiative's activities as a questionnaire version.

`activities_document` turns the GGI activities JSON (the handbook's activities, as the
ospo-alliance/my-ggi-board project publishes them in conf/ggi_activities_full.json) into a
`QuestionnaireDoc` scored by `progress`: one section per activity, one checklist of its
verification points, roles as the first axis and goals as the second. Nothing here touches the
database; `import_ggi` validates the result with the format's one validator and loads it as
`load_questionnaire` does. The mapping and its reasons: docs/ggi-import.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assessments.questionnaire_file import rules
from assessments.questionnaire_file.document import (
    OptionDoc,
    QuestionDoc,
    QuestionnaireDoc,
    ResourceDoc,
    SectionDoc,
    TaxonDoc,
)

KEY = "ggi"
SOURCE = "https://gitlab.ow2.org/ggi/ggi"
NONE_YET = "None of these yet"
# The Markdown headings of an activity's content ("### Tools"), lowercased.
DESCRIPTION = "description"
OPPORTUNITY = "opportunity assessment"
PROGRESS = "progress assessment"
TOOLS = "tools"
RECOMMENDATIONS = "recommendations"
RESOURCES = "resources"
NEXT = "proposed next activities"

_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$")
_POINT = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s+(.+?)\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_ACTIVITY_ID = re.compile(r"^Activity ID:\s*\[[^\]]*\]\(\s*([^)\s]+)\s*\)", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")


class GGIError(Exception):
    """Every problem of the input, each naming where it is; nothing is written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Activity:
    id: str
    name: str
    roles: list[str]
    goal: str
    parts: dict[str, str]
    points: list[str]
    link: str = ""  # the activity's page in the handbook, from its "Activity ID:" line


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def plain(markdown: str) -> str:
    """One line of Markdown as text: links as their words, no emphasis marks."""
    text = _LINK.sub(r"\1", markdown)
    text = _EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def sections_of(content: str) -> dict[str, str]:
    """An activity's Markdown by its `###` headings (lowercased), each part trimmed."""
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in content.splitlines():
        heading = _HEADING.match(line)
        if heading:
            # `## Name` opens the activity; what follows it up to the first `###` is its header.
            current = (
                None
                if heading.group(1) == "##"
                else parts.setdefault(heading.group(2).strip().lower(), [])
            )
            continue
        if current is not None:
            current.append(line)
    return {name: "\n".join(lines).strip() for name, lines in parts.items()}


def verification_points(progress: str) -> list[str]:
    """The `- [ ] …` lines, each with the indented lines that continue it, as plain text."""
    points: list[str] = []
    open_item = False  # whether an indented line continues the last point
    for line in progress.splitlines():
        found = _POINT.match(line)
        if found:
            points.append(found.group(1))
            open_item = True
        elif open_item and line.startswith((" ", "\t")) and line.strip():
            points[-1] += " " + line.strip()
        elif line.strip():
            open_item = False  # a paragraph ends the list
    return [plain(p) for p in points if p.strip()]


def _first_paragraph(markdown: str) -> str:
    for paragraph in re.split(r"\n\s*\n", markdown):
        if paragraph.strip():
            return plain(paragraph)
    return ""


def _links(markdown: str) -> list[ResourceDoc]:
    seen: set[str] = set()
    found = []
    for text, url in _LINK.findall(markdown):
        if url in seen or rules.url_problem(url) is not None:
            continue  # a relative or mailto link, or the same address twice
        seen.add(url)
        found.append(ResourceDoc(title=_shorten(plain(text), rules.RESOURCE_TITLE_LENGTH), url=url))
    return found[: rules.MAX_RESOURCES]


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _box(point: str) -> OptionDoc:
    """A verification point as a box; one too long for a label keeps its whole text below it."""
    label = _shorten(point, rules.LABEL_LENGTH)
    return OptionDoc(
        score=0,
        label=label,
        description=point if label != point else "",
        weight=1,
    )


def _help(activity: _Activity) -> str:
    """Description, Opportunity Assessment, Tools and Proposed next activities, as written."""
    where = f"[{activity.id}]({activity.link})" if activity.link else activity.id
    blocks = [
        f"Activity {where} of the Good Governance Initiative. Roles: {', '.join(activity.roles)}."
    ]
    for heading, name in (
        (DESCRIPTION, "Description"),
        (OPPORTUNITY, "Opportunity assessment"),
        (TOOLS, "Tools"),
        (NEXT, "Proposed next activities"),
    ):
        if activity.parts.get(heading):
            blocks.append(f"#### {name}\n\n{activity.parts[heading]}")
    return _shorten_markdown("\n\n".join(blocks))


def _shorten_markdown(text: str) -> str:
    if len(text) <= rules.MARKDOWN_LENGTH:
        return text
    cut = text[: rules.MARKDOWN_LENGTH - 200].rsplit("\n\n", 1)[0]
    return f"{cut}\n\n*(Shortened; the handbook has the rest: {SOURCE}.)*"


def _text(data: dict, name: str, where: str, problems: list[str]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{name}' is missing or is not text")
        return ""
    return value.strip()


def _read_activities(
    data: dict, goals: dict[str, str], roles: list[str], problems: list[str]
) -> list[_Activity]:
    raw = data.get("activities")
    if not isinstance(raw, list) or not raw:
        problems.append("'activities' is missing or is not a non-empty list")
        return []
    activities = []
    for index, item in enumerate(raw):
        where = f"activities[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        ident = _text(item, "id", where, problems)
        where = f"{where} ({ident})" if ident else where
        name = _text(item, "name", where, problems)
        goal = _text(item, "goal", where, problems)
        content = _text(item, "content", where, problems)
        if goal and goal not in goals:
            problems.append(f"{where}: goal {goal!r} is not one of the goals ({', '.join(goals)})")
        its_roles = item.get("roles")
        if not isinstance(its_roles, list) or not its_roles:
            problems.append(f"{where}: 'roles' is missing or is not a non-empty list")
            its_roles = []
        for role in its_roles:
            if role not in roles:
                problems.append(
                    f"{where}: role {role!r} is not one of the roles ({', '.join(roles)})"
                )
        if ident and not slug(ident):
            problems.append(f"{where}: id {ident!r} has no letters or digits to make a key")
        parts = sections_of(content)
        points = verification_points(parts.get(PROGRESS, ""))
        if content and not points:
            problems.append(
                f"{where}: no verification points ('- [ ] …' lines under "
                "'### Progress Assessment'); an activity needs at least one to be measured"
            )
        link = _ACTIVITY_ID.search(content)
        url = link.group(1) if link and rules.url_problem(link.group(1)) is None else ""
        activities.append(_Activity(ident, name, list(its_roles), goal, parts, points, url))
    return activities


def _goals(data: dict, problems: list[str]) -> dict[str, str]:
    """Each goal's name as the JSON writes it ("Usage Goal"), to its pillar's name ("Usage")."""
    raw = data.get("goals")
    if not isinstance(raw, list) or not raw:
        problems.append("'goals' is missing or is not a non-empty list")
        return {}
    goals = {}
    for index, item in enumerate(raw):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            problems.append(f"goals[{index}]: needs a 'name'")
            continue
        name = name.strip()
        goals[name] = re.sub(r"\s+goal$", "", name, flags=re.IGNORECASE) or name
    return goals


def _roles(data: dict, problems: list[str]) -> list[str]:
    raw = data.get("roles")
    # A mapping of role to colour in handbook 1.3; a plain list is read too.
    names = list(raw) if isinstance(raw, dict | list) else []
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        problems.append("'roles' is missing, empty, or names a role that is not text")
        return []
    return names


def _group(names: list[str], roles: list[str]) -> list[str]:
    """An activity's roles, each once, in the order of the file's `roles`."""
    return [role for role in roles if role in names]


def _layers(activities: list[_Activity], roles: list[str], *, every_role: bool) -> list[TaxonDoc]:
    """One layer per role and per group of roles an activity names, single roles first.

    A role that no activity names alone is left out, unless some activity names every role (a
    question for every layer is in each): a layer without questions would measure nothing.
    """
    groups = [[role] for role in roles]
    for activity in activities:
        group = _group(activity.roles, roles)
        if 1 < len(group) < len(roles) and group not in groups:
            groups.append(group)
    used = {tuple(_group(a.roles, roles)) for a in activities}
    layers = []
    for group in groups:
        if len(group) == 1 and not every_role and tuple(group) not in used:
            continue
        name = " and ".join(group)
        layers.append(
            TaxonDoc(
                key=slug(name),
                name=name,
                description=f"Activities the handbook gives to the role{'s' * (len(group) > 1)} "
                + " and ".join(f"“{role}”" for role in group)
                + ".",
            )
        )
    return layers


def read_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GGIError([f"not valid JSON: {exc}"]) from None
    if not isinstance(data, dict):
        raise GGIError(["not a GGI activities file: the top level must be a JSON object"])
    return data


def description(handbook: str) -> str:
    return (
        f"The activities of the OSPO Alliance's Good Governance Initiative handbook "
        f"(version {handbook}), each with the verification points that demonstrate progress in "
        "it. Imported from the handbook's activities file as published by the OSPO Alliance "
        f"(source: {SOURCE}). The GGI handbook is published by the OSPO Alliance under the "
        "Creative Commons Attribution 4.0 International licence (CC BY 4.0); its texts are "
        "reproduced here with light changes (Markdown links as plain text in the checklists)."
    )


def activities_document(data: dict[str, Any], *, version: int) -> QuestionnaireDoc:
    """The questionnaire of `data`, or `GGIError` with every problem found."""
    problems: list[str] = []
    handbook = data.get("handbook_version")
    if not isinstance(handbook, str | int | float) or isinstance(handbook, bool):
        problems.append("'handbook_version' is missing")
        handbook = ""
    handbook = str(handbook).strip()
    goals = _goals(data, problems)
    roles = _roles(data, problems)
    activities = _read_activities(data, goals, roles, problems) if goals and roles else []
    if problems:
        raise GGIError(problems)

    sections = []
    for activity in activities:
        key = slug(activity.id)
        # A question has one layer: every role (`all`) when the activity names them all, else
        # the group of roles it names, itself a layer ("Developer and Team Leader").
        group = _group(activity.roles, roles)
        layer = None if len(group) == len(roles) else slug(" and ".join(group))
        question = QuestionDoc(
            key=f"{key}-verification",
            text=f"Which verification points of “{activity.name}” are met today?",
            help=f"Check every point that holds for the organization; “{NONE_YET}” when none does.",
            stage="verification",
            pillar=slug(goals[activity.goal]),
            layer=layer,
            weight=Decimal(1),
            core=False,
            not_applicable=False,
            recommendation="",
            options=[_box(p) for p in activity.points]
            + [OptionDoc(score=0, label=NONE_YET, exclusive=True)],
            type=rules.CHECKLIST,
        )
        for number, box in enumerate(question.options):
            box.score = number
        description_text = _first_paragraph(activity.parts.get(DESCRIPTION, ""))
        sections.append(
            SectionDoc(
                key=key,
                title=_shorten(activity.name, rules.TITLE_LENGTH),
                description=description_text,
                questions=[question],
                help=_help(activity),
                recommendations=_shorten_markdown(activity.parts.get(RECOMMENDATIONS, "")),
                resources=_links(activity.parts.get(RESOURCES, "")),
            )
        )

    questions = [q for s in sections for q in s.questions]
    every_role = any(q.layer is None for q in questions)
    used_pillars = {q.pillar for q in questions}
    return QuestionnaireDoc(
        key=KEY,
        version=version,
        title=f"OSPO Alliance Good Governance Initiative (handbook {handbook})",
        description=description(handbook),
        language="en",
        threshold=rules.DEFAULT_THRESHOLD,
        core_minimum=rules.DEFAULT_CORE_MINIMUM,
        method="progress",
        names={
            "stage": "Step",
            "stages": "Steps",
            "layer": "Role",
            "layers": "Roles",
            "pillar": "Goal",
            "pillars": "Goals",
        },
        scale=[
            OptionDoc(0, "None met", "None of the activity's verification points is met."),
            OptionDoc(100, "All met", "Every verification point of the activity is met."),
        ],
        stages=[
            TaxonDoc(
                key="not-started",
                name="Not started",
                description="No verification point met yet. Progress scoring names no step: "
                "the result is the share of verification points met.",
            ),
            TaxonDoc(
                key="verification",
                name="Verification points",
                description="The verification points of every activity.",
            ),
        ],
        layers=_layers(activities, roles, every_role=every_role),
        pillars=[
            TaxonDoc(key=slug(name), name=name, description=f"The GGI goal “{goal}”.")
            for goal, name in goals.items()
            if slug(name) in used_pillars
        ],
        sections=sections,
    )
