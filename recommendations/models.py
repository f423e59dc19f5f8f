"""The review, its recommendations and the dated progress updates that record delivery.

Reads live here as named QuerySet methods; writes go through `services.py`.
"""

import datetime
import re
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

NARRATIVE_MAX_LENGTH = 5000
# Control characters other than tab, line feed and carriage return: invisible, meaningless
# in a narrative, and refused by the XML inside an .xlsx file and a PDF's text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_error(text):
    """Why `text` cannot be stored, naming the first control character in it; or None."""
    found = CONTROL_CHARACTERS.search(str(text))
    if found is None:
        return None
    return (
        f"contains a control character (U+{ord(found.group()):04X}) that cannot be saved: "
        "remove it and try again. It is invisible: retyping the text removes it"
    )


def no_control_characters(value):
    """Validator of every stored text: no control characters other than tab, CR and LF."""
    problem = control_character_error(value)
    if problem:
        raise ValidationError(f"The text {problem}.", code="control_characters")


text_validators = [ProhibitNullCharactersValidator(), no_control_characters]


def end_of_day(date):
    """The first instant after `date` in Europe/London: what was recorded before it was known on `date`."""
    return timezone.make_aware(
        datetime.datetime.combine(date + datetime.timedelta(days=1), datetime.time.min)
    )


class Status(models.TextChoices):
    """Delivery status, BRAG as UK partnerships use it. Always shown with its word."""

    NOT_STARTED = "not_started", "Not started"
    RED = "red", "Red (off track)"
    AMBER = "amber", "Amber (at risk)"
    GREEN = "green", "Green (on track)"
    BLUE = "blue", "Blue (complete)"

    @property
    def meaning(self):
        return _STATUS_MEANINGS[self]


_STATUS_MEANINGS = {
    Status.NOT_STARTED: "not started",
    Status.RED: "off track",
    Status.AMBER: "at risk",
    Status.GREEN: "on track",
    Status.BLUE: "complete",
}

# Off track or at risk: with overdue ones, the exceptions that carry a recovery plan.
EXCEPTION_STATUSES = (Status.RED, Status.AMBER)

# The order in which summaries and reports list statuses: done first, then by concern.
STATUS_REPORT_ORDER = [Status.BLUE, Status.GREEN, Status.AMBER, Status.RED, Status.NOT_STARTED]
# Each status's colour in pictures (the report's chart, the dashboard's): GOV.UK's palette.
STATUS_COLOURS = {
    Status.BLUE: "#1d70b8",
    Status.GREEN: "#00703c",
    Status.AMBER: "#f47738",
    Status.RED: "#d4351c",
    Status.NOT_STARTED: "#505a5f",
}


def status_counts(statuses):
    """(status, how many of `statuses` it is) for each status, in STATUS_REPORT_ORDER."""
    counts = Counter(statuses)
    return [(status, counts[status]) for status in STATUS_REPORT_ORDER]


class ProtectiveMarking(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class Review(models.Model):
    """A published scrutiny review whose recommendations the partnership delivers."""

    slug = models.SlugField(unique=True, help_text="Short name used in addresses and file names.")
    title = models.CharField(max_length=200, validators=text_validators)
    committee = models.CharField(max_length=200, validators=text_validators)
    responsible_board = models.CharField(max_length=200, validators=text_validators)
    publication_date = models.DateField()
    protective_marking = models.CharField(
        max_length=30, choices=ProtectiveMarking.choices, default=ProtectiveMarking.OFFICIAL
    )
    description = models.TextField(blank=True, validators=text_validators)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-publication_date", "title"]
        permissions = [
            ("administer_review", "Can administer reviews, progress for every agency and reports")
        ]

    def __str__(self):
        return self.title


class PartnerAgencyQuerySet(models.QuerySet):
    def owning(self, recommendation):
        """The agencies that own a recommendation: its lead and its supporting agencies."""
        return self.filter(
            Q(pk=recommendation.lead_agency_id) | Q(supported_recommendations=recommendation)
        ).distinct()

    def of_review(self, review):
        """The agencies that own any recommendation of `review`, as lead or supporting."""
        return self.filter(
            Q(pk__in=review.recommendations.values("lead_agency"))
            | Q(pk__in=review.recommendations.values("supporting_agencies"))
        )


class PartnerAgency(models.Model):
    """An agency of the partnership that owns recommendations and reports progress."""

    name = models.CharField(max_length=200, unique=True, validators=text_validators)
    short_name = models.CharField(max_length=40, unique=True, validators=text_validators)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="agencies",
        blank=True,
        help_text="People who post and correct this agency's progress updates.",
    )

    history = HistoricalRecords(m2m_fields=[editors])

    objects = PartnerAgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self):
        return self.name


class Theme(models.Model):
    """An optional, ordered grouping of a review's recommendations."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200, validators=text_validators)
    position = models.PositiveSmallIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "name"], name="theme_name_unique_in_review"),
        ]

    def __str__(self):
        return self.name


def status_of_latest(latest):
    """The status rule's annotations, from `latest`: the updates that count, of the outer
    row, dated on or before the date, newest first. The status of the first of them (Not
    started if there is none), and its date and id."""
    return {
        "status": Coalesce(
            Subquery(latest.values("status")[:1]),
            Value(Status.NOT_STARTED.value),
            output_field=models.CharField(),
        ),
        "latest_update_date": Subquery(latest.values("date")[:1]),
        "latest_update_id": Subquery(latest.values("pk")[:1]),
    }


class RecommendationQuerySet(models.QuerySet):
    def with_status(self, on=None):
        """Annotate each recommendation with its delivery status on a date (default: today).

        The status rule, and the only place it lives: the status of the latest assessment
        (an update by the lead agency or the board administrator, not a supporting agency's
        contribution) dated on or before the date, ties broken by recording time; with no such
        update, Not started. A claim of completion that the board returned by that date
        does not count. One query for any number of recommendations. Also annotates
        `latest_update_date` and `latest_update_id` of that same update, and `signed_off`:
        whether, by the end of the date, the board had signed off the claim of completion.
        """
        on = on or timezone.localdate()
        known_by = end_of_day(on)
        assessments = ProgressUpdate.objects.assessments()
        latest = (
            assessments.filter(recommendation=OuterRef("pk"), date__lte=on)
            .exclude(
                completion_decision__decision=CompletionDecision.RETURNED,
                completion_decision__decided_at__lt=known_by,
            )
            .newest_first()
        )
        # Signed off: the board signed off a claim of completion made since the
        # recommendation was last reported as anything but complete.
        last_not_complete = latest.exclude(status=Status.BLUE).values("date")[:1]
        # The newest update, returned claims included: "Returned by the board" until the
        # agency posts again.
        newest = assessments.filter(recommendation=OuterRef("pk"), date__lte=on).newest_first()
        return self.annotate(
            **status_of_latest(latest),
            newest_decision=Subquery(newest.values("completion_decision__decision")[:1]),
            complete_since=Coalesce(
                Subquery(last_not_complete),
                Value(datetime.date.min),
                output_field=models.DateField(),
            ),
            signed_off=Exists(
                CompletionDecision.objects.filter(
                    update__recommendation=OuterRef("pk"),
                    update__date__lte=on,
                    update__date__gte=OuterRef("complete_since"),
                    decision=CompletionDecision.SIGNED_OFF,
                    decided_at__lt=known_by,
                )
            ),
        )

    def statuses_on(self, on):
        """{recommendation id: its status on `on`}, in one query."""
        return dict(self.with_status(on).values_list("pk", "status"))

    def awaiting_sign_off(self):
        """Recommendations whose claim of completion awaits the board's decision."""
        return self.with_status().filter(status=Status.BLUE, signed_off=False)

    def owned_by(self, agencies):
        """Recommendations that any of the agencies leads or supports."""
        return self.filter(
            Q(lead_agency__in=agencies) | Q(supporting_agencies__in=agencies)
        ).distinct()

    def matching(self, text):
        """Recommendations whose short title or wording contains `text` (any case)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(short_title__icontains=text) | Q(text__icontains=text))

    def for_dashboard(self, on=None):
        """Rows of a review's dashboard: owner, theme and status on `on`, in one query."""
        return self.select_related("lead_agency", "theme").with_status(on).order_by("number")

    def for_agency_page(self, agencies, on=None):
        """What `agencies` own, with status and owners, in a fixed number of queries."""
        return (
            self.owned_by(agencies)
            .select_related("lead_agency")
            .prefetch_related("supporting_agencies")
            .with_status(on)
            .order_by("number")
        )

    def for_detail(self, on=None):
        """One recommendation's page: owners, status, its timeline of updates, its target
        date's revisions (oldest first) and its recovery plans (newest first)."""
        return (
            self.select_related("review", "lead_agency", "theme")
            .prefetch_related(
                "supporting_agencies",
                models.Prefetch("updates", queryset=ProgressUpdate.objects.for_timeline()),
                models.Prefetch(
                    "target_date_revisions",
                    queryset=TargetDateRevision.objects.select_related("recorded_by").order_by(
                        "recorded_at", "pk"
                    ),
                ),
                models.Prefetch(
                    "recovery_plans",
                    queryset=RecoveryPlan.objects.select_related("recorded_by").newest_first(),
                ),
            )
            .with_status(on)
            # Whether to read its actions (Action.objects.for_recommendation_page): a page
            # without them costs no query more.
            .annotate(has_actions=Exists(Action.objects.filter(recommendation=OuterRef("pk"))))
        )


# Kept by name so that a change to a recommendation's fields and owners together can be
# recorded as one history row (see services.recommendation_save).
recommendation_history = HistoricalRecords(m2m_fields=["supporting_agencies"])


class Recommendation(models.Model):
    """One numbered recommendation of a review, owned by a lead agency."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    # The reference the board's own tracker shows beside the number: "SR (25/26) 01".
    reference = models.CharField(max_length=50, blank=True, validators=text_validators)
    short_title = models.CharField(max_length=200, validators=text_validators)
    text = models.TextField(validators=[*text_validators, MaxLengthValidator(NARRATIVE_MAX_LENGTH)])
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    lead_agency = models.ForeignKey(
        PartnerAgency, on_delete=models.PROTECT, related_name="led_recommendations"
    )
    supporting_agencies = models.ManyToManyField(
        PartnerAgency, related_name="supported_recommendations", blank=True
    )
    lead_officer = models.CharField(
        max_length=200, blank=True, validators=text_validators, help_text="A role, not a name."
    )
    target_date = models.DateField(null=True, blank=True)

    history = recommendation_history

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1), name="recommendation_number_at_least_one"
            ),
            models.UniqueConstraint(
                fields=["review", "number"], name="recommendation_number_unique_in_review"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.short_title}"

    def clean(self):
        if self.theme_id and self.review_id and self.theme.review_id != self.review_id:
            raise ValidationError({"theme": "Choose a theme of this recommendation's review."})

    @property
    def status_choice(self):
        """The annotated status as a `Status` (needs `with_status()`; never queries)."""
        return Status(self.status)

    @property
    def awaiting_sign_off(self):
        """Reported complete, not yet signed off by the board (needs `with_status()`)."""
        return self.status == Status.BLUE and not self.signed_off

    @property
    def returned_by_board(self):
        """The agency's newest update is a claim the board returned (needs `with_status()`)."""
        return self.newest_decision == CompletionDecision.RETURNED

    def is_overdue(self, on):
        """Target date passed on `on` and not complete (needs `with_status()`)."""
        return self.target_date is not None and self.target_date < on and self.status != Status.BLUE

    def is_exception(self, on):
        """Red, Amber or overdue on `on`: what carries a recovery plan (needs `with_status()`)."""
        return self.status in EXCEPTION_STATUSES or self.is_overdue(on)


class DatedUpdateQuerySet(models.QuerySet):
    """Dated updates, of a recommendation or of an action."""

    def newest_first(self):
        """Latest date first, ties broken by recording time: the status rule's order."""
        return self.order_by("-date", "-recorded_at", "-pk")


class ProgressUpdateQuerySet(DatedUpdateQuerySet):
    def assessments(self):
        """The updates that can set a recommendation's status: not contributions."""
        return self.filter(contribution=False)

    def sign_off_queue(self, review):
        """The claims of completion of `review` awaiting the board's decision, oldest first."""
        waiting = Recommendation.objects.filter(review=review).awaiting_sign_off()
        return (
            self.filter(pk__in=waiting.values("latest_update_id"))
            .select_related("recommendation", "agency", "author")
            .prefetch_related("evidence_documents")
            .order_by("recorded_at", "pk")
        )

    def for_timeline(self):
        """Newest first, with the agency and author each entry shows, and its evidence
        documents (the evidence app's, by their relation's name: this layer imports none)."""
        return (
            self.select_related("agency", "author", "completion_decision__decided_by")
            .prefetch_related("evidence_documents")
            .newest_first()
        )


class ProgressUpdate(models.Model):
    """A dated statement by an owning agency of where delivery of a recommendation stands."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="updates"
    )
    agency = models.ForeignKey(
        PartnerAgency,
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name="reporting agency",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    date = models.DateField(help_text="The date the update describes the position on.")
    status = models.CharField(max_length=20, choices=Status.choices)
    narrative = models.TextField(
        validators=[*text_validators, MaxLengthValidator(NARRATIVE_MAX_LENGTH)]
    )
    evidence_of_impact = models.TextField(
        blank=True, validators=[*text_validators, MaxLengthValidator(NARRATIVE_MAX_LENGTH)]
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    # A supporting agency's update: shown with its agency and its own view of status, but
    # never the recommendation's status, which is its lead agency's assessment (and the
    # board administrator's). Decided once, when it is posted (services.progress_update_create),
    # so that a later change of lead agency does not rewrite the status history of reports.
    contribution = models.BooleanField(default=False, editable=False)
    # Raised by every correction; a correction made against an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set by the form that posted the update, so that posting it twice creates one update.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords()

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-recorded_at", "-pk"]
        indexes = [
            # The status rule's subquery: a recommendation's latest update on or before a date.
            models.Index(
                fields=["recommendation", "date", "recorded_at"], name="update_status_rule_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="progress_update_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(narrative=""), name="progress_update_narrative_not_empty"
            ),
        ]

    def __str__(self):
        return f"Recommendation {self.recommendation.number}, {date_format(self.date)}"

    def clean(self):
        errors = {}
        if self.recommendation_id is None:
            raise ValidationError(
                {"recommendation": "Choose the recommendation this update is for."}
            )
        review = self.recommendation.review
        if isinstance(self.date, datetime.date):
            if self.date > timezone.localdate():
                errors["date"] = "The date of the update cannot be in the future."
            elif self.date < review.publication_date:
                errors["date"] = (
                    "The date of the update cannot be before the review was published "
                    f"on {date_format(review.publication_date, 'j F Y')}."
                )
        if (
            self.agency_id
            and not PartnerAgency.objects.owning(self.recommendation)
            .filter(pk=self.agency_id)
            .exists()
        ):
            errors["agency"] = (
                f"{self.agency} does not own recommendation {self.recommendation.number}: "
                "only its lead or supporting agencies can report progress on it."
            )
        if errors:
            raise ValidationError(errors)


class CompletionDecision(models.Model):
    """The board's decision on an agency's claim that a recommendation is complete.

    Signing off accepts the evidence; returning it, with a reason the agency sees, means
    the claim no longer counts: the recommendation's status is again that of the update
    before it, until the agency reports again.
    """

    SIGNED_OFF = "signed_off"
    RETURNED = "returned"
    DECISIONS = [(SIGNED_OFF, "Signed off"), (RETURNED, "Returned to the agency")]

    update = models.OneToOneField(
        ProgressUpdate, on_delete=models.PROTECT, related_name="completion_decision"
    )
    decision = models.CharField(max_length=20, choices=DECISIONS)
    note = models.TextField(
        validators=[*text_validators, MaxLengthValidator(NARRATIVE_MAX_LENGTH)],
        help_text="On signing off, the evidence of impact seen; on returning, the reason.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completion_decisions"
    )
    decided_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["signed_off", "returned"]),
                name="completion_decision_valid",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="completion_decision_has_note"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.update}"

    def clean(self):
        if self.update_id and self.update.status != Status.BLUE:
            raise ValidationError(
                "Only an update that reports the recommendation complete can be signed off or returned."
            )


class TargetDateRevision(models.Model):
    """A move of a recommendation's target date: never silent, its reason kept and shown.

    Written only by `services.recommendation_save`, in the same transaction as the change,
    so the recommendation's history and its revisions always agree. Reports "as at" a date
    show the revisions recorded by the end of that day.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="target_date_revisions"
    )
    previous_date = models.DateField(null=True, blank=True)
    revised_date = models.DateField(null=True, blank=True)
    reason = models.TextField(validators=[*text_validators, MaxLengthValidator(2000)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["recommendation", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="target_date_revision_has_reason"),
        ]

    def __str__(self):
        return f"Recommendation {self.recommendation.number}: target date revised"


class RecoveryPlanQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-recorded_at", "-pk")


class RecoveryPlan(models.Model):
    """How the lead agency will bring an exception (Red, Amber or overdue) back on track.

    Plans are not overwritten: a new plan supersedes the last, and each stays in the
    record. The revised target date, when it moves the target, is a `TargetDateRevision`
    whose reason is the plan's.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="recovery_plans"
    )
    action = models.TextField(
        "recovery action",
        validators=[*text_validators, MaxLengthValidator(NARRATIVE_MAX_LENGTH)],
    )
    owner = models.CharField(
        max_length=200, validators=text_validators, help_text="Who delivers it: a role, not a name."
    )
    revised_target_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recovery_plans"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set by the form that posted the plan, so that posting it twice records one plan.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords()

    objects = RecoveryPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(action=""), name="recovery_plan_has_action"),
            models.CheckConstraint(condition=~Q(owner=""), name="recovery_plan_has_owner"),
        ]

    def __str__(self):
        return f"Recovery plan for recommendation {self.recommendation.number}"


# "12.3": the recommendation's number, a full stop, and the action's own number from 1.
ACTION_NUMBER = re.compile(r"^([1-9]\d{0,4})\.([1-9]\d{0,3})$")


def action_number_error(number, recommendation_number):
    """Why `number` cannot be the number of an action of recommendation
    `recommendation_number`, or None."""
    found = ACTION_NUMBER.match(str(number))
    example = f"{recommendation_number}.1"
    if found is None:
        return (
            "Enter the action's number as the recommendation's number, a full stop and the "
            f"action's own number, for example {example}"
        )
    if int(found.group(1)) != recommendation_number:
        return (
            f"An action of recommendation {recommendation_number} is numbered "
            f"{recommendation_number}.1, {recommendation_number}.2 and so on, for example "
            f"{example}"
        )
    return None


class ActionQuerySet(models.QuerySet):
    def with_status(self, on=None):
        """Annotate each action with its delivery status on a date (default: today).

        The recommendations' status rule (RecommendationQuerySet.with_status), in the same
        order (DatedUpdateQuerySet.newest_first): the status of the latest update dated on
        or before the date, ties broken by recording time; with no such update, Not
        started. Actions have no claims of completion for the board to decide. One query
        for any number of actions; also annotates `latest_update_date` and
        `latest_update_id` of that update.
        """
        on = on or timezone.localdate()
        latest = ActionUpdate.objects.filter(action=OuterRef("pk"), date__lte=on).newest_first()
        return self.annotate(**status_of_latest(latest))

    def for_recommendation_page(self, on=None):
        """A recommendation's actions, in number order, with owners and status on `on`."""
        return self.select_related("owner").with_status(on).order_by("position", "pk")


class Action(models.Model):
    """A numbered action a recommendation is delivered through ("12.3"), owned by an agency.

    Optional: reviews that break their recommendations into actions use them. An action's
    status is its own updates'; the recommendation's status stays its lead agency's
    assessment, which the actions inform but do not set.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    number = models.CharField(max_length=12, help_text="For example 12.3.")
    # The action's own number (3 of "12.3"), kept from `number` for ordering: 12.10 after 12.9.
    position = models.PositiveSmallIntegerField(default=1, editable=False)
    text = models.TextField(
        "action", validators=[*text_validators, MaxLengthValidator(NARRATIVE_MAX_LENGTH)]
    )
    owner = models.ForeignKey(
        PartnerAgency,
        on_delete=models.PROTECT,
        related_name="owned_actions",
        verbose_name="owning agency",
    )
    target_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "number"], name="action_number_unique_in_recommendation"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="action_has_text"),
        ]

    def __str__(self):
        return f"Action {self.number}"

    def save(self, *args, **kwargs):
        found = ACTION_NUMBER.match(str(self.number))
        if found is not None:
            self.position = int(found.group(2))
        super().save(*args, **kwargs)

    def clean(self):
        if self.recommendation_id is None:
            raise ValidationError({"recommendation": "Choose the recommendation of the action."})
        problem = action_number_error(self.number, self.recommendation.number)
        if problem:
            raise ValidationError({"number": f"{problem}."})

    @property
    def status_choice(self):
        """The annotated status as a `Status` (needs `with_status()`; never queries)."""
        return Status(self.status)


class ActionUpdate(models.Model):
    """A dated statement by an action's owning agency of where its delivery stands."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    agency = models.ForeignKey(
        PartnerAgency,
        on_delete=models.PROTECT,
        related_name="action_updates",
        verbose_name="reporting agency",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_updates"
    )
    date = models.DateField(help_text="The date the update describes the position on.")
    status = models.CharField(max_length=20, choices=Status.choices)
    narrative = models.TextField(
        validators=[*text_validators, MaxLengthValidator(NARRATIVE_MAX_LENGTH)]
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set by the form that posted the update, so that posting it twice creates one update.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords()

    objects = DatedUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-recorded_at", "-pk"]
        indexes = [
            # The status rule's subquery: an action's latest update on or before a date.
            models.Index(
                fields=["action", "date", "recorded_at"], name="action_update_status_rule_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="action_update_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(narrative=""), name="action_update_narrative_not_empty"
            ),
        ]

    def __str__(self):
        return f"Action {self.action.number}, {date_format(self.date)}"

    def clean(self):
        if self.action_id is None:
            raise ValidationError({"action": "Choose the action this update is for."})
        errors = {}
        review = self.action.recommendation.review
        if isinstance(self.date, datetime.date):
            if self.date > timezone.localdate():
                errors["date"] = "The date of the update cannot be in the future."
            elif self.date < review.publication_date:
                errors["date"] = (
                    "The date of the update cannot be before the review was published "
                    f"on {date_format(review.publication_date, 'j F Y')}."
                )
        if self.agency_id and self.agency_id != self.action.owner_id:
            errors["agency"] = (
                f"{self.agency} does not own action {self.action.number}: only its owning "
                f"agency, {self.action.owner}, reports progress on it."
            )
        if errors:
            raise ValidationError(errors)


class DataVersion(models.Model):
    """The version of the data that pages show, one row per review and one for what every
    review's pages show (agencies' and people's names): a random token, replaced in the
    same transaction as every change (recommendations/versions.py), so a page cached under
    a token is never served after the data under it has changed."""

    GLOBAL = "global"

    scope = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.scope}: {self.token}"
