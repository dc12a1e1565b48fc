"""The pure parts of `manage.py bench`: statistics, tables, the load plan and the no-loss check.

Nothing here starts gunicorn or touches a database.
"""

import random
import statistics
from pathlib import Path

import pytest

from bench import harness, load
from bench.harness import Measurement, fmt, format_table, growth, percentile
from bench.load import Write, check_no_loss, last_writer_candidates, section_plan

# --- percentile -------------------------------------------------------------------------------


def test_percentile_of_nothing_is_none():
    assert percentile([], 95) is None


def test_percentile_ends_and_median():
    values = [5, 1, 4, 2, 3]
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 5
    assert percentile(values, 50) == 3


def test_percentile_interpolates_between_ranks():
    assert percentile([10, 20], 50) == 15
    assert percentile([0, 10, 20, 30], 95) == pytest.approx(28.5)
    assert percentile([7], 95) == 7


def test_percentile_matches_the_inclusive_quantiles_of_the_standard_library():
    rng = random.Random(3)
    values = [rng.expovariate(1 / 40) for _ in range(101)]
    cuts = statistics.quantiles(values, n=20, method="inclusive")  # 5 %, 10 %, ..., 95 %
    assert percentile(values, 95) == pytest.approx(cuts[-1])
    assert percentile(values, 50) == pytest.approx(statistics.median(values))


def test_percentile_rejects_a_share_outside_0_to_100():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_measurement_summary_counts_server_errors_and_unexpected_statuses():
    m = Measurement(latencies_ms=[10.0, 20.0, 30.0, 40.0], wall_s=2.0)
    m.statuses.update({200: 2, 302: 1, 502: 1})
    summary = m.summary()
    assert summary["rps"] == 2.0
    assert summary["p50_ms"] == 25.0
    assert summary["unexpected"] == 2
    assert summary["server_errors"] == 1
    assert Measurement(statuses={0: 1}).server_errors == 1  # no answer at all counts too


# --- formatting -------------------------------------------------------------------------------


def test_format_table_aligns_the_first_column_left_and_figures_right():
    text = format_table(["page", "p95 ms"], [["floor", "3.1"], ["results page", "120.4"]])
    assert text.splitlines() == [
        "page          p95 ms",
        "------------  ------",
        "floor            3.1",
        "results page   120.4",
    ]


def test_format_table_wants_one_cell_per_header():
    with pytest.raises(ValueError):
        format_table(["a", "b"], [["only one"]])


def test_fmt():
    assert fmt(None) == "–"
    assert fmt(12) == "12"
    assert fmt(3.14159, 2) == "3.14"
    assert fmt(17.5, 1, "x") == "17.5x"


def test_growth_exponent_and_factor_per_tenfold_size():
    linear, constant = growth([(10, 5.0), (100, 50.0)]), growth([(10, 5.0), (100, 5.0)])
    assert linear[0]["exponent"] == pytest.approx(1.0)
    assert linear[0]["per_10x"] == pytest.approx(10.0)
    assert constant[0]["per_10x"] == pytest.approx(1.0)
    square = growth([(50, 1.0), (200, 16.0)])[0]  # 4x the size, 16x the cost
    assert square["exponent"] == pytest.approx(2.0)
    assert square["cost_ratio"] == pytest.approx(16.0)


def test_growth_adds_the_first_to_last_step_for_three_sizes_and_survives_zero():
    steps = growth([(800, 8.0), (50, 1.0), (200, 2.0)])
    assert [(s["from"], s["to"]) for s in steps] == [(50, 200), (200, 800), (50, 800)]
    assert growth([(10, 0.0), (100, 1.0)])[0]["exponent"] is None


# --- plumbing that needs no server ------------------------------------------------------------


def test_database_url_replaces_only_the_name():
    url = harness.database_url("postgres://postgres:pw@127.0.0.1:5432/postgres", "ospo_bench_1")
    assert url == "postgres://postgres:pw@127.0.0.1:5432/ospo_bench_1"


def test_throwaway_database_refuses_a_name_that_is_not_a_plain_identifier():
    with pytest.raises(ValueError):
        harness.ThrowawayDatabase(harness.DEFAULT_POSTGRES_URL, 'x"; DROP DATABASE postgres; --')


def test_production_env_is_the_smoke_tests_plus_in_request_pdf():
    env = harness.production_env("postgres://p@h/db", Path("/tmp/s"), workers=2, port=8123)
    assert env["DEBUG"] == "false"
    assert env["HTTPS"] == "false"
    assert env["STATIC_MANIFEST"] == "true"
    assert env["TASKS_BACKEND"] == "immediate"
    assert env["WEB_CONCURRENCY"] == "2"
    assert env["DATABASE_URL"] == "postgres://p@h/db"
    assert len(env["SECRET_KEY"]) > 50


def test_client_keeps_cookies_and_forgets_deleted_ones():
    client = harness.HttpClient("http://127.0.0.1:1")
    client._store_cookie("csrftoken=abc; Max-Age=31449600; Path=/; SameSite=Lax")
    client._store_cookie("sessionid=s1; HttpOnly; Path=/")
    assert client.cookies == {"csrftoken": "abc", "sessionid": "s1"}
    assert client.csrf_token == "abc"
    client._store_cookie('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
    assert client.cookies == {"csrftoken": "abc"}


def test_client_reports_no_answer_as_status_0_without_raising():
    reply = harness.HttpClient(f"http://127.0.0.1:{harness.free_port()}", timeout=2).get("/")
    assert reply.status == 0
    assert reply.error


# --- the respondents' plan --------------------------------------------------------------------

SECTIONS = [f"s{i}" for i in range(11)]


def test_plan_covers_every_section_and_shares_some():
    plan = section_plan(SECTIONS, 5)
    assert len(plan) == 5
    assert set().union(*plan) == set(SECTIONS)
    assert all(plan)
    writers = {key: sum(key in mine for mine in plan) for key in SECTIONS}
    assert set(writers.values()) == {1, 2}
    assert [k for k, n in writers.items() if n == 2] == ["s0", "s3", "s6", "s9"]
    assert all(len(mine) == len(set(mine)) for mine in plan)


def test_plan_puts_shared_sections_first_so_both_writers_meet():
    plan = section_plan(SECTIONS, 5)
    # Respondent 0 owns s0, s5, s10 and also answers s9 (owned by respondent 4); s0 is shared
    # with respondent 1, who starts there too.
    assert plan[0] == ["s0", "s9", "s5", "s10"]
    assert plan[1][:2] == ["s0", "s6"]
    for mine in plan:
        shared = [k in {"s0", "s3", "s6", "s9"} for k in mine]
        assert shared == sorted(shared, reverse=True)


def test_plan_with_one_respondent_or_no_overlap_shares_nothing():
    assert section_plan(SECTIONS, 1) == [SECTIONS]
    plan = section_plan(SECTIONS, 3, overlap_every=0)
    assert sorted(k for mine in plan for k in mine) == sorted(SECTIONS)


def test_plan_with_more_respondents_than_sections():
    plan = section_plan(["a", "b"], 5)
    assert set().union(*plan) == {"a", "b"}
    with pytest.raises(ValueError):
        section_plan(SECTIONS, 0)


def test_choose_value_is_an_option_or_dont_know():
    rng = random.Random(1)
    values = {load.choose_value(rng, (11, 12, 13), 0.2) for _ in range(200)}
    assert values == {"11", "12", "13", load.DONT_KNOW}
    assert load.choose_value(rng, (), 0.0) == load.DONT_KNOW


# --- the no-loss check ------------------------------------------------------------------------


def w(question, value, who, started, finished, status=200, assessment=1):
    return Write(assessment, question, value, who, started, finished, status)


def test_everything_stored_as_sent_passes():
    writes = [w("a", "1", "ann", 0, 1), w("b", "dont_know", "bob", 0, 1)]
    result = check_no_loss(writes, [(1, "a", "1"), (1, "b", "dont_know")], [1])
    assert result.ok, result.problems
    assert (result.expected, result.stored, result.contested) == (2, 2, 0)


def test_a_lost_answer_fails():
    writes = [w("a", "1", "ann", 0, 1), w("b", "2", "bob", 0, 1)]
    result = check_no_loss(writes, [(1, "a", "1")], [1])
    assert not result.ok
    assert any("b: answer lost" in p for p in result.problems)
    assert any("1 answers stored, 2 distinct questions sent" in p for p in result.problems)


def test_a_duplicate_agreed_answer_fails():
    result = check_no_loss([w("a", "1", "ann", 0, 1)], [(1, "a", "1"), (1, "a", "1")], [1])
    assert any("2 agreed answers" in p for p in result.problems)


def test_an_answer_never_sent_or_only_failed_fails():
    writes = [w("a", "1", "ann", 0, 1), w("b", "2", "bob", 0, 1, status=500)]
    result = check_no_loss(writes, [(1, "a", "1"), (1, "b", "2"), (1, "c", "3")], [1])
    assert any("b: stored, but only failed saves" in p for p in result.problems)
    assert any("c: stored, but never sent" in p for p in result.problems)


def test_last_writer_wins_and_an_overwritten_value_is_caught():
    # bob's save started after ann's had finished: bob's value must be the one stored.
    writes = [w("a", "1", "ann", 0.0, 1.0), w("a", "2", "bob", 2.0, 3.0)]
    assert check_no_loss(writes, [(1, "a", "2")], [1]).ok
    stale = check_no_loss(writes, [(1, "a", "1")], [1])
    assert any("an earlier, overwritten save" in p for p in stale.problems)
    never = check_no_loss(writes, [(1, "a", "9")], [1])
    assert any("a value never sent" in p for p in never.problems)


def test_saves_in_flight_together_may_end_either_way():
    writes = [w("a", "1", "ann", 0.0, 2.0), w("a", "2", "bob", 1.0, 3.0)]
    assert {x.value for x in last_writer_candidates(writes)} == {"1", "2"}
    for value in ("1", "2"):
        result = check_no_loss(writes, [(1, "a", value)], [1])
        assert result.ok, result.problems
        assert (result.contested, result.overlapping) == (1, 1)


def test_failed_saves_are_not_last_writer_candidates():
    writes = [w("a", "1", "ann", 0.0, 1.0), w("a", "2", "bob", 2.0, 3.0, status=502)]
    assert [x.value for x in last_writer_candidates(writes)] == ["1"]
    assert check_no_loss(writes, [(1, "a", "1")], [1]).ok


def test_counts_are_checked_per_assessment():
    writes = [w("a", "1", "ann", 0, 1, assessment=1), w("a", "1", "cy", 0, 1, assessment=2)]
    stored = [(1, "a", "1"), (2, "a", "1")]
    assert check_no_loss(writes, stored, [1, 2]).ok
    result = check_no_loss(writes, stored[:1], [1, 2])
    assert any(p.startswith("assessment 2: 0 answers stored") for p in result.problems)


# Answering individually: every respondent's own answers are what they saved last


def _own(respondent, question, value, started, status=200):
    return Write(1, question, value, respondent, started, started + 0.1, status)


def test_individual_no_loss_passes_when_each_keeps_what_they_saved_last():
    writes = [
        _own("ann", "q1", "11", 0.0),
        _own("ann", "q1", "12", 1.0),
        _own("bob", "q1", "13", 0.5),
        _own("bob", "q2", "14", 0.7, status=409),
    ]
    check = load.check_individual_no_loss(writes, [("ann", "q1", "12"), ("bob", "q1", "13")])
    assert check.ok and (check.expected, check.stored) == (2, 2)


def test_individual_no_loss_names_a_lost_an_old_and_a_stray_answer():
    writes = [_own("ann", "q1", "11", 0.0), _own("ann", "q1", "12", 1.0), _own("bob", "q2", "9", 0)]
    check = load.check_individual_no_loss(
        writes, [("ann", "q1", "11"), ("cy", "q3", "1"), ("ann", "q1", "11")]
    )
    problems = " | ".join(check.problems)
    assert "ann q1: 2 answers of their own" in problems
    assert "ann q1: stored '11', last saved '12'" in problems
    assert "cy q3: stored, but never sent" in problems
    assert "bob q2: answer lost" in problems
