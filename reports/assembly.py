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

from django.utils import timezone

from evidence.models import EvidenceDocument
from recommendations.models import (
    EXCEPTION_STATUSES,
    STATUS_COLOURS,
    STATUS_REPORT_ORDER,
    Action,
    CompletionDecision,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    RecoveryPlan,
    Status,
    TargetDateRevision,
    Theme,
    end_of_day,
    recommendation_history,
    status_counts,
)

from .models import Report, ReportKind

# A report is a summary for the committee, and no editor may make it too long to print in
# good time (a few times the demo's): each recommendation shows its latest updates since
# the last report and its latest evidence, this many of each, and each text up to
# REPORT_TEXT_SHOWN characters (templatetags/report_tags.excerpt); the rest is in the
# tracker and its exports, and the report says so.
REPORT_UPDATES_SHOWN = 3
REPORT_TEXT_SHOWN = 1200

# Fields added after reports were first issued are left out of the dataclasses' repr
# (`repr=False`), so that `record_fingerprint` of a report issued before them is unchanged.
# They hold only what is recorded once and never changed (decisions, revisions, plans),
# read "as recorded by the end of the cut-off day", so later changes cannot reach them.


@dataclass(frozen=True)
class UpdateEntry:
    date: datetime.date
    status: Status
    agency: str
    narrative: str
    evidence_of_impact: str
    # A claim of completion the board returned by the cut-off: it does not count.
    returned_on: datetime.date | None = field(default=None, repr=False)
    returned_reason: str = field(default="", repr=False)
    # Titles of the evidence documents attached to it by the cut-off (not the documents).
    documents: tuple[str, ...] = field(default=(), repr=False)
    # A supporting agency's contribution: its own view of status, not the recommendation's.
    contribution: bool = field(default=False, repr=False)


@dataclass(frozen=True)
class RevisionEntry:
    revised_date: datetime.date | None
    reason: str
    recorded_on: datetime.date


@dataclass(frozen=True)
class RecoveryPlanEntry:
    action: str
    owner: str
    revised_target_date: datetime.date | None
    recorded_on: datetime.date


@dataclass(frozen=True)
class ActionEntry:
    """An action of a recommendation as at the cut-off: its wording, owner and target date
    from its history, its status by the status rule."""

    number: str
    text: str
    owner: str
    target_date: datetime.date | None
    status: Status


DIRECTIONS = ("Completed", "Improved", "Started", "No change", "Worse", "No longer complete")

# Direction of travel between two statuses, in words: higher is better.
_RANK = {Status.RED: 1, Status.AMBER: 2, Status.GREEN: 3}


def direction_of_travel(before, now):
    """How a recommendation moved between two reports, in words (None for the first)."""
    if before is None:
        return None
    if before == now:
        return "No change"
    if now == Status.BLUE:
        return "Completed"
    if before == Status.BLUE:
        return "No longer complete"
    if before == Status.NOT_STARTED:
        return "Started"
    if now == Status.NOT_STARTED or _RANK[now] < _RANK[before]:
        return "Worse"
    return "Improved"


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
    first_complete: datetime.date | None = field(default=None, repr=False)
    signed_off_on: datetime.date | None = field(default=None, repr=False)
    sign_off_note: str = field(default="", repr=False)
    # Complete and signed off at the previous report: a line in the appendix, no detail.
    settled_before_previous: bool = field(default=False, repr=False)
    original_target_date: datetime.date | None = field(default=None, repr=False)
    revisions: tuple[RevisionEntry, ...] = field(default=(), repr=False)
    recovery_plan: RecoveryPlanEntry | None = field(default=None, repr=False)
    # Its updates with evidence documents attached by the cut-off, newest first.
    documented_updates: tuple[UpdateEntry, ...] = field(default=(), repr=False)
    # Its actions as at the cut-off, in number order (empty: it has none).
    actions: tuple[ActionEntry, ...] = field(default=(), repr=False)

    @property
    def is_exception(self):
        return self.status in EXCEPTION_STATUSES or self.overdue

    @property
    def direction(self):
        return direction_of_travel(self.previous_status, self.status)

    @property
    def shown_revisions(self):
        return self.revisions[-REPORT_UPDATES_SHOWN:]

    @property
    def earlier_revisions(self):
        return max(0, len(self.revisions) - REPORT_UPDATES_SHOWN)

    # What the report prints is bounded (REPORT_UPDATES_SHOWN, `excerpt`): the record keeps
    # everything, and the report says how much more there is.
    @property
    def shown_updates(self):
        return self.updates_since_previous[:REPORT_UPDATES_SHOWN]

    @property
    def earlier_updates(self):
        return max(0, len(self.updates_since_previous) - REPORT_UPDATES_SHOWN)

    @property
    def shown_evidence(self):
        return self.evidence[:REPORT_UPDATES_SHOWN]

    @property
    def earlier_evidence(self):
        return max(0, len(self.evidence) - REPORT_UPDATES_SHOWN)

    @property
    def shown_documented_updates(self):
        return self.documented_updates[:REPORT_UPDATES_SHOWN]

    @property
    def earlier_documented_updates(self):
        return max(0, len(self.documented_updates) - REPORT_UPDATES_SHOWN)


@dataclass(frozen=True)
class StatusCount:
    status: Status
    count: int
    colour: str
    bar_width: float  # of the chart's bar area, 0-100
    y: int  # the bar's top in the chart's SVG coordinates


@dataclass(frozen=True)
class MovementCount:
    status: Status
    previous: int
    now: int

    @property
    def change(self):
        return self.now - self.previous


@dataclass(frozen=True)
class AgencyCount:
    agency: str
    counts: tuple[int, ...]  # in STATUS_REPORT_ORDER
    total: int


@dataclass(frozen=True)
class Section:
    anchor: str
    number: int
    title: str


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
    # The front sheet and the board's own words (reports/models.py, Report).
    words: "ReportWords"
    next_full_meeting_date: datetime.date | None = None
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
    def awaiting_sign_off(self):
        return tuple(r for r in self.completed if not r.signed_off)

    @property
    def detailed(self):
        """The recommendations given a section of detail: all but those settled earlier."""
        return tuple(r for r in self.recommendations if not r.settled_before_previous)

    @property
    def settled(self):
        return tuple(r for r in self.recommendations if r.settled_before_previous)

    @property
    def movement(self):
        """Counts by status at the previous report's cut-off and at this one (None if first)."""
        if self.previous_as_at is None:
            return None
        before = Counter(r.previous_status for r in self.recommendations)
        return tuple(
            MovementCount(status=c.status, previous=before[c.status], now=c.count)
            for c in self.status_counts
        )

    @property
    def sections(self):
        """The numbered sections, in order; those with nothing to say are left out."""
        words = self.words
        titles = [
            ("purpose", "Purpose of the report", True),
            ("recommendations", "Recommendations to the committee", True),
            (
                "chair",
                "The Chair's summary and key messages",
                words.chair_summary or words.key_messages,
            ),
            ("summary", "Summary of position", True),
            ("movement", "Movement since the last report", self.movement is not None),
            ("completions", "Completions and the Board's sign-off", bool(self.completed)),
            ("exceptions", "Exceptions and recovery plans", True),
            ("overview", "All recommendations", True),
            ("detail", "Progress by recommendation", self.is_full),
            ("next", "Next steps", True),
        ]
        shown = [(anchor, title) for anchor, title, present in titles if present]
        return tuple(
            Section(anchor, number, title) for number, (anchor, title) in enumerate(shown, 1)
        )

    @property
    def n(self):
        """Section numbers by anchor, for the template: {{ c.n.summary }}."""
        return {section.anchor: section.number for section in self.sections}

    @property
    def with_actions(self):
        """The recommendations delivered through actions (a review may use none)."""
        return tuple(r for r in self.recommendations if r.actions)

    @property
    def action_total(self):
        return sum(len(r.actions) for r in self.recommendations)

    @property
    def action_counts(self):
        """(status, how many actions had it at the cut-off), for the statuses any action had."""
        counts = status_counts(a.status for r in self.recommendations for a in r.actions)
        return tuple((status, count) for status, count in counts if count)

    @property
    def documented(self):
        """The recommendations with evidence documents attached by the cut-off."""
        return tuple(r for r in self.recommendations if r.documented_updates)

    @property
    def appendix_sections(self):
        """(anchor, title) of each appendix, lettered in order: the completed recommendations
        (full reports), and the evidence documents when any were attached by the cut-off."""
        present = [
            ("appendix-completed", "Completed recommendations", self.is_full),
            ("appendix-evidence", "Evidence documents", bool(self.documented)),
        ]
        shown = [(anchor, title) for anchor, title, here in present if here]
        return tuple(
            (anchor, f"Appendix {letter}. {title}")
            for letter, (anchor, title) in zip("ABCDEFGH", shown, strict=False)
        )

    @property
    def appendices(self):
        return tuple(title for _, title in self.appendix_sections)

    @property
    def appendix(self):
        """Appendix titles by anchor, for the template: {{ c.appendix.appendix_evidence }}."""
        return {anchor.replace("-", "_"): title for anchor, title in self.appendix_sections}

    @property
    def completions(self):
        """Completions the committee has not yet read about: completed or signed off since
        the last report, or still awaiting the Board's sign-off."""
        return tuple(r for r in self.completed if not r.settled_before_previous)

    @property
    def directions(self):
        """(direction of travel, how many recommendations took it), in a fixed order."""
        counts = Counter(r.direction for r in self.recommendations if r.direction)
        return tuple(
            (direction, counts[direction]) for direction in DIRECTIONS if counts[direction]
        )

    @property
    def progress_since(self):
        """The date from which the detail sections list updates (exclusive when a report)."""
        return self.previous_as_at or self.publication_date


@dataclass(frozen=True)
class ReportWords:
    """What the board writes into the report, and its front sheet (Report's authored fields)."""

    chair_summary: str
    key_messages: tuple[str, ...]
    committee_recommendations: tuple[str, ...]  # empty: that the committee notes the progress
    background_papers: tuple[str, ...]
    agenda_item: str
    wards_affected: str
    key_decision: bool
    exempt_information: str
    contact_telephone: str
    contact_email: str


def lines(text):
    """The non-empty lines of `text`, without list marks ("- ", "* ", "1. "): one item each."""
    items = []
    for line in text.splitlines():
        line = line.strip()
        for mark in ("- ", "* ", "• "):
            line = line.removeprefix(mark)
        if line:
            items.append(line.strip())
    return tuple(items)


def report_words(report):
    return ReportWords(
        chair_summary=report.chair_summary.strip(),
        key_messages=lines(report.key_messages),
        committee_recommendations=lines(report.committee_recommendations),
        background_papers=lines(report.background_papers),
        agenda_item=report.agenda_item,
        wards_affected=report.wards_affected,
        key_decision=report.key_decision,
        exempt_information=report.exempt_information,
        contact_telephone=report.contact_telephone,
        contact_email=report.contact_email,
    )


def record_fingerprint(content):
    """SHA-256 of what the record says in `content`: the recommendations and their counts,
    not the schedule around them (a report scheduled later changes "the next report")."""
    record = repr((content.recommendations, content.status_counts, content.agency_counts))
    evidence = tuple(
        (r.number, tuple((u.date, u.agency, u.documents) for u in r.documented_updates))
        for r in content.documented
    )
    if evidence:  # only then: reports issued before evidence documents keep their fingerprint
        record += repr(evidence)
    actions = tuple((r.number, r.actions) for r in content.with_actions)
    if actions:  # the same: reports of reviews without actions keep their fingerprint
        record += repr(actions)
    return hashlib.sha256(record.encode()).hexdigest()


def report_content(report):
    """Everything the committee reads in `report`, as it stood at the report's cut-off date."""
    review = report.review
    as_at = report.as_at
    known_by = end_of_day(as_at)
    previous = Report.objects.cut_off_before(review, as_at)
    following = Report.objects.next_cut_off(review, as_at + datetime.timedelta(days=1))
    next_full = (
        following
        if following is None or following.kind == ReportKind.FULL
        else Report.objects.filter(review=review, kind=ReportKind.FULL, as_at__gt=as_at)
        .order_by("as_at")
        .first()
    )

    rows = _recommendations_as_at(review, as_at)
    ids = [row.id for row in rows]
    supporting = _supporting_agencies_as_at([row.history_id for row in rows])
    agencies = dict(PartnerAgency.objects.values_list("pk", "name"))
    themes = dict(Theme.objects.filter(review=review).values_list("pk", "name"))
    status_now = _statuses(ids, as_at)
    status_before = _statuses(ids, previous.as_at) if previous else {}
    decisions = _decisions(ids, known_by)
    revisions = _revisions(ids, known_by)
    plans = _recovery_plans(ids, known_by)
    documents = _documents(ids, as_at, known_by)
    actions = _actions_as_at(ids, as_at, agencies)

    updates = defaultdict(list)  # newest first, as the status rule orders them
    latest = {}
    for update in (
        ProgressUpdate.objects.filter(recommendation_id__in=ids, date__lte=as_at)
        .select_related("agency")
        .newest_first()
    ):
        decision = decisions.get(update.pk)
        returned = decision is not None and decision.decision == CompletionDecision.RETURNED
        entry = UpdateEntry(
            date=update.date,
            status=Status(update.status),
            agency=update.agency.name,
            narrative=update.narrative,
            evidence_of_impact=update.evidence_of_impact,
            returned_on=_local_date(decision.decided_at) if returned else None,
            returned_reason=decision.note if returned else "",
            documents=documents.get(update.pk, ()),
            contribution=update.contribution,
        )
        updates[update.recommendation_id].append((update, entry))
        if status_now.get(update.recommendation_id, (None, None, False))[1] == update.pk:
            latest[update.recommendation_id] = entry

    since = previous.as_at if previous else review.publication_date - datetime.timedelta(days=1)
    entries = []
    for row in rows:
        status, _, signed_off = status_now.get(row.id, (Status.NOT_STARTED, None, False))
        status = Status(status)
        history = updates[row.id]
        entries_ = [entry for _, entry in history]
        completion = _completion(history, decisions) if status == Status.BLUE else None
        sign_off = completion and completion[1]
        before = status_before.get(row.id, (Status.NOT_STARTED, None, False))
        row_revisions = revisions.get(row.id, ())
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
                signed_off_by_claimant=bool(
                    status == Status.BLUE
                    and signed_off
                    and sign_off
                    and sign_off.decided_by_id == sign_off.update.author_id
                ),
                previous_status=Status(before[0]) if previous else None,
                overdue=(
                    row.target_date is not None
                    and row.target_date < as_at
                    and status != Status.BLUE
                ),
                latest_update=latest.get(row.id),
                updates_since_previous=tuple(u for u in entries_ if u.date > since),
                evidence=tuple(u for u in entries_ if u.evidence_of_impact.strip()),
                first_complete=completion[0] if completion else None,
                signed_off_on=_local_date(sign_off.decided_at) if signed_off and sign_off else None,
                sign_off_note=sign_off.note if signed_off and sign_off else "",
                settled_before_previous=bool(
                    previous and status == Status.BLUE and before[0] == Status.BLUE and before[2]
                ),
                original_target_date=(row_revisions[0][0] if row_revisions else row.target_date),
                revisions=tuple(revision for _, revision in row_revisions),
                recovery_plan=plans.get(row.id),
                documented_updates=tuple(u for u in entries_ if u.documents),
                actions=actions.get(row.id, ()),
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
        words=report_words(report),
        next_full_meeting_date=next_full.meeting_date if next_full else None,
    )


def _local_date(moment):
    return timezone.localdate(moment)


def _decisions(ids, known_by):
    """{update id: the board's decision on it}, for decisions made by the end of the cut-off."""
    return {
        decision.update_id: decision
        for decision in CompletionDecision.objects.filter(
            update__recommendation_id__in=ids, decided_at__lt=known_by
        ).select_related("update")
    }


def _completion(history, decisions):
    """(first reported complete, the sign-off decision or None) of a complete recommendation.

    `history` is newest first. The completion is the run of complete updates since it was
    last reported as anything else (returned claims and supporting agencies' contributions
    do not count): its first date, and the
    latest claim in it that the board signed off.
    """
    first, sign_off = None, None
    for update, entry in history:
        if entry.returned_on is not None or entry.contribution:
            continue
        if entry.status != Status.BLUE:
            break
        first = entry.date
        decision = decisions.get(update.pk)
        if sign_off is None and decision and decision.decision == CompletionDecision.SIGNED_OFF:
            sign_off = decision
    return first, sign_off


def _documents(ids, as_at, known_by):
    """{update id: titles of its evidence documents}, as attached, and not yet replaced, by
    the end of the cut-off day, for updates dated on or before it: one query."""
    documents = defaultdict(list)
    for update_id, title in (
        EvidenceDocument.objects.as_at(known_by)
        .filter(update__recommendation_id__in=ids, update__date__lte=as_at)
        .order_by("uploaded_at", "pk")
        .values_list("update_id", "title")
    ):
        documents[update_id].append(title)
    return {update_id: tuple(titles) for update_id, titles in documents.items()}


def _revisions(ids, known_by):
    """{recommendation id: ((date before, RevisionEntry), ...)} oldest first, by the cut-off."""
    revisions = defaultdict(list)
    for revision in TargetDateRevision.objects.filter(
        recommendation_id__in=ids, recorded_at__lt=known_by
    ).order_by("recorded_at", "pk"):
        revisions[revision.recommendation_id].append(
            (
                revision.previous_date,
                RevisionEntry(
                    revised_date=revision.revised_date,
                    reason=revision.reason,
                    recorded_on=_local_date(revision.recorded_at),
                ),
            )
        )
    return revisions


def _recovery_plans(ids, known_by):
    """{recommendation id: its latest recovery plan recorded by the end of the cut-off}."""
    plans = {}
    for plan in (
        RecoveryPlan.objects.filter(recommendation_id__in=ids, recorded_at__lt=known_by)
        .newest_first()
        .only("recommendation_id", "action", "owner", "revised_target_date", "recorded_at")
    ):
        plans.setdefault(
            plan.recommendation_id,
            RecoveryPlanEntry(
                action=plan.action,
                owner=plan.owner,
                revised_target_date=plan.revised_target_date,
                recorded_on=_local_date(plan.recorded_at),
            ),
        )
    return plans


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


def _actions_as_at(ids, as_at, agencies):
    """{recommendation id: (ActionEntry, ...) in number order}: each action's latest history
    row by the end of the cut-off day (an action added later is not in the report), with
    its status on the cut-off by the status rule. One query when the review has no actions,
    two when it has, however many."""
    latest = {}
    for row in Action.history.model.objects.filter(
        recommendation_id__in=ids, history_date__lt=end_of_day(as_at)
    ).order_by("history_date", "history_id"):
        latest[row.id] = row
    rows = sorted(
        (row for row in latest.values() if row.history_type != "-"),
        key=lambda row: (row.position, row.id),
    )
    if not rows:
        return {}
    statuses = dict(
        Action.objects.filter(pk__in=[row.id for row in rows])
        .with_status(as_at)
        .values_list("pk", "status")
    )
    actions = defaultdict(list)
    for row in rows:
        actions[row.recommendation_id].append(
            ActionEntry(
                number=row.number,
                text=row.text,
                owner=agencies.get(row.owner_id, ""),
                target_date=row.target_date,
                status=Status(statuses.get(row.id, Status.NOT_STARTED)),
            )
        )
    return {recommendation_id: tuple(entries) for recommendation_id, entries in actions.items()}


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
