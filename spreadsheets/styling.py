"""How every .xlsx the tracker writes looks: like the action plan a board keeps by hand.

A bold header that stays in view, columns as wide as what they hold (within bounds), long
text wrapped, filters on the headings, dates as real dates shown day first, and the
tracker's status words as a drop-down list in the status column, on spare rows too, so that
a row added by hand is in a word the importers read.
"""

import datetime

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from recommendations.models import Status

UK_DATE_FORMAT = "DD/MM/YYYY"
MIN_WIDTH = 8
# A column whose longest text is wider than MAX_WIDTH is wrapped rather than cut off.
MAX_WIDTH = 60
DATE_WIDTH = 12
STATUS_HEADING = "Status"
STATUS_WORDS = [status.label for status in Status]
# Rows below the data that keep the status list, for updates added to the sheet by hand.
SPARE_ROWS = 200
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


def style_sheet(
    sheet,
    *,
    header_row=1,
    status_heading=STATUS_HEADING,
    status_words=STATUS_WORDS,
    spare_rows=SPARE_ROWS,
):
    """Style a sheet whose headings are in `header_row` and whose data follows them; the
    column headed `status_heading` (if any) offers `status_words` as a drop-down list."""
    last_column = sheet.max_column
    last_row = max(sheet.max_row, header_row)
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    status_column = None
    for index in range(1, last_column + 1):
        letter = get_column_letter(index)
        heading = sheet.cell(row=header_row, column=index)
        heading.font = Font(bold=True)
        heading.fill = HEADER_FILL
        heading.alignment = wrapped
        if isinstance(heading.value, str) and heading.value.strip() == status_heading:
            status_column = letter
        cells = [sheet.cell(row=row, column=index) for row in range(header_row + 1, last_row + 1)]
        widest = _width(heading.value)
        for cell in cells:
            if isinstance(cell.value, datetime.date):
                cell.number_format = UK_DATE_FORMAT
            widest = max(widest, _width(cell.value))
        wrap = widest > MAX_WIDTH
        for cell in cells:
            cell.alignment = wrapped if wrap else top
        sheet.column_dimensions[letter].width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(last_column)}{last_row}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if status_column is not None:
        _status_list(sheet, status_column, header_row + 1, last_row + spare_rows, status_words)


def _width(value):
    """The characters a value needs on its longest line."""
    if value is None:
        return 0
    if isinstance(value, datetime.date):
        return DATE_WIDTH
    return max((len(line) for line in str(value).splitlines()), default=0)


def _status_list(sheet, column, first_row, last_row, words):
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(words) + '"',
        allow_blank=True,
        showDropDown=False,  # (sic) openpyxl's False shows the in-cell drop-down
        showErrorMessage=True,
        errorTitle="Not a status",
        error="Choose one of the tracker's statuses from the list.",
        promptTitle="Status",
        prompt="Choose from the list.",
        showInputMessage=True,
    )
    validation.add(f"{column}{first_row}:{column}{last_row}")
    sheet.add_data_validation(validation)
