import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from assessments.ggi_import import KEY, GGIError, activities_document, read_json
from assessments.management.commands.load_questionnaire import (
    load_document,
    loaded_message,
    not_loaded,
)
from assessments.models import Questionnaire
from assessments.questionnaire_file.bounded_yaml import MAX_FILE_BYTES, Refused, check_size
from assessments.questionnaire_file.document import DocumentError, dump_document, parse_document


class Command(BaseCommand):
    help = (
        "Turn the OSPO Alliance Good Governance Initiative activities JSON into a questionnaire "
        "version scored by progress (docs/ggi-import.md), validate it, and load and publish it."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # `--version N` is the version to create, in place of Django's `--version` (which
        # prints Django's own).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The GGI activities JSON file.")
        parser.add_argument(
            "--draft", action="store_true", help="Load as a draft instead of publishing it."
        )
        parser.add_argument(
            "--version",
            type=int,
            dest="number",
            help="The version number to create (default: one above the highest stored for 'ggi').",
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="Write the questionnaire file here instead of loading it.",
        )

    def handle(self, *args, file: Path, draft: bool, number: int | None, output, **options):
        if number is None:
            highest = Questionnaire.objects.filter(key=KEY).aggregate(v=Max("version"))["v"]
            number = (highest or 0) + 1
        try:
            doc = activities_document(read_json(self._read(file)), version=number)
            # The file the import stands for, read back through the format's one validator: what
            # is loaded is exactly what `-o` writes, and `load_questionnaire` would accept it.
            text = dump_document(doc)
            doc = parse_document(text)
        except (GGIError, DocumentError) as exc:
            raise not_loaded(file, exc.problems) from None
        if output is not None:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{output}: cannot be written: {exc}") from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {doc.key} version {doc.version} ({len(doc.questions())} questions) "
                    f"to {output}; load it with load_questionnaire."
                )
            )
            return
        questionnaire = load_document(doc, draft=draft, source=file)
        self.stdout.write(self.style.SUCCESS(loaded_message(questionnaire)))

    @staticmethod
    def _read(file: Path) -> str:
        """The file's text, within the size a questionnaire file may have."""
        try:
            with file.open("rb") as stream:
                check_size(os.fstat(stream.fileno()).st_size)
                data = stream.read(MAX_FILE_BYTES + 1)
                check_size(len(data))
            return data.decode("utf-8")
        except Refused as exc:
            raise GGIError([str(exc)]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read: {exc}") from None
