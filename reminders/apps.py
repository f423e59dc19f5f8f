from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders before each report cut-off, and notices of the board's decisions"

    def ready(self):
        from . import notices  # noqa: F401  (connects the decision notices)
