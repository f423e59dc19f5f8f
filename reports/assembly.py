"""A report's content "as at" its cut-off date: pure data, shared by the HTML preview and the PDF.

What the committee reads must be what was true on the cut-off date, however the tracker has
changed since: the recommendations' wording, owners and target dates come from their
history rows dated on or before the end of the cut-off day; statuses come from the status
rule (`Recommendation.objects.with_status`); only updates dated on or before the cut-off
count. A recommendation added after the cut-off is not in the report.

Assembly costs a fixed number of queries, however many recommendations the review has.
"""

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from recommendations.models import (
    STATUS_REPORT_ORDER,
    CompletionDecision,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    Status,
    Theme,
    end_of_day,
    recommendation_history,
)

from .models import Report, ReportKind

# A report is a summary for the committee, and no editor may make it too long to print in
# good time (a few times the demo's): each recommendation shows its latest updates since
# the last report and its latest evidence, this many of each, and each text up to
# REPORT_TEXT_SHOWN characters (templatetags/report_tags.excerpt); the rest is in the
# tracker and its exports, and the report says so.
REPORT_UPDATES_SHOWN = 3
REPORT_TEXT_SHOWN = 1200

# Status colours for the chart (GOV.UK palette); the word is always printed beside them.
STATUS_COLOURS = {
    Status.BLUE: "#1d70b8",
    Status.GREEN: "#00703c",
    Status.AMBER: "#f47738",
    Status.RED: "#d4351c",
    Status.NOT_STARTED: "#505a5f",
}


@dataclass(frozen=True)
class UpdateEntry:
    date: datetime.date
    status: Status
    agency: str
    narrative: str
    evidence_of_impact: str


@dataclass(frozen=True)
class RecommendationEntry:
    number: int
    short_title: str
    text: str
    theme: str
    lead_agency: str
    supporting_agencies: tuple[str, ...]
    lead_officer: str
    target_date: datetime.date | None
    status: Status
    signed_off: bool  # complete, and the board had signed it off by the cut-off
    signed_off_by_claimant: bool  # ...by the person who had made the claim
    previous_status: Status | None
    overdue: bool
    latest_update: UpdateEntry | None
    updates_since_previous: tuple[UpdateEntry, ...]
    evidence: tuple[UpdateEntry, ...]

    @property
    def is_exception(self):
        return self.status in (Status.RED, Status.AMBER) or self.overdue

    # What the report prints is bounded (REPORT_UPDATES_SHOWN, `excerpt`): the record keeps
    # everything, and the report says how much more there is.
    @property
    def shown_updates(self):
        return self.updates_since_previous[-REPORT_UPDATES_SHOWN:]

    @property
    def earlier_updates(self):
        return max(0, len(self.updates_since_previous) - REPORT_UPDATES_SHOWN)

    @property
    def shown_evidence(self):
        return self.evidence[:REPORT_UPDATES_SHOWN]

    @property
    def earlier_evidence(self):
        return max(0, len(self.evidence) - REPORT_UPDATES_SHOWN)


@dataclass(frozen=True)
class StatusCount:
    status: Status
    count: int
    colour: str
    bar_width: float  # of the chart's bar area, 0-100
    y: int  # the bar's top in the chart's SVG coordinates


@dataclass(frozen=True)
class AgencyCount:
    agency: str
    counts: tuple[int, ...]  # in STATUS_REPORT_ORDER
    total: int


@dataclass(frozen=True)
class ReportContent:
    kind: str
    is_full: bool
    title: str
    committee: str
    meeting_date: datetime.date
    as_at: datetime.date
    author_line: str
    contact_officer: str
    review_title: str
    review_committee: str
    board: str
    publication_date: datetime.date
    protective_marking: str
    previous_as_at: datetime.date | None
    previous_title: str
    next_meeting_date: datetime.date | None
    next_as_at: datetime.date | None
    recommendations: tuple[RecommendationEntry, ...]
    status_counts: tuple[StatusCount, ...]
    agency_counts: tuple[AgencyCount, ...]
    statuses: tuple[Status, ...] = field(default=tuple(STATUS_REPORT_ORDER))

    @property
    def total(self):
        return len(self.recommendations)

    @property
    def exceptions(self):
        return tuple(r for r in self.recommendations if r.is_exception)

    @property
    def overdue(self):
        return tuple(r for r in self.recommendations if r.overdue)

    @property
    def completed(self):
        return tuple(r for r in self.recommendations if r.status == Status.BLUE)

    def count(self, status):
        return next((c.count for c in self.status_counts if c.status == status), 0)

    @property
    def complete_count(self):
        return self.count(Status.BLUE)

    @property
    def signed_off_count(self):
        return sum(1 for r in self.completed if r.signed_off)

    @property
    def signed_off_by_claimant_count(self):
        return sum(1 for r in self.completed if r.signed_off_by_claimant)

    @property
    def awaiting_sign_off_count(self):
        return self.complete_count - self.signed_off_count

    @property
    def on_track_count(self):
        return self.count(Status.GREEN)

    @property
    def progress_since(self):
        """The date from which the detail sections list updates (exclusive when a report)."""
        return self.previous_as_at or self.publication_date


def record_fingerprint(content):
    """SHA-256 of what the record says in `content`: the recommendations and their counts,
    not the schedule around them (a report scheduled later changes "the next report")."""
    record = repr((content.recommendations, content.status_counts, content.agency_counts))
    return hashlib.sha256(record.encode()).hexdigest()


def report_content(report):
    """Everything the committee reads in `report`, as it stood at the report's cut-off date."""
    review = report.review
    as_at = report.as_at
    previous = Report.objects.cut_off_before(review, as_at)
    following = Report.objects.next_cut_off(review, as_at + datetime.timedelta(days=1))

    rows = _recommendations_as_at(review, as_at)
    ids = [row.id for row in rows]
    supporting = _supporting_agencies_as_at([row.history_id for row in rows])
    agencies = dict(PartnerAgency.objects.values_list("pk", "name"))
    themes = dict(Theme.objects.filter(review=review).values_list("pk", "name"))
    status_now = _statuses(ids, as_at)
    self_signed = _signed_off_by_claimant(ids, as_at)
    status_before = _statuses(ids, previous.as_at) if previous else {}

    updates = defaultdict(list)  # newest first, as the status rule orders them
    latest = {}
    for update in (
        ProgressUpdate.objects.filter(recommendation_id__in=ids, date__lte=as_at)
        .select_related("agency")
        .newest_first()
    ):
        entry = UpdateEntry(
            date=update.date,
            status=Status(update.status),
            agency=update.agency.name,
            narrative=update.narrative,
            evidence_of_impact=update.evidence_of_impact,
        )
        updates[update.recommendation_id].append(entry)
        if status_now.get(update.recommendation_id, (None, None, False))[1] == update.pk:
            latest[update.recommendation_id] = entry

    since = previous.as_at if previous else review.publication_date - datetime.timedelta(days=1)
    entries = []
    for row in rows:
        status, _, signed_off = status_now.get(row.id, (Status.NOT_STARTED, None, False))
        status = Status(status)
        history = updates[row.id]
        entries.append(
            RecommendationEntry(
                number=row.number,
                short_title=row.short_title,
                text=row.text,
                theme=themes.get(row.theme_id, ""),
                lead_agency=agencies.get(row.lead_agency_id, ""),
                supporting_agencies=tuple(
                    sorted(agencies[pk] for pk in supporting.get(row.history_id, ()))
                ),
                lead_officer=row.lead_officer,
                target_date=row.target_date,
                status=status,
                signed_off=status == Status.BLUE and signed_off,
                signed_off_by_claimant=status == Status.BLUE
                and signed_off
                and row.id in self_signed,
                previous_status=(
                    Status(status_before.get(row.id, (Status.NOT_STARTED,))[0])
                    if previous
                    else None
                ),
                overdue=(
                    row.target_date is not None
                    and row.target_date < as_at
                    and status != Status.BLUE
                ),
                latest_update=latest.get(row.id),
                updates_since_previous=tuple(u for u in reversed(history) if u.date > since),
                evidence=tuple(u for u in history if u.evidence_of_impact.strip()),
            )
        )

    return ReportContent(
        kind=report.kind,
        is_full=report.kind == ReportKind.FULL,
        title=report.title,
        committee=report.committee,
        meeting_date=report.meeting_date,
        as_at=as_at,
        author_line=report.author_line,
        contact_officer=report.contact_officer,
        review_title=review.title,
        review_committee=review.committee,
        board=review.responsible_board,
        publication_date=review.publication_date,
        protective_marking=review.protective_marking,
        previous_as_at=previous.as_at if previous else None,
        previous_title=previous.title if previous else "",
        next_meeting_date=following.meeting_date if following else None,
        next_as_at=following.as_at if following else None,
        recommendations=tuple(entries),
        status_counts=_status_counts(entries),
        agency_counts=_agency_counts(entries),
    )


def _recommendations_as_at(review, as_at):
    """The latest history row of each of the review's recommendations at the cut-off."""
    HistoricalRecommendation = Recommendation.history.model
    latest = {}
    for row in HistoricalRecommendation.objects.filter(
        review_id=review.pk, history_date__lt=end_of_day(as_at)
    ).order_by("history_date", "history_id"):
        latest[row.id] = row
    return sorted(
        (row for row in latest.values() if row.history_type != "-"), key=lambda r: r.number
    )


def _supporting_agencies_as_at(history_ids):
    """Supporting agency keys of each history row: simple-history keeps an m2m snapshot per row."""
    snapshot = recommendation_history.m2m_models[
        Recommendation._meta.get_field("supporting_agencies")
    ]
    agencies = defaultdict(list)
    for history_id, agency_id in snapshot.objects.filter(history_id__in=history_ids).values_list(
        "history_id", "partneragency_id"
    ):
        agencies[history_id].append(agency_id)
    return agencies


def _statuses(ids, on):
    """{recommendation id: (status, id of its update, signed off)}, by THE status rule."""
    return {
        pk: (status, update_id, signed_off)
        for pk, status, update_id, signed_off in Recommendation.objects.filter(pk__in=ids)
        .with_status(on)
        .values_list("pk", "status", "latest_update_id", "signed_off")
    }


def _signed_off_by_claimant(ids, as_at):
    """Recommendations with a claim signed off, by the cut-off, by the person who made it."""
    return set(
        CompletionDecision.objects.filter(
            update__recommendation_id__in=ids,
            update__date__lte=as_at,
            decision=CompletionDecision.SIGNED_OFF,
            decided_at__lt=end_of_day(as_at),
            decided_by_id=F("update__author_id"),
        ).values_list("update__recommendation_id", flat=True)
    )


# The chart's geometry, in SVG user units: one bar per status.
CHART_BAR_HEIGHT = 26
CHART_BAR_GAP = 10


def _status_counts(entries):
    counts = Counter(entry.status for entry in entries)
    most = max(counts.values(), default=0) or 1
    return tuple(
        StatusCount(
            status=status,
            count=counts[status],
            colour=STATUS_COLOURS[status],
            bar_width=round(100 * counts[status] / most, 1),
            y=index * (CHART_BAR_HEIGHT + CHART_BAR_GAP),
        )
        for index, status in enumerate(STATUS_REPORT_ORDER)
    )


def _agency_counts(entries):
    by_agency = defaultdict(Counter)
    for entry in entries:
        by_agency[entry.lead_agency][entry.status] += 1
    return tuple(
        AgencyCount(
            agency=agency,
            counts=tuple(counts[status] for status in STATUS_REPORT_ORDER),
            total=sum(counts.values()),
        )
        for agency, counts in sorted(by_agency.items())
    )
