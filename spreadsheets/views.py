"""Spreadsheet pages: import a review's recommendations, upload an agency's progress, export
the dashboard's view as the action plan.

Both work in two steps, preview then confirm. The uploaded file is kept in the session
between them and planned again on confirmation, so what is saved is checked against the
data as it is then; a file with any error saves nothing, unless an editor uploading
progress chooses to save the valid rows and skip the rows listed with their errors (the
rows skipped are posted with the confirmation and must be those the plan finds again). A
recommendations file in a board's own layout takes a step before the preview: matching its
columns to ours.
"""

import base64
import datetime
import io
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recommendations.forms import dashboard_selection
from recommendations.models import PartnerAgency, Review
from recommendations.roles import is_board_administrator

from . import importing
from . import mapping as layout
from .exporting import (
    ACTION_PLAN_HEADER,
    action_sheets,
    recommendation_rows,
    spreadsheet_response,
)
from .files import MAX_UPLOAD_BYTES, SpreadsheetError, read_table
from .forms import ColumnMappingForm, ConfirmImportForm, SpreadsheetUploadForm
from .models import ImportMapping

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
    "",  # Evidence: documents are attached to updates on the tracker, not imported
    "",  # Reference, when the recommendations have one beside their numbers
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
def recommendation_import_mapping(request, slug):
    """Match the columns of a board's own tracker to ours; valid, the import's preview."""
    review = get_object_or_404(Review, slug=slug)
    _administrator_only(request)
    _, pending, _ = _pending(request, review, "recommendations")
    if pending is None:
        messages.info(request, ALREADY_SAVED)
        return redirect("spreadsheets:recommendation_import", slug=review.slug)
    try:
        table = read_table(_file(pending))
    except SpreadsheetError as error:  # read once already: say why it cannot be now
        request.session.pop(SESSION_KEY, None)
        messages.error(request, str(error))
        return redirect("spreadsheets:recommendation_import", slug=review.slug)
    form = _mapping_form(request, review, table, pending)
    if request.method == "POST" and form.is_valid():
        try:
            return _preview_mapped(request, review, pending, form.mapping)
        except SpreadsheetError as error:  # the record moved on: a report issued meanwhile
            form.add_error(None, str(error))
    return render(
        request,
        "spreadsheets/import_mapping.html",
        {
            "review": review,
            "form": form,
            "token": pending["token"],
            "file_name": pending["name"],
            "header_row": form.header_row,
            "header_rows": _header_rows(table),
            "saved_mapping": ImportMapping.objects.filter(pk=pending.get("saved_mapping")).first(),
        },
        status=400 if form.errors else 200,
    )


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
            if kind == "recommendations":
                return _recommendations_uploaded(request, review, pending, token)
            plan = _plan(review, pending, agency, token)
        except SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            if plan.is_valid or _may_skip(plan, kind):
                request.session[SESSION_KEY] = {token: pending}  # one pending import at a time
            return _preview(request, review, kind, plan, pending, token)
    return render(
        request, "spreadsheets/import_upload.html", context, status=400 if form.errors else 200
    )


def _recommendations_uploaded(request, review, pending, token):
    """A file in our own layout goes to its preview; any other to matching its columns,
    filled in from the mapping remembered for its headings, if there is one.

    The upload's token names the file while its columns are matched; each preview of the
    matched file has a token of its own (`pending["preview"]`), the only one that confirms.
    """
    table = read_table(_file(pending))
    saved = layout.remembered(review, table)
    pending["token"] = token
    if saved is None and layout.is_own_layout(table):
        plan = importing.plan_recommendation_import(review, _file(pending))
        request.session[SESSION_KEY] = {token: pending}  # one pending import at a time
        return _preview(request, review, "recommendations", plan, pending, token)
    pending["columns"] = True  # to be matched before its preview can be confirmed
    if saved is not None:
        pending["remembered"] = {"mapping": saved.mapping, "signature": saved.signature}
        pending["saved_mapping"] = saved.pk
    request.session[SESSION_KEY] = {token: pending}
    return redirect(_mapping_url(review, token))


def _mapping_form(request, review, table, pending):
    data = request.POST if request.method == "POST" else None
    token = pending["token"]
    before = (
        _pending_mapping(pending.get("preview"))
        or _pending_mapping(pending.get("remembered"))
        or layout.guessed_mapping(table)
    )
    header_row = _header_row(request, table, default=before.header_row)
    initial = before
    if header_row != before.header_row:  # another row of headings: guess its columns again
        initial = layout.guessed_mapping(table, header_row)
        initial.statuses, initial.as_at = before.statuses, before.as_at
    return ColumnMappingForm(
        data,
        table=table,
        review=review,
        header_row=header_row,
        initial_mapping=initial,
        initial={"token": token, "header_row": header_row},
    )


def _header_row(request, table, *, default):
    """The heading row asked for (posted, or chosen on the page), if it can be one."""
    asked = (request.POST if request.method == "POST" else request.GET).get("header_row", "")
    rows = range(1, min(len(table.rows), layout.HEADER_SEARCH_ROWS) + 1)
    if asked.isascii() and asked.isdigit() and len(asked) < 3 and int(asked) in rows:
        return int(asked)
    return default if default in rows else 1


def _header_rows(table):
    """(number, what it holds) of each row that may be chosen as the headings."""
    choices = []
    for number, row in enumerate(table.rows[: layout.HEADER_SEARCH_ROWS], start=1):
        texts = [text for text in map(layout.cell_text, row) if text]
        shown = ", ".join(texts[:4]) if texts else "(empty)"
        choices.append((number, shown if len(shown) <= 70 else shown[:69].rstrip() + "…"))
    return choices


def _preview_mapped(request, review, pending, mapping):
    """The preview of a file read through `mapping`, under a token of its own: an earlier
    preview of the same file can no longer be confirmed."""
    token = str(uuid.uuid4())
    preview = {"token": token, "mapping": mapping.to_json(), "signature": mapping.signature}
    plan = importing.plan_recommendation_import(
        review, _file(pending), mapping, create_agencies=importing.OFFER, token=uuid.UUID(token)
    )
    pending["preview"] = preview
    request.session[SESSION_KEY] = {pending["token"]: pending}
    return _preview(request, review, "recommendations", plan, pending, token)


def _pending(request, review, kind):
    """(token, pending import, the preview the token names or None) of the request's
    token, or (None, None, None)."""
    form = ConfirmImportForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return None, None, None
    token = str(form.cleaned_data["token"])
    for upload_token, pending in request.session.get(SESSION_KEY, {}).items():
        preview = pending.get("preview") or {}
        if pending["review"] != review.pk or pending["kind"] != kind:
            continue
        if token == upload_token:
            return token, pending, None
        if token == preview.get("token"):
            return token, pending, preview
    return None, None, None


def _pending_mapping(stored):
    """The Mapping a preview or a remembered mapping in the session holds, or None."""
    if not stored or not stored.get("mapping"):
        return None
    return layout.Mapping.from_json(stored["mapping"], signature=stored.get("signature", ""))


def _mapping_url(review, token):
    url = reverse("spreadsheets:recommendation_import_mapping", args=[review.slug])
    return f"{url}?token={token}"


def _file(pending):
    upload = io.BytesIO(base64.b64decode(pending["data"]))
    upload.name = pending["name"]
    return upload


def _confirm(request, review, *, kind, agencies=None):
    token, pending, preview = _pending(request, review, kind)
    # A file whose columns are matched is confirmed by its preview's token only.
    if pending is None or (pending.get("columns") and preview is None):
        messages.info(request, ALREADY_SAVED)
        return redirect(_upload_url_name(kind), slug=review.slug)
    agency = agencies.filter(pk=pending["agency"]).first() if agencies is not None else None
    if kind == "progress" and agency is None:
        raise PermissionDenied("You can no longer upload progress for that agency.")
    try:
        plan = _plan(review, pending, agency, token, preview)
    except SpreadsheetError as error:  # read once already: say why it cannot be now
        request.session.pop(SESSION_KEY, None)
        messages.error(request, str(error))
        return redirect(_upload_url_name(kind), slug=review.slug)
    skip_rows = _skip_rows(request)
    if skip_rows != (plan.error_rows if _may_skip(plan, kind) else []):
        # Any error saves nothing, unless the editor chose to skip exactly the rows listed
        # (what they saw): the file as planned now is shown again.
        return _preview(request, review, kind, plan, pending, token)
    ticked = request.POST.getlist("create_agency")[:1000]
    unticked = importing.unticked_agency_errors(plan, ticked)
    if unticked:
        return _preview(
            request, review, kind, plan, pending, token, unticked=unticked, ticked=ticked
        )
    request.session.pop(SESSION_KEY, None)
    try:
        created = importing.confirm_import(
            plan,
            token=token,
            kind=kind,
            user=request.user,
            agency=agency,
            create_agencies=ticked,
            remember_mapping=preview is not None,
            skip_rows=skip_rows,
        )
    except importing.AlreadySaved:
        messages.info(request, ALREADY_SAVED)
        return redirect(_upload_url_name(kind), slug=review.slug)
    except (ValidationError, IntegrityError):
        messages.error(request, NOT_SAVED)
        return redirect(_upload_url_name(kind), slug=review.slug)
    if kind == "recommendations":
        done = f"{len(plan.rows_to('create'))} created, {len(plan.rows_to('update'))} changed"
        if plan.records_progress:
            done += f", {_updates(len(created.updates))} recorded"
        if created.mapping is not None:
            done += (
                ". How its columns are read is remembered for the next file with the same "
                f"headings (mapping {created.mapping.pk})"
            )
    else:
        done = f"{_updates(len(created))} recorded"
        if skip_rows:
            done += (
                f", {len(skip_rows)} row{'s' if len(skip_rows) > 1 else ''} skipped. "
                f"{_rows(skip_rows).capitalize()} had errors and "
                f"{'were' if len(skip_rows) > 1 else 'was'} not saved: correct "
                f"{'them' if len(skip_rows) > 1 else 'it'} and upload "
                f"{'them' if len(skip_rows) > 1 else 'it'} again"
            )
    messages.success(request, f"Import saved: {done}.")
    return redirect(
        "recommendations:my_agency" if kind == "progress" else "recommendations:dashboard",
        slug=review.slug,
    )


def _numbering_column(plan):
    """The file's heading of the column whose references number the rows, if they do."""
    if plan.numbering != "references":
        return None
    index = plan.mapping.columns["number"]
    texts = layout.headings(plan.table, plan.mapping.header_row)
    return f"{texts[index]} (column {layout.column_name(index)})"


def _updates(count):
    return f"{count} progress update{'s' if count != 1 else ''}"


def _rows(numbers):
    """ "row 4", or "rows 4, 7 and 9"."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return "rows " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _may_skip(plan, kind):
    """Whether the editor may save a progress upload's valid rows and skip those with errors."""
    return kind == "progress" and not plan.is_valid and bool(plan.rows_to("create"))


def _skip_rows(request):
    """The rows the editor chose to skip, as the preview listed them ([] if none, or if the
    list is not one the preview could have made)."""
    text = request.POST.get("skip_rows", "")[:10000]
    numbers = text.split(",") if text else []
    if not all(n.isascii() and n.isdigit() and len(n) < 6 for n in numbers):
        return [-1]  # matches no plan: the preview is shown again
    return sorted({int(n) for n in numbers})


def _plan(review, pending, agency, token, preview=None):
    upload = _file(pending)
    if pending["kind"] == "progress":
        return importing.plan_progress_import(review, agency, upload, token=uuid.UUID(token))
    mapping = _pending_mapping(preview)
    if mapping is None:  # our own layout
        return importing.plan_recommendation_import(review, upload)
    return importing.plan_recommendation_import(
        review, upload, mapping, create_agencies=importing.OFFER, token=uuid.UUID(token)
    )


def _preview(request, review, kind, plan, pending, token, *, unticked=(), ticked=()):
    """The preview of a plan; with `unticked`, the new agencies still to tick."""
    ticked = {importing.match_key(name) for name in ticked}
    created, updates = plan.rows_to("create"), plan.updates_to("create")
    return render(
        request,
        "spreadsheets/import_preview.html",
        {
            "review": review,
            "kind": kind,
            "plan": plan,
            "file_name": pending["name"],
            "token": token,
            "created": created,
            "changed": plan.rows_to("update"),
            "unchanged": plan.rows_to("unchanged"),
            "updates": updates,
            "as_at": plan.mapping.as_at if plan.records_progress else None,
            "new_agencies": [
                (agency, f"create-agency-{index}", key in ticked)
                for index, (key, agency) in enumerate(plan.new_agencies.items(), start=1)
            ],
            "unticked": unticked,
            "references": any("reference" in row.fields for row in created),
            "to_save": len(created)
            + len(plan.rows_to("update"))
            + len(updates)
            + len(plan.actions_to("create"))
            + len(plan.actions_to("update")),
            "may_skip": token is not None and _may_skip(plan, kind),
            "skip_rows": ",".join(map(str, plan.error_rows)),
            "skipped": _rows(plan.error_rows) if plan.error_rows else "",
            "upload_url_name": _upload_url_name(kind),
            "mapping_url": (_mapping_url(review, pending["token"]) if kind != "progress" else None),
            "numbering_column": _numbering_column(plan),
        },
        status=200 if plan.is_valid and not unticked else 400,
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
    *_, rows = dashboard_selection(request, review, today)
    prefetch_related_objects(rows, "supporting_agencies")
    name = f"{review.slug}-action-plan-{today:%Y-%m-%d}"
    more = action_sheets(rows) if fmt == "xlsx" else ()
    return spreadsheet_response(recommendation_rows(rows), fmt=fmt, name=name, more_sheets=more)
