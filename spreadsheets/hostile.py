"""The worst uploads we can make, each within the upload size limit.

Used by the tests (tests/spreadsheets/test_bounded_reading.py) and by
`manage.py bench_uploads`, which measures the time and peak memory of refusing each one.
Every file is a real .xlsx (a zip) or CSV, built in memory.
"""

import io
import zipfile

from openpyxl import Workbook

HEADER = ["Number", "Last update", "Status", "Latest narrative"]
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook_bytes(rows):
    """A plain .xlsx, as openpyxl writes it, of `rows` (lists of values)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_members(data, members):
    """The workbook `data` with the zip members in `members` (name -> bytes or chunks) replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info, source.read(info.filename))
        for name, content in members.items():
            with target.open(name, "w", force_zip64=True) as member:
                for chunk in [content] if isinstance(content, bytes) else content:
                    member.write(chunk)
    return buffer.getvalue()


def with_content_types(data, extra):
    """Declare an extra part (e.g. shared strings) in [Content_Types].xml."""
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").replace(b"</Types>", extra + b"</Types>")
    return with_members(data, {"[Content_Types].xml": types})


def sheet_xml(*rows, prolog=b""):
    """Sheet XML around pre-built row elements (bytes or iterables of bytes)."""
    yield b'<?xml version="1.0" encoding="UTF-8"?>' + prolog
    yield f"<worksheet {MAIN}><sheetData>".encode()
    for row in rows:
        if isinstance(row, bytes):
            yield row
        else:
            yield from row
    yield b"</sheetData></worksheet>"


def header_row():
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER)
    )
    return f'<row r="1">{cells}</row>'.encode()


def wide_row(cells, *, number=3, batch=10_000):
    """One row of `cells` inline-string cells with no references: about 38 bytes each."""
    yield f'<row r="{number}">'.encode()
    cell = b'<c t="inlineStr"><is><t>x</t></is></c>'
    for start in range(0, cells, batch):
        yield cell * min(batch, cells - start)
    yield b"</row>"


def wide_row_xlsx(cells=2_000_000):
    """The review's file: a header, then a row of `cells` inline strings (about 226 KB)."""
    base = workbook_bytes([HEADER])
    return with_members(base, {SHEET: sheet_xml(header_row(), wide_row(cells))})


def many_wide_rows_xlsx(rows=2000, cells=500):
    """Every row as wide as a row may be, and as many rows as a file may have."""
    base = workbook_bytes([HEADER])
    return with_members(
        base,
        {SHEET: sheet_xml(header_row(), *(wide_row(cells, number=n) for n in range(2, rows + 2)))},
    )


def at_every_bound_xlsx(rows=200, cells=500, characters=400):
    """Just inside every bound: 100,000 cells of text, about 45 MB unpacked."""
    base = workbook_bytes([HEADER])
    text = ("Training delivered to taxi drivers; " * 20)[:characters].encode()
    cell = b'<c t="inlineStr"><is><t>' + text + b"</t></is></c>"

    def body():
        yield header_row()
        for n in range(2, rows + 1):
            yield f'<row r="{n}">'.encode() + cell * cells + b"</row>"

    return with_members(base, {SHEET: sheet_xml(body())})


def junk_elements_xlsx(elements=490_000):
    """Elements a sheet may carry that are not cells, as many as the bounds allow."""
    base = workbook_bytes([HEADER])

    def body():
        yield header_row()
        yield b"</sheetData><extLst>"
        for start in range(0, elements, 10_000):
            yield b"<ext/>" * min(10_000, elements - start)
        yield b"</extLst><sheetData>"

    return with_members(base, {SHEET: sheet_xml(body())})


def junk_in_a_row_xlsx(elements=490_000):
    """A row of elements that are not cells (openpyxl reads each as one)."""
    base = workbook_bytes([HEADER])
    row = (b'<row r="2">', b"<x/>" * elements, b"</row>")
    return with_members(base, {SHEET: sheet_xml(header_row(), row)})


def full_progress_xlsx(rows=2000, recommendations=38):
    """The largest ordinary upload: the row limit of progress updates, each of 2,000 characters."""
    narrative = ("Delivered to plan; the audit of cases shows improvement. " * 40)[:2000]
    return workbook_bytes(
        [
            HEADER,
            *(
                [n % recommendations + 1, "30/11/2016", "Green", f"{n}. {narrative}"]
                for n in range(rows)
            ),
        ]
    )


def long_shared_strings_xlsx():
    """Just inside the bounds: 100,000 shared strings of 440 characters, 45 MB unpacked."""
    return shared_strings_xlsx(strings=100_000, text=b"Training delivered to drivers. " * 14)


def full_progress_csv(rows=2000, recommendations=38):
    """The row limit of progress updates as CSV, each as long as 2 MB allows."""
    narrative = ("Delivered to plan; the audit of cases shows improvement. " * 20)[:1000]
    lines = [",".join(HEADER)]
    lines += [f"{n % recommendations + 1},30/11/2016,Green,{n}. {narrative}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def renamed_sheet_xlsx(cells=1_000_000):
    """The sheet under a name that does not end in .xml (the workbook's links may name any)."""
    base = workbook_bytes([HEADER])
    source = zipfile.ZipFile(io.BytesIO(base))
    rels = source.read("xl/_rels/workbook.xml.rels").replace(b"sheet1.xml", b"sheet1.bin")
    renamed = with_members(base, {"xl/_rels/workbook.xml.rels": rels})
    renamed = _without(renamed, SHEET)
    return with_members(
        renamed, {"xl/worksheets/sheet1.bin": sheet_xml(header_row(), wide_row(cells))}
    )


def _without(data, name):
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
    return buffer.getvalue()


def many_rows_xlsx(rows=200_000):
    """Rows far beyond the row limit, each small."""
    base = workbook_bytes([HEADER])

    def body():
        yield header_row()
        for start in range(2, rows + 2, 1000):
            yield b"".join(
                f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode()
                for n in range(start, min(start + 1000, rows + 2))
            )

    return with_members(base, {SHEET: sheet_xml(body())})


def zip_bomb_xlsx(megabytes=1024):
    """A sheet that inflates to `megabytes` of whitespace inside a cell's text."""
    base = workbook_bytes([HEADER])
    chunk = b" " * (1024 * 1024)

    def body():
        yield header_row()
        yield b'<row r="2"><c r="D2" t="inlineStr"><is><t>'
        for _ in range(megabytes):
            yield chunk
        yield b"</t></is></c></row>"

    return with_members(base, {SHEET: sheet_xml(body())})


def shared_strings_xlsx(strings=3_000_000, text=b"x"):
    """A shared-strings table of `strings` strings (each `text`) that no cell uses."""
    base = workbook_bytes([HEADER, [1, "30/11/2016", "Green", "A position."]])
    base = with_content_types(
        base,
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
    )
    rels = zipfile.ZipFile(io.BytesIO(base)).read("xl/_rels/workbook.xml.rels")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )

    def table():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN}>'.encode()
        for start in range(0, strings, 10_000):
            yield (b"<si><t>" + text + b"</t></si>") * min(10_000, strings - start)
        yield b"</sst>"

    return with_members(base, {"xl/_rels/workbook.xml.rels": rels, STRINGS: table()})


def huge_shared_string_xlsx(megabytes=500):
    """One shared string of `megabytes` of whitespace, used by a cell."""
    data = shared_strings_xlsx(strings=0)
    chunk = b"y" * (1024 * 1024)

    def table():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN}><si><t>'.encode()
        for _ in range(megabytes):
            yield chunk
        yield b"</t></si></sst>"

    sheet = sheet_xml(header_row(), b'<row r="2"><c r="D2" t="s"><v>0</v></c></row>')
    return with_members(data, {STRINGS: table(), SHEET: sheet})


ENTITY_PROLOG = (
    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'.encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"]>"
)


def entities_xlsx():
    """Nested entities (a billion laughs) used in a cell."""
    base = workbook_bytes([HEADER])
    row = b'<row r="2"><c r="D2" t="inlineStr"><is><t>&i;</t></is></c></row>'
    return with_members(base, {SHEET: sheet_xml(header_row(), row, prolog=ENTITY_PROLOG)})


def external_entity_xlsx():
    """A DTD with an external entity naming a local file."""
    base = workbook_bytes([HEADER])
    prolog = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    row = b'<row r="2"><c r="D2" t="inlineStr"><is><t>&x;</t></is></c></row>'
    return with_members(base, {SHEET: sheet_xml(header_row(), row, prolog=prolog)})


def malformed_xlsx():
    """Sheet XML cut off in the middle of a row."""
    base = workbook_bytes([HEADER])
    return with_members(
        base,
        {SHEET: b"<?xml version='1.0'?><worksheet " + MAIN.encode() + b"><sheetData><row r='1'><c"},
    )


def wide_csv(cells=1_000_000):
    """A CSV whose second line has `cells` empty fields (about 1 MB)."""
    return (",".join(HEADER) + "\n1" + "," * cells + "\n").encode()


def many_rows_csv(rows=500_000):
    return (",".join(HEADER) + "\n" + "1\n" * rows).encode()


# Files inside every bound: read in full (and planned), then accepted or refused by row.
LARGEST_FILES = {
    "100,000 cells of 400 characters, 45 MB unpacked (.xlsx)": (at_every_bound_xlsx, "plan.xlsx"),
    "490,000 elements that are not cells (.xlsx)": (junk_elements_xlsx, "plan.xlsx"),
    "100,000 shared strings, 45 MB unpacked (.xlsx)": (long_shared_strings_xlsx, "plan.xlsx"),
    "2,000 progress updates of 2,000 characters (.xlsx)": (full_progress_xlsx, "plan.xlsx"),
    "2,000 progress updates of 1,000 characters, 2 MB (.csv)": (full_progress_csv, "plan.csv"),
}

HOSTILE_FILES = {
    "2,000,000 inline-string cells in one row (.xlsx)": (wide_row_xlsx, "plan.xlsx"),
    "200,000 rows (.xlsx)": (many_rows_xlsx, "plan.xlsx"),
    "1,000,000 cells in a sheet not named .xml (.xlsx)": (renamed_sheet_xlsx, "plan.xlsx"),
    "490,000 elements in one row that are not cells (.xlsx)": (junk_in_a_row_xlsx, "plan.xlsx"),
    "2,000 rows of 500 cells (.xlsx)": (many_wide_rows_xlsx, "plan.xlsx"),
    "1 GB of whitespace in a cell: zip bomb (.xlsx)": (zip_bomb_xlsx, "plan.xlsx"),
    "3,000,000 shared strings (.xlsx)": (shared_strings_xlsx, "plan.xlsx"),
    "one 500 MB shared string (.xlsx)": (huge_shared_string_xlsx, "plan.xlsx"),
    "nested entities: a billion laughs (.xlsx)": (entities_xlsx, "plan.xlsx"),
    "external entity (.xlsx)": (external_entity_xlsx, "plan.xlsx"),
    "malformed sheet XML (.xlsx)": (malformed_xlsx, "plan.xlsx"),
    "1,000,000 fields in one line (.csv)": (wide_csv, "plan.csv"),
    "500,000 lines (.csv)": (many_rows_csv, "plan.csv"),
}
