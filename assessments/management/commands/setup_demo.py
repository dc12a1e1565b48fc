from django.core.management.base import BaseCommand

from assessments import demo, demo_team


class Command(BaseCommand):
    help = "Load the default questionnaire and create the demo organization and logins."

    def handle(self, *args, **options):
        result = demo.setup_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nOSPO Assess is starting at http://127.0.0.1:8000/\n"
                f"  Demo login (owner of {result.organization.name}): "
                f"{demo.DEMO_USERNAME} / {demo.DEMO_PASSWORD}\n"
                f"  The demo owner also runs a team workshop ({demo_team.TEAM_ORGANIZATION}): "
                f"ana, ben and chloe answered on their own (password {demo_team.TEAM_PASSWORD})\n"
                f"  Admin login (questionnaires, at /admin/): "
                f"{demo.ADMIN_USERNAME} / {demo.ADMIN_PASSWORD}\n"
            )
        )
