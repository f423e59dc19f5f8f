"""What the spreadsheet pages remember: a preview's confirmation, and how a board's own
tracker is read."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportConfirmation(models.Model):
    """A preview's token, recorded in the same transaction as the import it confirms.

    The token is unique: of two confirmations of one preview sent at once, the second
    waits for the first and then fails to record it, so it saves nothing and is told the
    import has been saved. Tokens are random (UUID 4) and used once.
    """

    token = models.UUIDField(unique=True, editable=False)
    kind = models.CharField(max_length=20)  # "recommendations" or "progress"
    confirmed_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self):
        return f"{self.kind} import {self.token}"


class ImportMapping(models.Model):
    """How a board's own tracker is read: remembered when an import of it is confirmed, and
    offered for the next file whose heading row is the same (`signature`).

    `mapping` holds the heading row's number, the column of each field, each status word's
    Status and the last "as at" date (see spreadsheets.mapping.Mapping).
    """

    review = models.ForeignKey(
        "recommendations.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_mappings",
    )
    # SHA-256 of the heading row, case, spaces and punctuation ignored.
    signature = models.CharField(max_length=64, db_index=True)
    headings = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "signature"], name="import_mapping_unique_in_review"
            ),
        ]

    def __str__(self):
        return f"Column mapping {self.pk} ({', '.join(map(str, self.headings[:3]))}…)"
