"""Importing from spreadsheets: a review's recommendations, or an agency's progress updates.

Both work in two steps. `plan_*_import` reads the file and compares it with what is
recorded, saving nothing: it lists what would be created or changed and every row error.
A plan with errors cannot be applied; `apply_*_import` saves a clean plan through the
services, so each change has its history.
"""

import math
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format

from recommendations import services
from recommendations.models import (
    NARRATIVE_MAX_LENGTH,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    Status,
    Theme,
    control_character_error,
)

from .files import Column, parse_date, read_rows
from .models import ImportConfirmation

RECOMMENDATION_COLUMNS = [
    Column("number", "Number", required=True),
    Column("short_title", "Short title"),
    Column("text", "Recommendation"),
    Column("theme", "Theme"),
    Column("lead_agency", "Lead agency"),
    Column("supporting_agencies", "Supporting agencies"),
    Column("lead_officer", "Lead officer"),
    Column("target_date", "Target date"),
    # Not a field of the recommendation: why a row moves a target date that was set.
    Column("target_date_reason", "Reason for target date change"),
]
LABELS = {column.key: column.label for column in RECOMMENDATION_COLUMNS}
SHORT_TEXT_MAX_LENGTH = 200
REASON_MAX_LENGTH = 2000  # what a TargetDateRevision's reason holds
# The largest number a recommendation can have: its column (a small integer) holds 32767.
MAX_NUMBER = 32767
IMPORT_REASON = "Imported from a spreadsheet"


@dataclass
class RowError:
    row: int
    column: str
    reason: str


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


@dataclass
class ImportPlan:
    review: object
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    new_themes: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors

    def rows_to(self, action):
        return [row for row in self.rows if row.action == action]


def plan_recommendation_import(review, upload):
    """Compare the uploaded file with the review; raises SpreadsheetError if unreadable."""
    sheet_rows = read_rows(upload, RECOMMENDATION_COLUMNS)
    plan = ImportPlan(review=review)
    existing = {
        r.number: r
        for r in Recommendation.objects.filter(review=review)
        .select_related("lead_agency", "theme")
        .prefetch_related("supporting_agencies")
    }
    agencies = _agency_lookup()
    themes = {theme.name.casefold(): theme for theme in Theme.objects.filter(review=review)}
    seen = {}
    for sheet_row in sheet_rows:
        errors_before = len(plan.errors)
        values = _row_values(sheet_row, plan.errors)
        number = _number(sheet_row.number, values.get("number"), seen, plan.errors)
        current = existing.get(number)
        fields = _row_fields(sheet_row.number, values, current, agencies, themes, plan)
        reason = _target_date_reason(sheet_row.number, values, fields, current, plan.errors)
        if len(plan.errors) == errors_before and number is not None:
            planned = _planned(sheet_row.number, number, fields, current)
            if reason:
                planned.target_date_reason = reason
                planned.changes.append((LABELS["target_date_reason"], "", reason))
            plan.rows.append(planned)
    return plan


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
def apply_recommendation_import(plan, *, user):
    """Save a plan with no errors. Re-plan from the file first if the data may have moved on."""
    if not plan.is_valid:
        raise ValidationError(
            "A file with errors cannot be imported: correct them and upload again."
        )
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
        services.recommendation_save(
            review=plan.review,
            number=row.number,
            user=user,
            reason=IMPORT_REASON,
            target_date_reason=row.target_date_reason,
            **fields,
        )


def _agency_lookup():
    lookup = {}
    for agency in PartnerAgency.objects.all():
        lookup[agency.short_name.casefold()] = agency
        lookup[agency.name.casefold()] = agency
    return lookup


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


def _row_fields(row, values, current, agencies, themes, plan):
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
        fields["lead_agency"] = agencies.get(str(values["lead_agency"]).casefold())
        if fields["lead_agency"] is None:
            errors.append(
                RowError(row, "Lead agency", f"“{values['lead_agency']}” is not a known agency")
            )
    if "supporting_agencies" in values or "lead_agency" in values:
        fields["supporting_agencies"] = _supporting(row, values, current, agencies, fields, errors)
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


def _supporting(row, values, current, agencies, fields, errors):
    if "supporting_agencies" not in values:
        supporting = list(current.supporting_agencies.all()) if current else []
    else:
        supporting = []
        for name in str(values["supporting_agencies"]).replace("\n", ";").split(";"):
            if name.strip():
                agency = agencies.get(name.strip().casefold())
                if agency is None:
                    errors.append(
                        RowError(
                            row, "Supporting agencies", f"“{name.strip()}” is not a known agency"
                        )
                    )
                elif agency not in supporting:
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


def parse_status(value):
    """A status from its word as people write it: "Green", "Green (on track)", "complete"."""
    wanted = str(value).strip().casefold()
    for status in Status:
        if wanted in {
            status.value.replace("_", " "),
            status.value,
            status.label.casefold(),
            status.label.split(" (")[0].casefold(),
            status.meaning,
        }:
            return status
    raise ValueError(
        f"“{value}” is not a status: use Not started, Red, Amber, Green or Blue (complete)"
    )


def plan_progress_import(review, agency, upload, *, token=None):
    """Compare an agency's uploaded updates with what is recorded; saves nothing.

    A row identical to an update already recorded (an export uploaded back) is unchanged.
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
    recorded = set(
        ProgressUpdate.objects.filter(recommendation__review=review).values_list(
            "recommendation__number", "date", "status", "narrative", "evidence_of_impact"
        )
    )
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
        update = ProgressUpdate(recommendation=owned[number], agency=agency, **fields)
        try:
            update.full_clean(exclude=["author"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = PROGRESS_LABELS.get(name, "Number")
                plan.errors.extend(RowError(row, column, message) for message in messages)
            continue
        key = (
            number,
            fields["date"],
            fields["status"],
            fields["narrative"],
            fields["evidence_of_impact"],
        )
        action = "unchanged" if key in recorded else "create"
        recorded.add(key)
        submission_key = uuid.uuid5(token, f"progress row {row}") if token else None
        plan.rows.append(PlannedRow(row, number, action, fields, submission_key=submission_key))
    return plan


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
def apply_progress_import(plan, *, agency, author):
    """Record each new update of a plan with no errors, by `author` for `agency`."""
    if not plan.is_valid:
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


def confirm_import(plan, *, token, kind, user, agency=None):
    """Save the plan of the preview `token` once, whoever confirms it and however often.

    The token is recorded in the transaction that saves the import: a second confirmation
    of the same preview waits for the first to finish, then fails to record it and raises
    AlreadySaved, having saved nothing.
    """
    try:
        with transaction.atomic():
            ImportConfirmation.objects.create(token=token, kind=kind)
            if kind == "recommendations":
                return apply_recommendation_import(plan, user=user)
            return apply_progress_import(plan, agency=agency, author=user)
    except IntegrityError:
        if ImportConfirmation.objects.filter(token=token).exists():
            raise AlreadySaved from None
        raise
