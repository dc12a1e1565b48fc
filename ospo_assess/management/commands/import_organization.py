import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ospo_assess.portability import ImportRefused, import_organization


class Command(BaseCommand):
    help = (
        "Create an organization from a file written by export_organization, atomically: when "
        "anything is wrong, nothing is written and every problem is listed. A member whose "
        "username exists here is refused unless --link-existing-users is given; with it, the "
        "command lists who would be linked and writes nothing until --apply is added."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export (JSON), or - for standard input.")
        parser.add_argument(
            "--as-slug",
            dest="as_slug",
            help="Import under this slug instead of the exported one (needed when it is taken).",
        )
        parser.add_argument("--as-name", dest="as_name", help="Rename the organization as well.")
        parser.add_argument(
            "--link-existing-users",
            action="store_true",
            help=(
                "Make members whose username exists here members as those existing users (who "
                "may be other people). A dry run that lists them, unless --apply is given too."
            ),
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="With --link-existing-users: carry the import out instead of a dry run.",
        )

    def handle(
        self,
        *args,
        file: str,
        as_slug: str | None,
        as_name: str | None,
        link_existing_users: bool,
        apply: bool,
        **options,
    ):
        if apply and not link_existing_users:
            raise CommandError("--apply goes with --link-existing-users; nothing was written.")
        dry_run = link_existing_users and not apply
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
            organization = import_organization(
                data,
                slug=as_slug,
                name=as_name,
                messages=messages,
                link_existing_users=link_existing_users,
                dry_run=dry_run,
            )
        except ImportRefused as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"{file} was not imported; nothing was written. Problems:\n{lines}"
            ) from None
        for message in messages:
            self.stdout.write(message)
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    f"Dry run: {organization.name!r} would be imported as "
                    f"/orgs/{organization.slug}/; nothing was written. Check the users to be "
                    "linked above, then run again with --link-existing-users --apply."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {organization.name!r} as /orgs/{organization.slug}/ "
                f"({organization.memberships.count()} members, "
                f"{organization.assessments.count()} assessments, "
                f"{organization.strategies.count()} strategies)."
            )
        )
