"""The tracker's pages. Thin: parse the request, ask a QuerySet or a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods

from govuk.forms import add_service_errors

from . import chasing, page_cache, services, versions
from .calendar import calendar
from .forms import (
    ActionForm,
    ActionUpdateForm,
    CompletionDecisionForm,
    ProgressUpdateCorrectionForm,
    ProgressUpdateForm,
    RecoveryPlanForm,
    ReviewForm,
    dashboard_selection,
)
from .history import changes_since, recommendation_history
from .models import (
    Action,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    RecoveryPlan,
    Review,
    Status,
    status_counts,
)
from .roles import is_board_administrator, may_report_for, reporting_agencies
from .trend import status_trend

# A message's tag telling static/js/app.js that the form's draft was saved and can go.
DRAFT_SAVED = "draft-saved"
# A message's tag for a posted update: the banner offers the editor's next recommendation.
POSTED = "posted"


@require_GET
def home(request):
    reviews = list(Review.objects.all())
    if len(reviews) == 1:
        # Editors land on what their agencies owe; everyone else on the dashboard.
        editor = not is_board_administrator(request.user) and request.user.agencies.exists()
        page = "recommendations:my_agency" if editor else "recommendations:dashboard"
        return redirect(page, slug=reviews[0].slug)
    may_add = is_board_administrator(request.user)
    return render(request, "recommendations/home.html", {"reviews": reviews, "may_add": may_add})


@require_http_methods(["GET", "POST"])
def review_create(request):
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            review = services.review_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{review.title} has been added. Import its recommendations.")
            return redirect("spreadsheets:recommendation_import", slug=review.slug)
    status = 400 if form.errors else 200
    return render(request, "recommendations/review_form.html", {"form": form}, status=status)


@require_GET
def dashboard(request, slug):
    review = get_object_or_404(Review, slug=slug)
    page = page_cache.content(
        page="dashboard",
        scopes=versions.dashboard_scopes(review),
        user=request.user,
        build=lambda: _dashboard_content(request, review),
        cached=not request.GET,  # filtered, built each time: free text would fill the cache
    )
    return render(request, "recommendations/dashboard.html", {"review": review, "page": page})


def _dashboard_content(request, review):
    today = timezone.localdate()
    form, filters, rows, shown = dashboard_selection(request, review, today)
    last_report = calendar().last_before(review, today)
    chasing.flag(rows, on=today, last_cut_off=last_report and last_report.as_at)
    counts = status_counts(row.status for row in rows)
    awaiting = sum(1 for row in rows if row.awaiting_sign_off)
    context = {
        "review": review,
        "form": form,
        "filtered": bool(filters),
        "rows": shown,
        "counts": counts,
        "awaiting_sign_off": awaiting,
        "signed_off": dict(counts)[Status.BLUE] - awaiting,
        "total": len(rows),
        "trend": status_trend(review, today),
        "today": today,
        "last_report": last_report,
        "editors": [page_cache.EDITOR],
        "administrators": [page_cache.ADMINISTRATOR],
    }
    html = render_to_string("recommendations/_dashboard.html", context, request)
    return {"errors": bool(form.errors), "html": html}


@require_GET
def detail(request, slug, number):
    review = get_object_or_404(Review, slug=slug)
    page = page_cache.content(
        page=f"recommendation:{number}",
        scopes=versions.recommendation_scopes(review, number),
        user=request.user,
        build=lambda: _detail_content(review, number),
    )
    today = timezone.localdate()
    return render(
        request,
        "recommendations/detail.html",
        {
            "review": review,
            "page": page,
            # Only the banner after posting asks (templates/recommendations/_messages.html).
            "next_to_update": SimpleLazyObject(
                lambda: _next_to_update(request.user, review, number, today)
            ),
        },
    )


def _detail_content(review, number):
    """The page's content for every viewer: what only some may do is offered to its
    audience (page_cache: administrators, and the editors of the agencies named)."""
    today = timezone.localdate()
    recommendation = get_object_or_404(
        Recommendation.objects.for_detail(today), review=review, number=number
    )
    administrators = [page_cache.ADMINISTRATOR]
    updates = recommendation.updates.all()
    for update in updates:
        update.evidence_audience = administrators + page_cache.agencies(update.agency_id)
        locked = services.progress_update_is_locked(update)
        update.correct_audience = [] if locked else update.evidence_audience
    plans = list(recommendation.recovery_plans.all())
    actions = _actions(recommendation, today)
    action_counts = status_counts(action.status for action in actions)
    owners = [recommendation.lead_agency_id] + [
        agency.pk for agency in recommendation.supporting_agencies.all()
    ]
    context = {
        "actions": actions,
        "action_counts": action_counts,
        "action_rollup": [(status, count) for status, count in action_counts if count],
        "administrators": administrators,
        "review": recommendation.review,
        "recommendation": recommendation,
        "updates": updates,
        "overdue": recommendation.is_overdue(today),
        # The owning agencies report progress, and the administrator for any of them.
        "posters": administrators + page_cache.agencies(*owners) if any(owners) else [],
        "decide_completion": administrators if recommendation.awaiting_sign_off else [],
        "exception": recommendation.is_exception(today),
        "current_plan": plans[0] if plans else None,
        "earlier_plans": plans[1:],
        "plan_recorders": administrators + page_cache.agencies(recommendation.lead_agency_id),
        "revisions": recommendation.target_date_revisions.all(),
        "history": recommendation_history(recommendation),
    }
    return {
        "number": recommendation.number,
        "short_title": recommendation.short_title,
        "html": render_to_string("recommendations/_detail.html", context),
    }


def _actions(recommendation, today):
    """The recommendation's actions, with their status today and who may post an update of
    each (its owner's editors and the administrator); no query when it has none."""
    if not recommendation.has_actions:
        return []
    actions = list(recommendation.actions.for_recommendation_page(today))
    for action in actions:
        action.update_audience = [page_cache.ADMINISTRATOR, *page_cache.agencies(action.owner_id)]
    return actions


def _next_to_update(user, review, number, today):
    """The next recommendation (by number, after `number`, then from the start) that an
    agency of the editor's leads and that needs an update; None for administrators and
    readers, or when nothing does."""
    if is_board_administrator(user):
        return None
    rows = list(
        Recommendation.objects.filter(review=review, lead_agency__editors=user)
        .exclude(number=number)
        .with_status(today)
        .order_by("number")
    )
    last_report = calendar().last_before(review, today)
    waiting = [
        row
        for row in chasing.flag(rows, on=today, last_cut_off=last_report and last_report.as_at)
        if row.needs_update
    ]
    later = [row for row in waiting if row.number > number]
    return (later or waiting or [None])[0]


@require_http_methods(["GET", "POST"])
def update_create(request, slug, number):
    today = timezone.localdate()
    # Its status and owners, not its timeline: the form shows the latest update only.
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review", "lead_agency").with_status(today),
        review__slug=slug,
        number=number,
    )
    agencies = reporting_agencies(request.user, recommendation)
    if not agencies.exists():
        raise PermissionDenied("Only editors of an agency that owns this recommendation can.")
    form = ProgressUpdateForm(
        request.POST if request.method == "POST" else None,
        agencies=agencies,
        initial={"date": timezone.localdate(), "submission_key": services.new_submission_key()},
        late_entries=_late_entries_allowed(request.user, recommendation),
    )
    if form.is_bound and form.is_valid():
        try:
            update = services.progress_update_create(
                recommendation=recommendation,
                agency=form.cleaned_data["agency"],
                author=request.user,
                submission_key=form.cleaned_data["submission_key"],
                **form.update_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if (
                update.recommendation_id == recommendation.pk
                and update.author_id == request.user.pk
            ):
                messages.success(
                    request, "Your progress update has been posted.", f"{DRAFT_SAVED} {POSTED}"
                )
                return redirect(_detail_url(recommendation))
            form.add_error(None, "This form has already been used. Reload the page to start again.")
    latest = (
        ProgressUpdate.objects.select_related("agency")
        .filter(pk=recommendation.latest_update_id)
        .first()
    )
    return render(
        request,
        "recommendations/update_form.html",
        {
            "review": recommendation.review,
            "recommendation": recommendation,
            "form": form,
            "latest": latest,
            "revisions": recommendation.target_date_revisions.all(),
            "overdue": recommendation.is_overdue(today),
            "contributes_only": all(
                services.is_contribution(recommendation, agency, request.user)
                for agency in agencies
            ),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def update_correct(request, pk):
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("recommendation__review", "agency", "author"), pk=pk
    )
    if not may_report_for(request.user, update.agency):
        raise PermissionDenied("Only editors of the agency that posted this update can.")
    recommendation = update.recommendation
    context = {"review": recommendation.review, "recommendation": recommendation, "update": update}
    late_entries = _late_entries_allowed(request.user, recommendation)
    if services.progress_update_is_locked(update) and not services.progress_update_correctable_late(
        update, request.user
    ):
        return _locked(request, context)
    form = ProgressUpdateCorrectionForm(
        request.POST if request.method == "POST" else None,
        late_entries=late_entries,
        initial={
            "date": update.date,
            "status": update.status,
            "narrative": update.narrative,
            "evidence_of_impact": update.evidence_of_impact,
            "version": update.version,
        },
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data["version"] == update.version and form.is_unchanged(update):
            messages.info(
                request, "You did not change anything, so the update was not changed.", DRAFT_SAVED
            )
            return redirect(_timeline_url(recommendation, update))
        try:
            services.progress_update_correct(
                update=update,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                **form.update_fields(),
            )
        except services.StaleUpdateError as stale:
            form, context["stale"] = _after_stale(request, form, stale.current)
        except services.LockedUpdateError:
            return _locked(request, context)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Your correction has been saved. The earlier wording is kept in the change history.",
                DRAFT_SAVED,
            )
            return redirect(_timeline_url(recommendation, update))
    context["form"] = form
    status = 409 if "stale" in context else 400 if form.errors else 200
    return render(request, "recommendations/update_correct.html", context, status=status)


@require_http_methods(["GET", "POST"])
def recovery_plan(request, slug, number):
    today = timezone.localdate()
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review", "lead_agency").with_status(today),
        review__slug=slug,
        number=number,
    )
    if not may_report_for(request.user, recommendation.lead_agency):
        raise PermissionDenied("Only editors of the lead agency can record a recovery plan.")
    context = {"review": recommendation.review, "recommendation": recommendation}
    form = RecoveryPlanForm(
        request.POST if request.method == "POST" else None,
        recommendation=recommendation,
        initial={"submission_key": services.new_submission_key()},
    )
    if not recommendation.is_exception(today) and not _resubmitted(form, request.user):
        status = 409 if request.method == "POST" else 200
        return render(
            request, "recommendations/recovery_plan_not_needed.html", context, status=status
        )
    if form.is_bound and form.is_valid():
        try:
            plan = services.recovery_plan_record(
                recommendation=recommendation,
                user=request.user,
                submission_key=form.cleaned_data["submission_key"],
                **form.plan_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if (
                plan.recommendation_id == recommendation.pk
                and plan.recorded_by_id == request.user.pk
            ):
                messages.success(request, "The recovery plan has been recorded.", DRAFT_SAVED)
                return redirect(_detail_url(recommendation) + "#recovery-plan")
            form.add_error(None, "This form has already been used. Reload the page to start again.")
    context.update(form=form, overdue=recommendation.is_overdue(today))
    return render(
        request,
        "recommendations/recovery_plan_form.html",
        context,
        status=400 if form.errors else 200,
    )


def _resubmitted(form, user):
    """Whether the form was posted before, by `user`: its plan may have ended the exception
    (a new target date), and posting it again should say it was recorded, as the first did."""
    return (
        form.is_bound
        and form.is_valid()
        and RecoveryPlan.objects.filter(
            submission_key=form.cleaned_data["submission_key"], recorded_by=user
        ).exists()
    )


def _late_entries_allowed(user, recommendation):
    """Whether to offer a late entry into a reported period: to the administrator, once a
    report of the review has been issued."""
    return is_board_administrator(user) and services.progress_update_period_closed(recommendation)


def _after_stale(request, form, current):
    """Show what changed since the user read the update, keeping what they typed.

    The form now carries the current version, so saving again replaces the newer
    wording knowingly, never silently.
    """
    changes, row = changes_since(current, form.cleaned_data["version"])
    data = request.POST.copy()
    data["version"] = current.version
    form = ProgressUpdateCorrectionForm(data, late_entries="late_reason" in form.fields)
    form.is_valid()
    form.add_error(
        None,
        "Someone else changed this update after you opened it. Check their changes below, "
        "then save again to replace them with yours, or cancel.",
    )
    return form, {"changes": changes, "row": row}


def _locked(request, context):
    context["lock_reason"] = services.progress_update_lock_reason(context["update"])
    return render(
        request,
        "recommendations/update_locked.html",
        context,
        status=409 if request.method == "POST" else 200,
    )


def _detail_url(recommendation):
    return reverse(
        "recommendations:detail",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )


def _timeline_url(recommendation, update):
    return f"{_detail_url(recommendation)}#update-{update.pk}"


@require_http_methods(["GET", "POST"])
def completion_decision(request, pk):
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("recommendation__review", "agency", "author"), pk=pk
    )
    if not is_board_administrator(request.user):
        raise PermissionDenied("Only the board administrator can sign off a completion.")
    recommendation = update.recommendation
    form = CompletionDecisionForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            decision = services.completion_decide(
                update=update, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Completion {decision.get_decision_display().lower()}.")
            return redirect(_timeline_url(recommendation, update))
    return render(
        request,
        "recommendations/completion_decision.html",
        {
            "review": recommendation.review,
            "recommendation": recommendation,
            "update": update,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def sign_off_queue(request, slug):
    """The board administrator's queue: claims of completion awaiting a decision, oldest first."""
    review = get_object_or_404(Review, slug=slug)
    claims = ProgressUpdate.objects.sign_off_queue(review)
    return render(
        request,
        "recommendations/sign_off_queue.html",
        {"review": review, "claims": claims, "nav_current": "sign_off"},
    )


@require_GET
def my_agency(request, slug):
    review = get_object_or_404(Review, slug=slug)
    today = timezone.localdate()
    administrator = is_board_administrator(request.user)
    agencies = list(PartnerAgency.objects.all() if administrator else request.user.agencies.all())
    rows = Recommendation.objects.filter(review=review).for_agency_page(agencies, today)
    last_report = calendar().last_before(review, today)
    rows = chasing.flag(list(rows), on=today, last_cut_off=last_report and last_report.as_at)
    return render(
        request,
        "recommendations/my_agency.html",
        {
            "review": review,
            "administrator": administrator,
            "agencies": [_agency_summary(agency, rows) for agency in agencies],
            "last_report": last_report,
            "next_report": calendar().next_from(review, today),
            "today": today,
            "nav_current": "my_agency",
        },
    )


def _agency_summary(agency, rows):
    owned = []
    for row in rows:
        if row.lead_agency_id == agency.pk:
            owned.append((row, "Lead"))
        elif agency in row.supporting_agencies.all():
            owned.append((row, "Supporting"))
    return {
        "agency": agency,
        "owned": owned,
        "counts": status_counts(row.status for row, _ in owned),
        # The status is the lead agency's assessment: a supporting agency owes none.
        "to_update": [row for row, role in owned if role == "Lead" and row.needs_update],
        "returned": [row for row, _ in owned if row.returned_by_board],
    }


def _action_or_404(slug, number, action):
    """Action `number`.`action` ("12.3") of recommendation `number` of the review `slug`."""
    return get_object_or_404(
        Action.objects.select_related("recommendation__review", "owner"),
        recommendation__review__slug=slug,
        recommendation__number=number,
        number=f"{number}.{action}",
    )


@require_http_methods(["GET", "POST"])
def action_create(request, slug, number):
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review"), review__slug=slug, number=number
    )
    last = recommendation.actions.order_by("-position").values_list("position", flat=True)
    initial = {"number": f"{recommendation.number}.{(last.first() or 0) + 1}"}
    return _action_form(request, recommendation, None, initial)


@require_http_methods(["GET", "POST"])
def action_edit(request, slug, number, action):
    action = _action_or_404(slug, number, action)
    initial = {
        "number": action.number,
        "text": action.text,
        "owner": action.owner_id,
        "target_date": action.target_date,
    }
    return _action_form(request, action.recommendation, action, initial)


def _action_form(request, recommendation, action, initial):
    """Add an action to the recommendation, or change `action`: the administrator's."""
    if not is_board_administrator(request.user):
        raise PermissionDenied("Only the board administrator can add or change an action.")
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        recommendation=recommendation,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            saved = services.action_save(
                recommendation=recommendation,
                action=action,
                user=request.user,
                **form.action_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "changed" if action else "added"
            messages.success(request, f"Action {saved.number} has been {done}.", DRAFT_SAVED)
            return redirect(f"{_detail_url(recommendation)}#action-{saved.pk}")
    return render(
        request,
        "recommendations/action_form.html",
        {
            "review": recommendation.review,
            "recommendation": recommendation,
            "action": action,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def action_update_create(request, slug, number, action):
    action = _action_or_404(slug, number, action)
    recommendation = action.recommendation
    if not may_report_for(request.user, action.owner):
        raise PermissionDenied("Only editors of the agency that owns the action can.")
    form = ActionUpdateForm(
        request.POST if request.method == "POST" else None,
        initial={"date": timezone.localdate(), "submission_key": services.new_submission_key()},
        late_entries=_late_entries_allowed(request.user, recommendation),
    )
    if form.is_bound and form.is_valid():
        try:
            update = services.action_update_create(
                action=action,
                user=request.user,
                submission_key=form.cleaned_data["submission_key"],
                **form.update_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if update.action_id == action.pk and update.created_by_id == request.user.pk:
                messages.success(
                    request, f"Your update of action {action.number} has been posted.", DRAFT_SAVED
                )
                return redirect(f"{_detail_url(recommendation)}#action-{action.pk}")
            form.add_error(None, "This form has already been used. Reload the page to start again.")
    return render(
        request,
        "recommendations/action_update_form.html",
        {
            "review": recommendation.review,
            "recommendation": recommendation,
            "action": action,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
