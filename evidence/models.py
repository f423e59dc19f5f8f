"""Evidence documents attached to progress updates: training registers, audit reports, minutes.

A document is never overwritten or deleted: a replacement is a new row that `replaces` the
old one, which is kept, marked superseded, and still downloads. Reports "as at" a date list
what was attached, and not yet replaced, by the end of that day. The bytes are kept in the
"evidence" storage (settings.STORAGES), never at a public URL: the download view applies
the access policy.
"""

import secrets

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.text import get_valid_filename
from simple_history.models import HistoricalRecords

from recommendations.models import ProgressUpdate, text_validators

from . import files


class EvidenceStorage(LazyObject):
    """The "evidence" storage of settings.STORAGES, found when first used."""

    def _setup(self):
        self._wrapped = storages["evidence"]


evidence_files = EvidenceStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    # Tests point the storage elsewhere (a folder of their own, an S3 server they start).
    if setting == "STORAGES":
        evidence_files._wrapped = empty


def evidence_storage():
    return evidence_files


def evidence_path(document, filename):
    """Where a document's bytes go: a random name, nothing of what the uploader called it."""
    return f"{timezone.now():%Y/%m}/{secrets.token_hex(20)}{document.kind.extension}"


class EvidenceDocumentQuerySet(models.QuerySet):
    def current(self):
        """Documents not replaced by a newer version."""
        return self.filter(superseded_at=None)

    def as_at(self, known_by):
        """Documents attached before `known_by`, and not yet replaced by then."""
        return self.filter(uploaded_at__lt=known_by).exclude(superseded_at__lt=known_by)

    def of_update(self, update):
        """An update's documents, replaced versions included, oldest first."""
        return self.filter(update=update).order_by("uploaded_at", "pk")


class EvidenceDocument(models.Model):
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.PROTECT, related_name="evidence_documents"
    )
    title = models.CharField(
        max_length=200,
        validators=text_validators,
        help_text="What the document is, as the board and the committee will read it.",
    )
    file = models.FileField(storage=evidence_storage, upload_to=evidence_path, max_length=200)
    # Found from the bytes (evidence/files.py), never from the name or the browser.
    content_type = models.CharField(
        max_length=100,
        choices=sorted({(kind.content_type, kind.label) for kind in files.KINDS}),
    )
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, validators=text_validators)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_documents"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The earlier version this document replaces.",
    )
    # Set when a newer version replaces this one; the document itself is kept.
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the form that attached it, so that posting the form twice attaches once.
    submission_key = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    history = HistoricalRecords()

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="evidence_document_has_title"),
            models.CheckConstraint(
                condition=Q(content_type__in=sorted(files.BY_CONTENT_TYPE)),
                name="evidence_document_type_accepted",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_document_not_empty"),
        ]

    def __str__(self):
        return self.title

    @property
    def kind(self):
        return files.BY_CONTENT_TYPE[self.content_type]

    @property
    def kind_label(self):
        return self.kind.label

    @property
    def superseded(self):
        return self.superseded_at is not None

    @property
    def download_name(self):
        """The file name a download is saved under: the uploader's, with its real extension."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else ""
        try:
            stem = get_valid_filename(stem or self.original_name)[:100]
        except SuspiciousFileOperation:
            stem = ""
        return f"{stem or 'evidence'}{self.kind.extension}"
