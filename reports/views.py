"""Pages of the reports app: thin views that turn HTTP into a query, a render or a service call.

Every page needs sign-in (LoginRequiredMiddleware). Anyone signed in may list, preview
and download; only a board administrator may issue.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from recommendations.exporting import report_rows, spreadsheet_response
from recommendations.models import Review
from recommendations.roles import is_board_administrator

from . import services
from .assembly import report_content
from .forms import IssueForm
from .models import Report, ReportVersion
from .rendering import render_report_pdf, report_context


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
    report = _report(slug, pk)
    return _pdf_response(render_report_pdf(report), report.file_name())


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
