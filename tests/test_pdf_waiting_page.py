"""The PDF's waiting page: how long the job has waited, and what to run when no worker takes it."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from strategy.models import PdfJob
from strategy.tasks import NO_WORKER_AFTER, seems_unattended
from tests.test_pdf_jobs import DATABASE_TASKS, answered_strategy, org_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("queued_only")]

HINT = "No worker has taken this PDF"


@pytest.fixture
def queued_only():
    with override_settings(TASKS=DATABASE_TASKS):  # nothing renders: the job stays queued
        yield


@pytest.fixture
def strategy(assessment, owner):
    return answered_strategy(assessment, owner, "Strategy")


def ask(client, user, strategy):
    client.force_login(user)
    response = client.get(org_url("export_pdf", strategy))
    assert response.status_code == 202
    return PdfJob.objects.get(strategy=strategy)


def age(job, seconds):
    PdfJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_the_rule_waits_a_few_seconds_and_blames_no_worker_while_others_render():
    assert not seems_unattended(timedelta(seconds=2), others_rendering=False)
    assert seems_unattended(NO_WORKER_AFTER, others_rendering=False)
    assert seems_unattended(timedelta(minutes=5), others_rendering=False)
    assert not seems_unattended(timedelta(minutes=5), others_rendering=True)


def test_the_page_says_how_long_the_job_has_waited(client, owner, strategy):
    job = ask(client, owner, strategy)
    age(job, 3)
    html = client.get(org_url("export_pdf_status", strategy)).content.decode()
    assert "Waiting for 3 s." in html
    assert HINT not in html
    age(job, 12)
    html = client.get(org_url("export_pdf_status", strategy)).content.decode()
    assert "Waiting for 12 s." in html


def test_a_job_nobody_picks_up_says_what_to_run_after_a_few_seconds(client, owner, strategy):
    job = ask(client, owner, strategy)
    age(job, 6)
    for name in ("export_pdf_status", "export_pdf"):
        html = client.get(org_url(name, strategy)).content.decode()
        assert f"{HINT} in 6 seconds" in html
        assert "python manage.py pdf_worker" in html
        assert "docker compose up -d worker" in html
    # Without JavaScript the whole page refreshes itself, and says it again each time.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html


def test_a_picked_up_job_shows_no_hint(client, owner, strategy):
    job = ask(client, owner, strategy)
    started = timezone.now() - timedelta(seconds=4)
    PdfJob.objects.filter(pk=job.pk).update(
        status=PdfJob.Status.RUNNING,
        created_at=started - timedelta(seconds=30),
        started_at=started,
    )
    html = client.get(org_url("export_pdf_status", strategy)).content.decode()
    assert "Rendering, for 4 seconds now." in html
    assert HINT not in html and "pdf_worker" not in html


def test_a_job_waiting_behind_other_renders_blames_no_missing_worker(
    client, owner, strategy, assessment
):
    from strategy.models import Strategy

    other = Strategy.objects.create_from_assessment(assessment, owner, "Other")
    PdfJob.objects.create(
        strategy=other,
        content_hash="x",
        status=PdfJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=20),
    )
    job = ask(client, owner, strategy)
    age(job, 10)
    html = client.get(org_url("export_pdf_status", strategy)).content.decode()
    assert HINT not in html
    assert "The workers are rendering other PDFs" in html


def test_the_waiting_page_with_its_hint_stays_cheap(
    client, owner, strategy, django_assert_max_num_queries
):
    job = ask(client, owner, strategy)
    age(job, 30)
    with django_assert_max_num_queries(12):
        response = client.get(org_url("export_pdf_status", strategy))
    assert HINT in response.content.decode()
