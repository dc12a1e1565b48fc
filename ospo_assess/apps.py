from django.apps import AppConfig


class OspoAssessConfig(AppConfig):
    name = "ospo_assess"

    def ready(self) -> None:
        # The account's language is copied into the session at login.
        from ospo_assess import language  # noqa: F401
