from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Security"

    def ready(self):
        from . import audit, sessions  # noqa: F401  (connect the sign-in signals)
