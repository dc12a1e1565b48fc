"""The strategy document as one Markdown file, to keep in a git repository next to the code.

The same content as the PDF (`strategy.document.document_context`): a YAML front matter block
(organization, title, date, version...), then every section in order with its own Markdown, the
where-we-stand summary, the targets and the roadmap as tables, and the assessment's answers as an
appendix. Section bodies are written as their authors wrote them, with their headings moved two
levels down under the section's own `##` title, as the web page and the PDF show them: they are
Markdown, sanitized when rendered.

Every other value is plain text (titles, names, roadmap fields, answers and comments, items
drafted from questionnaire text) and is escaped by `plain`, so that a site generator that renders
the file, even one that allows raw HTML, shows it as the text it is: no tag, link, emphasis,
heading, list or broken table can come from it.
"""

from __future__ import annotations

import json
import re

from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.axis_names import AxisNames
from strategy import generated
from strategy.document import SectionDoc, TargetRow, document_context, resolved
from strategy.models import Strategy

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=\s|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


def _yaml_value(value) -> str:
    # JSON is YAML: a quoted, escaped string can hold any text (colons, quotes, newlines).
    return json.dumps(value, ensure_ascii=False)


# Characters that mean something inline. HTML's are written as entities: every Markdown processor
# shows an entity as its character and none reads it as markup; the others take a backslash,
# which CommonMark and Python-Markdown both honour for them. Braces are attribute lists in
# Python-Markdown (`{: onclick=...}`), `|` ends a table cell. `#` matters only at either end.
_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    **{char: "\\" + char for char in "\\`*_[]{}|"},
}
_ESCAPE = re.compile("|".join(re.escape(char) for char in _ESCAPES))
_ORDERED = re.compile(r"^\d+(?=[.)])")


def _escaped(text: object) -> str:
    value = " ".join(str(text if text is not None else "").split())
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group()], value)


def plain(text: object) -> str:
    """Plain text as inline Markdown that renders as exactly that text, on one line, wherever
    the line begins or ends (a heading, a paragraph)."""
    value = _escaped(text)
    if value.endswith("#"):  # would close a heading, and vanish
        value = value[:-1] + "\\#"
    # What a line may start with to become a heading, a list item or a code fence.
    if value.startswith(("#", "-", "+")):
        return "\\" + value
    if value.startswith("~"):
        return "&#126;" + value[1:]
    if ordered := _ORDERED.match(value):
        return value[: ordered.end()] + "\\" + value[ordered.end() :]
    return value


def cell(text: object) -> str:
    """Plain text for one cell of a Markdown table: one line, escaped (pipes too). A cell neither
    starts nor ends a line, so `#`, `-` and the like are left as they are there."""
    return _escaped(text) or " "


def table(header: list[str], rows: list[list[object]], align: list[str] | None = None) -> str:
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def demote_headings(body: str, levels: int = 2) -> str:
    """Move the body's headings `levels` down (# becomes ###), outside fenced code blocks.

    Setext headings (a line underlined with === or ---) become ATX headings of the new level.
    """
    out: list[str] = []
    fence: str | None = None
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line in lines:
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        atx = _ATX.match(line)
        if atx:
            level = min(len(atx.group(2)) + levels, 6)
            out.append(atx.group(1) + "#" * level + line[atx.end() :])
            continue
        setext = _SETEXT.match(line)
        previous = out[-1] if out else ""
        if (
            setext
            and previous.strip()
            and not _ATX.match(previous)
            and not previous.lstrip().startswith(("-", "*", "+", ">", "|"))
            and (setext.group(1)[0] == "=" or len(setext.group(1)) >= 2)
        ):
            level = min((1 if setext.group(1)[0] == "=" else 2) + levels, 6)
            out[-1] = "#" * level + " " + previous.strip()
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


def stage_label(level, name) -> str:
    if level is None:
        return "–"
    return f"{level} · {name}" if name else str(level)


def score_label(score) -> str:
    return "–" if score is None else floatformat(score, 0)


def target_headers(names) -> list[str]:
    """The targets table's columns, in the version's words (Markdown and Word alike)."""
    return [
        _("Scope"),
        _("%(stage)s today") % {"stage": names.stage},
        _("Score"),
        _("Target %(stage)s") % {"stage": names.stage_lower},
    ]


def target_cells(rows, names) -> list[list[str]]:
    """The targets table's rows as text: today's level, score and target per scope."""
    return [
        [
            row.name if row.kind == "overall" else f"{names.of_kind(row.kind)}: {row.name}",
            stage_label(row.stage.level, row.stage.name) if row.stage else "–",
            score_label(row.score),
            stage_label(row.target_level, row.target_name),
        ]
        if not row.out_of_scope
        else [
            f"{names.of_kind(row.kind)}: {row.name}",
            _("Out of scope: %(reason)s") % {"reason": row.out_of_scope},
            "–",
            "–",
        ]
        for row in rows
    ]


def _where_we_stand(context: dict, section: SectionDoc) -> list[str]:
    report = context["report"]
    if report is None:
        return [_("*No assessment is linked to this strategy, so there are no results to show.*")]
    overall = report.overall
    # A progress version has no stage: the headline is the score alone.
    headline = (
        _("%(stage)s %(level)s · %(name)s")
        % {
            "stage": plain(report.names.stage),
            "level": overall.stage.level,
            "name": plain(overall.stage.name),
        }
        if overall.stage is not None
        else _("Progress")
    )
    out = [
        "### " + _("Summary of the assessment"),
        "",
        "**"
        + headline
        + "**"
        + (
            " — "
            + _("overall score %(score)s of 100") % {"score": score_label(overall.scope.score)}
            if overall.scope.score is not None
            else ""
        ),
        "",
        _("Assessment: “%(title)s”%(provisional)s.")
        % {
            "title": plain(context["assessment"]["title"]),
            "provisional": " (" + _("provisional: still in progress") + ")"
            if report.provisional
            else "",
        },
    ]
    if report.gated:
        out += [
            "",
            _stage_coverage_table(report),
        ]
    # The generated text of the section has the same table: once is enough, as in the PDF.
    # Only when its author removed that text does the summary give it.
    if generated.split(section.body) is None:
        out += ["", _scopes_table(report)]
    return out


def _stage_coverage_table(report) -> str:
    return table(
        [report.names.stage, _("Coverage"), _("Attained")],
        [
            [
                stage_label(stage.level, stage.name),
                "–" if c.coverage is None else f"{round(c.coverage * 100)} %",
                _("yes") if c.attained else _("no"),
            ]
            for stage, c in report.stage_coverage()
        ],
        ["---", "---:", "---"],
    )


def _scopes_table(report) -> str:
    rows = report.layers + report.pillars + report.sections
    if not report.has_stages:
        return table(
            [_("Scope"), _("Score")],
            [[row.name, score_label(row.scope.score)] for row in rows],
            ["---", "---:"],
        )
    return table(
        [_("Scope"), report.names.stage, _("Score")],
        [
            [
                row.name,
                stage_label(row.stage.level, row.stage.name) if row.stage else "–",
                score_label(row.scope.score),
            ]
            for row in rows
        ],
        ["---", "---", "---:"],
    )


def _targets(context: dict) -> list[str]:
    rows: list[TargetRow] = context["targets"]
    overall = rows[0]
    horizon = context["strategy"]["horizon"]
    out = ["### " + _("Targets"), ""]
    report = context.get("report")
    names = report.names if report is not None else AxisNames()
    if report is not None and not report.has_stages:
        # Stage targets mean nothing for a version that reports progress only.
        return [
            *out,
            _("The assessment reports progress, not %(stages)s: there is no %(stage)s target.")
            % {"stages": names.stages_lower, "stage": names.stage_lower},
        ]
    if overall.target_level is not None:
        out.append(
            _("Target: **%(stage)s**")
            % {"stage": plain(stage_label(overall.target_level, overall.target_name))}
            + (" " + _("by %(horizon)s") % {"horizon": plain(horizon)} if horizon else "")
            + "."
        )
    else:
        out.append(_("No overall target set yet."))
    out += [
        "",
        table(
            target_headers(names),
            target_cells(rows, names),
            ["---", "---", "---:", "---"],
        ),
    ]
    return out


def _roadmap(context: dict) -> list[str]:
    items = context["roadmap"]
    out = ["### " + _("Roadmap items"), ""]
    if not items:
        return out + [_("The roadmap has no actions yet.")]
    out.append(
        table(
            ["#", _("Action"), _("Why"), _("Owner"), _("Quarter"), _("Status")],
            [
                [
                    item.number,
                    item.title,
                    item.why,
                    item.owner or "–",
                    item.target_quarter or "–",
                    item.status_label,
                ]
                for item in items
            ],
            ["---:", "---", "---", "---", "---", "---"],
        )
    )
    return out


def _rows(rows: dict) -> list[str]:
    """A structured section's rows (`strategy.document.row_table`) as a Markdown table."""
    header = ["#"] + [column["label"] for column in rows["columns"]]
    body = [[n, *(value or "–" for value in cells)] for n, cells in enumerate(rows["cells"], 1)]
    out = [
        "### " + plain(rows["title"]),
        "",
        table(header, body, ["---:"] + ["---"] * (len(header) - 1)),
    ]
    for text in rows["totals"]:
        out += ["", plain(text)]
    return out


def _to_be_written(section: SectionDoc) -> list[str]:
    out = ["> **" + _("To be written:") + "** " + plain(section.summary)]
    if section.questions:
        out += [">", "> " + _("Questions this section should answer:"), ">"]
        out += [f"> - {plain(question)}" for question in section.questions]
    return out


def _appendix(context: dict) -> list[str]:
    groups = context["answer_groups"]
    if not groups:
        return []
    out = ["## " + _("Appendix: the assessment's answers"), ""]
    for group in groups:
        out += [
            "### " + plain(group.section),
            "",
            table(
                [_("Question"), _("Answer"), _("Comment")],
                [
                    [row.question, row.answer or _("Not answered"), row.comment]
                    for row in group.rows
                ],
            ),
            "",
        ]
    return out


def strategy_markdown(strategy: Strategy) -> str:
    """The whole strategy document as one Markdown file (UTF-8 text, ends with a newline), in
    the document's language."""
    with translation.override(strategy.language):
        return _strategy_markdown(strategy)


def _strategy_markdown(strategy: Strategy) -> str:
    context = resolved(document_context(strategy))
    organization = context["organization"]["name"]
    title = context["strategy"]["title"]
    assessment = context["assessment"]
    front = {
        "organization": organization,
        "title": title,
        "document": context["guidance_title"],
        "date": context["date"].isoformat(),
        "version": context["version"],
        "horizon": context["strategy"]["horizon"] or None,
        "assessment": assessment["title"] if assessment else None,
        "language": context["language"],
    }
    lines = ["---"]
    lines += [f"{key}: {_yaml_value(value)}" for key, value in front.items()]
    lines += ["---", "", f"# {plain(title)}", ""]
    lines += [
        f"{plain(organization)} · {plain(context['guidance_title'])} · "
        + _("version %(version)s of %(date)s")
        % {"version": context["version"], "date": context["date"].isoformat()},
        "",
    ]
    for section in context["sections"]:
        lines += [f"## {section.number}. {plain(section.title)}", ""]
        if section.empty:
            # An approved version never carries the guiding questions (strategy.lifecycle).
            if context["lifecycle"]["draft"]:
                lines += _to_be_written(section)
        else:
            lines.append(demote_headings(section.shown_body))
        lines.append("")
        if section.is_where_we_stand:
            lines += _where_we_stand(context, section) + [""]
        if section.is_where_we_aim:
            lines += _targets(context) + [""]
        if section.is_roadmap:
            lines += _roadmap(context) + [""]
        if section.table and section.table["rows"]:
            lines += _rows(section.table) + [""]
    lines += _appendix(context)
    return "\n".join(lines).rstrip("\n") + "\n"
