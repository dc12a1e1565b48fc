"""The worked examples in docs/scoring.md, one per scoring method, are doctests: the
documentation cannot drift."""

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"


def test_the_worked_examples_in_docs_scoring_md_pass() -> None:
    failures, attempted = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        # The report is printed when something fails, so the test output shows the diff.
        verbose=False,
        report=True,
    )
    # A doc whose examples were all lost (say, a broken fence) must not pass silently.
    assert attempted >= 30, f"only {attempted} examples found in {DOC}"
    assert failures == 0, f"{failures} of {attempted} examples in {DOC} failed; see output above"


def test_every_scoring_method_has_a_worked_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    for heading, marker in (
        ("### A floor and a stage's own core minimum", "floor=True"),
        ("## The bands method", "ScoringMethod.BANDS"),
        ("## The progress method", "ScoringMethod.PROGRESS"),
    ):
        assert heading in text
        assert marker in text.split(heading, 1)[1].split("\n## ", 1)[0], heading
