"""The PDF renders in the background: progress, failure and retry, the time limit, the worker."""

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from strategy import tasks
from strategy.document import content_hash
from strategy.models import PdfJob, RenderedPdf, Section, Strategy

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def answered_strategy(assessment, user, title):
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=question.options.order_by("score").first(),
        )
    return Strategy.objects.create_from_assessment(assessment, user, title)


@pytest.fixture
def strategy(assessment, owner):
    return answered_strategy(assessment, owner, "Strategy")


def url(name, strategy):
    return reverse(f"strategy:{name}", args=["acme", strategy.pk])


# The worker closes its database connection when it is done, as it should: that needs a test
# whose data is committed, not one wrapped in a transaction on that connection.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_real_worker_renders_a_queued_pdf_and_the_page_then_offers_it(client, owner, strategy):
    client.force_login(owner)
    response = client.get(url("export_pdf", strategy))
    assert response.status_code == 202
    assert "Waiting for a worker" in response.content.decode()
    job = PdfJob.objects.get()
    assert job.status == PdfJob.Status.QUEUED and not RenderedPdf.objects.exists()

    call_command("pdf_worker", "--batch", "--max-tasks", "1", "--queue-name", "default")

    job.refresh_from_db()
    assert job.status == PdfJob.Status.DONE and job.rendered is not None
    status = client.get(url("export_pdf_status", strategy)).content.decode()
    assert "The PDF is ready." in status
    response = client.get(url("export_pdf", strategy))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response).startswith(b"%PDF")


@override_settings(TASKS=DATABASE_TASKS)
def test_asking_again_while_queued_does_not_queue_twice(client, owner, strategy):
    client.force_login(owner)
    client.get(url("export_pdf", strategy))
    client.get(url("export_pdf", strategy))
    assert PdfJob.objects.count() == 1


def test_a_failed_render_says_why_and_can_be_retried(client, owner, strategy, monkeypatch):
    def explode(strategy):
        raise RuntimeError("font cache is broken")

    monkeypatch.setattr("strategy.pdf.render_pdf", explode)
    client.force_login(owner)
    response = client.get(url("export_pdf", strategy))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The PDF could not be made." in html and "font cache is broken" in html
    assert PdfJob.objects.get().status == PdfJob.Status.FAILED

    monkeypatch.undo()
    retry = client.post(url("export_pdf_retry", strategy))
    assert retry["Location"] == url("export_pdf", strategy)
    assert client.get(url("export_pdf", strategy)).status_code == 200
    assert PdfJob.objects.filter(status=PdfJob.Status.DONE).count() == 1


@override_settings(PDF_RENDER_TIMEOUT=1)
def test_a_render_that_takes_too_long_is_stopped(client, owner, strategy, monkeypatch):
    def slow(strategy):
        time.sleep(5)

    monkeypatch.setattr("strategy.pdf.render_pdf", slow)
    client.force_login(owner)
    started = time.monotonic()
    client.get(url("export_pdf", strategy))
    assert time.monotonic() - started < 4
    job = PdfJob.objects.get()
    assert job.status == PdfJob.Status.FAILED
    assert "longer than 1 seconds" in job.error


def test_a_section_saved_before_the_size_limit_is_named_and_not_rendered(
    client, owner, strategy, monkeypatch
):
    Section.objects.filter(strategy=strategy, key="governance").update(body="| a | b |\n" * 6000)
    monkeypatch.setattr("strategy.pdf.HTML", None)  # nothing may be laid out
    client.force_login(owner)
    response = client.get(url("export_pdf", strategy))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The PDF could not be made." in html
    title = Section.objects.get(strategy=strategy, key="governance").title
    assert f"The section “{title}” holds 60.0 KB of text; a section may hold 50 KB." in html
    assert PdfJob.objects.get().status == PdfJob.Status.FAILED
    assert not RenderedPdf.objects.exists()


@override_settings(PDF_MAX_PAGES=1)
def test_a_document_over_the_page_limit_is_refused_before_its_pdf_is_written(
    client, owner, strategy, monkeypatch
):
    from weasyprint.document import Document

    def written(*args, **kwargs):
        raise AssertionError("the PDF was written")

    monkeypatch.setattr(Document, "write_pdf", written)
    client.force_login(owner)
    html = client.get(url("export_pdf", strategy)).content.decode()
    job = PdfJob.objects.get()
    assert job.status == PdfJob.Status.FAILED
    assert re.search(r"The document would have \d+ pages; a PDF may have at most 1\.", job.error)
    assert "a PDF may have at most 1." in html
    assert not RenderedPdf.objects.exists()


def page_limit_setting(raw: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PDF_MAX_PAGES"}
    if raw is not None:
        env["PDF_MAX_PAGES"] = raw
    return subprocess.run(
        [sys.executable, "-c", "from ospo_assess import settings; print(settings.PDF_MAX_PAGES)"],
        cwd=WORKER_SCRIPT.parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_page_limit_is_read_from_the_environment():
    assert page_limit_setting(None).stdout.strip() == "200"
    assert page_limit_setting("80").stdout.strip() == "80"
    refused = page_limit_setting("many")
    assert refused.returncode != 0
    assert "PDF_MAX_PAGES='many' is not a whole number" in refused.stderr


def test_an_unchanged_document_is_served_without_a_new_job(client, owner, strategy):
    client.force_login(owner)
    assert client.get(url("export_pdf", strategy)).status_code == 200
    assert client.get(url("export_pdf", strategy)).status_code == 200
    assert PdfJob.objects.count() == 1 and RenderedPdf.objects.count() == 1


def test_the_time_limit_is_skipped_outside_the_main_thread():
    import threading

    ran = []

    def work():
        with tasks.time_limit(1):
            ran.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert ran == [True]


# --- A fair queue: one job waiting and one rendering per organization ------------------------


@pytest.fixture
def their_strategy(other_organization, questionnaire, outsider):
    """Another organization's strategy."""
    assessment = Assessment.objects.create(
        organization=other_organization, questionnaire=questionnaire, title="Theirs"
    )
    return answered_strategy(assessment, outsider, "Their strategy")


def org_url(name, strategy):
    return reverse(f"strategy:{name}", args=[strategy.organization.slug, strategy.pk])


@pytest.fixture
def fake_render(monkeypatch):
    """render_pdf replaced by a quick fake; the list holds each rendered strategy's organization."""
    rendered: list[str] = []

    def render(strategy):
        rendered.append(strategy.organization.slug)
        return RenderedPdf.objects.create(
            strategy=strategy, content_hash=content_hash(strategy), pdf=b"%PDF fake", pages=1
        )

    monkeypatch.setattr("strategy.pdf.render_pdf", render)
    return rendered


def ask(client, user, strategy, why=None):
    """`user` asks for the strategy's PDF, after changing its text when `why` is given."""
    if why is not None:
        Section.objects.filter(strategy=strategy, key="why").update(body=why)
    client.force_login(user)
    response = client.get(org_url("export_pdf", strategy))
    assert response.status_code == 202
    return response


def waiting(organization):
    return PdfJob.objects.filter(
        strategy__organization=organization, status=PdfJob.Status.QUEUED
    ).count()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_an_organization_flooding_the_queue_does_not_delay_another_organizations_pdf(
    client, owner, outsider, strategy, their_strategy, fake_render
):
    for draft in range(5):
        ask(client, owner, strategy, why=f"Draft {draft}")
    ask(client, outsider, their_strategy)
    for draft in range(5, 10):
        ask(client, owner, strategy, why=f"Draft {draft}")
        assert waiting(strategy.organization) == waiting(their_strategy.organization) == 1

    call_command("pdf_worker", "--batch", "--queue-name", "default", "--no-startup-delay")

    # Their one request renders first; of the flood, only the newest text renders.
    assert fake_render == ["globex", "acme"]
    jobs = PdfJob.objects.filter(strategy=strategy)
    assert jobs.filter(status=PdfJob.Status.SUPERSEDED).count() == 9
    done = jobs.get(status=PdfJob.Status.DONE)
    assert done.content_hash == content_hash(strategy)  # Draft 9
    assert PdfJob.objects.get(strategy=their_strategy).status == PdfJob.Status.DONE


@override_settings(TASKS=DATABASE_TASKS)
def test_a_job_waits_while_its_organization_has_another_rendering(
    client, owner, strategy, fake_render
):
    from django_tasks_db.models import DBTaskResult

    ask(client, owner, strategy, why="First")
    first = PdfJob.objects.get()
    PdfJob.objects.filter(pk=first.pk).update(
        status=PdfJob.Status.RUNNING, started_at=timezone.now()
    )  # on another worker
    ask(client, owner, strategy, why="Second")
    second = PdfJob.objects.get(status=PdfJob.Status.QUEUED)

    assert tasks.render_strategy_pdf.call(second.pk) == "skipped"
    assert fake_render == []
    second.refresh_from_db()
    assert second.status == PdfJob.Status.QUEUED
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert retry.args_kwargs["args"] == [second.pk] and retry.run_after > timezone.now()

    # A rendering older than twice the time limit is a worker that died: it no longer counts.
    PdfJob.objects.filter(pk=first.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert tasks.render_strategy_pdf.call(second.pk) == PdfJob.Status.DONE
    assert fake_render == ["acme"]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_job_replaced_by_another_of_the_organization_says_so_and_can_be_asked_again(
    client, owner, strategy, assessment, fake_render
):
    other = Strategy.objects.create_from_assessment(assessment, owner, "Second strategy")
    ask(client, owner, strategy)
    ask(client, owner, other)
    assert waiting(strategy.organization) == 1
    replaced = PdfJob.objects.get(strategy=strategy)
    assert replaced.status == PdfJob.Status.SUPERSEDED
    assert replaced.superseded_by == PdfJob.objects.get(strategy=other)

    for name in ("export_pdf", "export_pdf_status"):
        response = client.get(org_url(name, strategy))
        assert response.status_code == 200
        html = response.content.decode()
        assert "This PDF was not made." in html
        assert "A newer PDF of your organization (“Second strategy”) was asked for" in html
        assert "one PDF waiting at a time" in html and "Ask again" in html

    client.post(org_url("export_pdf_retry", strategy))
    assert waiting(strategy.organization) == 1
    assert PdfJob.objects.filter(strategy=strategy, status=PdfJob.Status.QUEUED).exists()
    assert PdfJob.objects.get(strategy=other).status == PdfJob.Status.SUPERSEDED
    assert "Waiting for a worker" in client.get(org_url("export_pdf", strategy)).content.decode()


# --- The worker container stops when asked ---------------------------------------------------

WORKER_SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "worker.sh"


def worker_environment(database: Path) -> dict[str, str]:
    """The worker's environment, on its own SQLite file: the test database lives in memory."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "WORKER_WAIT_SECONDS": "60",
        # `python` in the script is this interpreter, as it is the image's in the container.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def wait_for_line(process: subprocess.Popen, text: str, seconds: float = 30) -> str:
    """The worker's output up to the first line holding `text`."""
    seen: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if text in line:
                return "".join(seen)
    process.kill()
    raise AssertionError(f"the worker never said {text!r}:\n{''.join(seen)}")


def stop_with_sigterm(process: subprocess.Popen) -> tuple[int, float]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        status = process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("the worker ignored SIGTERM") from None
    return status, time.monotonic() - started


def start_worker(database: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["bash", str(WORKER_SCRIPT), "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=worker_environment(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_worker_stops_at_once_on_sigterm_while_it_waits_for_the_migrations(tmp_path):
    process = start_worker(tmp_path / "not-migrated.sqlite3")
    wait_for_line(process, "waiting for the web container to apply migrations")
    status, seconds = stop_with_sigterm(process)
    assert status == 0
    assert seconds < 3


def test_the_idle_worker_stops_at_once_on_sigterm(tmp_path):
    database = tmp_path / "worker.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=WORKER_SCRIPT.parent.parent,
        env=worker_environment(database),
        check=True,
        capture_output=True,
    )
    process = start_worker(database)
    wait_for_line(process, "Starting worker")
    time.sleep(0.5)  # idle: between two looks at the empty queue
    status, seconds = stop_with_sigterm(process)
    assert status == 0
    assert seconds < 3
