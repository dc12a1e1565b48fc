import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ospo_assess.portability import ImportRefused, import_organization


class Command(BaseCommand):
    help = (
        "Create an organization from a file written by export_organization, atomically: when "
        "anything is wrong, nothing is written and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export (JSON), or - for standard input.")
        parser.add_argument(
            "--as-slug",
            dest="as_slug",
            help="Import under this slug instead of the exported one (needed when it is taken).",
        )
        parser.add_argument("--as-name", dest="as_name", help="Rename the organization as well.")

    def handle(self, *args, file: str, as_slug: str | None, as_name: str | None, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot be read: {error}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not JSON ({error}); nothing was written.") from None
        messages: list[str] = []
        try:
            organization = import_organization(data, slug=as_slug, name=as_name, messages=messages)
        except ImportRefused as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"{file} was not imported; nothing was written. Problems:\n{lines}"
            ) from None
        for message in messages:
            self.stdout.write(message)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {organization.name!r} as /orgs/{organization.slug}/ "
                f"({organization.memberships.count()} members, "
                f"{organization.assessments.count()} assessments, "
                f"{organization.strategies.count()} strategies)."
            )
        )
