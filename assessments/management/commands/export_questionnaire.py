import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Questionnaire
from assessments.questionnaire_file.store import export_text


class Command(BaseCommand):
    help = "Write a questionnaire version in the questionnaire file format."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("version", type=int)
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args, key: str, version: int, output: Path | None, **options):
        questionnaire = Questionnaire.objects.filter(key=key, version=version).first()
        if questionnaire is None:
            raise CommandError(f"There is no questionnaire {key!r} version {version}.")
        text = export_text(questionnaire)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
