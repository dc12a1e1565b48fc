"""The worked example in docs/scoring.md is a doctest: the documentation cannot drift."""

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"


def test_the_worked_example_in_docs_scoring_md_passes() -> None:
    failures, attempted = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        # The report is printed when something fails, so the test output shows the diff.
        verbose=False,
        report=True,
    )
    # A doc whose examples were all lost (say, a broken fence) must not pass silently.
    assert attempted >= 10, f"only {attempted} examples found in {DOC}"
    assert failures == 0, f"{failures} of {attempted} examples in {DOC} failed; see output above"
