"""Importing from spreadsheets: a review's recommendations, or an agency's progress updates.

Both work in two steps. `plan_*_import` reads the file and compares it with what is
recorded, saving nothing: it lists what would be created or changed and every row error.
A plan with errors cannot be applied (a progress plan's valid rows may be, when the editor
chooses to skip the rows with errors); `apply_*_import` saves through the services, so each
change has its history.

Recommendations are read in our own template's layout, or in a board's own layout through
a `Mapping` (spreadsheets/mapping.py): references kept beside the numbers, status words
mapped to ours, and a latest-progress column recorded as updates as at a date.
"""

import io
import math
import re
import uuid
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from openpyxl import load_workbook

from recommendations import services
from recommendations.models import (
    ACTION_NUMBER,
    NARRATIVE_MAX_LENGTH,
    Action,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    Status,
    Theme,
    control_character_error,
)

from . import mapping as layout
from .files import (
    MAX_CELLS_PER_ROW,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    NOT_A_WORKBOOK,
    Column,
    SheetRow,
    SpreadsheetError,
    normalise_heading,
    parse_date,
    read_cell,
    read_rows,
    read_table,
)
from .mapping import LABELS, parse_status
from .models import ImportConfirmation

SHORT_TEXT_MAX_LENGTH = 200
REFERENCE_MAX_LENGTH = 50  # what Recommendation.reference holds
AGENCY_NAME_MAX_LENGTH = 200
# `create_agencies=OFFER`: agencies the file names that the tracker does not have are
# listed, for the administrator to create on confirming, instead of being row errors.
OFFER = "offer"
REASON_MAX_LENGTH = 2000  # what a TargetDateRevision's reason holds
# The largest number a recommendation can have: its column (a small integer) holds 32767.
MAX_NUMBER = 32767
IMPORT_REASON = "Imported from a spreadsheet"


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    cell: str = ""  # the cell as the spreadsheet names it ("F5"), where its column is known


@dataclass
class PlannedRow:
    row: int
    number: int
    action: str  # "create", "update" or "unchanged"
    fields: dict
    changes: list = field(default_factory=list)  # (column label, before, after)
    # A progress row's key, the same each time one preview is planned: saving it twice
    # records one update (see services.progress_update_create).
    submission_key: uuid.UUID | None = None
    # Why a recommendation row moves its target date (kept as a TargetDateRevision).
    target_date_reason: str = ""
    # A progress row's columns left out of its update: their text is recorded already.
    left_out: list = field(default_factory=list)


@dataclass
class PlannedUpdate:
    """A progress update from a row's latest-progress column, as at the mapping's date."""

    row: int
    number: int
    action: str  # "create", or "unchanged" when it is recorded already
    fields: dict  # date, status and narrative
    submission_key: uuid.UUID | None = None


@dataclass(eq=False)
class NewAgency:
    """An agency a file names that the tracker does not have: created on confirming the
    import, when the administrator ticks it."""

    name: str
    uses: list = field(default_factory=list)  # (row, column label) naming it

    @property
    def short_name(self):
        return self.name

    def __str__(self):
        return self.name


@dataclass
class ImportPlan:
    review: object
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    new_themes: list = field(default_factory=list)
    updates: list = field(default_factory=list)  # PlannedUpdate, from a latest-progress column
    new_agencies: dict = field(default_factory=dict)  # match_key(name) -> NewAgency
    mapping: object = None  # the layout read (spreadsheets.mapping.Mapping)
    table: object = None  # the file as read
    # "numbers", or "references": the file's column held references, kept as each
    # recommendation's reference, and new recommendations are numbered in file order.
    numbering: str = "numbers"
    # PlannedAction, from the workbook's optional Actions sheet (our own layout only).
    actions: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors

    @property
    def error_rows(self):
        """The numbers of the rows with errors, in order."""
        return sorted({error.row for error in self.errors})

    def rows_to(self, action):
        return [row for row in self.rows if row.action == action]

    def updates_to(self, action):
        return [update for update in self.updates if update.action == action]

    def actions_to(self, action):
        return [planned for planned in self.actions if planned.action == action]

    @property
    def records_progress(self):
        return self.mapping is not None and "progress" in self.mapping.columns


def match_key(text):
    """A name or reference as matched: case and runs of spaces ignored."""
    return " ".join(str(text).split()).casefold()


def plan_recommendation_import(review, upload, mapping=None, *, create_agencies=None, token=None):
    """Compare the uploaded file with the review; raises SpreadsheetError if unreadable.

    Without a `mapping`, the file is in our own layout: our headings, in row 1. An agency
    the tracker does not have is a row error, unless `create_agencies` is OFFER: then it is
    listed in `new_agencies`, to be created on confirming (see `unticked_agency_errors`).
    With the preview's `token`, each progress update's submission key is derived from it.
    """
    table = read_table(upload)
    own_layout = mapping is None
    mapping = mapping or layout.automatic_mapping(table)
    layout.check_layout(table, mapping)
    plan = ImportPlan(review=review, mapping=mapping, table=table)
    if plan.records_progress:
        problem = layout.as_at_error(review, mapping.as_at)
        if problem:
            raise SpreadsheetError(f"{problem}.")
    existing = {
        r.number: r
        for r in Recommendation.objects.filter(review=review)
        .select_related("lead_agency", "theme")
        .prefetch_related("supporting_agencies")
    }
    agencies = _agency_lookup()
    themes = {theme.name.casefold(): theme for theme in Theme.objects.filter(review=review)}
    sheet_rows = layout.mapped_rows(table, mapping)
    numbers = _numbers(plan, sheet_rows, existing)
    recorded = _recorded_updates(review) if plan.records_progress else set()
    offer = create_agencies == OFFER
    labels = {**LABELS, "number": "Reference"} if plan.numbering == "references" else LABELS
    for sheet_row in sheet_rows:
        row = sheet_row.number
        errors_before = len(plan.errors)
        values = _row_values(sheet_row, plan.errors, labels)
        number, reference = numbers.get(row, (None, None))
        current = existing.get(number)
        if "short_title" not in mapping.columns and current is None and "text" in values:
            values["short_title"] = layout.derive_short_title(values["text"])
        fields = _row_fields(row, values, current, agencies, themes, plan, offer=offer)
        if reference is not None:
            fields["reference"] = reference
        reason = _target_date_reason(row, values, fields, current, plan.errors)
        update = None
        if plan.records_progress and number is not None:
            update = _planned_update(row, number, values, plan, recorded, token)
        if len(plan.errors) == errors_before and number is not None:
            planned = _planned(row, number, fields, current)
            if reason:
                planned.target_date_reason = reason
                planned.changes.append((LABELS["target_date_reason"], "", reason))
            plan.rows.append(planned)
            if update is not None:
                plan.updates.append(update)
    _name_cells(plan)
    if own_layout:
        _plan_actions(plan, _actions_sheet_rows(upload))
    return plan


def _numbers(plan, sheet_rows, existing):
    """Each row's (number, reference or None), by the row's number in the file.

    Whole numbers are the recommendations' numbers. A column of references (most of its
    values not numbers) keeps each as the reference; a row matches the recommendation that
    has its reference already, and the others are numbered in file order with the numbers
    the review does not use yet. Errors (a reference used twice, ...) are the plan's.
    """
    columns = plan.mapping.columns
    in_numbers = [row.cells.get("number") for row in sheet_rows]
    if "reference" not in columns and _holds_references(in_numbers):
        plan.numbering = "references"
    by_reference = {match_key(r.reference): r for r in existing.values() if r.reference}
    result, new, seen_numbers, seen_references = {}, [], {}, {}
    for sheet_row in sheet_rows:
        row = sheet_row.number
        if plan.numbering == "references":
            reference = _reference(row, sheet_row.cells.get("number"), seen_references, plan)
            if reference is None:
                continue
            match = by_reference.get(match_key(reference))
            if match is None:
                new.append((row, reference))
            else:
                result[row] = (match.number, reference)
            continue
        cell = sheet_row.cells.get("number")
        if cell is not None and cell.is_formula:
            continue  # a row error already (see _row_values)
        number = _number(row, cell.value if cell else None, seen_numbers, plan.errors)
        reference = None
        if "reference" in columns:
            cell = sheet_row.cells.get("reference")
            if cell is not None and cell.value is not None and not cell.is_formula:
                reference = _reference(row, cell, seen_references, plan)
        if number is None:
            continue
        match = by_reference.get(match_key(reference)) if reference else None
        if match is not None and match.number != number:
            plan.errors.append(
                RowError(
                    row,
                    "Reference",
                    f"“{reference}” is the reference of recommendation {match.number}",
                )
            )
            continue
        result[row] = (number, reference)
    used = set(existing) | {number for number, _ in result.values()}
    candidate = 1
    for row, reference in new:
        while candidate in used:
            candidate += 1
        if candidate > MAX_NUMBER:
            plan.errors.append(RowError(row, "Reference", f"is past the {MAX_NUMBER}th row"))
            continue
        used.add(candidate)
        result[row] = (candidate, reference)
    return result


def _holds_references(cells):
    """Whether a column holds references: most of its values are not numbers."""
    values = [cell.value for cell in cells if cell is not None and cell.value is not None]
    return sum(not _number_like(value) for value in values) * 2 > len(values)


def _number_like(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    try:
        float(str(value).strip()[:100])
    except ValueError:
        return False
    return True


def _reference(row, cell, seen, plan):
    """A row's reference, checked; None (with a row error) when it cannot be one."""
    if cell is None or cell.value is None:
        plan.errors.append(RowError(row, "Reference", "is missing"))
        return None
    if cell.is_formula:
        return None  # a row error already (see _row_values)
    reference = layout.cell_text(cell.value)
    problem = control_character_error(reference)
    if problem:
        plan.errors.append(RowError(row, "Reference", problem))
        return None
    if len(reference) > REFERENCE_MAX_LENGTH:
        plan.errors.append(
            RowError(row, "Reference", f"is longer than {REFERENCE_MAX_LENGTH} characters")
        )
        return None
    key = match_key(reference)
    if key in seen:
        plan.errors.append(
            RowError(row, "Reference", f"“{reference}” is already used on row {seen[key]}")
        )
        return None
    seen[key] = row
    return reference


def _recorded_updates(review):
    return set(
        ProgressUpdate.objects.filter(recommendation__review=review).values_list(
            "recommendation__number", "date", "status", "narrative"
        )
    )


def _planned_update(row, number, values, plan, recorded, token):
    """The update a row's latest progress and status record, or None; errors are the plan's."""
    mapping, errors = plan.mapping, plan.errors
    narrative = str(values.get("progress", "")).strip()
    word = layout.cell_text(values["status"]) if "status" in values else ""
    if not word and not narrative:
        return None
    status = mapping.statuses.get(layout.status_key(word)) if word else None
    if word and status is None:
        errors.append(
            RowError(row, "Status", f"“{word}” is not matched to one of the tracker's statuses")
        )
    if not narrative:
        if status is not None and status != Status.NOT_STARTED:
            errors.append(
                RowError(
                    row,
                    LABELS["progress"],
                    f"is empty, but the status is “{word}”: an update says what has been "
                    "done, so give the progress or leave the status empty",
                )
            )
        return None
    if not word:
        errors.append(
            RowError(row, "Status", "is empty, but the row has progress: give it a status")
        )
    before = len(errors)
    _text(row, "progress", narrative, errors, max_length=NARRATIVE_MAX_LENGTH)
    if status is None or len(errors) > before:
        return None
    fields = {"date": mapping.as_at, "status": Status(status), "narrative": narrative}
    key = (number, mapping.as_at, status, narrative)
    action = "unchanged" if key in recorded else "create"
    recorded.add(key)
    submission_key = uuid.uuid5(token, f"tracker progress row {row}") if token else None
    return PlannedUpdate(row, number, action, fields, submission_key)


def _name_cells(plan):
    """Name the cell of each row error whose column the mapping knows ("F5")."""
    for error in plan.errors:
        if not error.cell:
            error.cell = _cell_of(plan, error.row, error.column)


def _cell_of(plan, row, label):
    keys = {label: key for key, label in LABELS.items()}
    if plan.numbering == "references":
        keys["Reference"] = "number"  # the references are in the number's column
    index = plan.mapping.columns.get(keys.get(label))
    return "" if index is None else layout.cell_name(index, row)


def unticked_agency_errors(plan, ticked):
    """A row error for each use of a new agency the administrator did not tick to create."""
    ticked = {match_key(name) for name in ticked}
    return [
        RowError(
            row,
            column,
            f"“{agency.name}” is not a known agency: tick it to create it, or correct the file",
            cell=_cell_of(plan, row, column),
        )
        for key, agency in plan.new_agencies.items()
        if key not in ticked
        for row, column in agency.uses
    ]


def _target_date_reason(row, values, fields, current, errors):
    """The reason a row gives for moving a set target date: needed then, ignored otherwise."""
    before = current.target_date if current is not None else None
    after = fields.get("target_date", before)
    if before is None or after == before:
        return ""
    reason = _text(
        row,
        "target_date_reason",
        values.get("target_date_reason", ""),
        errors,
        max_length=REASON_MAX_LENGTH,
    ).strip()
    if not reason:
        errors.append(
            RowError(
                row,
                LABELS["target_date"],
                f"moves the target date from {date_format(before, 'j F Y')} to "
                f"{date_format(after, 'j F Y')}: give the reason in the column "
                f"“{LABELS['target_date_reason']}”",
            )
        )
    return reason


@transaction.atomic
def apply_recommendation_import(plan, *, user, create_agencies=()):
    """Save a plan with no errors: the new agencies ticked in `create_agencies` (all the
    plan's, or it is refused), the themes, the recommendations, then the progress updates
    by `user`. Returns the updates recorded. Re-plan from the file first if the data may
    have moved on."""
    if not plan.is_valid:
        raise ValidationError(
            "A file with errors cannot be imported: correct them and upload again."
        )
    if unticked_agency_errors(plan, create_agencies):
        raise ValidationError(
            "Tick each agency to create, or correct the rows that name it, and try again."
        )
    if plan.updates_to("create") and user is None:
        raise ValidationError("Progress updates need the administrator who records them.")
    if (plan.actions_to("create") or plan.actions_to("update")) and user is None:
        raise ValidationError("Actions need the administrator who records them.")
    agencies = _create_agencies(plan, user)
    themes = {theme.name: theme for theme in Theme.objects.filter(review=plan.review)}
    position = max((theme.position for theme in themes.values()), default=0)
    for name in plan.new_themes:
        position += 1
        themes[name] = services.theme_save(
            review=plan.review, name=name, position=position, user=user, reason=IMPORT_REASON
        )
    for row in plan.rows:
        if row.action == "unchanged":
            continue
        fields = dict(row.fields)
        if isinstance(fields.get("theme"), str):
            fields["theme"] = themes[fields["theme"]]
        if isinstance(fields.get("lead_agency"), NewAgency):
            fields["lead_agency"] = agencies[fields["lead_agency"]]
        if "supporting_agencies" in fields:
            fields["supporting_agencies"] = [
                agencies[agency] if isinstance(agency, NewAgency) else agency
                for agency in fields["supporting_agencies"]
            ]
        services.recommendation_save(
            review=plan.review,
            number=row.number,
            user=user,
            reason=IMPORT_REASON,
            target_date_reason=row.target_date_reason,
            **fields,
        )
    _save_actions(plan, user)
    return _record_updates(plan, user)


def _create_agencies(plan, user):
    """The plan's new agencies, created (NewAgency -> PartnerAgency), each short name unique."""
    taken = {name.casefold() for name in PartnerAgency.objects.values_list("short_name", flat=True)}
    created = {}
    for new in plan.new_agencies.values():
        short_name = layout.derive_short_name(new.name, taken)
        taken.add(short_name.casefold())
        created[new] = services.agency_save(
            short_name=short_name, name=new.name, user=user, reason=IMPORT_REASON
        )
    return created


def _record_updates(plan, user):
    """Each new update of the plan, by `user` for the recommendation's lead agency."""
    updates = plan.updates_to("create")
    if not updates:
        return []
    recommendations = {
        r.number: r
        for r in Recommendation.objects.filter(review=plan.review).select_related(
            "review", "lead_agency"
        )
    }
    return [
        services.progress_update_create(
            recommendation=recommendations[update.number],
            agency=recommendations[update.number].lead_agency,
            author=user,
            submission_key=update.submission_key,
            **update.fields,
        )
        for update in updates
    ]


def _agency_lookup():
    lookup = {}
    for agency in PartnerAgency.objects.all():
        lookup[match_key(agency.short_name)] = agency
        lookup[match_key(agency.name)] = agency
    return lookup


def _agency(row, key, name, agencies, plan, *, offer):
    """The agency a cell names; a NewAgency when offered; None (a row error) when unknown."""
    name = " ".join(str(name).split())
    agency = agencies.get(match_key(name))
    if agency is not None:
        return agency
    if not offer:
        plan.errors.append(RowError(row, LABELS[key], f"“{name}” is not a known agency"))
        return None
    before = len(plan.errors)
    _text(row, key, name, plan.errors, max_length=AGENCY_NAME_MAX_LENGTH)
    if len(plan.errors) > before:
        return None
    new = plan.new_agencies.setdefault(match_key(name), NewAgency(name))
    new.uses.append((row, LABELS[key]))
    return new


def _row_values(sheet_row, errors, labels=LABELS):
    values = {}
    for key, cell in sheet_row.cells.items():
        if cell.is_formula:
            errors.append(
                RowError(
                    sheet_row.number, labels[key], "contains a formula: enter the value itself"
                )
            )
        elif cell.value is not None:
            values[key] = cell.value
    return values


def _number(row, value, seen, errors):
    if value is None:
        errors.append(RowError(row, "Number", "is missing"))
        return None
    try:
        number = float(str(value).strip()[:100])  # "inf", "nan" and "1e400" parse too
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number.is_integer() and 1 <= number <= MAX_NUMBER):
        shown = str(value)[:40]
        errors.append(
            RowError(row, "Number", f"“{shown}” is not a whole number from 1 to {MAX_NUMBER}")
        )
        return None
    number = int(number)
    if number in seen:
        errors.append(RowError(row, "Number", f"{number} is already used on row {seen[number]}"))
        return None
    seen[number] = row
    return number


def _text(row, key, value, errors, *, max_length):
    text = str(value)
    problem = control_character_error(text)
    if problem:
        errors.append(RowError(row, LABELS[key], problem))
    elif len(text) > max_length:
        errors.append(RowError(row, LABELS[key], f"is longer than {max_length} characters"))
    return text


def _row_fields(row, values, current, agencies, themes, plan, *, offer=False):
    """The fields the row sets; a column left out of the file keeps the current value."""
    errors = plan.errors
    fields = {}
    for key, max_length in (
        ("short_title", SHORT_TEXT_MAX_LENGTH),
        ("text", NARRATIVE_MAX_LENGTH),
        ("lead_officer", SHORT_TEXT_MAX_LENGTH),
    ):
        if key in values:
            fields[key] = _text(row, key, values[key], errors, max_length=max_length)
    if current is None:
        reported = {error.column for error in errors if error.row == row}
        for key in ("short_title", "text", "lead_agency"):
            if key not in values and LABELS[key] not in reported:
                errors.append(RowError(row, LABELS[key], "is needed for a new recommendation"))
    if "lead_agency" in values:
        fields["lead_agency"] = _agency(
            row, "lead_agency", values["lead_agency"], agencies, plan, offer=offer
        )
    if "supporting_agencies" in values or "lead_agency" in values:
        fields["supporting_agencies"] = _supporting(
            row, values, current, agencies, fields, plan, offer=offer
        )
    if "theme" in values:
        name = str(values["theme"])
        fields["theme"] = themes.get(name.casefold())
        if fields["theme"] is None:
            _text(row, "theme", name, errors, max_length=SHORT_TEXT_MAX_LENGTH)
            fields["theme"] = name  # created when the import is applied
            if name not in plan.new_themes:
                plan.new_themes.append(name)
    if "target_date" in values:
        try:
            fields["target_date"] = parse_date(values["target_date"])
        except ValueError as error:
            errors.append(RowError(row, "Target date", str(error)))
    return fields


def _supporting(row, values, current, agencies, fields, plan, *, offer):
    errors = plan.errors
    if "supporting_agencies" not in values:
        supporting = list(current.supporting_agencies.all()) if current else []
    else:
        supporting = []
        for name in str(values["supporting_agencies"]).replace("\n", ";").split(";"):
            if name.strip():
                agency = _agency(row, "supporting_agencies", name, agencies, plan, offer=offer)
                if agency is not None and agency not in supporting:
                    supporting.append(agency)
    lead = fields.get("lead_agency") or (current.lead_agency if current else None)
    if lead is not None and lead in supporting:
        errors.append(
            RowError(
                row,
                "Supporting agencies",
                f"{lead.short_name} is the lead agency, so it cannot also support",
            )
        )
    return supporting


def _planned(row, number, fields, current):
    if current is None:
        return PlannedRow(row, number, "create", fields)
    changes = []
    for key, value in fields.items():
        before = getattr(current, key)
        if key == "supporting_agencies":
            before = sorted(a.short_name for a in current.supporting_agencies.all())
            value_shown = sorted(a.short_name for a in value)
            if before != value_shown:
                changes.append((LABELS[key], "; ".join(before), "; ".join(value_shown)))
        elif isinstance(value, str) and key == "theme":
            changes.append((LABELS[key], str(before or ""), value))
        elif before != value:
            changes.append((LABELS[key], _shown(before), _shown(value)))
    return PlannedRow(row, number, "update" if changes else "unchanged", fields, changes)


def _shown(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


# Progress from a spreadsheet: the columns of the dashboard's export that describe an update.
PROGRESS_COLUMNS = [
    Column("number", "Number", required=True),
    Column("date", "Last update", required=True),
    Column("status", "Status", required=True),
    Column("narrative", "Latest narrative", required=True),
    Column("evidence_of_impact", "Evidence of impact"),
]
PROGRESS_LABELS = {column.key: column.label for column in PROGRESS_COLUMNS}


def plan_progress_import(review, agency, upload, *, token=None):
    """Compare an agency's uploaded updates with what is recorded; saves nothing.

    Only what is new in a row is posted. A Latest narrative or Evidence of impact cell
    holding text already recorded for its recommendation (any update's, so also an export
    older than the latest update) is not new. An evidence of impact that is not new is left
    out of the row's update. A row whose narrative is not new is unchanged if its date and
    status are those of an update recorded with that narrative (an export uploaded back), and
    otherwise a row error: an update says what has been done since, so the old narrative
    is never posted again as a new update's.
    With the preview's `token`, each row's submission key is derived from it and the row.
    """
    sheet_rows = read_rows(upload, PROGRESS_COLUMNS)
    plan = ImportPlan(review=review)
    owned = {
        r.number: r
        for r in Recommendation.objects.filter(review=review)
        .owned_by([agency])
        .select_related("review")
    }
    # Any agency's: an export's row may show a supporting agency the lead's latest update.
    recorded, narratives, evidence = set(), set(), set()
    for number, date, status, narrative, impact in ProgressUpdate.objects.filter(
        recommendation__review=review
    ).values_list("recommendation__number", "date", "status", "narrative", "evidence_of_impact"):
        recorded.add((number, date, status, _same_text(narrative)))
        narratives.add((number, _same_text(narrative)))
        evidence.add((number, _same_text(impact)))
    for sheet_row in sheet_rows:
        row = sheet_row.number
        errors_before = len(plan.errors)
        values = _row_values(sheet_row, plan.errors, PROGRESS_LABELS)
        if "date" not in values and "narrative" not in values:
            continue  # a recommendation with no update to record, as exports show them
        number = _number(row, values.get("number"), {}, plan.errors)
        if number is not None and number not in owned:
            plan.errors.append(
                RowError(row, "Number", f"{agency.short_name} does not own recommendation {number}")
            )
        fields = _progress_fields(row, values, plan.errors)
        if len(plan.errors) > errors_before:
            continue
        narrative = _same_text(fields["narrative"])
        left_out = []
        if (number, _same_text(fields["evidence_of_impact"])) in evidence:
            if fields["evidence_of_impact"]:
                left_out.append(PROGRESS_LABELS["evidence_of_impact"])
            fields["evidence_of_impact"] = ""
        if (number, narrative) in narratives:
            if not fields["evidence_of_impact"] and (
                (number, fields["date"], fields["status"], narrative) in recorded
            ):
                plan.rows.append(PlannedRow(row, number, "unchanged", fields))
                continue
            plan.errors.append(
                RowError(
                    row,
                    PROGRESS_LABELS["narrative"],
                    f"is the narrative already recorded for recommendation {number}: a new "
                    "update says what has been done since, so write it, or put the row back "
                    "as it was exported",
                )
            )
            continue
        update = ProgressUpdate(recommendation=owned[number], agency=agency, **fields)
        try:
            update.full_clean(exclude=["author"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = PROGRESS_LABELS.get(name, "Number")
                plan.errors.extend(RowError(row, column, message) for message in messages)
            continue
        recorded.add((number, fields["date"], fields["status"], narrative))
        narratives.add((number, narrative))
        evidence.add((number, _same_text(fields["evidence_of_impact"])))
        submission_key = uuid.uuid5(token, f"progress row {row}") if token else None
        plan.rows.append(
            PlannedRow(
                row, number, "create", fields, submission_key=submission_key, left_out=left_out
            )
        )
    return plan


def _same_text(text):
    """Text as compared with what is recorded: runs of spaces and line breaks ignored, as a
    spreadsheet program may change them."""
    return " ".join(str(text).split())


def _progress_fields(row, values, errors):
    fields = {"evidence_of_impact": ""}
    for key in ("narrative", "evidence_of_impact"):
        if key in values:
            fields[key] = str(values[key])
    if "narrative" not in values:
        errors.append(RowError(row, "Latest narrative", "is missing: say what has been done"))
    for key, parse in (("date", parse_date), ("status", parse_status)):
        if key not in values:
            errors.append(RowError(row, PROGRESS_LABELS[key], "is missing"))
            continue
        try:
            fields[key] = parse(values[key])
        except ValueError as error:
            errors.append(RowError(row, PROGRESS_LABELS[key], str(error)))
    return fields


@transaction.atomic
def apply_progress_import(plan, *, agency, author, skip_rows=()):
    """Record each new update of a plan with no errors, by `author` for `agency`.

    With `skip_rows`, the rows the editor chose to skip: a plan whose errors are all on
    those rows records its valid rows (errors on any other row save nothing)."""
    if set(plan.error_rows) - set(skip_rows):
        raise ValidationError(
            "A file with errors cannot be imported: correct them and upload again."
        )
    recommendations = {
        r.number: r
        for r in Recommendation.objects.filter(review=plan.review).select_related("review")
    }
    return [
        services.progress_update_create(
            recommendation=recommendations[row.number],
            agency=agency,
            author=author,
            submission_key=row.submission_key,
            **row.fields,
        )
        for row in plan.rows_to("create")
    ]


class AlreadySaved(Exception):
    """The preview's import has been saved already (a second confirmation of the same one)."""


@dataclass
class RecommendationsSaved:
    updates: list  # the progress updates recorded
    mapping: object = None  # the ImportMapping remembered for the next file, if any


def confirm_import(
    plan,
    *,
    token,
    kind,
    user,
    agency=None,
    create_agencies=(),
    remember_mapping=False,
    skip_rows=(),
):
    """Save the plan of the preview `token` once, whoever confirms it and however often.

    The token is recorded in the transaction that saves the import: a second confirmation
    of the same preview waits for the first to finish, then fails to record it and raises
    AlreadySaved, having saved nothing. A recommendations import creates the new agencies
    ticked in `create_agencies` and, with `remember_mapping`, remembers how the file's
    columns were read, in the same transaction. A progress upload saves its valid rows and
    skips `skip_rows`, when the editor chose to skip the rows with errors.
    """
    try:
        with transaction.atomic():
            ImportConfirmation.objects.create(token=token, kind=kind)
            if kind == "recommendations":
                updates = apply_recommendation_import(
                    plan, user=user, create_agencies=create_agencies
                )
                saved = None
                if remember_mapping:
                    saved = layout.import_mapping_save(
                        review=plan.review, mapping=plan.mapping, table=plan.table, user=user
                    )
                return RecommendationsSaved(updates=updates or [], mapping=saved)
            return apply_progress_import(plan, agency=agency, author=user, skip_rows=skip_rows)
    except IntegrityError:
        if ImportConfirmation.objects.filter(token=token).exists():
            raise AlreadySaved from None
        raise


# Actions, from an optional sheet named "Actions" of a workbook in our own layout: a row per
# action, numbered "12.3" (recommendation 12's third), in the columns the export writes.
ACTIONS_SHEET = "Actions"
ACTION_COLUMNS = [
    Column("recommendation", "Recommendation"),
    Column("number", "Number", required=True),
    Column("text", "Action"),
    Column("owner", "Owner"),
    Column("target_date", "Target date"),
]
ACTION_LABELS = {column.key: f"{column.label} (Actions sheet)" for column in ACTION_COLUMNS}


@dataclass
class PlannedAction:
    row: int  # on the Actions sheet
    number: str  # "12.3"
    recommendation: int  # 12
    action: str  # "create", "update" or "unchanged"
    fields: dict  # text, owner, target_date: those the row gives
    changes: list = field(default_factory=list)  # (column label, before, after)


def _actions_sheet_rows(upload):
    """(column positions, SheetRows) of the workbook's Actions sheet, or None when the file
    has none (a CSV file, or a workbook without that sheet). The workbook was checked
    within the upload bounds when its first sheet was read."""
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if data[:4] != b"PK\x03\x04" or not _may_have_actions_sheet(data):
        return None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # read once already; any failure now is the file's
        raise SpreadsheetError(NOT_A_WORKBOOK) from error
    try:
        sheets = workbook.worksheets[1:]
        sheet = next(
            (s for s in sheets if s.title.strip().casefold() == ACTIONS_SHEET.casefold()), None
        )
        if sheet is None:
            return None
        rows = [
            list(row)
            for row in sheet.iter_rows(
                max_row=MAX_ROWS + 1, max_col=MAX_CELLS_PER_ROW, values_only=True
            )
        ]
    except Exception as error:
        raise SpreadsheetError(NOT_A_WORKBOOK) from error
    finally:
        workbook.close()
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(f"The Actions sheet has more than {MAX_ROWS} rows.")
    by_name = {}
    for column in ACTION_COLUMNS:
        by_name[normalise_heading(column.label)] = column.key
        by_name.setdefault(normalise_heading(column.key), column.key)
    positions = {}
    for index, value in enumerate(rows[0] if rows else []):
        key = by_name.get(normalise_heading(value if isinstance(value, str) else None))
        if key and key not in positions:
            positions[key] = index
    if rows and not any(value is not None for value in rows[0]):
        return None  # an empty sheet of that name
    if "number" not in positions:
        raise SpreadsheetError(
            "The Actions sheet's first row must name its columns. Missing: Number."
        )
    sheet_rows = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            key: read_cell(row[index]) if index < len(row) else read_cell(None)
            for key, index in positions.items()
        }
        if any(cell.value is not None for cell in cells.values()):
            sheet_rows.append(SheetRow(number=number, cells=cells))
    return positions, sheet_rows


def _may_have_actions_sheet(data):
    """Whether the workbook's list of sheets may name an Actions sheet: looked up in the
    workbook part alone, so that a large file without one is not parsed a second time."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [name for name in archive.namelist() if name.lower() == "xl/workbook.xml"]
            if not parts:
                return True  # an unusual layout: openpyxl finds its sheets
            with archive.open(parts[0]) as part:
                listing = part.read(MAX_PART_BYTES)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return True  # read once already; openpyxl says what is wrong
    return re.search(rb"name\s*=\s*[\"']\s*actions\s*[\"']", listing, re.IGNORECASE) is not None


def _plan_actions(plan, sheet):
    """Plan the Actions sheet's rows against the review's actions; errors are the plan's.

    A row whose number the review has changes that action (a column left out, or a cell
    left empty, keeps what it has); any other row adds an action, which needs its text and
    owning agency. The recommendation must be the review's, or one the file adds.
    """
    if sheet is None:
        return
    positions, sheet_rows = sheet
    recommendations = set(
        Recommendation.objects.filter(review=plan.review).values_list("number", flat=True)
    ) | {row.number for row in plan.rows}
    existing = {
        action.number: action
        for action in Action.objects.filter(recommendation__review=plan.review).select_related(
            "owner"
        )
    }
    agencies = _agency_lookup()
    seen = {}

    def error(row, key, reason):
        cell = layout.cell_name(positions[key], row) if key in positions else ""
        plan.errors.append(RowError(row, ACTION_LABELS[key], reason, cell=cell))

    for sheet_row in sheet_rows:
        row = sheet_row.number
        before = len(plan.errors)
        values = {}
        for key, cell in sheet_row.cells.items():
            if cell.is_formula:
                error(row, key, "contains a formula: enter the value itself")
            elif cell.value is not None:
                values[key] = cell.value
        number = layout.cell_text(values.get("number"))
        found = ACTION_NUMBER.match(number)
        if not number:
            if "number" in sheet_row.cells and not sheet_row.cells["number"].is_formula:
                error(row, "number", "is missing")
            continue
        if found is None:
            error(
                row,
                "number",
                f"“{number[:40]}” is not an action number: give the recommendation's number, "
                "a full stop and the action's own number, for example 12.3",
            )
            continue
        recommendation = int(found.group(1))
        if "recommendation" in values:
            given = layout.cell_text(values["recommendation"])
            if given != str(recommendation):
                error(
                    row,
                    "recommendation",
                    f"is “{given[:40]}”, but action {number} is numbered as one of "
                    f"recommendation {recommendation}",
                )
        if recommendation not in recommendations:
            error(
                row, "number", f"recommendation {recommendation} is not in the review or the file"
            )
        if number in seen:
            error(row, "number", f"{number} is already used on row {seen[number]}")
        seen.setdefault(number, row)
        fields = _action_fields(row, values, agencies, error)
        current = existing.get(number)
        if current is None:
            for key in ("text", "owner"):
                cell = sheet_row.cells.get(key)
                if key not in values and not (cell is not None and cell.is_formula):
                    error(row, key, "is needed for a new action")
        if len(plan.errors) == before:
            plan.actions.append(_planned_action(row, number, recommendation, fields, current))


def _action_fields(row, values, agencies, error):
    fields = {}
    if "text" in values:
        text = str(values["text"]).strip()
        problem = control_character_error(text)
        if problem:
            error(row, "text", problem)
        elif len(text) > NARRATIVE_MAX_LENGTH:
            error(row, "text", f"is longer than {NARRATIVE_MAX_LENGTH} characters")
        fields["text"] = text
    if "owner" in values:
        name = " ".join(str(values["owner"]).split())
        fields["owner"] = agencies.get(match_key(name))
        if fields["owner"] is None:
            error(row, "owner", f"“{name[:200]}” is not a known agency")
    if "target_date" in values:
        try:
            fields["target_date"] = parse_date(values["target_date"])
        except ValueError as problem:
            error(row, "target_date", str(problem))
    return fields


def _planned_action(row, number, recommendation, fields, current):
    if current is None:
        return PlannedAction(row, number, recommendation, "create", fields)
    changes = []
    for key, value in fields.items():
        before = getattr(current, key)
        if before != value:
            changes.append((ACTION_COLUMNS_BY_KEY[key].label, _shown(before), _shown(value)))
    action = "update" if changes else "unchanged"
    return PlannedAction(row, number, recommendation, action, fields, changes)


ACTION_COLUMNS_BY_KEY = {column.key: column for column in ACTION_COLUMNS}


def _save_actions(plan, user):
    """The plan's new and changed actions, saved through the service by `user`."""
    planned = plan.actions_to("create") + plan.actions_to("update")
    if not planned:
        return
    recommendations = {
        r.number: r
        for r in Recommendation.objects.filter(review=plan.review).select_related("review")
    }
    existing = {
        action.number: action
        for action in Action.objects.filter(recommendation__review=plan.review).select_related(
            "owner"
        )
    }
    for item in planned:
        current = existing.get(item.number)
        fields = {"target_date": None}
        if current is not None:
            fields = {
                "text": current.text,
                "owner": current.owner,
                "target_date": current.target_date,
            }
        services.action_save(
            recommendation=recommendations[item.recommendation],
            action=current,
            number=item.number,
            user=user,
            reason=IMPORT_REASON,
            **(fields | item.fields),
        )
