"""What an uploaded evidence file really is, read from its bytes: never from its name, nor
from the content type the browser claims.

Accepted: PDF, PNG, JPEG; Word and Excel 97-2003 (.doc, .xls: an OLE2 compound file holding
a WordDocument or Workbook stream); Word and Excel (.docx, .xlsx: a zip package with a
[Content_Types].xml and a word/ or xl/ part); OpenDocument text and spreadsheet (.odt,
.ods: a zip whose `mimetype` member says so). Everything else is refused with the reason:
empty files, programs, archives (a plain .zip, or a .docx that is really one), documents
with macros or a password, and anything unrecognised.

Reading is bounded, whatever the file: its first bytes, a zip's central directory and its
small `mimetype` member, an OLE2 file's directory. Nothing is unpacked.
"""

import zipfile
from dataclasses import dataclass

ACCEPTED = "PDF, Word, Excel, OpenDocument, PNG or JPEG"
# A zip of more members than this is no office document anyone writes.
MAX_ZIP_MEMBERS = 10_000
# An OLE2 directory of more sectors than this (128 entries each at least) is not a document.
MAX_OLE_SECTORS = 2_000


@dataclass(frozen=True)
class Kind:
    label: str  # how the pages name it: "PDF", "Word document"
    content_type: str
    extension: str


PDF = Kind("PDF", "application/pdf", ".pdf")
PNG = Kind("PNG image", "image/png", ".png")
JPEG = Kind("JPEG image", "image/jpeg", ".jpg")
DOC = Kind("Word document", "application/msword", ".doc")
XLS = Kind("Excel spreadsheet", "application/vnd.ms-excel", ".xls")
DOCX = Kind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
)
XLSX = Kind(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
)
ODT = Kind("OpenDocument text", "application/vnd.oasis.opendocument.text", ".odt")
ODS = Kind("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", ".ods")
KINDS = (PDF, PNG, JPEG, DOC, XLS, DOCX, XLSX, ODT, ODS)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_PROGRAMS = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")
_ARCHIVES = (
    b"PK\x05\x06",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
)
_ODF = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}


class FileRefused(ValueError):
    """Why a file cannot be attached, in words for the person who chose it."""


def shown_name(name):
    """A file's name as a message quotes it: printable, and short."""
    name = "".join(char for char in str(name or "") if char.isprintable()).strip()
    name = name or "The file"
    return name if len(name) <= 80 else f"{name[:77]}..."


def identify(upload, name=None):
    """The `Kind` of an uploaded file (a file object, read from its start), or FileRefused."""
    name = shown_name(name if name is not None else getattr(upload, "name", ""))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise FileRefused(f"“{name}” is empty. Choose the file again, or another one.")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_OLE2):
        return _ole_kind(upload, name)
    if head.startswith(_ZIP):
        return _zip_kind(upload, name)
    if head.startswith(_PROGRAMS):
        raise FileRefused(
            f"“{name}” is a program, not a document, whatever its name says. "
            f"Attach a {ACCEPTED} file."
        )
    if head.startswith(_ARCHIVES):
        raise _archive(name)
    raise FileRefused(
        f"“{name}” is not a {ACCEPTED} file: its content is of another kind, whatever its "
        "name says. Save it as one of those and attach that."
    )


def _archive(name):
    return FileRefused(
        f"“{name}” is an archive (such as a .zip), not a document. Attach the documents in it "
        "one by one."
    )


def _damaged(name):
    return FileRefused(
        f"“{name}” cannot be read as a Word, Excel or OpenDocument file: it may be damaged. "
        "Open it, save it again and attach the new copy."
    )


def _macros(name):
    return FileRefused(
        f"“{name}” contains macros, which the tracker does not accept. Save it without "
        "macros (as .docx, .xlsx, .odt or .ods) and attach that."
    )


def _password(name):
    return FileRefused(
        f"“{name}” is protected by a password, so nobody else could open it. Remove the "
        "password and attach it again."
    )


def _zip_kind(upload, name):
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _archive(name)
            names = {member.filename for member in members}
            if any(member.flag_bits & 0x1 for member in members):
                raise _password(name)
            folders = {filename.split("/", 1)[0] for filename in names if "/" in filename}
            if any(filename.lower().endswith("vbaproject.bin") for filename in names) or (
                {"Basic", "Scripts"} & folders
            ):
                raise _macros(name)
            if "[Content_Types].xml" in names:
                if "word" in folders:
                    return DOCX
                if "xl" in folders:
                    return XLSX
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                kind = _ODF.get(archive.read("mimetype").strip())
                if kind is not None:
                    return kind
    except FileRefused:
        raise
    except Exception:  # a hostile zip breaks zipfile in many ways: each means "damaged"
        raise _damaged(name) from None
    finally:
        upload.seek(0)
    raise _archive(name)


def _ole_kind(upload, name):
    try:
        streams = _ole_stream_names(upload)
    except Exception:  # however a hostile compound file breaks the reading
        raise _damaged(name) from None
    finally:
        upload.seek(0)
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise _password(name)
    if "Macros" in streams or "_VBA_PROJECT_CUR" in streams or "VBA" in streams:
        raise _macros(name)
    if "WordDocument" in streams:
        return DOC
    if "Workbook" in streams or "Book" in streams:
        return XLS
    raise FileRefused(
        f"“{name}” is a Microsoft Office file of a kind the tracker does not accept (not Word "
        f"or Excel). Attach a {ACCEPTED} file."
    )


def _ole_stream_names(upload):
    """The names in an OLE2 compound file's directory ([MS-CFB]), following its sector chain."""
    upload.seek(0)
    header = upload.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    shift = int.from_bytes(header[30:32], "little")
    if shift not in (9, 12):
        raise ValueError("sector size")
    size = 1 << shift
    per_sector = size // 4

    def sector(number):
        upload.seek((number + 1) * size)
        data = upload.read(size)
        if len(data) < size:
            raise ValueError("sector past the end")
        return data

    def words(data):
        return [int.from_bytes(data[i : i + 4], "little") for i in range(0, len(data), 4)]

    # The FAT's own sectors: 109 listed in the header, the rest in a chain of DIFAT sectors.
    fat_count = int.from_bytes(header[44:48], "little")
    fat_sectors = [n for n in words(header[76:512]) if n < 0xFFFFFFFA]
    difat = int.from_bytes(header[68:72], "little")
    difat_left = min(int.from_bytes(header[72:76], "little"), MAX_OLE_SECTORS)
    while difat < 0xFFFFFFFA and difat_left > 0 and len(fat_sectors) < fat_count:
        entries = words(sector(difat))
        fat_sectors.extend(n for n in entries[:-1] if n < 0xFFFFFFFA)
        difat, difat_left = entries[-1], difat_left - 1
    fat_cache = {}

    def next_sector(number):
        index, offset = divmod(number, per_sector)
        if index not in fat_cache:
            fat_cache[index] = words(sector(fat_sectors[index]))
        return fat_cache[index][offset]

    names = set()
    current = int.from_bytes(header[48:52], "little")
    for _ in range(MAX_OLE_SECTORS):
        if current >= 0xFFFFFFFA:
            return names
        data = sector(current)
        for start in range(0, size, 128):
            entry = data[start : start + 128]
            length = int.from_bytes(entry[64:66], "little")
            if entry[66] in (1, 2) and 2 <= length <= 64:  # a storage or a stream
                names.add(entry[: length - 2].decode("utf-16-le", "replace"))
        current = next_sector(current)
    raise ValueError("directory chain too long")
