import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments import authoring
from assessments.demo import DEFAULT_FILE
from assessments.models import Questionnaire
from assessments.questionnaire_file.bounded_yaml import MAX_FILE_BYTES, Refused, check_size
from assessments.questionnaire_file.document import (
    DocumentError,
    QuestionnaireDoc,
    parse_document,
)
from assessments.questionnaire_file.store import save_document


def not_loaded(source: object, problems: list[str]) -> CommandError:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return CommandError(f"{source} was not loaded; nothing was written. Problems:\n{lines}")


def load_document(doc: QuestionnaireDoc, *, draft: bool, source: object) -> Questionnaire:
    """Store a parsed version and, unless `draft`, publish it; all or nothing.

    `import_ggi` loads through here too, so both commands store and publish alike.
    """
    try:
        with transaction.atomic():
            questionnaire = save_document(doc, publish=False)
            if not draft:
                # The admin's publication, so both apply the same checks and retire alike.
                authoring.publish(questionnaire, None)
    except (DocumentError, ValidationError) as exc:
        problems = exc.problems if isinstance(exc, DocumentError) else exc.messages
        raise not_loaded(source, problems) from None
    return questionnaire


def loaded_message(questionnaire: Questionnaire) -> str:
    return (
        f"Loaded {questionnaire.key} version {questionnaire.version} "
        f"({questionnaire.questions.count()} questions, "
        f"{questionnaire.get_status_display().lower()})."
    )


class Command(BaseCommand):
    help = "Validate a questionnaire file and load it as a new version, atomically."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", help="The questionnaire file.")
        parser.add_argument(
            "--default",
            action="store_true",
            help="Load the questionnaire shipped with the app (ospo-maturity, version 1).",
        )
        parser.add_argument(
            "--draft", action="store_true", help="Load as a draft instead of publishing it."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing, successfully, when this key and version already exist.",
        )

    def handle(self, *args, file: Path | None, default: bool, draft: bool, if_missing: bool, **o):
        if (file is None) == (not default):
            raise CommandError("Name a questionnaire file, or pass --default (not both).")
        file = file or DEFAULT_FILE
        try:
            doc = parse_document(self._read(file))
        except DocumentError as exc:
            raise not_loaded(file, exc.problems) from None
        if if_missing and Questionnaire.objects.filter(key=doc.key, version=doc.version).exists():
            self.stdout.write(f"{doc.key} version {doc.version} is already loaded.")
            return
        questionnaire = load_document(doc, draft=draft, source=file)
        self.stdout.write(self.style.SUCCESS(loaded_message(questionnaire)))

    @staticmethod
    def _read(file: Path) -> str:
        """The file's text; a file larger than the limit is refused before it is read in full."""
        try:
            with file.open("rb") as stream:
                check_size(os.fstat(stream.fileno()).st_size)
                data = stream.read(MAX_FILE_BYTES + 1)  # in case it grew since
                check_size(len(data))
            return data.decode("utf-8")
        except Refused as exc:
            raise DocumentError([str(exc)]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read: {exc}") from None
