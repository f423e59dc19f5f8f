"""The board's action plan as a spreadsheet: the dashboard's rows, or a report's table.

Both share one column layout, which the importers read back: exporting and importing
the same file changes nothing.
"""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.text import slugify

from evidence.models import EvidenceDocument
from recommendations.models import Action, ActionUpdate, ProgressUpdate, Status

from .files import XLSX_CONTENT_TYPE, write_csv, write_xlsx

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
    "Evidence",  # the titles of the latest update's documents; the importers ignore it
    # The reference shown beside the number ("SR (25/26) 01"); last, so that files built
    # on the template's first columns keep their places.
    "Reference",
]
FORMATS = ("csv", "xlsx")


def recommendation_rows(recommendations):
    """Rows for recommendations annotated by `with_status()` (owners and theme loaded)."""
    documents = Prefetch(
        "evidence_documents", EvidenceDocument.objects.current(), to_attr="current_documents"
    )
    latest = ProgressUpdate.objects.prefetch_related(documents).in_bulk(
        [r.latest_update_id for r in recommendations if r.latest_update_id]
    )
    for r in recommendations:
        update = latest.get(r.latest_update_id)
        yield _row(
            r,
            theme=r.theme.name if r.theme else "",
            lead_agency=r.lead_agency.name,
            supporting_agencies=[agency.name for agency in r.supporting_agencies.all()],
            update=update,
            documents=[document.title for document in update.current_documents] if update else (),
        )


def report_rows(content):
    """Rows of a report's table of all recommendations, as at its cut-off."""
    for entry in content.recommendations:
        yield _row(
            entry,
            theme=entry.theme,
            lead_agency=entry.lead_agency,
            supporting_agencies=entry.supporting_agencies,
            update=entry.latest_update,
            documents=entry.latest_update.documents if entry.latest_update else (),
        )


def _row(item, *, theme, lead_agency, supporting_agencies, update, documents):
    """One action-plan row, in the order of ACTION_PLAN_HEADER."""
    return [
        item.number,
        item.short_title,
        item.text,
        theme,
        lead_agency,
        "; ".join(supporting_agencies),
        item.lead_officer,
        item.target_date,
        Status(item.status).label,
        update.date if update else None,
        update.narrative if update else "",
        update.evidence_of_impact if update else "",
        "; ".join(documents),
        # A report's entries do not carry references yet (reports/assembly.py).
        getattr(item, "reference", ""),
    ]


# The Actions sheet, when the recommendations have actions; the template import reads its
# first five columns back (spreadsheets/importing.py, ACTION_COLUMNS).
ACTIONS_HEADER = [
    "Recommendation",
    "Number",
    "Action",
    "Owner",
    "Target date",
    "Status",
    "Last update",
    "Latest narrative",
]


def action_sheets(recommendations):
    """The .xlsx's "Actions" sheet of the recommendations' actions, with their status today
    and latest update, as `write_xlsx`'s `more_sheets`; none when they have no actions.
    Two queries, however many."""
    actions = list(
        Action.objects.filter(recommendation__in=[r.pk for r in recommendations])
        .select_related("recommendation", "owner")
        .with_status()
        .order_by("recommendation__number", "position", "pk")
    )
    if not actions:
        return ()
    latest = ActionUpdate.objects.in_bulk(
        [a.latest_update_id for a in actions if a.latest_update_id]
    )
    rows = []
    for action in actions:
        update = latest.get(action.latest_update_id)
        rows.append(
            [
                action.recommendation.number,
                action.number,
                action.text,
                action.owner.name,
                action.target_date,
                Status(action.status).label,
                update.date if update else None,
                update.narrative if update else "",
            ]
        )
    return (("Actions", ACTIONS_HEADER, rows),)


def spreadsheet_response(rows, *, fmt, name, more_sheets=()):
    """A download of `rows` under the action plan's header, as CSV or .xlsx (with
    `more_sheets`, such as `action_sheets`, after it)."""
    rows = list(rows)
    if fmt == "xlsx":
        data = write_xlsx(ACTION_PLAN_HEADER, rows, title="Action plan", more_sheets=more_sheets)
        content_type = XLSX_CONTENT_TYPE
    else:
        data = write_csv(ACTION_PLAN_HEADER, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
