"""Pages of the reports app: thin views that turn HTTP into a query, a render or a service call.

Every page needs sign-in (LoginRequiredMiddleware). Anyone signed in may list, preview
and download; only a board administrator may issue.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from recommendations.models import Review
from recommendations.roles import is_board_administrator
from spreadsheets.exporting import report_rows, spreadsheet_response

from . import drafts, services
from .assembly import report_content
from .forms import IssueForm
from .models import DraftPdf, Report, ReportVersion
from .rendering import report_context


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
    reports = Report.objects.for_review_page(review)
    return render(
        request,
        "reports/list.html",
        {
            "review": review,
            "reports": reports,
            "may_issue": is_board_administrator(request.user),
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
        response = JsonResponse({"state": draft.state, "label": draft.get_state_display()})
        response["Cache-Control"] = "no-store"
        return response
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
    if not is_board_administrator(request.user):
        raise PermissionDenied("Only a board administrator can issue a report.")
    report = _report(slug, pk)
    versions = list(report.versions.defer("pdf").select_related("issued_by"))
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.report_issue(
                report=report, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {version.number} of {report} has been issued.")
            return redirect("reports:list", slug=slug)
    return render(
        request, "reports/issue.html", {"report": report, "versions": versions, "form": form}
    )
