"""A board's own tracker, read in its own layout: which row holds the headings, which column
holds what, and what each of its status words means.

A layout is a `Mapping`. A file in our own template's layout (the headings of the import
template and the exports) maps itself; any other file is mapped by the administrator, and
the mapping is remembered (`ImportMapping`) for the next file with the same headings.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from openpyxl.utils import get_column_letter

from recommendations.calendar import calendar
from recommendations.models import Status

from .files import (
    Cell,
    SheetRow,
    SpreadsheetError,
    merged_cells_error,
    normalise_heading,
    read_cell,
)
from .models import ImportMapping


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # as our template heads its column, and row errors name it
    question: str  # as the mapping page asks for it
    hint: str = ""


FIELDS = [
    Field(
        "number",
        "Number",
        "Reference or number",
        "Whole numbers are used as the recommendation numbers. References such as "
        "“SR (25/26) 01” are kept as each recommendation's reference, and the "
        "recommendations are numbered 1, 2, 3… in the order of the file.",
    ),
    Field(
        "reference",
        "Reference",
        "Reference shown beside the number (optional)",
        "Only when the file has whole numbers in one column and references in another.",
    ),
    Field("text", "Recommendation", "Recommendation text"),
    Field(
        "short_title",
        "Short title",
        "Short title (optional)",
        "Left out, each new recommendation's short title is made from the first sentence of "
        "its text.",
    ),
    Field("theme", "Theme", "Theme or area"),
    Field(
        "lead_agency", "Lead agency", "Lead agency", "Agencies are matched by name or short name."
    ),
    Field(
        "supporting_agencies",
        "Supporting agencies",
        "Supporting agencies (optional)",
        "Several agencies in one cell are separated by semicolons.",
    ),
    Field("lead_officer", "Lead officer", "Lead officer (optional)"),
    Field("target_date", "Target date", "Target date"),
    Field(
        "target_date_reason",
        "Reason for target date change",
        "Reason for a target date change (optional)",
        "Needed on a row that moves a target date already set.",
    ),
    Field("status", "Status", "Status", "Each status word is matched to one of ours below."),
    Field(
        "progress",
        "Latest progress",
        "Latest progress (optional)",
        "Each row's text becomes a progress update from its lead agency, dated on the "
        "“as at” date, with the row's status.",
    ),
]
LABELS = {f.key: f.label for f in FIELDS}
# The columns of our own template and exports, which a file in our layout is headed with.
# "Status", "Last update", "Latest narrative", "Evidence of impact" and "Evidence" are in every
# export but are the agencies' updates, not the recommendation: our layout's import ignores them.
OWN_FIELDS = [
    "number",
    "reference",
    "short_title",
    "text",
    "theme",
    "lead_agency",
    "supporting_agencies",
    "lead_officer",
    "target_date",
    "target_date_reason",
]
OWN_IGNORED = {
    normalise_heading(name)
    for name in ("Status", "Last update", "Latest narrative", "Evidence of impact", "Evidence")
}
# Headings other trackers use for each field: a first guess, which the administrator checks.
SYNONYMS = {
    "number": ["number", "no", "ref", "reference", "recno", "recommendationnumber", "refno"],
    "text": ["recommendation", "recommendations", "recommendationtext", "wording", "text"],
    "short_title": ["shorttitle", "title"],
    "theme": ["theme", "area", "category", "workstream", "themearea"],
    "lead_agency": ["leadagency", "agency", "leadorganisation", "organisation", "owner"],
    "supporting_agencies": ["supportingagencies", "partners", "supportingorganisations"],
    "lead_officer": ["leadofficer", "officer", "responsibleofficer"],
    "target_date": ["targetdate", "target", "duedate", "deadline", "completiondate"],
    "target_date_reason": ["reasonfortargetdatechange"],
    "status": ["status", "rag", "brag", "ragstatus", "bragstatus"],
    "progress": ["latestprogress", "progress", "actiontaken", "latestupdate", "update"],
}
HEADER_SEARCH_ROWS = 20  # the heading row is looked for, and may be chosen, among these
MAX_STATUS_WORDS = 50


@dataclass
class Mapping:
    """Where each field is in a file: `columns` maps a field's key to its column (0 for A),
    `statuses` a status word (see `status_key`) to a `Status` value. `as_at` dates the
    progress column's updates. `signature`, when set, is the heading row it was made for."""

    header_row: int = 1
    columns: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    as_at: datetime.date | None = None
    signature: str = ""

    def to_json(self):
        return {
            "header_row": self.header_row,
            "columns": dict(self.columns),
            "statuses": dict(self.statuses),
            "as_at": self.as_at.isoformat() if self.as_at else None,
        }

    @classmethod
    def from_json(cls, data, *, signature=""):
        """A mapping from its stored form; what is not well formed is left out."""
        data = data if isinstance(data, dict) else {}
        keys = {f.key for f in FIELDS}
        columns = {
            key: index
            for key, index in (data.get("columns") or {}).items()
            if key in keys and isinstance(index, int) and 0 <= index < 10_000
        }
        statuses = {
            str(word): value
            for word, value in (data.get("statuses") or {}).items()
            if value in Status.values
        }
        try:
            as_at = datetime.date.fromisoformat(data.get("as_at") or "")
        except (TypeError, ValueError):
            as_at = None
        header_row = data.get("header_row")
        if not isinstance(header_row, int) or not 1 <= header_row <= HEADER_SEARCH_ROWS:
            header_row = 1
        return cls(header_row, columns, statuses, as_at, signature)


def status_key(word):
    """A status word as matched: case and spaces ignored ("Complete " = "complete")."""
    return " ".join(str(word).split()).casefold()


def parse_status(value):
    """A status from its word as people write it: "Green", "Green (on track)", "complete"."""
    wanted = status_key(value)
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


def cell_text(value):
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def headings(table, header_row):
    """The heading row's texts, without the empty cells that end it."""
    if not 1 <= header_row <= len(table.rows):
        return []
    texts = [cell_text(value) for value in table.rows[header_row - 1]]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def signature(texts):
    """SHA-256 of a heading row as matched (case, spaces and punctuation ignored)."""
    return hashlib.sha256("\x1f".join(normalise_heading(t) for t in texts).encode()).hexdigest()


def column_name(index):
    return get_column_letter(index + 1)


def cell_name(index, row):
    """A cell as the spreadsheet names it: "F5"."""
    return f"{column_name(index)}{row}"


def guess_header_row(table):
    """The first row whose cells are mostly text (two at least): the column headings, below
    any title rows. Row 1 when none is."""
    rows = table.rows[:HEADER_SEARCH_ROWS]
    width = max((sum(1 for v in row if cell_text(v)) for row in rows), default=0)
    for number, row in enumerate(rows, start=1):
        texts = sum(1 for v in row if isinstance(v, str) and v.strip())
        if texts >= 2 and texts * 10 >= width * 6:
            return number
    return 1


def heading_problems(table, header_row):
    """What stops a row being read as the headings: merged cells on or below it, headings
    used twice, and columns with data below but no heading. Messages for the administrator."""
    problems = []
    merged = merged_cells_error(table, from_row=header_row)
    if merged:
        problems.append(merged)
    texts = headings(table, header_row)
    if not any(texts):
        return [*problems, f"Row {header_row} is empty: choose the row that holds the headings."]
    seen = {}
    for index, text in enumerate(texts):
        key = normalise_heading(text)
        if key and key in seen:
            problems.append(
                f"Row {header_row} has the heading “{text}” twice (columns "
                f"{column_name(seen[key])} and {column_name(index)}): rename one of them and "
                "upload the file again, or choose the row that holds the headings."
            )
        seen.setdefault(key, index)
    used = set()
    for row in table.rows[header_row:]:
        used.update(i for i, value in enumerate(row) if cell_text(value))
    unnamed = [i for i in sorted(used) if i >= len(texts) or not normalise_heading(texts[i])]
    if unnamed:
        shown = ", ".join(column_name(i) for i in unnamed[:5])
        problems.append(
            f"Column{'s' if len(unnamed) > 1 else ''} {shown} "
            f"{'have' if len(unnamed) > 1 else 'has'} data but no heading in row {header_row}: "
            "give each column a heading and upload the file again, or choose the row that "
            "holds the headings."
        )
    return problems


def check_layout(table, mapping):
    """Refuse a file its mapping cannot read: a heading problem, or headings other than
    those the mapping was made for."""
    if mapping.signature and signature(headings(table, mapping.header_row)) != mapping.signature:
        raise SpreadsheetError(
            f"The headings in row {mapping.header_row} are not those the column mapping was "
            "saved for: map this file's columns again."
        )
    problems = heading_problems(table, mapping.header_row)
    if problems:
        raise SpreadsheetError(" ".join(problems))


def automatic_mapping(table):
    """The mapping of a file in our own layout: headings in row 1 naming our columns.

    Raises SpreadsheetError when row 1 does not name the Number column.
    """
    by_name = {}
    for key in OWN_FIELDS:
        by_name.setdefault(normalise_heading(key), key)
        by_name.setdefault(normalise_heading(LABELS[key]), key)
    columns = {}
    for index, text in enumerate(headings(table, 1)):
        key = by_name.get(normalise_heading(text))
        if key and key not in columns:
            columns[key] = index
    if "number" not in columns:
        raise SpreadsheetError("The first row must name the columns. Missing: Number.")
    return Mapping(header_row=1, columns=columns)


def is_own_layout(table):
    """Whether row 1 names only our template's and exports' columns, Number among them."""
    known = {normalise_heading(key) for key in OWN_FIELDS}
    known |= {normalise_heading(LABELS[key]) for key in OWN_FIELDS} | OWN_IGNORED
    names = [normalise_heading(text) for text in headings(table, 1)]
    return normalise_heading("Number") in names and all(not n or n in known for n in names)


def guessed_mapping(table, header_row=None):
    """A first guess at a file's mapping, from its headings, for the administrator to check."""
    header_row = header_row or guess_header_row(table)
    columns = {}
    names = [normalise_heading(text) for text in headings(table, header_row)]
    for key, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            if synonym in names and names.index(synonym) not in columns.values():
                columns[key] = names.index(synonym)
                break
    if "progress" not in columns:  # a status is only recorded with its progress
        columns.pop("status", None)
    mapping = Mapping(header_row=header_row, columns=columns)
    mapping.statuses = guessed_statuses(table, mapping)
    return mapping


def guessed_statuses(table, mapping, known=None):
    """Each status word of the file mapped as `known` maps it, else as our own words read."""
    statuses = {}
    for word in status_words(table, mapping):
        if known and word.key in known:
            statuses[word.key] = known[word.key]
            continue
        try:
            statuses[word.key] = parse_status(word.text).value
        except ValueError:
            continue
    return statuses


def mapped_rows(table, mapping):
    """The rows below the headings as `SheetRow`s of the mapped columns (empty rows left out)."""
    result = []
    for number, row in enumerate(table.rows[mapping.header_row :], start=mapping.header_row + 1):
        cells = {
            key: read_cell(row[index]) if index < len(row) else Cell(None)
            for key, index in mapping.columns.items()
        }
        if any(cell.value is not None for cell in cells.values()):
            result.append(SheetRow(number=number, cells=cells))
    return result


@dataclass
class StatusWord:
    key: str  # as matched (see status_key)
    text: str  # as first written in the file
    rows: int  # how many rows use it


def status_words(table, mapping):
    """Every distinct word of the status column, in the order the file first uses them."""
    index = mapping.columns.get("status")
    if index is None:
        return []
    words = {}
    for row in table.rows[mapping.header_row :]:
        value = row[index] if index < len(row) else None
        text = cell_text(value)
        if not text:
            continue
        key = status_key(text)
        if key not in words:
            words[key] = StatusWord(key=key, text=text[:100], rows=0)
        words[key].rows += 1
    return list(words.values())


def as_at_error(review, date):
    """Why progress cannot be recorded as at `date` for `review`, or None."""
    if date is None:
        return "Enter the date the latest progress is as at"
    if date > timezone.localdate():
        return "The “as at” date cannot be in the future"
    if date < review.publication_date:
        return (
            "The “as at” date cannot be before the review was published on "
            f"{date_format(review.publication_date, 'j F Y')}"
        )
    closed = calendar().closed_through(review.pk)
    if closed is not None and date <= closed:
        when = date_format(closed, "j F Y")
        return (
            f"A progress report as at {when} has been issued to the committee: give an "
            f"“as at” date after {when}"
        )
    return None


def remembered(review, table):
    """The mapping saved for a file with these headings (this review's first), or None."""
    candidates = {}
    for number in range(1, min(len(table.rows), HEADER_SEARCH_ROWS) + 1):
        texts = headings(table, number)
        if sum(1 for text in texts if text) >= 2:
            candidates.setdefault(signature(texts), number)
    saved = ImportMapping.objects.filter(signature__in=candidates).order_by("-saved_at", "-pk")
    matching = [
        mapping
        for mapping in saved[:20]
        if as_mapping(mapping).header_row == candidates[mapping.signature]
    ]
    ours = [mapping for mapping in matching if mapping.review_id == review.pk]
    return (ours or matching or [None])[0]


def as_mapping(saved):
    """The `Mapping` an `ImportMapping` remembers, for files with its headings only."""
    return Mapping.from_json(saved.mapping, signature=saved.signature)


def import_mapping_save(*, review, mapping, table, user=None):
    """Remember `mapping` for the next file with the same headings (one per review)."""
    texts = headings(table, mapping.header_row)
    key = signature(texts)
    saved = ImportMapping.objects.filter(review=review, signature=key).first()
    saved = saved or ImportMapping(review=review, signature=key)
    saved.headings = texts
    saved.mapping = mapping.to_json()
    saved.saved_by = user if user is not None and user.is_authenticated else None
    saved.saved_at = timezone.now()
    saved.full_clean()
    saved.save()
    return saved


def derive_short_title(text, limit=80):
    """A short title made from a recommendation's text: its first sentence, or its first
    `limit` characters cut at a word, without a trailing full stop."""
    text = " ".join(str(text).split())
    sentence = text
    for end in (". ", "? ", "! ", "; "):
        if end in sentence:
            sentence = sentence.split(end, 1)[0]
    sentence = sentence.rstrip(" .;:,")
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit + 1].rsplit(" ", 1)[0] if " " in sentence[:limit] else sentence[:limit]
    return cut.rstrip(" .;:,") + "…"


def derive_short_name(name, taken, limit=40):
    """A short name for a new agency: its name, cut to `limit` characters at a word, and
    numbered when another agency has it (`taken`: short names in use, case ignored)."""
    name = " ".join(str(name).split())
    base = name if len(name) <= limit else name[: limit + 1].rsplit(" ", 1)[0][:limit]
    candidate, number = base, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: limit - len(suffix)].rstrip() + suffix
    return candidate
