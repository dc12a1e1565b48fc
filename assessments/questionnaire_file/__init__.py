"""Questionnaire versions as files: the format, its validation, and loading and exporting."""

from pathlib import Path

DEFAULT_QUESTIONNAIRE = Path(__file__).resolve().parent.parent / "questionnaires"
