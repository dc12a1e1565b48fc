from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Organization
from ospo_assess.portability import dumps, export_organization


class Command(BaseCommand):
    help = (
        "Write one organization (members, assessments with answers, strategies) as JSON, to move "
        "it to another installation with import_organization. Invitations are not exported."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The organization's slug, as in /orgs/<slug>/.")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args, slug: str, output: Path | None, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"There is no organization with the slug {slug!r}.")
        text = dumps(export_organization(organization))
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {organization.slug!r} to {output}.")
