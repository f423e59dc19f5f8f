"""What the spreadsheet pages remember between a preview and its confirmation."""

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
