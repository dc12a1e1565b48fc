from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments import authoring
from assessments.models import Questionnaire


class Command(BaseCommand):
    help = (
        "Publish a draft questionnaire version after the checks the admin runs; the version of "
        "the same key published before is retired."
    )

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("version", type=int)

    def handle(self, *args, key: str, version: int, **options):
        questionnaire = Questionnaire.objects.filter(key=key, version=version).first()
        if questionnaire is None:
            raise CommandError(f"There is no questionnaire {key!r} version {version}.")
        # The admin's own publication: the same checks, the same retirement of the previous
        # version, all or nothing.
        try:
            authoring.publish(questionnaire, None)
        except ValidationError as exc:
            lines = "\n".join(f"  - {problem}" for problem in exc.messages)
            raise CommandError(
                f"{key!r} version {version} was not published; nothing was changed. "
                f"Problems:\n{lines}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Published {key} version {version}; it is now the one in use.")
        )
