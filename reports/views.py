"""Pages of the reports app: thin views that turn HTTP into a query, a render or a service call.

Every page needs sign-in (LoginRequiredMiddleware). Anyone signed in may list, preview
and download; only a board administrator may issue.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods

from govuk.forms import add_service_errors
from recommendations.models import Recommendation, Review
from recommendations.roles import is_board_administrator
from spreadsheets.exporting import report_rows, spreadsheet_response

from . import drafts, issuing, schedule, services
from .assembly import report_content
from .forms import (
    IssueForm,
    ReportRemoveForm,
    ReportScheduleForm,
    ReportWordsForm,
    proposal_forms,
)
from .models import DraftPdf, IssueRequest, Report, ReportVersion
from .rendering import recommendation_sheet_pdf, report_context


def _report(slug, pk):
    return get_object_or_404(Report.objects.select_related("review"), pk=pk, review__slug=slug)


def _pdf_response(data, file_name):
    response = HttpResponse(bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_list(request, slug):
    review = get_object_or_404(Review, slug=slug)
    reports = list(Report.objects.for_review_page(review))
    administrator = is_board_administrator(request.user)
    for report in reports:
        versions = report.versions.all()
        report.latest_version = versions[len(versions) - 1] if versions else None
        report.differs_from_record = administrator and issuing.differs_from_record(
            report, report.latest_version
        )
    return render(
        request,
        "reports/list.html",
        {
            "review": review,
            "reports": reports,
            "may_issue": administrator,
            "nav_current": "reports",
        },
    )


@require_GET
def report_preview(request, slug, pk):
    report = _report(slug, pk)
    context = report_context(report)
    context["versions"] = report.versions.defer("pdf").select_related("issued_by")
    context["may_issue"] = is_board_administrator(request.user)
    return render(request, "reports/preview.html", context)


@require_GET
def recommendation_sheet(request, slug, number):
    """One recommendation as a PDF, printed as its section of a full report is, as at today.
    Bounded like a report: its latest updates and evidence, each of bounded length."""
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review"), review__slug=slug, number=number
    )
    today = timezone.localdate()
    data = recommendation_sheet_pdf(recommendation.review, number, on=today)
    return _pdf_response(data, f"{slug}-recommendation-{number}-{today:%Y-%m-%d}.pdf")


@require_GET
def draft_pdf(request, slug, pk):
    """The current draft from the cache, or a page following its render in the background."""
    report = _report(slug, pk)
    draft = drafts.draft_request(report=report)
    if draft.state == DraftPdf.State.READY:
        return _pdf_response(draft.pdf, report.file_name())
    return redirect("reports:draft_status", slug=slug, pk=pk, draft=draft.pk)


@require_GET
def draft_status(request, slug, pk, draft):
    """Where a draft's render stands; as JSON for draft-status.js, which polls it."""
    report = _report(slug, pk)
    draft = DraftPdf.objects.defer("html", "pdf").filter(report=report, pk=draft).first()
    if draft is None:  # replaced by a newer draft of changed data
        return redirect("reports:draft_pdf", slug=slug, pk=pk)
    draft = drafts.draft_check(draft)
    if request.GET.get("format") == "json":
        return _state_json(draft)
    return render(request, "reports/draft_status.html", {"report": report, "draft": draft})


@require_GET
def report_table_export(request, slug, pk, fmt):
    """The report's table of all recommendations, as at its cut-off, as a spreadsheet."""
    report = _report(slug, pk)
    name = report.file_name().removesuffix(".pdf") + "-table"
    return spreadsheet_response(report_rows(report_content(report)), fmt=fmt, name=name)


@require_GET
def version_pdf(request, slug, pk, number):
    version = get_object_or_404(
        ReportVersion.objects.select_related("report__review"),
        report__pk=pk,
        report__review__slug=slug,
        number=number,
    )
    return _pdf_response(version.pdf, version.report.file_name(version.number))


@require_http_methods(["GET", "POST"])
def report_issue(request, slug, pk):
    """Confirm an issue; the report worker prints it while `issue_status` follows it."""
    if not is_board_administrator(request.user):
        raise PermissionDenied("Only a board administrator can issue a report.")
    report = _report(slug, pk)
    versions = list(report.versions.defer("pdf").select_related("issued_by"))
    form = IssueForm(_posted(request), initial={"submission_key": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            issue = issuing.issue_request(
                report=report,
                user=request.user,
                reason=form.cleaned_data["reason"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reports:issue_status", slug=slug, pk=pk, request_id=issue.pk)
    return render(
        request,
        "reports/issue.html",
        {"review": report.review, "report": report, "versions": versions, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def issue_status(request, slug, pk, request_id):
    """Where an issue stands; as JSON for draft-status.js, which polls it."""
    report = _report(slug, pk)
    issue = get_object_or_404(
        IssueRequest.objects.select_related("requested_by", "version"), report=report, pk=request_id
    )
    issue = issuing.issue_check(issue)
    if request.GET.get("format") == "json":
        return _state_json(issue)
    return render(
        request,
        "reports/issue_status.html",
        {"review": report.review, "report": report, "issue": issue},
    )


@require_http_methods(["GET", "POST"])
def schedule_add(request, slug):
    review = get_object_or_404(Review, slug=slug)
    form = ReportScheduleForm(_posted(request), initial={"committee": review.committee})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_schedule(
                review=review, user=request.user, **form.report_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{report.title} ({_as_at(report)}) has been scheduled.")
            return redirect("reports:list", slug=slug)
    return _schedule_page(request, review, form, report=None)


@require_http_methods(["GET", "POST"])
def schedule_edit(request, slug, pk):
    report = _report(slug, pk)
    form = ReportScheduleForm.for_report(report, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_schedule(
                review=report.review, user=request.user, report=report, **form.report_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{report.title} ({_as_at(report)}) has been changed.")
            return redirect("reports:list", slug=slug)
    return _schedule_page(request, report.review, form, report=report)


@require_http_methods(["GET", "POST"])
def report_words(request, slug, pk):
    """The board's own words and the front sheet: written here, shown in the preview."""
    report = _report(slug, pk)
    form = ReportWordsForm.for_report(report, _posted(request))
    locked = report.words_locked()
    if request.method == "POST" and form.is_valid():
        try:
            services.report_words_save(report=report, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The words of {report.title} have been saved.")
            return redirect("reports:preview", slug=slug, pk=pk)
    return render(
        request,
        "reports/words_form.html",
        {"review": report.review, "report": report, "form": form, "locked": locked},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def schedule_remove(request, slug, pk):
    report = _report(slug, pk)
    form = ReportRemoveForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_unschedule(report=report, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{report.title} ({_as_at(report)}) has been removed.")
            return redirect("reports:list", slug=slug)
    return render(
        request,
        "reports/schedule_remove.html",
        {"review": report.review, "report": report, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def schedule_plan(request, slug):
    """Propose the next December interim and May full reports, to adjust and confirm."""
    review = get_object_or_404(Review, slug=slug)
    forms = proposal_forms(schedule.next_year(review, timezone.localdate()), _posted(request))
    if request.method == "POST" and all(form.is_valid() for form in forms):
        chosen = [form for form in forms if form.cleaned_data["include"]]
        try:
            reports = services.report_schedule_many(
                review=review, user=request.user, reports=[f.report_fields() for f in chosen]
            )
        except services.ScheduleErrors as errors:
            for form, error in zip(chosen, errors.errors, strict=True):
                if error is not None:
                    add_service_errors(form, error)
        else:
            if reports:
                names = " and ".join(f"{r.title} ({_as_at(r)})" for r in reports)
                messages.success(
                    request, f"{names} {'have' if len(reports) > 1 else 'has'} been scheduled."
                )
            return redirect("reports:list", slug=slug)
    errors = any(form.errors for form in forms)
    return render(
        request,
        "reports/schedule_plan.html",
        {"review": review, "forms": forms, "has_errors": errors},
        status=400 if errors else 200,
    )


def _state_json(job):
    """A background print's state (a draft, or an issue), for draft-status.js to poll."""
    response = JsonResponse({"state": job.state, "label": job.get_state_display()})
    response["Cache-Control"] = "no-store"
    return response


def _posted(request):
    """The form data of a POST (even an empty one), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _schedule_page(request, review, form, *, report):
    return render(
        request,
        "reports/schedule_form.html",
        {"review": review, "report": report, "form": form},
        status=400 if form.errors else 200,
    )


def _as_at(report):
    return f"as at {date_format(report.as_at, 'j F Y')}"
