"""Committee progress reports of a review, and the versions issued to the committee."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from recommendations.models import Review, text_validators


class ReportKind(models.TextChoices):
    INTERIM = "interim", "Interim progress report"
    FULL = "full", "Full progress report"
    OTHER = "other", "Other progress report"


class ReportQuerySet(models.QuerySet):
    def for_review_page(self, review):
        """A review's reports with their issued versions and issuers, without the PDF bytes."""
        versions = ReportVersion.objects.defer("pdf").select_related("issued_by")
        open_issues = IssueRequest.objects.filter(state__in=IssueRequest.OPEN)
        return (
            self.filter(review=review)
            .select_related("review")
            .prefetch_related(
                models.Prefetch("versions", queryset=versions),
                models.Prefetch("issue_requests", queryset=open_issues, to_attr="open_issues"),
            )
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

    def being_issued(self, review_id):
        """Reports of the review the report worker is printing for issue now (not stale)."""
        return self.filter(
            review_id=review_id,
            issue_requests__state=IssueRequest.State.RUNNING,
            issue_requests__started_at__gte=IssueRequest.stale_before(),
        )


class Report(models.Model):
    """A progress report to the scrutiny committee, true "as at" its cut-off date."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    title = models.CharField(max_length=200, validators=text_validators)
    committee = models.CharField(max_length=200, validators=text_validators)
    meeting_date = models.DateField()
    as_at = models.DateField("position as at", help_text="The cut-off date the report is true at.")
    papers_due = models.DateField(
        "papers due to the clerk", null=True, blank=True, help_text="When the clerk needs it."
    )
    author_line = models.CharField(
        "report of",
        max_length=200,
        default="Chair of the Safeguarding Children Board",
        validators=text_validators,
    )
    contact_officer = models.CharField(max_length=200, blank=True, validators=text_validators)

    # The board's own words and the front sheet (reports/authoring.py): written in the
    # browser by the board administrator, shown in the preview, fixed once issued.
    contact_telephone = models.CharField(max_length=40, blank=True, validators=text_validators)
    contact_email = models.EmailField("contact e-mail", blank=True)
    agenda_item = models.CharField(max_length=20, blank=True, validators=text_validators)
    wards_affected = models.CharField(max_length=200, default="All", validators=text_validators)
    key_decision = models.BooleanField(default=False)
    exempt_information = models.CharField(
        max_length=300,
        default="None",
        validators=text_validators,
        help_text="None, or the paragraph of Schedule 12A that applies.",
    )
    chair_summary = models.TextField(
        "chair's summary", blank=True, validators=[*text_validators, MaxLengthValidator(6000)]
    )
    key_messages = models.TextField(
        blank=True, validators=[*text_validators, MaxLengthValidator(3000)]
    )
    committee_recommendations = models.TextField(
        "recommendations to the committee",
        blank=True,
        validators=[*text_validators, MaxLengthValidator(3000)],
        help_text="One per line. Left empty: that the committee notes the progress.",
    )
    background_papers = models.TextField(
        blank=True, validators=[*text_validators, MaxLengthValidator(3000)]
    )

    history = HistoricalRecords()

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["review", "as_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "as_at"],
                name="report_unique_cut_off",
                violation_error_message=(
                    "The review already has a report of this kind with this cut-off date"
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """The schedule's rules: dates in order, after publication and after issued reports."""
        errors = {}
        if self.as_at and self.meeting_date and self.as_at > self.meeting_date:
            errors["as_at"] = "The cut-off date must be on or before the meeting date"
        if self.papers_due and self.as_at and self.papers_due < self.as_at:
            errors["papers_due"] = "The date papers are due must be on or after the cut-off date"
        elif self.papers_due and self.meeting_date and self.papers_due > self.meeting_date:
            errors["papers_due"] = "The date papers are due must be on or before the meeting date"
        if self.as_at and self.review_id:
            published = self.review.publication_date
            if self.as_at < published:
                errors.setdefault(
                    "as_at",
                    "The cut-off date cannot be before the review was published "
                    f"({date_format(published, 'j F Y')})",
                )
            issued = (
                Report.objects.filter(review_id=self.review_id, versions__isnull=False)
                .exclude(pk=self.pk)
                .aggregate(latest=models.Max("as_at"))["latest"]
            )
            if issued and self.as_at <= issued and not self.is_issued():
                errors.setdefault(
                    "as_at",
                    "The cut-off date must be after "
                    f"{date_format(issued, 'j F Y')}, the cut-off of a report already issued",
                )
        if errors:
            raise ValidationError(errors)

    def is_issued(self):
        """Whether a version has been issued (one query: not for lists)."""
        return self.pk is not None and self.versions.exists()

    def words_locked(self):
        """Whether its words are part of the record: issued, or being issued now."""
        return self.is_issued() or self.issue_requests.filter(state__in=IssueRequest.OPEN).exists()

    def is_removable(self):
        """Whether it may leave the schedule: never issued, nor asked to be."""
        return not (self.is_issued() or self.issue_requests.exists())

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
    reason = models.TextField(
        blank=True, help_text="Why a report was issued again.", validators=text_validators
    )
    # SHA-256 of the record's part of the content as issued (`assembly.record_fingerprint`):
    # when today's differs, a late correction has changed the reported period since.
    record_sha256 = models.CharField(max_length=64, blank=True)

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


class IssueRequest(models.Model):
    """An administrator's request to issue a report, printed and stored by the report worker.

    At most one request per report is open (queued or running) at a time, and each form
    shown carries a submission key: clicking twice, or two administrators at once, make
    one request and so one version.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the report worker"
        RUNNING = "running", "Printing"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"

    OPEN = (State.QUEUED, State.RUNNING)

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="issue_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, validators=text_validators)
    submission_key = models.UUIDField(unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    version = models.OneToOneField(
        ReportVersion, null=True, on_delete=models.PROTECT, related_name="issue_request"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(state__in=["queued", "running"]),
                name="issue_request_one_open_per_report",
            ),
        ]

    def __str__(self):
        return f"Issue of {self.report_id} ({self.get_state_display()})"

    @staticmethod
    def stale_before():
        """A request still "running" since before this had its worker die."""
        return timezone.now() - datetime.timedelta(seconds=settings.DRAFT_RENDER_STALE_AFTER)
