"""Plan files → text lines: plain text and .docx. Anything unreadable raises `PlanReadError`,
whose message is Vietnamese and meant for the person who sent the file."""

import codecs
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from bot.domain.plans.structure import CELL_SEPARATOR, split_lines
from bot.domain.plans.vietnamese import nfc

MAX_TEXT_BYTES = 2 * 1024 * 1024  # a long plan is ~100 KB of text
MAX_DOCX_BYTES = 20 * 1024 * 1024  # the file, and separately the sum of its parts unpacked

_DOCX_PART = "word/document.xml"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Word 97–2003 .doc
_PDF_MAGIC = b"%PDF"


class PlanReadError(Exception):
    """A plan file that cannot be read; `str(error)` tells the user why, in Vietnamese."""


_EMPTY = "Tệp rỗng: không có nội dung kế hoạch để đọc."
_TOO_BIG = "Tệp quá lớn (hơn {mb} MB) — một kế hoạch thường chỉ vài chục trang."
_NOT_UTF8 = (
    "Tệp văn bản không dùng bảng mã UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258). "
    "Hãy mở tệp và lưu lại với bảng mã UTF-8, hoặc gửi tệp .docx."
)
_BINARY = "Tệp không phải văn bản (có thể là ảnh hoặc tệp khác bị đổi tên). Hãy gửi tệp .docx hoặc .txt."
_BROKEN_DOCX = "Tệp .docx bị hỏng hoặc không phải .docx (có thể là ảnh hay tệp khác bị đổi tên)."
_DOCX_BOMB = "Tệp .docx giải nén ra quá lớn (hơn {mb} MB) nên không đọc, để an toàn."
_OLD_DOC = "Định dạng .doc (Word 97–2003) chưa đọc được: hãy lưu lại thành .docx rồi gửi lại."
_PDF = "Chưa đọc được tệp PDF: hãy gửi bản .docx hoặc .txt của kế hoạch."
_MISSING = "Không tìm thấy tệp: {name}."
_UNREADABLE = "Không đọc được tệp: {name}."


def _megabytes(limit: int) -> int:
    return limit // (1024 * 1024)


def text_lines(data: bytes) -> list[str]:
    """UTF-8 (with or without BOM) or UTF-16 with BOM. Legacy Vietnamese encodings are refused
    rather than guessed: a wrong guess turns every date and name into mojibake."""
    if len(data) > MAX_TEXT_BYTES:
        raise PlanReadError(_TOO_BIG.format(mb=_megabytes(MAX_TEXT_BYTES)))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in data:
        raise PlanReadError(_BINARY)
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise PlanReadError(_NOT_UTF8) from error
    return split_lines(nfc(text))


def _check_archive(data: bytes) -> None:
    """Refuse non-zips and zip bombs from the declared sizes, before any part is inflated
    (zipfile never inflates a part past its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise PlanReadError(_BROKEN_DOCX) from error
    if sum(part.file_size for part in parts) > MAX_DOCX_BYTES:
        raise PlanReadError(_DOCX_BOMB.format(mb=_megabytes(MAX_DOCX_BYTES)))
    if _DOCX_PART not in {part.filename for part in parts}:
        raise PlanReadError(_BROKEN_DOCX)


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
        raise PlanReadError(_TOO_BIG.format(mb=_megabytes(MAX_DOCX_BYTES)))
    _check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [nfc(line) for line in _block_lines(document.iter_inner_content())]
    except Exception as error:  # python-docx and lxml raise many types on malformed parts
        raise PlanReadError(_BROKEN_DOCX) from error
    if sum(map(len, lines)) > MAX_TEXT_BYTES:
        raise PlanReadError(_TOO_BIG.format(mb=_megabytes(MAX_TEXT_BYTES)))
    return lines


def read_plan_bytes(data: bytes, filename: str) -> list[str]:
    """The text lines of a plan received as bytes (e.g. a Telegram document)."""
    suffix = Path(filename).suffix.lower()
    if not data.strip():
        raise PlanReadError(_EMPTY)
    if data.startswith(_ZIP_MAGIC) or suffix == ".docx":
        lines = docx_lines(data)
    elif data.startswith(_OLE_MAGIC) or suffix == ".doc":
        raise PlanReadError(_OLD_DOC)
    elif data.startswith(_PDF_MAGIC) or suffix == ".pdf":
        raise PlanReadError(_PDF)
    else:
        lines = text_lines(data)
    if not any(line.strip() for line in lines):
        raise PlanReadError(_EMPTY)
    return lines


def read_plan_file(path: Path) -> list[str]:
    """The text lines of a plan file (.docx or plain text)."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCX_BYTES:
            raise PlanReadError(_TOO_BIG.format(mb=_megabytes(MAX_DOCX_BYTES)))
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise PlanReadError(_MISSING.format(name=path.name)) from error
    except OSError as error:
        raise PlanReadError(_UNREADABLE.format(name=path.name)) from error
    return read_plan_bytes(data, path.name)
