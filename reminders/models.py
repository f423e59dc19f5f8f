"""Who has asked not to be reminded, and which reminders have gone, so none goes twice."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from reports.models import Report


class ReminderPreference(models.Model):
    """A person's choice about reminder e-mails (everyone receives them until they opt out)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    receives_reminders = models.BooleanField(default=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"{self.user}: {'receives' if self.receives_reminders else 'no'} reminders"


class ReminderKind(models.TextChoices):
    AGENCY = "agency", "Reminder to an agency editor"
    SUMMARY = "summary", "Summary for the board administrator"


class SentReminder(models.Model):
    """One reminder e-mail sent to one person before one report's cut-off."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sent_reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "report", "kind"], name="one_reminder_per_person_per_cut_off"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} before {self.report}"
