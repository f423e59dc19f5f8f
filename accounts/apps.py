from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Security"

    def ready(self):
        from . import audit  # noqa: F401  (connects the sign-in signals)
