"""A strategy with the content that used to break the layout: a 10-column table with grouped
numbers and long words, a long bare URL, two-space nested lists, images without an address and
a full roadmap of 15 items with long titles and every status. Shared by the layout tests and the
PDF benchmark."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from assessments.demo import DEMO_USERNAME, setup_demo
from strategy.models import RoadmapItem, Strategy

WIDE_ROWS = [
    ["Programme", "Budget 2025", "Budget 2026", "Budget 2027", "Staff", "Contributions",
     "Repositories", "Dependencies", "Responsible department", "Status"],
    ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---"],
    ["Infrastructureautomationprogramme", "120 000", "135 000", "150 000", "3.5", "1 250", "48",
     "12 430", "Digitalinfrastructuredepartment", "Ongoing"],
    ["Open data platform", "95 500", "101 000", "110 250", "2", "830", "21", "4 310",
     "Data office", "Planned"],
    ["Citizen services", "1 200 000", "1 350 000", "1 480 000", "12", "2 940", "112", "38 902",
     "Service design", "Ongoing"],
]  # fmt: skip
WIDE_TABLE = "\n" + "".join("| " + " | ".join(row) + " |\n" for row in WIDE_ROWS)

LONG_URL = (
    "https://intranet.demo.example/departments/digital-services/open-source-programme-office/"
    "policies/contribution-guidelines/version-2027-final-approved-by-the-steering-group.html"
)

NESTED_LIST = """
- Enabler
  - Templates for new repositories
  - Scanning in every pipeline
    - Licenses
    - Vulnerabilities
- Counselor
  1. Office hours
  2. Advice on licenses
"""

LONG_WORDS = (
    "Rechtsschutzversicherungsgesellschaften and "
    "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft review "
    "every contribution."
)

SECTION_EXTRA = {
    "why": f"{LONG_WORDS}\n\nOur policies are at {LONG_URL} for everyone.\n",
    "alignment": NESTED_LIST,
    "budget": WIDE_TABLE,
    "governance": "Decisions are recorded.\n\n![image]()\n\nAnd a diagram: ![diagram]\n",
}

STATUSES = [s for s, _label in RoadmapItem.Status.choices]


def fill_generously(strategy: Strategy, user) -> Strategy:
    """Every section written (with the hard cases above), and a roadmap of 15 long items."""
    for section in strategy.sections.all():
        body = (
            f"## {section.title} in practice\n\n"
            + "We describe what this part of the strategy means for the organization, who does "
            "the work, and how we know it worked. "
            * 3
            + "\n\n"
            + SECTION_EXTRA.get(section.key, "")
        )
        section.save_body(body, section.version, user)
    RoadmapItem.objects.filter(strategy=strategy).delete()
    RoadmapItem.objects.bulk_create(
        RoadmapItem(
            strategy=strategy,
            order=index,
            title=(
                f"Establish an organization-wide contribution process number {index + 1} with "
                "review by legal, security and the responsible product owners"
            ),
            why="Because contributions upstream are currently slow and nobody is accountable "
            "for answering them within a reasonable time.",
            owner="Head of engineering and platform operations",
            target_quarter="2027-Q4",
            status=STATUSES[index % len(STATUSES)],
        )
        for index in range(15)
    )
    strategy.horizon = "end of 2027"
    strategy.scope_targets = {"layers": {"management": 3}, "pillars": {"advocate": 2}}
    strategy.save()
    return strategy


def generous_strategy() -> Strategy:
    demo = setup_demo()
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    strategy = Strategy.objects.create_from_assessment(demo.assessment, user, "Layout strategy")
    return fill_generously(strategy, user)
