"""A report as an HTML document and as a PDF: the one template, with its content as at the cut-off."""

from django.template.loader import render_to_string

from .assembly import report_content
from .models import Report, ReportKind


def report_context(report, *, content=None, version=None, issued_at=None):
    return {
        "report": report,
        "content": content or report_content(report),
        "version": version,
        "issued_at": issued_at,
    }


def render_report_html(report, **kwargs):
    """The standalone HTML document that WeasyPrint prints (and `render_report --html` writes)."""
    return render_to_string("reports/report.html", report_context(report, **kwargs))


def render_report_pdf(report, **kwargs):
    from .pdf import html_to_pdf  # WeasyPrint takes half a second to import: only when printing

    return html_to_pdf(render_report_html(report, **kwargs))


def recommendation_sheet_pdf(review, number, *, on):
    """One recommendation as the tracker holds it on `on`, printed as its section of a full
    report is: the same assembly, the same template, the same printer."""
    from .pdf import html_to_pdf

    report = Report(
        review=review,
        kind=ReportKind.FULL,
        as_at=on,
        title=f"{review.title}: recommendation {number}",
        committee=review.committee,
        meeting_date=on,
    )
    content = report_content(report)
    [entry] = [r for r in content.recommendations if r.number == number]
    html = render_to_string("reports/recommendation.html", {"content": content, "r": entry})
    return html_to_pdf(html)
