"""Committee progress reports of a review, and the versions issued to the committee."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from recommendations.models import Review


class ReportKind(models.TextChoices):
    INTERIM = "interim", "Interim progress report"
    FULL = "full", "Full progress report"


class ReportQuerySet(models.QuerySet):
    def for_review_page(self, review):
        """A review's reports with their issued versions and issuers, without the PDF bytes."""
        versions = ReportVersion.objects.defer("pdf").select_related("issued_by")
        return (
            self.filter(review=review)
            .select_related("review")
            .prefetch_related(models.Prefetch("versions", queryset=versions))
            .order_by("as_at", "kind")
        )

    def issued_cut_off(self, review_id):
        """The latest cut-off of an issued report of the review: updates dated up to it are locked."""
        return self.filter(review_id=review_id, versions__isnull=False).aggregate(
            latest=models.Max("as_at")
        )["latest"]

    def cut_off_before(self, review, on):
        """The latest report of `review` whose cut-off ("as at") date is before `on`."""
        return self.filter(review=review, as_at__lt=on).order_by("-as_at").first()

    def next_cut_off(self, review, on):
        """The first report of `review` whose cut-off date is on or after `on`."""
        return self.filter(review=review, as_at__gte=on).order_by("as_at").first()


class Report(models.Model):
    """A progress report to the scrutiny committee, true "as at" its cut-off date."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    title = models.CharField(max_length=200)
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    as_at = models.DateField("position as at", help_text="The cut-off date the report is true at.")
    author_line = models.CharField(
        max_length=200, default="Report of the Chair of the Safeguarding Children Board"
    )
    contact_officer = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["review", "as_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "as_at"], name="report_unique_cut_off"
            ),
        ]

    def __str__(self):
        return self.title

    def file_name(self, version=None):
        """What a download is called, e.g. cse-scrutiny-review-interim-progress-report-2016-12-v1.pdf"""
        suffix = f"v{version}" if version else "draft"
        return (
            f"{self.review.slug}-{self.kind}-progress-report-{self.meeting_date:%Y-%m}-{suffix}.pdf"
        )


class ReportVersion(models.Model):
    """The exact PDF bytes issued to the committee: a record, never replaced or changed."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    issued_at = models.DateTimeField()
    reason = models.TextField(blank=True, help_text="Why a report was issued again.")

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_version_at_least_one"),
        ]

    def __str__(self):
        return f"{self.report}, version {self.number}"


class DraftPdf(models.Model):
    """A report's draft PDF, rendered in the background and kept while its data is unchanged.

    `data_version` is the SHA-256 of the HTML document the PDF prints: the same report,
    data and template give the same version, and its PDF is served at once. The PDF and
    the READY state are written in one statement, so a draft is never half rendered.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the report worker"
        RUNNING = "running", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="drafts")
    data_version = models.CharField(max_length=64)
    html = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    pdf = models.BinaryField(null=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "data_version"], name="draft_pdf_unique_data_version"
            ),
        ]

    def __str__(self):
        return f"Draft of {self.report_id} ({self.get_state_display()})"
