"""Spreadsheet pages: import a review's recommendations, upload an agency's progress, export
the dashboard's view as the action plan.

Both work in two steps, preview then confirm. The uploaded file is kept in the session
between them and planned again on confirmation, so what is saved is checked against the
data as it is then; a file with any error saves nothing.
"""

import base64
import datetime
import io
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recommendations.forms import dashboard_selection
from recommendations.models import PartnerAgency, Review
from recommendations.roles import is_board_administrator

from . import importing
from .exporting import ACTION_PLAN_HEADER, recommendation_rows, spreadsheet_response
from .files import MAX_UPLOAD_BYTES, SpreadsheetError
from .forms import ConfirmImportForm, SpreadsheetUploadForm

SESSION_KEY = "pending_imports"
ALREADY_SAVED = "That import has already been saved or has expired. Upload the file again."
# The record changed between the preview and its confirmation so that a row cannot be saved.
NOT_SAVED = (
    "The import was not saved: the recommendations changed while it was being saved. "
    "Upload the file again to see what it would change now."
)
TEMPLATE_EXAMPLE = [
    1,
    "Awareness training for taxi drivers",
    "That the council makes CSE awareness training a condition of every taxi licence.",
    "Raising awareness",
    "TWC Licensing",
    "West Mercia Police; LSCB Business Unit",
    "Licensing Manager",
    datetime.date(2017, 3, 31),
    "Green (on track)",
    datetime.date(2016, 11, 30),
    "Training delivered to 212 drivers; attendance is now a licence condition.",
    "212 drivers trained; 3 referrals from drivers since October.",
]


def _administrator_only(request):
    if not is_board_administrator(request.user):
        raise PermissionDenied("Only the board administrator can import recommendations.")


def _progress_agencies(request, review):
    """The agencies whose progress `request.user` may upload for this review."""
    agencies = PartnerAgency.objects.of_review(review)
    if not is_board_administrator(request.user):
        agencies = agencies.filter(editors=request.user)
    agencies = agencies.distinct().order_by("name")
    if not agencies.exists():
        raise PermissionDenied("Only editors of an agency of this review can upload progress.")
    return agencies


@require_http_methods(["GET", "POST"])
def recommendation_import(request, slug):
    review = get_object_or_404(Review, slug=slug)
    _administrator_only(request)
    return _upload(request, review, kind="recommendations")


@require_POST
def recommendation_import_confirm(request, slug):
    review = get_object_or_404(Review, slug=slug)
    _administrator_only(request)
    return _confirm(request, review, kind="recommendations")


@require_http_methods(["GET", "POST"])
def progress_upload(request, slug):
    review = get_object_or_404(Review, slug=slug)
    return _upload(request, review, kind="progress", agencies=_progress_agencies(request, review))


@require_POST
def progress_upload_confirm(request, slug):
    review = get_object_or_404(Review, slug=slug)
    return _confirm(request, review, kind="progress", agencies=_progress_agencies(request, review))


@require_GET
def import_template(request, slug, fmt):
    review = get_object_or_404(Review, slug=slug)
    return spreadsheet_response(
        [TEMPLATE_EXAMPLE], fmt=fmt, name=f"{review.slug}-action-plan-template"
    )


def _upload(request, review, *, kind, agencies=None):
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    context = {"review": review, "kind": kind, "form": form, "columns": ACTION_PLAN_HEADER}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read(MAX_UPLOAD_BYTES + 1)
        agency = form.cleaned_data.get("agency")
        pending = {
            "review": review.pk,
            "kind": kind,
            "agency": agency.pk if agency else None,
            "name": form.cleaned_data["file"].name[:200],
            "data": base64.b64encode(data).decode(),
        }
        token = str(uuid.uuid4())
        try:
            plan = _plan(review, pending, agency, token)
        except SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            if plan.is_valid:
                request.session[SESSION_KEY] = {token: pending}  # one pending import at a time
            return _preview(request, review, kind, plan, pending, token)
    return render(
        request, "spreadsheets/import_upload.html", context, status=400 if form.errors else 200
    )


def _confirm(request, review, *, kind, agencies=None):
    form = ConfirmImportForm(request.POST)
    pending = form.is_valid() and request.session.get(SESSION_KEY, {}).get(
        str(form.cleaned_data["token"])
    )
    if not pending or pending["review"] != review.pk or pending["kind"] != kind:
        messages.info(request, ALREADY_SAVED)
        return redirect(_upload_url_name(kind), slug=review.slug)
    agency = agencies.filter(pk=pending["agency"]).first() if agencies is not None else None
    if kind == "progress" and agency is None:
        raise PermissionDenied("You can no longer upload progress for that agency.")
    token = str(form.cleaned_data["token"])
    try:
        plan = _plan(review, pending, agency, token)
    except SpreadsheetError as error:  # read once already: say why it cannot be now
        request.session.pop(SESSION_KEY, None)
        messages.error(request, str(error))
        return redirect(_upload_url_name(kind), slug=review.slug)
    if not plan.is_valid:
        return _preview(request, review, kind, plan, pending, token=None)
    request.session.pop(SESSION_KEY, None)
    try:
        created = importing.confirm_import(
            plan, token=token, kind=kind, user=request.user, agency=agency
        )
    except importing.AlreadySaved:
        messages.info(request, ALREADY_SAVED)
        return redirect(_upload_url_name(kind), slug=review.slug)
    except (ValidationError, IntegrityError):
        messages.error(request, NOT_SAVED)
        return redirect(_upload_url_name(kind), slug=review.slug)
    if kind == "recommendations":
        done = f"{len(plan.rows_to('create'))} created, {len(plan.rows_to('update'))} changed"
    else:
        done = f"{len(created)} progress update{'s' if len(created) != 1 else ''} recorded"
    messages.success(request, f"Import saved: {done}.")
    return redirect(
        "recommendations:my_agency" if kind == "progress" else "recommendations:dashboard",
        slug=review.slug,
    )


def _plan(review, pending, agency, token):
    upload = io.BytesIO(base64.b64decode(pending["data"]))
    upload.name = pending["name"]
    if pending["kind"] == "progress":
        return importing.plan_progress_import(review, agency, upload, token=uuid.UUID(token))
    return importing.plan_recommendation_import(review, upload)


def _preview(request, review, kind, plan, pending, token):
    return render(
        request,
        "spreadsheets/import_preview.html",
        {
            "review": review,
            "kind": kind,
            "plan": plan,
            "file_name": pending["name"],
            "token": token,
            "created": plan.rows_to("create"),
            "changed": plan.rows_to("update"),
            "unchanged": plan.rows_to("unchanged"),
            "to_save": len(plan.rows_to("create")) + len(plan.rows_to("update")),
            "upload_url_name": _upload_url_name(kind),
        },
        status=200 if plan.is_valid else 400,
    )


def _upload_url_name(kind):
    return (
        "spreadsheets:progress_upload"
        if kind == "progress"
        else "spreadsheets:recommendation_import"
    )


@require_GET
def dashboard_export(request, slug, fmt):
    """The dashboard's current view, filters included, as the board's action plan."""
    review = get_object_or_404(Review, slug=slug)
    today = timezone.localdate()
    _, filters, rows = dashboard_selection(request, review, today)
    if "status" in filters:
        rows = rows.filter(status=filters["status"])
    rows = list(rows.prefetch_related("supporting_agencies"))
    name = f"{review.slug}-action-plan-{today:%Y-%m-%d}"
    return spreadsheet_response(recommendation_rows(rows), fmt=fmt, name=name)
