"""assessments/standards.py: reading standards and crosswalks, and readiness per area."""

import pytest

from assessments.standards import (
    Area,
    QuestionInfo,
    QuestionState,
    Standard,
    State,
    Status,
    read_mappings,
    read_standards,
    readiness,
    references,
    required_fraction,
)

ISO = Standard(
    key="iso-5230",
    name="ISO/IEC 5230",
    areas=(Area("3.1.1", "Policy"), Area("3.1.2", "Competence"), Area("3.2.1", "Access")),
)


def question(key, mappings, *, weight=1.0, max_score=4, section="basics"):
    return QuestionInfo(key, f"Text of {key}", section, weight, max_score, mappings)


def answered(score):
    return QuestionState(State.ANSWERED, score)


def run(standards, questions, states, *, scale_max=4, core_minimum=2):
    return readiness(standards, questions, states, scale_max=scale_max, core_minimum=core_minimum)


def by_id(result):
    return {a.area.id: a for a in result.areas}


# --- Reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [None, "iso", {"key": "iso"}, 3, [None, "x", 4]])
def test_anything_but_a_list_of_mappings_reads_as_no_standard(stored):
    assert read_standards(stored) == ()


def test_standards_are_read_tolerantly():
    stored = [
        {
            "key": "iso-5230",
            "name": "ISO/IEC 5230",
            "minimum": 3,
            "area_name": "Clause",
            "areas_name": "Clauses",
            "url": "https://example.org/5230",
            "areas": [
                {"id": "3.1.1", "name": "Policy"},
                {"id": "3.1.1", "name": "Twice"},
                {"name": "No id"},
                "junk",
                {"id": 7},
            ],
        },
        {"key": "iso-5230", "name": "Same key again"},
        {"name": "No key"},
        {"key": "ggi", "assess": False, "minimum": True, "areas": "not a list"},
        {"key": "neg", "minimum": -1, "assess": "no"},
    ]
    iso, ggi, neg = read_standards(stored)
    assert iso.name == "ISO/IEC 5230" and iso.minimum == 3 and iso.assess
    assert (iso.area_name, iso.areas_name, iso.url) == (
        "Clause",
        "Clauses",
        "https://example.org/5230",
    )
    assert iso.areas == (Area("3.1.1", "Policy"), Area("7", "7"))
    assert ggi.name == "ggi" and not ggi.assess and ggi.minimum is None and ggi.areas == ()
    # Only false turns the verdict off; a negative minimum is the version's.
    assert neg.assess and neg.minimum is None


def test_mappings_are_read_tolerantly():
    assert read_mappings(["iso"]) == {}
    assert read_mappings(
        {"iso": ["3.1.1", "3.1.1", 2, None, True, ""], "ggi": "GGI-A-21", "": ["x"], "lf": []}
    ) == {"iso": ("3.1.1", "2"), "ggi": ("GGI-A-21",)}


def test_keys_that_name_no_standard_are_free_references():
    questions = [
        question("a", {"iso-5230": ("3.1.1",), "linux-foundation": ("1",)}),
        question("b", {"linux-foundation": ("2", "1")}),
    ]
    assert references([ISO], questions) == {"linux-foundation": ("1", "2")}


# --- Readiness ---------------------------------------------------------------------------------


def test_each_status_of_an_area():
    questions = [
        question("policy", {"iso-5230": ("3.1.1",)}),
        question("training", {"iso-5230": ("3.1.2",)}),
        question("na", {"iso-5230": ("3.1.2", "3.2.1")}),
    ]
    states = {
        "policy": answered(2),
        "training": answered(1),
        "na": QuestionState(State.NOT_APPLICABLE),
    }
    (result,) = run([ISO], questions, states)
    areas = by_id(result)
    assert areas["3.1.1"].status is Status.MET
    assert areas["3.1.2"].status is Status.NOT_MET
    assert areas["3.2.1"].status is Status.NOT_APPLICABLE
    assert [e.key for e in areas["3.1.2"].evidence] == ["training", "na"]
    assert (result.met, result.not_met, result.not_applicable, result.applicable) == (1, 1, 1, 2)
    assert (result.covered, result.total, result.uncovered) == (3, 3, 0)


def test_an_area_no_question_maps_to_has_no_question():
    (result,) = run([ISO], [question("policy", {"iso-5230": ("3.1.1", "9.9.9")})], {})
    areas = by_id(result)
    assert areas["3.1.2"].status is Status.NO_QUESTION and not areas["3.1.2"].covered
    assert areas["3.1.2"].progress is None
    assert (result.covered, result.uncovered) == (1, 2)
    # An id the standard does not have is ignored.
    assert "9.9.9" not in areas


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (QuestionState(State.DONT_KNOW), Status.NOT_MET),
        (QuestionState(State.UNANSWERED), Status.NOT_MET),
        (QuestionState(State.NOT_APPLICABLE), Status.NOT_APPLICABLE),
        (QuestionState(State.OUT_OF_SCOPE), Status.NOT_APPLICABLE),
        (QuestionState(State.NOT_ASKED), Status.NOT_APPLICABLE),
    ],
)
def test_what_each_state_makes_of_an_area(state, status):
    (result,) = run([ISO], [question("q", {"iso-5230": ("3.1.1",)})], {"q": state})
    assert by_id(result)["3.1.1"].status is status


def test_a_question_missing_from_the_states_is_unanswered():
    (result,) = run([ISO], [question("q", {"iso-5230": ("3.1.1",)})], {})
    area = by_id(result)["3.1.1"]
    assert area.status is Status.NOT_MET and area.evidence[0].state is State.UNANSWERED
    assert area.progress == 0


def test_questions_taken_out_leave_the_verdict_to_the_others():
    questions = [
        question("met", {"iso-5230": ("3.1.1",)}),
        question("scope", {"iso-5230": ("3.1.1",)}),
        question("hidden", {"iso-5230": ("3.1.1",)}),
    ]
    states = {
        "met": answered(4),
        "scope": QuestionState(State.OUT_OF_SCOPE),
        "hidden": QuestionState(State.NOT_ASKED),
    }
    (result,) = run([ISO], questions, states)
    area = by_id(result)["3.1.1"]
    assert area.status is Status.MET and area.progress == 100
    assert [e.reaches for e in area.evidence] == [True, None, None]


@pytest.mark.parametrize(
    ("score", "met"), [(2, True), (2 - 1e-12, True), (1.99, False), (1, False), (4, True)]
)
def test_the_minimum_is_reached_at_its_score_exactly(score, met):
    (result,) = run([ISO], [question("q", {"iso-5230": ("3.1.1",)})], {"q": answered(score)})
    assert (by_id(result)["3.1.1"].status is Status.MET) is met


def test_the_standards_own_minimum_wins_over_the_versions():
    strict = Standard("iso-5230", "ISO", minimum=3, areas=(Area("1", "One"),))
    lenient = Standard("ggi-like", "Lenient", minimum=0, areas=(Area("1", "One"),))
    questions = [question("q", {"iso-5230": ("1",), "ggi-like": ("1",)})]
    first, second = run([strict, lenient], questions, {"q": answered(2)}, core_minimum=2)
    assert first.minimum == 3 and first.areas[0].status is Status.NOT_MET
    assert second.minimum == 0 and second.areas[0].status is Status.MET


def test_a_minimum_of_zero_is_still_not_met_by_dont_know():
    lenient = Standard("s", "S", minimum=0, areas=(Area("1", "One"),))
    questions = [question("q", {"s": ("1",)})]
    (result,) = run([lenient], questions, {"q": answered(0)})
    assert result.areas[0].status is Status.MET
    (result,) = run([lenient], questions, {"q": QuestionState(State.DONT_KNOW)})
    assert result.areas[0].status is Status.NOT_MET


def test_the_minimum_is_a_share_of_the_scale_so_a_smaller_maximum_asks_proportionally():
    # A question scored 0..2 on a 0..4 scale: a minimum of 2 (of 4) asks 1 (of 2).
    questions = [question("q", {"iso-5230": ("3.1.1",)}, max_score=2)]
    (result,) = run([ISO], questions, {"q": answered(1)}, scale_max=4)
    assert by_id(result)["3.1.1"].status is Status.MET
    (result,) = run([ISO], questions, {"q": answered(0.9)}, scale_max=4)
    assert by_id(result)["3.1.1"].status is Status.NOT_MET
    assert required_fraction(2, 4) == 0.5
    assert required_fraction(0, 0) == 0 and required_fraction(1, 0) == float("inf")


def test_progress_is_the_weighted_mean_of_the_counted_questions():
    questions = [
        question("a", {"iso-5230": ("3.1.1",)}, weight=3),
        question("b", {"iso-5230": ("3.1.1",)}, weight=1),
        question("c", {"iso-5230": ("3.1.1", "3.1.2")}, weight=5),
        question("d", {"iso-5230": ("3.1.2",)}, weight=1),
    ]
    states = {
        "a": answered(4),
        "b": QuestionState(State.DONT_KNOW),  # counts, at 0
        "c": QuestionState(State.NOT_APPLICABLE),  # does not count
        "d": answered(1),
    }
    (result,) = run([ISO], questions, states)
    areas = by_id(result)
    assert areas["3.1.1"].progress == pytest.approx(100 * 3 / 4)
    assert areas["3.1.2"].progress == pytest.approx(25)
    # The standard's: each question once, over a, b and d.
    assert result.progress == pytest.approx(100 * (3 + 0.25) / 5)


def test_a_standard_read_for_coverage_only_has_no_verdict():
    ggi = Standard(
        "ggi", "GGI", assess=False, areas=(Area("A-1", "One"), Area("A-2", "Two"), Area("A-3", "3"))
    )
    questions = [
        question("a", {"ggi": ("A-1",)}),
        question("b", {"ggi": ("A-2",)}),
    ]
    states = {"a": answered(1), "b": QuestionState(State.NOT_APPLICABLE)}
    (result,) = run([ggi], questions, states)
    areas = by_id(result)
    assert areas["A-1"].status is None and areas["A-1"].progress == 25
    assert areas["A-2"].status is None and areas["A-2"].progress is None
    assert areas["A-3"].status is Status.NO_QUESTION
    assert (result.met, result.not_met, result.applicable) == (0, 0, 0)
    assert (result.covered, result.total) == (2, 3)


def test_standards_and_areas_keep_their_order_and_evidence_keeps_the_questions():
    other = Standard("other", "Other", areas=(Area("z", "Z"), Area("a", "A")))
    questions = [
        question("second", {"other": ("a", "z")}),
        question("first", {"other": ("a",)}),
    ]
    iso, result = run([ISO, other], questions, {})
    assert iso.standard is ISO and [a.area.id for a in result.areas] == ["z", "a"]
    assert [e.key for e in result.areas[1].evidence] == ["second", "first"]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://www.iso.org/standard/81039.html", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("//example.org/x", False),
        ("https://[::1", False),
        (42, False),
    ],
)
def test_a_standard_links_only_to_a_web_address(url, kept):
    (standard,) = read_standards([{"key": "s", "url": url}])
    assert standard.url == (url if kept else "")
