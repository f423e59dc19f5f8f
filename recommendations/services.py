"""Writes: the only place that saves the tracker's models.

Every function validates (`full_clean`) before saving, saves tracked models one by one
so that django-simple-history records each change, and names the user the history
row carries. Back-dated loads (fixtures, imports) may pass `history_date`.
"""

import itertools
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from .calendar import calendar
from .models import (
    Action,
    ActionUpdate,
    CompletionDecision,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    RecoveryPlan,
    Review,
    TargetDateRevision,
    Theme,
    recommendation_history,
)
from .roles import is_board_administrator, may_report_for


class StaleUpdateError(Exception):
    """A correction was made against a version of an update that someone has since changed."""

    def __init__(self, current):
        super().__init__("This update was changed by someone else since you opened it.")
        self.current = current


class LockedUpdateError(Exception):
    """The update is part of an issued report: it is a record and cannot be corrected."""


def _save_tracked(instance, *, user, history_date=None, reason=None):
    instance.full_clean()
    instance._history_user = user
    if history_date is not None:
        instance._history_date = history_date
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


def _assign(instance, fields):
    """Set `fields` on `instance`; whether anything differs from what it had."""
    changed = instance.pk is None
    for name, value in fields.items():
        if changed or _differs(instance, name, value):
            setattr(instance, name, value)
            changed = True
    return changed


def _upsert(model, lookup, fields, *, user, history_date=None, reason=None):
    """Create or change the object matching `lookup`; saves (and records history) only on change."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    if _assign(instance, fields):
        _save_tracked(instance, user=user, history_date=history_date, reason=reason)
    return instance


def _differs(instance, name, value):
    field = instance._meta.get_field(name)
    if field.is_relation:  # compare keys, without loading the related object
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


@transaction.atomic
def review_save(*, slug, user=None, history_date=None, reason=None, **fields):
    return _upsert(
        Review, {"slug": slug}, fields, user=user, history_date=history_date, reason=reason
    )


# Addresses the review's own pages use: a review may not take these as its short name.
RESERVED_REVIEW_SLUGS = {"new"}


@transaction.atomic
def review_create(
    *, user, title, committee, responsible_board, publication_date, protective_marking
):
    """A new review, by the board administrator, with a short name for its addresses made
    from its title (unique: "-2", "-3" added when taken)."""
    if not is_board_administrator(user):
        raise PermissionDenied("Only the board administrator can add a review.")
    base = slugify(title)[:40].strip("-") or "review"
    taken = set(Review.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug = next(
        candidate
        for candidate in (base if n == 1 else f"{base}-{n}" for n in itertools.count(1))
        if candidate not in taken and candidate not in RESERVED_REVIEW_SLUGS
    )
    review = Review(
        slug=slug,
        title=title,
        committee=committee,
        responsible_board=responsible_board,
        publication_date=publication_date,
        protective_marking=protective_marking,
    )
    return _save_tracked(review, user=user)


@transaction.atomic
def agency_save(*, short_name, name, user=None, history_date=None, reason=None):
    return _upsert(
        PartnerAgency,
        {"short_name": short_name},
        {"name": name},
        user=user,
        history_date=history_date,
        reason=reason,
    )


@transaction.atomic
def theme_save(*, review, name, position, user=None, history_date=None, reason=None):
    return _upsert(
        Theme,
        {"review": review, "name": name},
        {"position": position},
        user=user,
        history_date=history_date,
        reason=reason,
    )


@transaction.atomic
def recommendation_save(
    *,
    review,
    number,
    supporting_agencies=None,
    user=None,
    history_date=None,
    reason=None,
    target_date_reason="",
    **fields,
):
    """Create recommendation `number` of `review`, or bring it up to date with `fields`.

    A change to the wording and the owners together is one history row, not one per part.
    `supporting_agencies=None` leaves them as they are. Moving a target date that was set
    needs `target_date_reason`, kept as a `TargetDateRevision` (see `_target_date_revision`).
    """
    _review_changes_allowed(review.pk)
    recommendation = Recommendation.objects.filter(review=review, number=number).first()
    created = recommendation is None
    recommendation = recommendation or Recommendation(review=review, number=number)
    revision = _target_date_revision(
        recommendation, fields, target_date_reason, user=user, history_date=history_date
    )
    changed = _assign(recommendation, fields)
    current = (
        set() if created else set(recommendation.supporting_agencies.values_list("pk", flat=True))
    )
    supporting = current if supporting_agencies is None else {a.pk for a in supporting_agencies}
    if recommendation.lead_agency_id in supporting:
        raise ValidationError(
            {"supporting_agencies": "The lead agency cannot also be a supporting agency."}
        )
    recommendation._history_user = user
    if history_date is not None:
        recommendation._history_date = history_date
    if reason:
        recommendation._change_reason = reason
    recommendation.skip_history_when_saving = True
    try:
        if changed:
            recommendation.full_clean()
            recommendation.save()
        if supporting != current:
            recommendation.supporting_agencies.set(supporting)
            changed = True
    finally:
        del recommendation.skip_history_when_saving
    if changed:
        recommendation_history.create_historical_record(recommendation, "+" if created else "~")
    if revision is not None:
        revision.recommendation = recommendation
        revision.full_clean()
        revision.save()
    return recommendation


def _target_date_revision(recommendation, fields, reason, *, user, history_date):
    """The revision a change of `fields` makes to a set target date, or None.

    The one rule for target dates: once set, a target date moves (or is removed) only with
    a reason, and the date before and the reason are kept. Setting the first one is not a
    revision.
    """
    if recommendation.pk is None or "target_date" not in fields:
        return None
    before, after = recommendation.target_date, fields["target_date"]
    if before is None or before == after:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "target_date_reason": "Say why the target date is changing from "
                f"{date_format(before, 'j F Y')}: the committee sees the original date, "
                "each revision and its reason"
            }
        )
    return TargetDateRevision(
        previous_date=before,
        revised_date=after,
        reason=reason,
        recorded_by=user if user is not None and user.is_authenticated else None,
        recorded_at=history_date or timezone.now(),
    )


def progress_update_create(
    *,
    recommendation,
    agency,
    author,
    date,
    status,
    narrative,
    evidence_of_impact="",
    submission_key=None,
    recorded_at=None,
    late_reason="",
):
    """Record a progress update by `author` for `agency`.

    Not dated into a period already reported to the committee, unless the board
    administrator records it late, with a reason (`late_reason`); and not while a report it
    would change is being issued.

    With a `submission_key` (one per form shown), posting the same form twice returns the
    update the first post created instead of creating a second one.
    """
    existing = _submitted(ProgressUpdate, submission_key)
    if existing is not None:
        return existing
    if not may_report_for(author, agency):
        raise PermissionDenied(f"You cannot report progress for {agency}.")
    update = ProgressUpdate(
        recommendation=recommendation,
        agency=agency,
        author=author,
        date=date,
        status=status,
        narrative=narrative,
        evidence_of_impact=evidence_of_impact,
        submission_key=submission_key,
        recorded_at=recorded_at or timezone.now(),
        contribution=is_contribution(recommendation, agency, author),
    )
    return _save_dated_update(
        update,
        review_id=recommendation.review_id,
        user=author,
        late_reason=late_reason,
        history_date=recorded_at,
    )


def _save_dated_update(update, *, review_id, user, late_reason, history_date):
    """Save a new progress or action update, within the reported periods' rules; posted
    twice at once with one submission key, the update the other request saved."""
    try:
        with transaction.atomic():
            late = _reported_periods_allow(review_id, [update.date], user, late_reason)
            return _save_tracked(
                update,
                user=user,
                history_date=history_date,
                reason=late and _late(late_reason),
            )
    except IntegrityError:
        # The same form, posted twice at once: the other request saved it first.
        existing = _submitted(type(update), update.submission_key)
        if existing is not None:
            return existing
        raise


def is_contribution(recommendation, agency, author):
    """Whether an update `author` posts for `agency` is a supporting agency's contribution,
    which never sets the status: the lead agency's updates and the board administrator's
    are its assessment."""
    return agency.pk != recommendation.lead_agency_id and not is_board_administrator(author)


def _submitted(model, submission_key):
    """What the form with `submission_key` already created, if it was posted before."""
    if submission_key is None:
        return None
    return model.objects.filter(submission_key=submission_key).first()


class ReportedPeriodError(ValidationError):
    """A change the committee's reports forbid: into an issued period, or during an issue."""


def _reported_periods_allow(review_id, dates, user, late_reason):
    """Refuse a change dated into a period an issued report covers, or one a report being
    issued now would show. Locks the review's row first, as the report worker does before
    it stores what it printed (reports/issuing.py), so the two never interleave. Returns
    whether the change is the administrator's late entry into a reported period."""
    Review.objects.select_for_update().filter(pk=review_id).exists()
    reports = calendar()
    issuing = reports.issuing_through(review_id)
    if issuing is not None and any(date <= issuing for date in dates):
        raise ReportedPeriodError(
            "A progress report that this change would alter is being issued to the committee "
            "right now. Nothing has been saved: try again in a minute."
        )
    closed = reports.closed_through(review_id)
    if closed is None or all(date > closed for date in dates):
        return False
    when = date_format(closed, "j F Y")
    if not is_board_administrator(user):
        raise ReportedPeriodError(
            {
                "date": f"A progress report as at {when} has been issued to the committee, "
                f"so an update cannot be dated on or before {when}. Post an update dated "
                f"after {when} instead; the board administrator can record a late "
                "correction if the report was wrong."
            }
        )
    if not (late_reason or "").strip():
        raise ReportedPeriodError(
            {
                "late_reason": f"A report as at {when} has been issued: say why this late "
                "entry into the reported period is needed"
            }
        )
    return True


def _late(reason):
    """The history's change reason for a late entry (simple-history keeps 100 characters)."""
    return f"Late entry into a reported period: {reason.strip()}"[:100]


def _review_changes_allowed(review_id):
    """Refuse any change to the review's record while one of its reports is being issued."""
    Review.objects.select_for_update().filter(pk=review_id).exists()
    if calendar().issuing_through(review_id) is not None:
        raise ReportedPeriodError(
            "A progress report of this review is being issued to the committee right now. "
            "Nothing has been saved: try again in a minute."
        )


def progress_update_in_reported_period(update):
    """Whether an issued report includes `update` (its date is on or before its cut-off)."""
    locked_through = _issued_cut_off(update.recommendation)
    return locked_through is not None and update.date <= locked_through


def progress_update_period_closed(recommendation):
    """Whether a report of the recommendation's review has been issued (a period is closed)."""
    return _issued_cut_off(recommendation) is not None


def progress_update_correctable_late(update, user):
    """Whether `user` may correct `update` though an issued report includes it: the board
    administrator may (with a reason), unless the board has decided on the claim."""
    return is_board_administrator(user) and _completion_decision(update) is None


def progress_update_lock_reason(update):
    """Why `update` is a record that can no longer be corrected, or None if it can be.

    It is once a version has been issued of any report of its review whose cut-off date
    is on or after the update's date (that report included it), and once the board has
    signed off or returned its claim of completion.
    """
    if _completion_decision(update) is not None:
        return "The board has decided on this claim of completion, so it is kept as reported."
    if progress_update_in_reported_period(update):
        return "It is part of a progress report issued to the committee, so it is kept as reported."
    return None


def progress_update_is_locked(update):
    return progress_update_lock_reason(update) is not None


def _completion_decision(update):
    """The board's decision on the update (no query when `for_timeline()` loaded it)."""
    try:
        return update.completion_decision
    except CompletionDecision.DoesNotExist:
        return None


def _issued_cut_off(recommendation):
    """The latest cut-off date of an issued report of the recommendation's review, or None.

    Remembered on the recommendation instance, because pages ask for every update of one
    recommendation (which all share that instance): one query per page, not per update.
    An instance lives for one request; a correction reads its recommendation afresh.
    """
    if not hasattr(recommendation, "_issued_cut_off"):
        recommendation._issued_cut_off = calendar().closed_through(recommendation.review_id)
    return recommendation._issued_cut_off


@transaction.atomic
def progress_update_correct(
    *,
    update,
    user,
    expected_version,
    date,
    status,
    narrative,
    evidence_of_impact="",
    late_reason="",
):
    """Correct an update in place, keeping the earlier wording in its history.

    Refused with `StaleUpdateError` when someone else changed it since `expected_version`
    was read, and with `LockedUpdateError` when an issued report includes it or the board
    has decided on it; the board administrator may still correct one an issued report
    includes (a late correction), with a reason. A correction may not move an update into
    a reported period either.
    """
    current = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if not may_report_for(user, current.agency):
        raise PermissionDenied(f"You cannot correct progress reported by {current.agency}.")
    if current.version != expected_version:
        raise StaleUpdateError(current)
    reason = progress_update_lock_reason(current)
    if reason and not progress_update_correctable_late(current, user):
        raise LockedUpdateError(f"{reason} Post a new update to correct the position.")
    late = _reported_periods_allow(
        current.recommendation.review_id, [current.date, date], user, late_reason
    )

    current.date = date
    current.status = status
    current.narrative = narrative
    current.evidence_of_impact = evidence_of_impact
    current.version += 1
    return _save_tracked(current, user=user, reason=late and _late(late_reason))


@transaction.atomic
def completion_decide(*, update, user, decision, note, decided_at=None):
    """Record the board's decision on a claim of completion: signed off, or returned.

    Only a board administrator decides, only on the update that currently claims the
    recommendation complete, and only once; the note says what evidence was seen, or
    why the claim is returned (the agency sees it on the recommendation's page).
    """
    if not is_board_administrator(user):
        raise PermissionDenied("Only the board administrator can sign off a completion.")
    current = (
        ProgressUpdate.objects.select_for_update()
        .select_related("recommendation")
        .get(pk=update.pk)
    )
    _review_changes_allowed(current.recommendation.review_id)
    if _completion_decision(current) is not None:
        raise ValidationError("The board has already decided on this claim of completion.")
    decided_at = decided_at or timezone.now()
    on = timezone.localdate(decided_at)
    position = Recommendation.objects.with_status(on).get(pk=current.recommendation_id)
    if position.latest_update_id != current.pk:
        raise ValidationError(
            "Only the latest update of a recommendation can be signed off or returned."
        )
    decision = CompletionDecision(
        update=current,
        decision=decision,
        note=(note or "").strip(),
        decided_by=user,
        decided_at=decided_at,
    )
    return _save_tracked(decision, user=user, history_date=decided_at)


def new_submission_key():
    return uuid.uuid4()


@transaction.atomic
def agency_rename(*, agency, name, short_name, user=None, reason=None):
    """Give `agency` a new full name and short name, keeping the old ones in its history.

    `agency_save` finds an agency by its short name, so it cannot change that name.
    """
    current = PartnerAgency.objects.select_for_update().get(pk=agency.pk)
    if _assign(current, {"name": name, "short_name": short_name}):
        _save_tracked(current, user=user, reason=reason)
    return current


@transaction.atomic
def recovery_plan_record(
    *,
    recommendation,
    user,
    action,
    owner,
    revised_target_date=None,
    target_date_reason="",
    submission_key=None,
    recorded_at=None,
):
    """Record the recovery plan of an exception: its action, owner and revised target date.

    Only on a recommendation that is Red, Amber or overdue, and only by an editor of its
    lead agency or the board administrator (status, and so the plan, belongs to the lead
    agency). A revised target date other than the current one moves the target date, with
    `target_date_reason` (required then) kept as its revision. Posting the same form twice (one
    `submission_key`) records one plan.
    """
    existing = _submitted(RecoveryPlan, submission_key)
    if existing is not None:
        return existing
    if not may_report_for(user, recommendation.lead_agency):
        raise PermissionDenied(
            f"Only {recommendation.lead_agency}, the lead agency, or the board administrator "
            "can record a recovery plan."
        )
    try:
        with transaction.atomic():
            return _recovery_plan_save(
                recommendation, user, action, owner, revised_target_date, target_date_reason,
                submission_key, recorded_at or timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        # The same form, posted twice at once: the other request saved it first.
        existing = _submitted(RecoveryPlan, submission_key)
        if existing is not None:
            return existing
        raise


def _recovery_plan_save(
    recommendation, user, action, owner, revised_target_date, target_date_reason,
    submission_key, recorded_at,
):  # fmt: skip
    _review_changes_allowed(recommendation.review_id)
    position = Recommendation.objects.with_status(timezone.localdate(recorded_at)).get(
        pk=recommendation.pk
    )
    on = timezone.localdate(recorded_at)
    if not position.is_exception(on):
        raise ValidationError(
            "A recovery plan is for a recommendation that is Red, Amber or past its target "
            f"date; recommendation {position.number} is {position.status_choice.label}."
        )
    plan = RecoveryPlan(
        recommendation=position,
        action=(action or "").strip(),
        owner=(owner or "").strip(),
        revised_target_date=revised_target_date,
        recorded_by=user,
        recorded_at=recorded_at,
        submission_key=submission_key,
    )
    plan.full_clean()
    if revised_target_date is not None and revised_target_date != position.target_date:
        if revised_target_date < on:
            raise ValidationError(
                {"revised_target_date": "The revised target date cannot be in the past."}
            )
        recommendation_save(
            review=position.review,
            number=position.number,
            user=user,
            history_date=recorded_at,
            reason="Target date revised by a recovery plan",
            target_date=revised_target_date,
            target_date_reason=target_date_reason,
        )
    _save_tracked(plan, user=user, history_date=recorded_at)
    return plan


@transaction.atomic
def action_save(
    *,
    recommendation,
    number,
    text,
    owner,
    user,
    target_date=None,
    action=None,
    history_date=None,
    reason=None,
):
    """Add action `number` ("12.3") to `recommendation`, or, given `action`, change it.

    By the board administrator only, who keeps the recommendations, and not while a report
    of the review is being issued. An action's number is unique in its recommendation.
    Saves (and records history) only what changed.
    """
    if not is_board_administrator(user):
        raise PermissionDenied("Only the board administrator can add or change an action.")
    _review_changes_allowed(recommendation.review_id)
    if action is None:
        instance = Action(recommendation=recommendation)
    else:
        instance = Action.objects.select_for_update().get(pk=action.pk)
        if instance.recommendation_id != recommendation.pk:
            raise ValidationError("The action is not one of this recommendation's.")
    instance.recommendation = recommendation
    number = str(number).strip()
    taken = (
        Action.objects.filter(recommendation=recommendation, number=number)
        .exclude(pk=instance.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            {"number": f"Recommendation {recommendation.number} already has an action {number}."}
        )
    fields = {
        "number": number,
        "text": (text or "").strip(),
        "owner": owner,
        "target_date": target_date,
    }
    if _assign(instance, fields):
        _save_tracked(instance, user=user, history_date=history_date, reason=reason)
    return instance


def action_update_create(
    *,
    action,
    user,
    date,
    status,
    narrative,
    submission_key=None,
    recorded_at=None,
    late_reason="",
):
    """Record a dated update of `action`, by `user` for its owning agency.

    Only the owning agency's editors and the board administrator report on an action. The
    same rules as progress updates (`progress_update_create`): not dated in the future or
    before the review, not into a period already reported to the committee unless the
    administrator records it late with a reason, and not while a report it would change is
    being issued. Posting the same form twice (one `submission_key`) creates one update.
    """
    existing = _submitted(ActionUpdate, submission_key)
    if existing is not None:
        return existing
    if not may_report_for(user, action.owner):
        raise PermissionDenied(
            f"Only {action.owner}, which owns action {action.number}, or the board "
            "administrator can report progress on it."
        )
    update = ActionUpdate(
        action=action,
        agency=action.owner,
        created_by=user,
        date=date,
        status=status,
        narrative=narrative,
        submission_key=submission_key,
        recorded_at=recorded_at or timezone.now(),
    )
    return _save_dated_update(
        update,
        review_id=action.recommendation.review_id,
        user=user,
        late_reason=late_reason,
        history_date=recorded_at,
    )
