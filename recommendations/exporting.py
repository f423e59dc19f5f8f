"""The board's action plan as a spreadsheet: the dashboard's rows, or a report's table.

Both share one column layout, which the importers read back: exporting and importing
the same file changes nothing.
"""

from django.http import HttpResponse
from django.utils.text import slugify

from .models import ProgressUpdate, Status
from .spreadsheets import XLSX_CONTENT_TYPE, write_csv, write_xlsx

ACTION_PLAN_HEADER = [
    "Number",
    "Short title",
    "Recommendation",
    "Theme",
    "Lead agency",
    "Supporting agencies",
    "Lead officer",
    "Target date",
    "Status",
    "Last update",
    "Latest narrative",
    "Evidence of impact",
]
FORMATS = ("csv", "xlsx")


def recommendation_rows(recommendations):
    """Rows for recommendations annotated by `with_status()` (owners and theme loaded)."""
    latest = ProgressUpdate.objects.in_bulk(
        [r.latest_update_id for r in recommendations if r.latest_update_id]
    )
    for r in recommendations:
        update = latest.get(r.latest_update_id)
        yield [
            r.number,
            r.short_title,
            r.text,
            r.theme.name if r.theme else "",
            r.lead_agency.name,
            "; ".join(agency.name for agency in r.supporting_agencies.all()),
            r.lead_officer,
            r.target_date,
            Status(r.status).label,
            update.date if update else None,
            update.narrative if update else "",
            update.evidence_of_impact if update else "",
        ]


def report_rows(content):
    """Rows of a report's table of all recommendations, as at its cut-off."""
    for entry in content.recommendations:
        update = entry.latest_update
        yield [
            entry.number,
            entry.short_title,
            entry.text,
            entry.theme,
            entry.lead_agency,
            "; ".join(entry.supporting_agencies),
            entry.lead_officer,
            entry.target_date,
            Status(entry.status).label,
            update.date if update else None,
            update.narrative if update else "",
            update.evidence_of_impact if update else "",
        ]


def spreadsheet_response(rows, *, fmt, name):
    """A download of `rows` under the action plan's header, as CSV or .xlsx."""
    rows = list(rows)
    if fmt == "xlsx":
        data = write_xlsx(ACTION_PLAN_HEADER, rows, title="Action plan")
        content_type = XLSX_CONTENT_TYPE
    else:
        data = write_csv(ACTION_PLAN_HEADER, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
