from django.conf import settings
from django.db import models
from django.utils import timezone


class SecurityEvent(models.Model):
    """One security-relevant event: who, when, what, from where. Never narrative text."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGNED_OUT = "signed_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        REFUSED = "refused", "Request refused"
        REPORT_ISSUED = "report_issued", "Report issued"
        DOWNLOADED = "downloaded", "Downloaded"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="Only a username that exists: never what was typed."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=200, blank=True, help_text="A page name or a reason code.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.username or 'nobody'}, {self.at:%Y-%m-%d %H:%M})"
