"""Hostile questionnaire files are refused quickly, in little memory, with a message, everywhere.

Each file goes through `parse_document` (bounded in processor time and in memory), through the
admin import page (staff) and through `manage.py load_questionnaire`; none writes anything.
Processor time, not wall time, is bounded: it does not grow when the machine is busy.
"""

import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from assessments.models import Question, Questionnaire
from assessments.questionnaire_file import DEFAULT_QUESTIONNAIRE
from assessments.questionnaire_file.bounded_yaml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MAX_SECTIONS,
)
from assessments.questionnaire_file.document import DocumentError, parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MAX_SECONDS = 2.0
MAX_PEAK_BYTES = 30 * 1024 * 1024


def _alias_bomb() -> str:
    """Nine levels of ten aliases each: a billion items once expanded, 1 KB as written, hidden in
    the sections of an otherwise ordinary file."""
    lines = ["format: ospo-assess/questionnaire@1", 'a0: &a0 ["lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    lines.append("sections: *a9")
    return "\n".join(lines) + "\n"


def _question(number: int) -> str:
    return (
        f"      - key: q-{number}\n        text: Question {number}?\n"
        "        stage: awareness\n        pillar: enabler\n        layer: all\n"
    )


def _many_questions() -> str:
    head = (FIXTURES / "mini.yaml").read_text(encoding="utf-8").split("sections:")[0]
    body = "".join(_question(n) for n in range(MAX_QUESTIONS + 1))
    return head + "sections:\n  - key: all\n    title: All\n    questions:\n" + body


def _many_sections() -> str:
    return "sections:\n" + "".join(
        f"  - key: s-{n}\n    title: S\n    questions: []\n" for n in range(MAX_SECTIONS + 1)
    )


def _many_options() -> str:
    options = "".join(f"      - {{score: {n}, label: L{n}}}\n" for n in range(MAX_OPTIONS + 1))
    return "sections:\n  - key: s\n    questions:\n    - key: q\n      options:\n" + options


def _duplicate_key() -> str:
    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    return text.replace("\nversion: 1\n", "\nversion: 1\nversion: 2\n", 1)


HOSTILE = {
    "alias bomb": (_alias_bomb, "anchors (&a0) are not allowed"),
    "bare alias": (lambda: "title: *x\n", "aliases (*x) are not allowed"),
    "merge key": (lambda: "scoring: {<<: {threshold: 1}}\n", "merge keys (<<) are not allowed"),
    "5,000 nested [": (lambda: "[" * 5000 + "]" * 5000, f"nested more than {MAX_DEPTH} deep"),
    "5,000 nested {": (lambda: "{a: " * 5000 + "}" * 5000, f"nested more than {MAX_DEPTH} deep"),
    "deep block mappings": (
        lambda: "".join("  " * level + f"k{level}:\n" for level in range(50)) + "  " * 50 + "x\n",
        f"nested more than {MAX_DEPTH} deep",
    ),
    "duplicate key": (_duplicate_key, "line 4: the key 'version' appears more than once"),
    "50 MB file": (lambda: "#" * (50 * 1024 * 1024), "the file is larger than 2 MB"),
    "too many questions": (_many_questions, f"more than {MAX_QUESTIONS} questions in the file"),
    "too many sections": (_many_sections, f"more than {MAX_SECTIONS} sections in the file"),
    "too many options": (_many_options, f"more than {MAX_OPTIONS} options in one list"),
    "too many values": (
        lambda: "title: [" + "a, " * MAX_NODES + "a]\n",
        f"more than {MAX_NODES:,} values",
    ),
    "a month 13": (lambda: "version: 2026-13-45\n", "line 1: cannot read the value '2026-13-45'"),
    "a million-digit number": (
        lambda: "version: " + "9" * 100_000 + "\n",
        "line 1: cannot read the value '9999",
    ),
}


@pytest.fixture(params=list(HOSTILE), ids=list(HOSTILE))
def hostile(request) -> tuple[str, str]:
    make, message = HOSTILE[request.param]
    return make(), message


def _refusal(text: str) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        parse_document(text)
    return caught.value.problems


def test_a_hostile_file_is_refused_quickly_in_little_memory_with_a_message(hostile):
    text, message = hostile
    started = time.process_time()
    problems = _refusal(text)
    seconds = time.process_time() - started
    tracemalloc.start()
    try:
        _refusal(text)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(problems) == 1 and message in problems[0], problems
    assert seconds < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES


def _counts() -> tuple[int, int, int]:
    return Questionnaire.objects.count(), Question.objects.count(), LogEntry.objects.count()


def test_the_admin_import_shows_the_refusal_and_writes_nothing(
    admin_client, questionnaire, hostile
):
    text, message = hostile
    before = _counts()
    page = admin_client.post(
        reverse("admin:assessments_questionnaire_import"),
        {"file": SimpleUploadedFile("hostile.yaml", text.encode())},
    )
    assert page.status_code == 400
    assert escape(message) in page.content.decode()
    assert b"nothing was written" in page.content
    assert _counts() == before


def test_the_command_exits_non_zero_with_the_refusal_and_writes_nothing(db, tmp_path, hostile):
    text, message = hostile
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_questionnaire", str(path))
    assert "was not loaded; nothing was written" in str(caught.value)
    assert message in str(caught.value)
    assert Questionnaire.objects.count() == 0


def test_the_command_refuses_a_large_file_without_reading_it(db, tmp_path, monkeypatch):
    path = tmp_path / "large.yaml"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL bytes, never read

    def no_parsing(text):
        raise AssertionError("parsed a file above the limit")

    monkeypatch.setattr(
        "assessments.management.commands.load_questionnaire.parse_document", no_parsing
    )
    with pytest.raises(CommandError, match="the file is larger than 2 MB"):
        call_command("load_questionnaire", str(path))


def test_the_admin_refuses_a_large_upload_by_its_declared_length(staff, client):
    client.force_login(staff)
    page = client.post(
        reverse("admin:assessments_questionnaire_import"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert page.status_code == 400
    assert "the file is larger than 2 MB" in page.content.decode()


def test_a_file_just_under_the_limits_still_loads():
    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    padded = text + "#" * (MAX_FILE_BYTES - len(text.encode()) - 1) + "\n"
    assert parse_document(padded).key == "mini"


@pytest.mark.parametrize(
    "path",
    [FIXTURES / "mini.yaml", DEFAULT_QUESTIONNAIRE / "ospo-maturity-v1.yaml"],
    ids=["mini", "shipped"],
)
def test_the_shipped_files_use_no_anchors_or_aliases_and_load(path):
    text = path.read_text(encoding="utf-8")
    events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    assert not any(isinstance(event, yaml.AliasEvent) for event in events)
    assert not any(getattr(event, "anchor", None) for event in events)
    assert parse_document(text).questions()
