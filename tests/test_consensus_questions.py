"""One question's individual answers as the consensus view shows them: pure, no database."""

from hypothesis import given
from hypothesis import strategies as st

from assessments.consensus_view import Choice, Individual, question_view

SCALE = [Choice(10, "Not in place", 0), Choice(11, "Ad hoc", 1), Choice(12, "Defined", 2)]
BOXES = [Choice(20, "Policy", 1), Choice(21, "Training", 1), Choice(22, "Audit", 1)]


def people(view):
    return {bucket.key: [said.who for said in bucket.people] for bucket in view.buckets}


def test_it_lists_every_option_in_the_questions_words_with_who_chose_it():
    view = question_view(
        SCALE,
        [
            Individual("Ann", "option", 10, comment="Nothing written"),
            Individual("Bob", "option", 12),
            Individual("Cy", "dont_know"),
            Individual("Di", "not_applicable", reason="We release nothing"),
        ],
        allows_not_applicable=True,
    )
    labels = [bucket.label for bucket in view.buckets]
    assert labels == ["Not in place", "Ad hoc", "Defined", "Don't know", "Does not apply"]
    assert people(view) == {
        "10": ["Ann"],
        "11": [],
        "12": ["Bob"],
        "dont_know": ["Cy"],
        "not_applicable": ["Di"],
    }
    assert view.buckets[0].people[0].comment == "Nothing written"
    assert view.buckets[4].people[0].reason == "We release nothing"
    assert [bucket.number for bucket in view.buckets] == [1, 2, 3, 4, 5]
    assert view.answered == 4
    assert view.spread == 1.0 and view.strong  # "does not apply" against an option


def test_the_spread_is_the_widest_gap_over_the_scale_and_dont_know_takes_no_side():
    view = question_view(
        SCALE,
        [
            Individual("A", "option", 11),
            Individual("B", "option", 12),
            Individual("C", "dont_know"),
        ],
    )
    assert view.spread == 0.5 and view.strong
    assert view.spread_words == "Strong disagreement"
    agreeing = question_view(SCALE, [Individual("A", "option", 11), Individual("B", "option", 11)])
    assert agreeing.spread == 0 and agreeing.spread_words == "Everyone agrees"
    assert question_view(SCALE, []).spread_words == "No answers yet"


def test_the_suggestion_is_the_lower_median_option():
    view = question_view(
        SCALE,
        [Individual(w, "option", pk) for w, pk in (("A", 10), ("B", 12), ("C", 12), ("D", 11))],
    )
    assert view.suggestion.choice == "11" and view.suggestion.label == "Ad hoc"


def test_a_checklist_lists_each_box_and_suggests_the_boxes_most_checked():
    view = question_view(
        BOXES,
        [
            Individual("A", "checked", boxes=(20, 21)),
            Individual("B", "checked", boxes=(20,)),
            Individual("C", "checked", boxes=(20, 22)),
        ],
        checklist=True,
    )
    assert people(view)["20"] == ["A", "B", "C"]
    assert people(view)["21"] == ["A"]
    assert view.suggestion.choice == "boxes:20" and view.suggestion.boxes == (20,)
    assert view.suggestion.label == "Policy"
    assert all(bucket.number == 0 for bucket in view.buckets)


def test_no_suggestion_when_nobody_answered_or_no_box_has_a_majority():
    assert question_view(SCALE, []).suggestion is None
    split = question_view(
        BOXES,
        [Individual("A", "checked", boxes=(20,)), Individual("B", "checked", boxes=(21,))],
        checklist=True,
    )
    assert split.suggestion is None


def test_does_not_apply_is_suggested_when_more_than_half_say_so_and_dont_know_when_all_do():
    view = question_view(
        SCALE,
        [
            Individual("A", "not_applicable", reason="x"),
            Individual("B", "not_applicable", reason="y"),
        ],
        allows_not_applicable=True,
    )
    assert view.suggestion.choice == "not_applicable"
    unknown = question_view(SCALE, [Individual("A", "dont_know")])
    assert unknown.suggestion.choice == "dont_know" and unknown.spread == 0


def test_a_note_without_a_choice_shows_its_comment_and_takes_no_position():
    view = question_view(
        SCALE, [Individual("A", "note", comment="Ask legal"), Individual("B", "option", 10)]
    )
    assert [(said.who, said.comment) for said in view.notes] == [("A", "Ask legal")]
    assert view.answered == 1 and view.spread == 0


individuals = st.lists(
    st.one_of(
        st.sampled_from([10, 11, 12]).map(lambda pk: Individual("x", "option", pk)),
        st.just(Individual("x", "dont_know")),
        st.just(Individual("x", "not_applicable", reason="r")),
    ),
    max_size=8,
)


@given(individuals, st.randoms())
def test_the_view_does_not_depend_on_the_order_of_answers(answers, rng):
    shuffled = list(answers)
    rng.shuffle(shuffled)
    a = question_view(SCALE, answers, allows_not_applicable=True)
    b = question_view(SCALE, shuffled, allows_not_applicable=True)
    assert (a.spread, a.suggestion, a.answered) == (b.spread, b.suggestion, b.answered)
    assert [x.count for x in a.buckets] == [x.count for x in b.buckets]


def test_the_people_are_listed_with_every_text_escaped():
    view = question_view(
        SCALE,
        [
            Individual("<b>Ann</b>", "option", 10, comment='<script>alert("x")</script>'),
            Individual("Bob", "option", 10),
        ],
    )
    html = str(view.buckets[0].people_html())
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.endswith('<span><span class="fw-semibold">Bob</span></span>')
