"""Plan files → text lines: plain text and .docx here; `file_kind` names the kinds read elsewhere (PDF in
pdf.py, and scans, photos and .doc through the tools the services run). Anything unreadable raises
`PlanReadError`, whose code (with its parameters) the handlers and the command line turn into Vietnamese
through templates.

A .docx is a zip archive, and a hostile one may unpack to gigabytes from a few kilobytes. Before python-docx
opens it, every part is checked twice: the sizes the central directory declares, and then the bytes each
part really inflates to, counted while inflating it in small pieces that are thrown away — declared sizes
can lie, and nothing here ever holds more than one piece of a part in memory.
"""

import codecs
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from bot.domain.plans.structure import CELL_SEPARATOR, split_lines
from bot.domain.plans.vietnamese import nfc

MAX_TEXT_BYTES = 1024 * 1024  # a long plan is ~100 KB of text; reading a megabyte takes seconds already
MAX_DOCX_BYTES = 20 * 1024 * 1024  # the file (Telegram lets a bot download at most 20 MB)
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # the sum of its parts unpacked
MAX_PARTS = 2000  # a .docx has a few dozen parts; each one costs memory to list
_INFLATE_CHUNK = 64 * 1024

_DOCX_PART = "word/document.xml"
_ZIP_MAGIC = b"PK\x03\x04"
_CENTRAL_MAGIC = b"PK\x01\x02"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Word 97–2003 .doc (and the other old Office formats)
_PDF_MAGIC = b"%PDF"
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then (past the fixed fields) name and extra lengths
# Files that are certainly not a plan's text, named by their suffix; their content is not tried as text.
# Photos and scans of pages, read with OCR (what Tesseract's image library opens).
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"})
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
_NOT_PLAN_SUFFIXES = frozenset({
    ".heic", ".svg", ".ico",
    ".exe", ".dll", ".msi", ".apk", ".bat", ".cmd", ".sh", ".jar", ".bin", ".iso", ".dmg",
    ".zip", ".rar", ".7z", ".gz", ".tar", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
    ".mp3", ".mp4", ".m4a", ".ogg", ".oga", ".wav", ".mov", ".avi", ".mkv", ".webm",
})  # fmt: skip


class PlanReadError(Exception):
    """A plan file that cannot be read: `code` names why (the templates' `read_problem` says it in Vietnamese)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _megabytes(limit: int) -> int:
    return limit // (1024 * 1024)


def _too_big(limit: int) -> PlanReadError:
    return PlanReadError("too_big", mb=_megabytes(limit))


def text_lines(data: bytes) -> list[str]:
    """UTF-8 (with or without BOM) or UTF-16 with BOM. Legacy Vietnamese encodings are refused
    rather than guessed: a wrong guess turns every date and name into mojibake."""
    if len(data) > MAX_TEXT_BYTES:
        raise _too_big(MAX_TEXT_BYTES)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in data:
        raise PlanReadError("binary")
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise PlanReadError("not_utf8") from error
    return split_lines(nfc(text))


def _inflated_size(raw: memoryview, budget: int) -> int:
    """How many bytes a raw deflate stream unpacks to, counted in pieces; stops once past `budget`."""
    inflater, total = zlib.decompressobj(-zlib.MAX_WBITS), 0
    for at in range(0, len(raw), _INFLATE_CHUNK):
        pending = raw[at : at + _INFLATE_CHUNK]
        while pending:
            total += len(inflater.decompress(pending, _INFLATE_CHUNK))
            if total > budget or inflater.eof:
                return total
            pending = inflater.unconsumed_tail
    while not inflater.eof and total <= budget:  # what the last piece of input still holds
        if not (piece := inflater.decompress(b"", _INFLATE_CHUNK)):
            break
        total += len(piece)
    return total


def _part_size(data: bytes, part: zipfile.ZipInfo, budget: int) -> int:
    """The bytes `part` really unpacks to (at most a little past `budget`), read from its own local header."""
    if part.flag_bits & 0x1:  # encrypted
        raise PlanReadError("broken_docx")
    offset = part.header_offset
    if offset < 0 or offset + _LOCAL_HEADER.size > len(data):
        raise PlanReadError("broken_docx")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, offset)
    if signature != _ZIP_MAGIC:
        raise PlanReadError("broken_docx")
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = memoryview(data)[start : start + part.compress_size]
    if part.compress_type == zipfile.ZIP_STORED:
        return len(raw)
    if part.compress_type != zipfile.ZIP_DEFLATED:  # Word writes nothing else
        raise PlanReadError("broken_docx")
    try:
        return _inflated_size(raw, budget)
    except zlib.error as error:
        raise PlanReadError("broken_docx") from error


def _check_archive(data: bytes) -> None:
    """Refuse non-zips and zip bombs before python-docx inflates anything: first from the declared sizes,
    then by inflating every part with a running budget for all of them together."""
    if data.count(_CENTRAL_MAGIC) > MAX_PARTS:
        raise PlanReadError("docx_parts", limit=MAX_PARTS)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception as error:  # zipfile raises BadZipFile, OSError, ValueError, EOFError… on garbage
        raise PlanReadError("broken_docx") from error
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise PlanReadError("docx_bomb", mb=_megabytes(MAX_UNPACKED_BYTES))
    if _DOCX_PART not in {part.filename for part in parts}:
        raise PlanReadError("broken_docx")
    budget = MAX_UNPACKED_BYTES
    for part in parts:
        budget -= _part_size(data, part, budget)
        if budget < 0:
            raise PlanReadError("docx_bomb", mb=_megabytes(MAX_UNPACKED_BYTES))


def _distinct_cells(row: _Row) -> list[_Cell]:
    """The row's cells, once each: a merged cell repeats in every grid column it spans."""
    cells: list[_Cell] = []
    for cell in row.cells:
        if not cells or cell.text != cells[-1].text:
            cells.append(cell)
    return cells


def _table_lines(table: Table) -> Iterator[str]:
    """A row of one-line cells is one line (`1 | Nội dung | Tháng 3/2022 | Chi ủy`), so a task
    stays with its time and owner; cells holding several paragraphs are read one by one."""
    for row in table.rows:
        cells = _distinct_cells(row)
        filled = [text for cell in cells if (text := cell.text.strip())]
        if len(filled) > 1 and not any("\n" in text for text in filled):
            yield CELL_SEPARATOR.join(filled)
            continue
        for cell in cells:
            yield from _block_lines(cell.iter_inner_content())


def _block_lines(blocks: Iterator[Paragraph | Table]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from block.text.split("\n")  # a line break inside a paragraph
        else:
            yield from _table_lines(block)


def docx_lines(data: bytes) -> list[str]:
    """Paragraphs and table cells of a .docx, in document order."""
    if len(data) > MAX_DOCX_BYTES:
        raise _too_big(MAX_DOCX_BYTES)
    _check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [nfc(line) for line in _block_lines(document.iter_inner_content())]
    except Exception as error:  # python-docx and lxml raise many types on malformed parts
        raise PlanReadError("broken_docx") from error
    if sum(map(len, lines)) > MAX_TEXT_BYTES:
        raise _too_big(MAX_TEXT_BYTES)
    return lines


def _is_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def file_kind(data: bytes, filename: str) -> str:
    """"docx", "text", "pdf", "doc" (Word 97–2003) or "image", from the content first and the name second;
    a file of a kind no plan comes in raises `wrong_type`, an empty one `empty`."""
    suffix = Path(filename).suffix.lower()
    if not data.strip():
        raise PlanReadError("empty")
    if suffix == ".docx" or (data.startswith(_ZIP_MAGIC) and suffix not in _NOT_PLAN_SUFFIXES | IMAGE_SUFFIXES):
        return "docx"
    if _is_image(data):
        return "image"
    if suffix in _NOT_PLAN_SUFFIXES | IMAGE_SUFFIXES:
        raise PlanReadError("wrong_type", suffix=suffix)
    if data.startswith(_OLE_MAGIC) or suffix == ".doc":
        return "doc"
    if data.startswith(_PDF_MAGIC) or suffix == ".pdf":
        return "pdf"
    return "text"


def read_plan_bytes(data: bytes, filename: str) -> list[str]:
    """The text lines of a .docx or plain-text plan received as bytes (e.g. a Telegram document); the
    other kinds (see `file_kind`) raise `needs_tools` with the kind: the services read those."""
    kind = file_kind(data, filename)
    if kind == "docx":
        lines = docx_lines(data)
    elif kind == "text":
        lines = text_lines(data)
    else:
        raise PlanReadError("needs_tools", kind=kind)
    if not any(line.strip() for line in lines):
        raise PlanReadError("empty")
    return lines


def read_plan_file(path: Path) -> list[str]:
    """The text lines of a plan file (.docx or plain text)."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCX_BYTES:
            raise _too_big(MAX_DOCX_BYTES)
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise PlanReadError("missing", name=path.name) from error
    except OSError as error:
        raise PlanReadError("unreadable", name=path.name) from error
    return read_plan_bytes(data, path.name)
