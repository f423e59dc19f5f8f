"""Reading and writing the spreadsheets boards already use: CSV and Excel (.xlsx).

Reading turns an upload into rows of text keyed by column, refusing what is not a
spreadsheet, too large, or holds formulas. Writing neutralises text that a spreadsheet
program would run as a formula.
"""

import csv
import datetime
import io
import logging
import math
import re
import time
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries

from govuk.forms import date_range_error
from recommendations.models import CONTROL_CHARACTERS

from .styling import style_sheet

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# Bounds on what a file up to MAX_UPLOAD_BYTES may unpack to, checked before openpyxl parses
# anything, so that any upload is accepted or refused in a few seconds and well under 300 MB
# (`manage.py bench_uploads` measures the worst files we could make). The action plan has
# 12 columns: a row of 500 cells, or 100,000 cells in all, is not one a board keeps.
MAX_CELLS_PER_ROW = 500
MAX_CELLS = 100_000
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # every part of the workbook together
MAX_PART_BYTES = 5 * 1024 * 1024  # a part openpyxl parses whole (styles, workbook, ...)
MAX_PART_ELEMENTS = 200_000  # the same, counted in XML elements
MAX_ZIP_MEMBERS = 1000
MAX_ELEMENTS = 500_000  # all XML elements of the workbook together
STREAMED_PARTS = ("xl/worksheets/", "xl/sharedstrings.xml")  # read as streams, not whole
TIME_BUDGET_SECONDS = 3.0  # reading; planning the rows against the record comes after
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What a spreadsheet program runs when it opens a cell: "=" anything; "+", "-" or "@"
# followed by a function call ("@SUM(", "+cmd|", "-Sheet1!") or a cell reference ("-A1").
# Such a cell in an upload, CSV or .xlsx alike, is refused as a formula. Prose that merely
# starts with one of them ("- trained 212 drivers", "+44 1952 ...") is kept as it is: every
# export puts an apostrophe before it, and reading removes that apostrophe again, so an
# exported file read back changes nothing.
FORMULA = re.compile(r"^(?:=|[+\-@]\s*(?:[A-Za-z_][\w.]*[(|!]|\$?[A-Za-z]{1,3}\$?\d+))")
NEUTRALISED = re.compile(r"^'(?=[=+\-@])")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_A_WORKBOOK = "The file is not a valid Excel workbook (.xlsx)."


class SpreadsheetError(Exception):
    """The file as a whole cannot be read: the message says why, for the person uploading."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False


@dataclass
class Cell:
    value: object  # str, or a date/number from an Excel cell, or None when empty
    is_formula: bool = False


@dataclass
class SheetRow:
    number: int  # the row number the person sees in their spreadsheet
    cells: dict  # column key -> Cell


class _Budget:
    """The time reading one upload may take; past it, the upload is refused."""

    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds

    def check(self):
        if time.monotonic() >= self.deadline:
            raise SpreadsheetError(
                "The file took too long to read. Remove what is not needed (other sheets, "
                "formatting, empty rows and columns) and upload it again."
            )


def read_rows(upload, columns):
    """Read an uploaded CSV or .xlsx file into `SheetRow`s for the given columns.

    The first row holds the column names (matched without regard to case, spaces or
    punctuation); unknown columns are ignored (and not read); required columns must be
    present. Merged cells are refused: only the first of them holds the value.
    """
    table = read_table(upload)
    refuse_merged_cells(table, from_row=1)
    return _keyed(iter(table.rows), columns, _Budget(TIME_BUDGET_SECONDS))


@dataclass(frozen=True)
class MergedCells:
    ref: str  # as the workbook names it: "D4:D6"
    first_row: int
    last_row: int


@dataclass
class Table:
    """A sheet as read: every row (a list of cell values, None when empty), and its merged
    cells. Rows are numbered from 1, as the person sees them in their spreadsheet."""

    rows: list
    merged: list = field(default_factory=list)


def read_table(upload):
    """Read an uploaded CSV or .xlsx file (its first sheet) into a `Table`, within bounds."""
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
            "Split it, or remove what is not needed."
        )
    if not data.strip():
        raise SpreadsheetError("The file is empty.")
    budget = _Budget(TIME_BUDGET_SECONDS)
    name = (getattr(upload, "name", "") or "").lower()
    if data[:4] == b"PK\x03\x04":
        return _xlsx_table(data, budget)
    if name.endswith(".xlsx"):
        raise SpreadsheetError(NOT_A_WORKBOOK)
    if name.endswith((".csv", ".txt")) or not name:
        return Table(rows=list(_csv_rows(data)))
    raise SpreadsheetError("The file must be a CSV file or an Excel workbook (.xlsx).")


def refuse_merged_cells(table, *, from_row):
    """Refuse a sheet with merged cells on or below `from_row` (the headings and the rows):
    a merged range holds its value in its first cell only, so the rows it spans would be
    read without it. Merged titles above the headings are harmless."""
    message = merged_cells_error(table, from_row=from_row)
    if message:
        raise SpreadsheetError(message)


def merged_cells_error(table, *, from_row):
    refs = [merged.ref for merged in table.merged if merged.last_row >= from_row]
    if not refs:
        return None
    shown = ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
    return (
        f"The sheet has merged cells ({shown}), so only the first row of each holds its "
        "value. Unmerge them (in Excel: Home, Merge & Center), put the value in every row, "
        "and upload the file again."
    )


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise SpreadsheetError("The CSV file is not in a text encoding we can read.") from error
    if "\x00" in text:
        raise SpreadsheetError("The file must be a CSV file or an Excel workbook (.xlsx).")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for index, row in enumerate(reader):
            if index > MAX_ROWS:
                raise SpreadsheetError(f"The file has more than {MAX_ROWS} rows.")
            if len(row) > MAX_CELLS_PER_ROW:
                raise _too_wide(index + 1)
            yield row
    except csv.Error as error:
        raise SpreadsheetError(f"The CSV file cannot be read: {error}.") from error


def _too_wide(row):
    return SpreadsheetError(
        f"Row {row} has more than {MAX_CELLS_PER_ROW} cells. Remove the columns that are "
        "not needed and upload it again."
    )


def _too_many_cells():
    return SpreadsheetError(
        f"The workbook has more than {MAX_CELLS:,} cells. Remove what is not needed and "
        "upload it again."
    )


def read_cell(value):
    """A cell as read: text stripped, formulas marked, our exports' apostrophe removed."""
    if not isinstance(value, str):
        return Cell(value)
    value = value.strip()
    is_formula = bool(FORMULA.match(value))
    return Cell(NEUTRALISED.sub("", value) or None, is_formula=is_formula)


def _xlsx_table(data, budget):
    """The first sheet's rows as lists of values, once the whole workbook is checked."""
    scan = _check_workbook(data, budget)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SpreadsheetError:
        raise
    except Exception as error:  # any failure of the parser on a file is the file's fault
        _log_unreadable(error)
        raise SpreadsheetError(NOT_A_WORKBOOK) from error
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(NOT_A_WORKBOOK)
        sheet = workbook.worksheets[0]
        # The sheet's own stated size is ignored: it could claim a million rows or columns.
        rows = []
        for row in sheet.iter_rows(
            max_row=MAX_ROWS + 1, max_col=MAX_CELLS_PER_ROW, values_only=True
        ):
            budget.check()
            rows.append(list(row))
        # Read-only sheets do not read merged cells: the scan noted them, by part.
        part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
        return Table(rows=rows, merged=scan.merged.get(part, []))
    except SpreadsheetError:
        raise
    except Exception as error:
        _log_unreadable(error)
        raise SpreadsheetError(NOT_A_WORKBOOK) from error
    finally:
        workbook.close()


def _log_unreadable(error):
    # The type only: a parser's message can quote the file's content.
    logger.info("unreadable workbook upload (%s)", type(error).__name__)


def _check_workbook(data, budget):
    """Refuse a workbook that would unpack or parse beyond the bounds, before parsing it.

    A zip's members are read no further than their stated size (Python's zipfile stops
    there), so the stated sizes bound what inflating can cost. Every XML part is then
    streamed once through expat, counting rows, cells, strings and elements, refusing any
    DTD (the only way to entities, nested or external), and stopping at the first bound
    passed or when the time budget runs out.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise SpreadsheetError(NOT_A_WORKBOOK) from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(NOT_A_WORKBOOK)
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(
            f"The workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB. "
            "Remove what is not needed (other sheets, images, formatting) and upload it again."
        )
    scan = _XmlScan(budget)
    for member in members:
        # By content, not by name: the workbook's links may give a sheet any name.
        if _may_be_xml(archive, member):
            streamed = member.filename.lower().startswith(STREAMED_PARTS)
            if not streamed and member.file_size > MAX_PART_BYTES:
                raise SpreadsheetError(NOT_A_WORKBOOK)
            scan.part(archive, member, streamed=streamed)
    return scan


def _may_be_xml(archive, member):
    """Whether a member could be read as XML: it starts, past a byte-order mark and
    white space, with "<" (in UTF-8 or UTF-16). Images and other binary parts do not."""
    if member.filename.lower().endswith((".xml", ".rels")):
        return True
    try:
        with archive.open(member) as stream:
            head = stream.read(64)
    except Exception as error:
        _log_unreadable(error)
        raise SpreadsheetError(NOT_A_WORKBOOK) from error
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


class _XmlScan:
    def __init__(self, budget):
        self.budget = budget
        self.elements = 0
        self.merged = {}  # part name -> [MergedCells]

    def part(self, archive, member, *, streamed):
        parser = expat.ParserCreate()
        parser.buffer_text = True
        self.part_elements = 0
        self.depth = 0
        self.row_depth = -2  # the depth of the row element being read, if any
        self.row = 0
        self.row_cells = 0
        self.cells = 0
        self.strings = 0
        self.text = 0
        self.streamed = streamed
        self.name = member.filename
        parser.StartDoctypeDeclHandler = self.refuse_dtd
        parser.EntityDeclHandler = self.refuse_dtd
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(256 * 1024):
                    self.budget.check()
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except SpreadsheetError:
            raise
        except Exception as error:  # expat, zlib, a bad CRC or compression method
            _log_unreadable(error)
            raise SpreadsheetError(NOT_A_WORKBOOK) from error

    def refuse_dtd(self, *args):
        raise SpreadsheetError(NOT_A_WORKBOOK)

    def start(self, name, attributes):
        self.elements += 1
        self.part_elements += 1
        self.depth += 1
        self.text = 0
        if self.elements > MAX_ELEMENTS or (
            not self.streamed and self.part_elements > MAX_PART_ELEMENTS
        ):
            raise SpreadsheetError(NOT_A_WORKBOOK)
        if self.elements % 20_000 == 0:
            self.budget.check()
        local = name.rpartition(":")[2]
        if self.depth == self.row_depth + 1:
            # openpyxl reads every element inside a row as a cell, whatever its name.
            self.cells += 1
            self.row_cells += 1
            if self.row_cells > MAX_CELLS_PER_ROW:
                raise _too_wide(self.row)
            if self.cells > MAX_CELLS:
                raise _too_many_cells()
            if self.row > MAX_ROWS + 1:
                raise SpreadsheetError(f"The workbook has more than {MAX_ROWS} rows.")
        elif local == "row":
            # As openpyxl numbers rows: the stated number, or one after the last.
            stated = attributes.get("r")
            if stated is None:
                self.row += 1
            elif stated.isascii() and stated.isdigit() and len(stated) < 10:
                self.row = int(stated)
            else:
                raise SpreadsheetError(NOT_A_WORKBOOK)
            self.row_depth = self.depth
            self.row_cells = 0
        elif local == "si":
            self.strings += 1
            if self.strings > MAX_CELLS:  # more text than cells to hold it
                raise _too_many_cells()
        elif local == "mergeCell":
            self._merged(attributes.get("ref", ""))

    def _merged(self, ref):
        try:
            first_column, first_row, last_column, last_row = range_boundaries(ref)
        except (ValueError, TypeError):
            return  # not a range openpyxl would read either
        if None in (first_column, first_row, last_column, last_row):
            return
        if (first_column, first_row) != (last_column, last_row):
            merged = MergedCells(ref=ref.upper()[:30], first_row=first_row, last_row=last_row)
            self.merged.setdefault(self.name, []).append(merged)

    def end(self, name):
        if self.depth == self.row_depth:
            self.row_depth = -2
        self.depth -= 1
        self.text = 0

    def characters(self, text):
        self.text += len(text)
        if self.text > MAX_CELL_CHARACTERS:
            raise SpreadsheetError(
                f"A cell holds more than {MAX_CELL_CHARACTERS:,} characters, more than "
                "Excel allows."
            )


def normalise_heading(name):
    """A heading as matched: lower case, letters and digits only ("Target date" = "target_date")."""
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


def _keyed(rows, columns, budget):
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise SpreadsheetError("The file is empty.")
    by_name = {}
    for column in columns:
        by_name[normalise_heading(column.key)] = column
        by_name[normalise_heading(column.label)] = column
    positions = {}
    for index, value in enumerate(header):
        column = by_name.get(normalise_heading(value if isinstance(value, str) else None))
        if column and column.key not in positions:
            positions[column.key] = index
    missing = [
        column.label for column in columns if column.required and column.key not in positions
    ]
    if missing:
        raise SpreadsheetError(
            "The first row must name the columns. Missing: " + ", ".join(missing) + "."
        )
    result = []
    for number, row in enumerate(rows, start=2):
        budget.check()
        # Only the columns the header names are read.
        cells = {
            key: read_cell(row[index]) if index < len(row) else Cell(None)
            for key, index in positions.items()
        }
        if any(cell.value is not None for cell in cells.values()):
            result.append(SheetRow(number=number, cells=cells))
    return result


# Dates as UK boards write them. Day first: 03/04/2017 is 3 April.
DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
    "%d %B %y",
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # day 0 of Excel's dates (after its 1900 leap bug)
EXCEL_LAST_SERIAL = 2_958_465  # 31 December 9999
DAY_MONTH_YEAR = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})$")
MONTH_AND_YEAR = re.compile(
    r"^(?:\d{1,2}[/.-]\d{4}|\d{4}[/.-]\d{1,2}|[a-z]{3,9}\.?[\s,-]+'?\d{2}(?:\d{2})?|q[1-4]\s*\d{2,4})$",
    re.IGNORECASE,
)
ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def parse_date(value):
    """A date from an Excel date cell or serial number, or UK/ISO text ("31/03/2017",
    "31-03-2017", "31 March 2017", "31 Mar 2017", "2017-03-31"). A date that is not one, or
    that could be read two ways, raises ValueError saying why."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    elif isinstance(value, datetime.date):
        pass
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = _excel_serial(value)
    else:
        value = _date_from_text(str(value).strip()[:100])
    problem = date_range_error(value)
    if problem:
        raise ValueError(f"{problem}.")
    return value


def _excel_serial(number):
    """The date of an Excel serial number (a date cell stored as a plain number)."""
    if not (math.isfinite(number) and 1 <= number <= EXCEL_LAST_SERIAL):
        raise ValueError(f"“{number:g}” is not a date (use the form 31/03/2017).")
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def _date_from_text(text):
    cleaned = " ".join(ORDINAL.sub("", text).replace(",", " ").split())
    cleaned = re.sub(r"\bsept\b", "sep", cleaned, flags=re.IGNORECASE)
    if stamp := DATE_TIME.match(cleaned):  # a date cell saved to CSV with its time
        cleaned = stamp.group(1)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) == 5:
        return _excel_serial(int(cleaned))  # a date cell saved to CSV as its number
    if MONTH_AND_YEAR.match(cleaned):
        raise ValueError(f"“{text}” is not a date: it has no day. Give the full date (31/03/2017).")
    parts = DAY_MONTH_YEAR.match(cleaned)
    if parts:
        first, second, _ = (int(part) for part in parts.groups())
        if len(parts.group(1)) <= 2 and first <= 12 < second <= 31:
            raise ValueError(
                f"“{text}” is not a date: it reads as month/day/year, as written in the US. "
                "Write the day first (31/03/2017)."
            )
        raise ValueError(f"“{text}” is not a date: there is no such day.")
    raise ValueError(f"“{text}” is not a date (use the form 31/03/2017).")


# What no export carries: the control characters stored text may hold from before they were
# refused (an .xlsx cannot hold them at all), lone surrogates (not UTF-8) and the two
# non-characters XML forbids.
UNEXPORTABLE = re.compile(CONTROL_CHARACTERS.pattern[:-1] + "\ud800-\udfff\ufffe\uffff]")


def neutralise(value):
    """Text as exported: what cannot be written removed, and what a spreadsheet program
    would run as a formula made inert with a leading apostrophe."""
    if not isinstance(value, str):
        return value
    value = UNEXPORTABLE.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def uk_date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def write_csv(header, rows):
    """CSV bytes (UTF-8 with a byte-order mark, so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [uk_date(v) if isinstance(v, datetime.date) else neutralise(v) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(header, rows, *, title, more_sheets=()):
    """An .xlsx workbook with a header row, UK-formatted date cells and no formulas, styled
    as the action plan (spreadsheets/styling.py). `more_sheets` are further sheets, each
    (title, header, rows) or (title, header, rows, style), `style` the keyword arguments of
    `style_sheet` (another status column's words, say)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_title, sheet_header, sheet_rows, *style in ((title, header, rows), *more_sheets):
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.append(sheet_header)
        for row in sheet_rows:
            sheet.append([neutralise(value) for value in row])
        style_sheet(sheet, **(style[0] if style else {}))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
