"""Planning the next year of reports: the December interim and May full reports after the last.

A proposal is an unsaved `Report` for the administrator to adjust and confirm; nothing is
saved here.
"""

import datetime

from .models import Report, ReportKind

# Where a review has no report of a kind yet: the published cycle's dates.
PATTERN = {
    ReportKind.INTERIM: {
        "as_at": (11, 30),
        "papers_due": (12, 1),
        "meeting_date": (12, 8),
        "title": "Interim Progress Report",
    },
    ReportKind.FULL: {
        "as_at": (4, 30),
        "papers_due": (5, 8),
        "meeting_date": (5, 18),
        "title": "Progress Report",
    },
}


def next_year(review, today):
    """The next December interim and May full report of `review`: each its last report of
    that kind moved on by whole years, until its cut-off is after every scheduled report's
    and its meeting is no earlier than `today`."""
    reports = list(Report.objects.filter(review=review).order_by("as_at"))
    latest_as_at = max((report.as_at for report in reports), default=review.publication_date)
    proposals = []
    for kind in (ReportKind.INTERIM, ReportKind.FULL):
        last = next((r for r in reversed(reports) if r.kind == kind), None)
        template = last or _from_pattern(review, kind, latest_as_at.year)
        years = 1 if last else 0
        while True:
            proposal = _moved(template, years)
            if proposal.as_at > latest_as_at and proposal.meeting_date >= today:
                break
            years += 1
        proposals.append(proposal)
    return sorted(proposals, key=lambda report: report.as_at)


def _from_pattern(review, kind, year):
    pattern = PATTERN[kind]
    return Report(
        review=review,
        kind=kind,
        title=f"{review.title}: {pattern['title']}",
        committee=review.committee,
        **{
            name: datetime.date(year, *pattern[name])
            for name in ("as_at", "papers_due", "meeting_date")
        },
    )


def _moved(report, years):
    return Report(
        review=report.review,
        kind=report.kind,
        title=report.title,
        committee=report.committee,
        meeting_date=_plus_years(report.meeting_date, years),
        as_at=_plus_years(report.as_at, years),
        papers_due=report.papers_due and _plus_years(report.papers_due, years),
        author_line=report.author_line,
        contact_officer=report.contact_officer,
    )


def _plus_years(date, years):
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)
