"""The change history a recommendation's page shows: who changed what, and when.

Built from django-simple-history's rows with one query per kind of history (the
recommendation, its supporting agencies, its updates), whatever their number.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.formats import date_format

from .models import PartnerAgency, ProgressUpdate, Recommendation, Status, Theme

RECOMMENDATION_FIELDS = {
    "number": "Number",
    "reference": "Reference",
    "short_title": "Short title",
    "text": "Wording",
    "theme": "Theme",
    "lead_agency": "Lead agency",
    "lead_officer": "Lead officer",
    "target_date": "Target date",
}
UPDATE_FIELDS = {
    "date": "Date it describes",
    "status": "Status",
    "narrative": "Narrative",
    "evidence_of_impact": "Evidence of impact",
    "agency": "Reporting agency",
}
NOTHING = "(none)"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    """One row of history: `subject` (what), `action`, by `user`, at `when`."""

    when: object
    user: object
    subject: str
    action: str
    reason: str = ""
    changes: list = field(default_factory=list)
    update_id: int | None = None


def _names(model, **filters):
    return {pk: str(name) for pk, name in model.objects.filter(**filters).values_list("pk", "name")}


def _display(value, name, lookups):
    if value is None or value == "":
        return NOTHING
    if name in lookups:
        return lookups[name].get(value, f"(deleted, #{value})")
    if name == "status":
        return Status(value).label if value in Status.values else value
    if hasattr(value, "year"):
        return date_format(value, "j F Y")
    return str(value)


def _changes(new, old, labels, lookups):
    delta = new.diff_against(old, included_fields=list(labels))
    return [
        Change(
            label=labels[change.field],
            before=_display(change.old, change.field, lookups),
            after=_display(change.new, change.field, lookups),
        )
        for change in delta.changes
    ]


def _entries(rows, *, subject, labels, lookups, extra=None, update_id=None):
    """History entries for the rows of one object, oldest row first."""
    entries = []
    previous = None
    for row in rows:
        changes = [] if previous is None else _changes(row, previous, labels, lookups)
        if extra is not None and previous is not None:
            changes.extend(extra(previous, row))
        action = {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]
        if action == "changed" and not changes:
            previous = row
            continue
        entries.append(
            Entry(
                when=row.history_date,
                user=row.history_user,
                subject=subject(row),
                action=action,
                reason=row.history_change_reason or "",
                changes=changes,
                update_id=update_id,
            )
        )
        previous = row
    return entries


def recommendation_history(recommendation):
    """Every change to the recommendation and to each of its updates, newest first."""
    agencies = _names(PartnerAgency)
    lookups = {
        "lead_agency": agencies,
        "agency": agencies,
        "theme": _names(Theme, review_id=recommendation.review_id),
    }
    own_rows = list(
        Recommendation.history.filter(id=recommendation.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    supporting = _supporting_by_row(own_rows)

    def supporting_change(old, new):
        before, after = supporting.get(old.history_id, set()), supporting.get(new.history_id, set())
        if before == after:
            return []
        return [
            Change(
                "Supporting agencies",
                ", ".join(sorted(agencies.get(pk, "?") for pk in before)) or NOTHING,
                ", ".join(sorted(agencies.get(pk, "?") for pk in after)) or NOTHING,
            )
        ]

    entries = _entries(
        own_rows,
        subject=lambda row: f"Recommendation {row.number}",
        labels=RECOMMENDATION_FIELDS,
        lookups=lookups,
        extra=supporting_change,
    )
    update_rows = {}
    for row in (
        ProgressUpdate.history.filter(recommendation_id=recommendation.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        update_rows.setdefault(row.id, []).append(row)
    for update_id, rows in update_rows.items():
        entries.extend(
            _entries(
                rows,
                subject=lambda row: (
                    f"Update of {date_format(row.date, 'j F Y')} "
                    f"({agencies.get(row.agency_id, 'unknown agency')})"
                ),
                labels=UPDATE_FIELDS,
                lookups=lookups,
                update_id=update_id,
            )
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _supporting_by_row(rows):
    """The supporting agencies each history row of a recommendation recorded: one query."""
    through = apps.get_model("recommendations", "HistoricalRecommendation_supporting_agencies")
    by_row = {}
    for history_id, agency_id in through.objects.filter(
        history_id__in=[row.history_id for row in rows]
    ).values_list("history_id", "partneragency_id"):
        by_row.setdefault(history_id, set()).add(agency_id)
    return by_row


def changes_since(update, version):
    """What changed in `update` since the user read `version` of it (for a refused edit).

    Returns (changes, the history row of the current version); changes is empty when the
    version read is not in the history.
    """
    rows = list(
        ProgressUpdate.history.filter(id=update.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    if not rows:
        return [], None
    current = rows[0]
    read = next((row for row in rows if row.version == version), None)
    if read is None:
        return [], current
    lookups = {"agency": _names(PartnerAgency)}
    return _changes(current, read, UPDATE_FIELDS, lookups), current
