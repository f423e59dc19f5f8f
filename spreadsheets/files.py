"""Reading and writing the spreadsheets boards already use: CSV and Excel (.xlsx).

Reading turns an upload into rows of text keyed by column, refusing what is not a
spreadsheet, too large, or holds formulas. Writing neutralises text that a spreadsheet
program would run as a formula.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def read_rows(upload, columns):
    """Read an uploaded CSV or .xlsx file into `SheetRow`s for the given columns.

    The first row holds the column names (matched without regard to case, spaces or
    punctuation); unknown columns are ignored; required columns must be present.
    """
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
            "Split it, or remove what is not needed."
        )
    if not data.strip():
        raise SpreadsheetError("The file is empty.")
    name = (getattr(upload, "name", "") or "").lower()
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif name.endswith(".xlsx"):
        raise SpreadsheetError("The file is not a valid Excel workbook (.xlsx).")
    elif name.endswith((".csv", ".txt")) or not name:
        rows = _csv_rows(data)
    else:
        raise SpreadsheetError("The file must be a CSV file or an Excel workbook (.xlsx).")
    return _keyed(rows, columns)


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
            yield [Cell(_text(value)) for value in row]
    except csv.Error as error:
        raise SpreadsheetError(f"The CSV file cannot be read: {error}.") from error


def _text(value):
    value = value.strip()
    # An apostrophe before =, +, - or @ is how our exports neutralise formulas: undo it.
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        value = value[1:]
    return value or None


def _xlsx_rows(data):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SpreadsheetError("The file is not a valid Excel workbook (.xlsx).") from error
    try:
        sheet = workbook.worksheets[0]
        for index, row in enumerate(sheet.iter_rows()):
            if index > MAX_ROWS:
                raise SpreadsheetError(f"The workbook has more than {MAX_ROWS} rows.")
            yield [_xlsx_cell(cell) for cell in row]
    finally:
        workbook.close()


def _xlsx_cell(cell):
    value = getattr(cell, "value", None)
    is_formula = getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=")
    )
    if isinstance(value, str):
        value = _text(value)
    return Cell(value, is_formula=is_formula)


def _normalise(name):
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


def _keyed(rows, columns):
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise SpreadsheetError("The file is empty.")
    by_name = {}
    for column in columns:
        by_name[_normalise(column.key)] = column
        by_name[_normalise(column.label)] = column
    positions = {}
    for index, cell in enumerate(header):
        column = by_name.get(_normalise(cell.value))
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
        cells = {
            key: row[index] if index < len(row) else Cell(None) for key, index in positions.items()
        }
        if any(cell.value is not None for cell in cells.values()):
            result.append(SheetRow(number=number, cells=cells))
    return result


def parse_date(value):
    """A date from an Excel date cell or UK/ISO text ("31/03/2017", "31 March 2017")."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date (use the form 31/03/2017).")


def neutralise(value):
    """Text a spreadsheet program would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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


def write_xlsx(header, rows, *, title):
    """An .xlsx workbook with a header row, UK-formatted date cells and no formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
