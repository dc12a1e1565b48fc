"""The roadmap of a strategy: edit in place, reorder, add, delete; who may do what; query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Answer, Assessment
from strategy.forms import clean_quarter
from strategy.models import RoadmapItem, Strategy

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def answer_lowest(assessment):
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=min(question.options.all(), key=lambda option: option.score),
        )


@pytest.fixture
def strategy(assessment, owner):
    """The drafted strategy, with two more actions so that there is a middle to move."""
    answer_lowest(assessment)
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Strategy")
    drafted = RoadmapItem.objects.filter(strategy=strategy).count()
    assert drafted >= 1
    RoadmapItem.objects.bulk_create(
        RoadmapItem(strategy=strategy, order=drafted + index, title=title, question_keys=[key])
        for index, (title, key) in enumerate(
            [("Draft a policy", "policy"), ("Run a license primer", "training")]
        )
    )
    return strategy


@pytest.fixture
def other_strategy(other_organization, questionnaire, outsider):
    assessment = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Theirs"
    )
    answer_lowest(assessment)
    return Strategy.objects.create_from_assessment(assessment, outsider, "Their strategy")


def url(name, strategy, *extra):
    return reverse(f"strategy:{name}", args=[strategy.organization.slug, strategy.pk, *extra])


def items(strategy):
    return list(RoadmapItem.objects.filter(strategy=strategy).order_by("order", "pk"))


def orders(strategy):
    return [item.order for item in items(strategy)]


def edit_data(item, **changes):
    values = {
        "title": item.title,
        "why": item.why,
        "owner": item.owner,
        "target_quarter": item.target_quarter,
        "status": item.status,
        "question_keys": item.question_keys,
        **changes,
    }
    return {f"item-{item.pk}-{name}": value for name, value in values.items()}


def test_the_draft_roadmap_has_items_from_the_blockers(assessment, owner):
    answer_lowest(assessment)
    drafted = items(Strategy.objects.create_from_assessment(assessment, owner, "Strategy"))
    assert drafted
    assert [item.order for item in drafted] == list(range(len(drafted)))
    assert drafted[0].question_keys == ["inventory"]
    assert drafted[0].title == "Generate a dependency list for your three main products."


def test_the_page_lists_the_items_as_forms_with_their_question_texts(client, owner, strategy):
    client.force_login(owner)
    response = client.get(url("roadmap", strategy))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Strategy" in page
    assert url("overview", strategy) in page
    for item in items(strategy):
        assert url("item_edit", strategy, item.pk) in page
        assert url("item_move", strategy, item.pk) in page
        assert url("item_delete", strategy, item.pk) in page
        assert f'for="id_item-{item.pk}-target_quarter"' in page
    assert url("item_add", strategy) in page
    # Linked questions appear as their texts, not their keys.
    assert "Is there an approved open source policy?" in page
    assert 'role="status"' in page and 'aria-live="polite"' in page


def test_user_text_is_escaped(client, owner, strategy):
    item = items(strategy)[0]
    item.title = '<script>alert("x")</script>'
    item.save()
    client.force_login(owner)
    page = client.get(url("roadmap", strategy)).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_an_edit_saves_and_returns_the_item_fragment(client, colleague, strategy):
    item = items(strategy)[1]
    client.force_login(colleague)
    data = edit_data(
        item,
        title="Publish an inventory",
        owner="Platform team",
        target_quarter="2027-q2",
        status="in_progress",
        question_keys=["inventory", "policy"],
    )
    response = client.post(url("item_edit", strategy, item.pk), data, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'id="item-{item.pk}-fields"' in fragment
    assert "Saved" in fragment
    assert "Publish an inventory" in fragment
    saved = RoadmapItem.objects.get(pk=item.pk)
    assert saved.title == "Publish an inventory"
    assert saved.owner == "Platform team"
    assert saved.target_quarter == "2027-Q2"
    assert saved.status == "in_progress"
    assert saved.question_keys == ["inventory", "policy"]
    assert saved.order == item.order


def test_an_edit_without_htmx_redirects_back_to_the_page(client, owner, strategy):
    item = items(strategy)[0]
    client.force_login(owner)
    response = client.post(url("item_edit", strategy, item.pk), edit_data(item, owner="Ana"))
    assert response.status_code == 302
    assert response["Location"] == url("roadmap", strategy) + f"#item-{item.pk}"
    assert RoadmapItem.objects.get(pk=item.pk).owner == "Ana"


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2027-Q5", "YYYY-Qn"),
        ("2027-Q0", "YYYY-Qn"),
        ("2027Q2", "YYYY-Qn"),
        ("next spring", "YYYY-Qn"),
        ("2027-Q22", "YYYY-Qn"),
        ("1999-Q4", "between 2000 and 2100"),
        ("2101-Q1", "between 2000 and 2100"),
    ],
)
def test_a_bad_quarter_is_refused_with_a_clear_message(client, owner, strategy, quarter, message):
    item = items(strategy)[0]
    before = (item.title, item.target_quarter, item.owner)
    client.force_login(owner)
    data = edit_data(item, title="Changed too", owner="Someone", target_quarter=quarter)
    response = client.post(url("item_edit", strategy, item.pk), data, **HTMX)
    assert response.status_code == 400
    fragment = response.content.decode()
    assert message in fragment
    assert "<html" not in fragment
    assert 'aria-invalid="true"' in fragment
    assert "Not saved" in fragment
    item.refresh_from_db()
    assert (item.title, item.target_quarter, item.owner) == before


def test_a_bad_edit_without_htmx_shows_the_page_with_the_errors(client, owner, strategy):
    item = items(strategy)[0]
    client.force_login(owner)
    data = edit_data(item, target_quarter="soon")
    response = client.post(url("item_edit", strategy, item.pk), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<html" in page and "YYYY-Qn" in page and 'value="soon"' in page


def test_quarters_are_normalized_and_may_be_empty():
    assert clean_quarter(" 2027-q2 ") == "2027-Q2"
    assert clean_quarter("2000-Q1") == "2000-Q1"
    assert clean_quarter("2100-Q4") == "2100-Q4"
    assert clean_quarter("") == ""


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "x" * 301},
        {"status": "someday"},
        {"question_keys": ["no-such-question"]},
    ],
)
def test_other_invalid_edits_are_refused_and_save_nothing(client, owner, strategy, changes):
    item = items(strategy)[0]
    client.force_login(owner)
    data = edit_data(item, owner="Changed", **changes)
    response = client.post(url("item_edit", strategy, item.pk), data, **HTMX)
    assert response.status_code == 400
    assert RoadmapItem.objects.get(pk=item.pk).owner == item.owner


def test_move_up_and_down_swap_neighbours_and_keep_orders_dense(client, owner, strategy):
    first, second, third = items(strategy)[:3]
    client.force_login(owner)
    response = client.post(url("item_move", strategy, second.pk), {"direction": "up"}, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="roadmap-list"' in fragment and "<html" not in fragment
    assert 'id="roadmap-status"' in fragment and "is now action 1 of" in fragment
    assert [i.pk for i in items(strategy)][:3] == [second.pk, first.pk, third.pk]
    assert orders(strategy) == list(range(len(items(strategy))))

    response = client.post(url("item_move", strategy, second.pk), {"direction": "down"}, **HTMX)
    assert response.status_code == 200
    response = client.post(url("item_move", strategy, second.pk), {"direction": "down"})
    assert response.status_code == 302
    assert [i.pk for i in items(strategy)][:3] == [first.pk, third.pk, second.pk]
    assert orders(strategy) == list(range(len(items(strategy))))


def test_moving_past_either_end_changes_nothing(client, owner, strategy):
    before = [i.pk for i in items(strategy)]
    client.force_login(owner)
    client.post(url("item_move", strategy, before[0]), {"direction": "up"}, **HTMX)
    client.post(url("item_move", strategy, before[-1]), {"direction": "down"}, **HTMX)
    assert [i.pk for i in items(strategy)] == before


def test_moving_repairs_orders_that_are_not_dense(client, owner, strategy):
    for index, item in enumerate(items(strategy)):
        item.order = index * 10
        item.save()
    first, second = items(strategy)[:2]
    client.force_login(owner)
    client.post(url("item_move", strategy, first.pk), {"direction": "down"}, **HTMX)
    assert [i.pk for i in items(strategy)][:2] == [second.pk, first.pk]
    assert orders(strategy) == list(range(len(items(strategy))))


@pytest.mark.parametrize("direction", ["", "left", "UP"])
def test_an_unknown_direction_is_a_bad_request(client, owner, strategy, direction):
    before = [i.pk for i in items(strategy)]
    client.force_login(owner)
    response = client.post(url("item_move", strategy, before[1]), {"direction": direction})
    assert response.status_code == 400
    assert [i.pk for i in items(strategy)] == before


def test_add_appends_an_item_at_the_end(client, owner, strategy):
    count = len(items(strategy))
    client.force_login(owner)
    data = {"new-title": "Hire an OSPO lead", "new-target_quarter": "2028-Q1", "new-owner": "CTO"}
    response = client.post(url("item_add", strategy), data, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="roadmap-list"' in fragment and "Hire an OSPO lead" in fragment
    added = items(strategy)[-1]
    assert added.title == "Hire an OSPO lead"
    assert added.target_quarter == "2028-Q1" and added.owner == "CTO"
    assert added.status == "planned" and added.question_keys == []
    assert added.order == count
    assert orders(strategy) == list(range(count + 1))

    response = client.post(url("item_add", strategy), {"new-title": "Second", "new-status": "done"})
    assert response.status_code == 302
    assert items(strategy)[-1].title == "Second"
    assert orders(strategy) == list(range(count + 2))


@pytest.mark.parametrize("htmx", [True, False])
def test_an_invalid_add_creates_nothing(client, owner, strategy, htmx):
    count = len(items(strategy))
    client.force_login(owner)
    data = {"new-title": "", "new-target_quarter": "2028-Q9", "new-status": "planned"}
    response = client.post(url("item_add", strategy), data, **(HTMX if htmx else {}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say what the action is." in body and "YYYY-Qn" in body
    assert ("<html" in body) is not htmx
    assert len(items(strategy)) == count


def test_delete_removes_and_renumbers(client, owner, strategy):
    before = items(strategy)
    client.force_login(owner)
    response = client.post(url("item_delete", strategy, before[1].pk), **HTMX)
    assert response.status_code == 200
    assert 'id="roadmap-list"' in response.content.decode()
    after = items(strategy)
    assert [i.pk for i in after] == [before[0].pk] + [i.pk for i in before[2:]]
    assert orders(strategy) == list(range(len(before) - 1))

    response = client.post(url("item_delete", strategy, before[0].pk))
    assert response.status_code == 302
    assert orders(strategy) == list(range(len(before) - 2))


def post_urls(strategy, item):
    return [
        (url("item_edit", strategy, item.pk), edit_data(item, title="Hacked")),
        (url("item_move", strategy, item.pk), {"direction": "down"}),
        (url("item_add", strategy), {"new-title": "Hacked", "new-status": "planned"}),
        (url("item_delete", strategy, item.pk), {}),
    ]


def snapshot(strategy):
    return list(
        RoadmapItem.objects.filter(strategy=strategy)
        .order_by("pk")
        .values_list("pk", "order", "title", "status")
    )


def test_a_viewer_reads_the_roadmap_without_forms(client, viewer, strategy):
    client.force_login(viewer)
    response = client.get(url("roadmap", strategy))
    assert response.status_code == 200
    page = response.content.decode()
    for item in items(strategy):
        assert item.title in page
        assert url("item_edit", strategy, item.pk) not in page
        assert url("item_move", strategy, item.pk) not in page
        assert url("item_delete", strategy, item.pk) not in page
    assert url("item_add", strategy) not in page
    for control in ("hx-post", "<textarea", "<select", 'name="direction"'):
        assert control not in page
    assert "Is there an approved open source policy?" in page


def test_a_viewer_gets_403_on_every_post(client, viewer, strategy):
    item = items(strategy)[0]
    before = snapshot(strategy)
    client.force_login(viewer)
    for target, data in post_urls(strategy, item):
        for extra in ({}, HTMX):
            assert client.post(target, data, **extra).status_code == 403, target
    assert snapshot(strategy) == before


def test_another_organizations_strategy_is_404(client, outsider, strategy):
    item = items(strategy)[0]
    before = snapshot(strategy)
    client.force_login(outsider)
    assert client.get(url("roadmap", strategy)).status_code == 404
    for target, data in post_urls(strategy, item):
        assert client.post(target, data, **HTMX).status_code == 404, target
    assert snapshot(strategy) == before


def test_an_item_of_another_strategy_is_404_under_this_strategys_url(
    client, owner, strategy, assessment, other_strategy
):
    mine_too = Strategy.objects.create_from_assessment(assessment, owner, "Second strategy")
    client.force_login(owner)
    for foreign in (items(mine_too)[0], items(other_strategy)[0]):
        before = snapshot(foreign.strategy)
        for name, data in (
            ("item_edit", edit_data(foreign, title="Hacked")),
            ("item_move", {"direction": "down"}),
            ("item_delete", {}),
        ):
            response = client.post(url(name, strategy, foreign.pk), data, **HTMX)
            assert response.status_code == 404, name
        assert snapshot(foreign.strategy) == before


def test_anonymous_visitors_are_sent_to_log_in(client, strategy):
    response = client.get(url("roadmap", strategy))
    assert response.status_code == 302 and "login" in response["Location"]
    item = items(strategy)[0]
    assert client.post(url("item_delete", strategy, item.pk)).status_code == 302
    assert RoadmapItem.objects.filter(pk=item.pk).exists()


def test_get_is_not_allowed_on_the_write_urls(client, owner, strategy):
    item = items(strategy)[0]
    client.force_login(owner)
    for target, _data in post_urls(strategy, item):
        assert client.get(target).status_code == 405


def test_csrf_is_enforced_on_every_post(owner, strategy):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    item = items(strategy)[0]
    before = snapshot(strategy)
    for target, data in post_urls(strategy, item):
        assert csrf_client.post(target, data, **HTMX).status_code == 403, target
    assert snapshot(strategy) == before


def test_the_htmx_header_carries_the_csrf_token(owner, strategy):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    csrf_client.get(url("roadmap", strategy))
    token = csrf_client.cookies["csrftoken"].value
    item = items(strategy)[0]
    response = csrf_client.post(
        url("item_edit", strategy, item.pk),
        edit_data(item, owner="Via htmx"),
        HTTP_X_CSRFTOKEN=token,
        **HTMX,
    )
    assert response.status_code == 200
    assert RoadmapItem.objects.get(pk=item.pk).owner == "Via htmx"


def test_a_strategy_whose_assessment_was_deleted_keeps_its_links(client, owner, strategy):
    item = items(strategy)[0]
    keys = item.question_keys
    strategy.assessment.delete()
    client.force_login(owner)
    page = client.get(url("roadmap", strategy)).content.decode()
    assert "was deleted" in page
    data = edit_data(item, owner="Still editable")
    del data[f"item-{item.pk}-question_keys"]
    response = client.post(url("item_edit", strategy, item.pk), data, **HTMX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.owner == "Still editable" and item.question_keys == keys


def test_writes_mark_the_strategy_as_updated(client, owner, strategy):
    before = Strategy.objects.get(pk=strategy.pk).updated_at
    client.force_login(owner)
    item = items(strategy)[0]
    client.post(url("item_edit", strategy, item.pk), edit_data(item, owner="New"), **HTMX)
    assert Strategy.objects.get(pk=strategy.pk).updated_at > before


def grow(strategy, size):
    keys = ["inventory", "champion", "contribution-ok", "policy", "training", "releases"]
    RoadmapItem.objects.filter(strategy=strategy).delete()
    RoadmapItem.objects.bulk_create(
        RoadmapItem(
            strategy=strategy,
            order=index,
            title=f"Action {index}",
            target_quarter="2027-Q1",
            question_keys=[keys[index % len(keys)], keys[(index + 1) % len(keys)]],
        )
        for index in range(size)
    )
    return items(strategy)


PAGE_QUERIES = 7
WRITE_QUERIES = 13


def test_query_counts_do_not_grow_with_the_number_of_items(client, owner, strategy):
    client.force_login(owner)
    counts = []
    for size in (3, 30):
        grow(strategy, size)
        client.get(url("roadmap", strategy))
        with CaptureQueriesContext(connection) as context:
            client.get(url("roadmap", strategy))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("who", ["owner", "viewer"])
def test_the_page_costs_a_fixed_number_of_queries(
    client, owner, viewer, strategy, django_assert_max_num_queries, size, who
):
    grow(strategy, size)
    client.force_login(owner if who == "owner" else viewer)
    client.get(url("roadmap", strategy))  # the first visit also remembers the organization
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url("roadmap", strategy))
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3"') == size


@pytest.mark.parametrize("size", [3, 30])
def test_writes_cost_a_fixed_number_of_queries(
    client, owner, strategy, django_assert_max_num_queries, size
):
    rows = grow(strategy, size)
    client.force_login(owner)
    client.get(url("roadmap", strategy))
    middle = rows[size // 2]
    requests = [
        (url("item_edit", strategy, middle.pk), edit_data(middle, owner="Ana")),
        (url("item_move", strategy, middle.pk), {"direction": "up"}),
        (url("item_add", strategy), {"new-title": "One more", "new-status": "planned"}),
        (url("item_delete", strategy, rows[0].pk), {}),
    ]
    for target, data in requests:
        with django_assert_max_num_queries(WRITE_QUERIES):
            response = client.post(target, data, **HTMX)
        assert response.status_code == 200, target


def test_it_moves_an_item_to_its_neighbours_place_and_not_past_either_end(strategy):
    actions = RoadmapItem.objects.filter(strategy=strategy)
    first, second = actions.in_order()[:2]
    items, index = actions.move(second, "up")
    assert (items[0].pk, items[1].pk, index) == (second.pk, first.pk, 0)
    items, index = actions.move(second, "up")
    assert (items[0].pk, index) == (second.pk, 0)
    assert [i.order for i in actions.in_order()] == list(range(len(items)))


def test_it_renumbers_the_items_left_densely_and_refuses_to_move_a_gone_one(strategy):
    actions = RoadmapItem.objects.filter(strategy=strategy)
    gone = actions.in_order()[1]
    gone.delete()
    assert [i.order for i in actions.renumber()] == list(range(actions.count()))
    with pytest.raises(RoadmapItem.DoesNotExist):
        actions.move(gone, "down")
