"""Plan files → lines; every unreadable file → one PlanReadError with a Vietnamese message."""

import codecs
import io
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from bot.domain.plans.readers import MAX_DOCX_BYTES, MAX_TEXT_BYTES, PlanReadError, read_plan_bytes, read_plan_file

TEXT = "KẾ HOẠCH\nChi bộ họp trong tháng 3/2022.\n"
LINES = ["KẾ HOẠCH", "Chi bộ họp trong tháng 3/2022."]


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode(),
        codecs.BOM_UTF8 + TEXT.encode(),
        TEXT.replace("\n", "\r\n").encode(),
        TEXT.encode("utf-16"),  # with its BOM
        unicodedata.normalize("NFD", TEXT).encode(),
    ],
    ids=["utf-8", "utf-8 BOM", "CRLF", "utf-16", "NFD"],
)
def test_plain_text(data: bytes) -> None:
    assert read_plan_bytes(data, "ke-hoach.txt") == LINES


def test_a_legacy_encoding_is_refused_not_guessed() -> None:
    with pytest.raises(PlanReadError, match="UTF-8"):
        read_plan_bytes("Tháng năm 2022".encode("cp1258"), "ke-hoach.txt")


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    document = docx.Document()
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Nội dung", "Thời gian"
    table.cell(1, 0).text, table.cell(1, 1).text = "Họp chi bộ", "Tháng 3/2022"
    table.cell(1, 1).add_paragraph("Chi ủy")  # a cell of two paragraphs: the row is read line by line
    document.add_paragraph("Sau bảng")
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_plan_bytes(buffer.getvalue(), "x.docx") == [
        "Trước bảng",
        "Nội dung | Thời gian",
        "Họp chi bộ",
        "Tháng 3/2022",
        "Chi ủy",
        "Sau bảng",
    ]


def test_a_docx_is_recognised_by_its_content_whatever_its_name() -> None:
    assert read_plan_bytes(docx_bytes("Chi bộ họp"), "tai-lieu") == ["Chi bộ họp"]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def zip_with(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "ke-hoach.txt", "Tệp rỗng"),
        (b"  \r\n\t\n", "ke-hoach.txt", "Tệp rỗng"),
        (docx_bytes("", "   "), "ke-hoach.docx", "Tệp rỗng"),
        (PNG, "ke-hoach.docx", "Tệp .docx bị hỏng"),
        (PNG, "anh.txt", "không phải văn bản"),
        (docx_bytes("Chi bộ")[:500], "cut.docx", "Tệp .docx bị hỏng"),
        (zip_with("hello.txt", b"hi"), "not-word.docx", "Tệp .docx bị hỏng"),
        (zip_with("word/document.xml", b"<not-xml"), "bad-xml.docx", "Tệp .docx bị hỏng"),
        (zip_with("word/document.xml", b" " * (MAX_DOCX_BYTES + 1)), "bomb.docx", "giải nén ra quá lớn"),
        (b"\xd0\xcf\x11\xe0" + bytes(100), "cu.doc", ".doc"),
        (b"%PDF-1.7 ...", "ke-hoach.pdf", "PDF"),
        (b"a" * (MAX_TEXT_BYTES + 1), "big.txt", "quá lớn"),
    ],
    ids=[
        "empty", "blank", "empty docx", "image renamed .docx", "image renamed .txt", "truncated zip",
        "zip without a document", "broken xml", "zip bomb", "word 97", "pdf", "huge text",
    ],
)  # fmt: skip
def test_garbage_raises_one_error_with_a_message_for_the_user(data: bytes, name: str, message: str) -> None:
    with pytest.raises(PlanReadError, match=message):
        read_plan_bytes(data, name)


def test_a_zip_whose_declared_size_lies_is_still_refused() -> None:
    """zipfile never inflates past the declared size: the lie surfaces as a broken file."""
    data = bytearray(docx_bytes("Chi bộ họp"))
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + 17] != b"word/document.xml":
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # declared unpacked size: 10 bytes
    with pytest.raises(PlanReadError, match=r"Tệp \.docx bị hỏng"):
        read_plan_bytes(bytes(data), "lie.docx")


def test_files(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(TEXT.encode())
    assert read_plan_file(path) == LINES
    with pytest.raises(PlanReadError, match=r"Không tìm thấy tệp: khong-co\.txt"):
        read_plan_file(tmp_path / "khong-co.txt")
    with pytest.raises(PlanReadError, match="Không đọc được tệp"):
        read_plan_file(tmp_path)
