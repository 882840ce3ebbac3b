"""Plan files → lines; every unreadable file → one PlanReadError whose code renders as a Vietnamese message."""

import codecs
import io
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from bot.domain.plans.readers import (
    MAX_DOCX_BYTES,
    MAX_PARTS,
    MAX_TEXT_BYTES,
    MAX_UNPACKED_BYTES,
    PlanReadError,
    file_kind,
    read_plan_bytes,
    read_plan_file,
)
from bot.texts import plain
from tests.hostile import docx_bomb, inflated_size, rezip

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


def said(error: PlanReadError) -> str:
    """What the person who sent the file is told."""
    return plain("plans", "read_problem", code=error.code, params=error.params)


def test_a_legacy_encoding_is_refused_not_guessed() -> None:
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes("Tháng năm 2022".encode("cp1258"), "ke-hoach.txt")
    assert caught.value.code == "not_utf8" and "UTF-8" in said(caught.value)


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
        (docx_bytes("Chi bộ")[:500], "cut.docx", "Tệp .docx bị hỏng"),
        (zip_with("hello.txt", b"hi"), "not-word.docx", "Tệp .docx bị hỏng"),
        (zip_with("word/document.xml", b"<not-xml"), "bad-xml.docx", "Tệp .docx bị hỏng"),
        (zip_with("word/document.xml", b" " * (MAX_UNPACKED_BYTES + 1)), "bomb.docx", "giải nén ra quá lớn"),
        (b"a" * (MAX_TEXT_BYTES + 1), "big.txt", "quá lớn"),
    ],
    ids=[
        "empty", "blank", "empty docx", "image renamed .docx", "truncated zip",
        "zip without a document", "broken xml", "zip bomb", "huge text",
    ],
)  # fmt: skip
def test_garbage_raises_one_error_with_a_message_for_the_user(data: bytes, name: str, message: str) -> None:
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(data, name)
    assert message in said(caught.value)


def test_a_zip_whose_declared_size_lies_is_still_refused() -> None:
    """zipfile never inflates past the declared size: the lie surfaces as a broken file."""
    data = bytearray(docx_bytes("Chi bộ họp"))
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + 17] != b"word/document.xml":
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # declared unpacked size: 10 bytes
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(bytes(data), "lie.docx")
    assert said(caught.value).startswith("Tệp .docx bị hỏng")


def test_files(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(TEXT.encode())
    assert read_plan_file(path) == LINES
    with pytest.raises(PlanReadError) as caught:
        read_plan_file(tmp_path / "khong-co.txt")
    assert said(caught.value) == "Không tìm thấy tệp: khong-co.txt."
    with pytest.raises(PlanReadError) as caught:
        read_plan_file(tmp_path)
    assert said(caught.value).startswith("Không đọc được tệp")


# --- zip bombs: a few kilobytes or a megabyte that unpack to gigabytes ---------------------------------------

GIB = 1 << 30


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """1.1 GiB of blanks in word/document.xml, honestly declared; about 1.1 MB on the wire."""
    return docx_bomb(1100)


@pytest.fixture(scope="module")
def lying_bomb() -> bytes:
    """The same archive, its central directory and local header claiming 2,000 bytes."""
    return docx_bomb(1100, declared=2000)


def refusal_and_peak(data: bytes) -> tuple[PlanReadError, int]:
    """The refusal, and the most memory Python allocated while reading (tracemalloc counts zlib's output too)."""
    tracemalloc.start()
    try:
        with pytest.raises(PlanReadError) as caught:
            read_plan_bytes(data, "ke-hoach.docx")
        return caught.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_bombs_are_what_they_claim(bomb: bytes, lying_bomb: bytes) -> None:
    """The bomb is a real .docx that unpacks to more than a gigabyte (counted by streaming it, never held)."""
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        part = archive.getinfo("word/document.xml")
    assert part.file_size > GIB and part.compress_size < 1_200_000 and len(bomb) < 1_300_000
    with zipfile.ZipFile(io.BytesIO(lying_bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 2000
    assert inflated_size(lying_bomb) == part.file_size > GIB
    small = docx.Document(io.BytesIO(docx_bomb(1)))  # the same recipe, small: Word's format, it opens
    assert small.paragraphs[0].text == " " * (1 << 20)


def test_a_bomb_is_refused_from_its_declared_sizes(bomb: bytes) -> None:
    error, peak = refusal_and_peak(bomb)
    assert error.code == "docx_bomb"
    assert said(error) == "Tệp .docx giải nén ra quá lớn (hơn 20 MB) nên không đọc, để an toàn."
    assert peak < 1 << 20


def test_a_bomb_that_lies_about_its_size_is_refused_by_counting_what_it_inflates_to(lying_bomb: bytes) -> None:
    """Declared sizes can lie: every part is inflated in 64 KB pieces that are thrown away, up to the budget."""
    error, peak = refusal_and_peak(lying_bomb)
    assert error.code == "docx_bomb"
    assert peak < 2 << 20  # not the 20 MB budget, let alone the gigabyte


def docx_document_xml() -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx_bytes("Chi bộ họp"))) as archive:
        return archive.read("word/document.xml")


def test_the_budget_is_for_all_parts_together() -> None:
    parts = {f"word/media/image{n}.png": b"\x00" * (MAX_UNPACKED_BYTES // 8) for n in range(10)}
    data = bytearray(rezip({"word/document.xml": docx_document_xml(), **parts}))
    for n in range(10):  # each part claims 1 KB
        name = f"word/media/image{n}.png".encode()
        central = data.find(b"PK\x01\x02")
        while data[central + 46 : central + 46 + len(name)] != name:
            central = data.find(b"PK\x01\x02", central + 4)
        data[central + 24 : central + 28] = (1024).to_bytes(4, "little")
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(bytes(data), "anh.docx")
    assert caught.value.code == "docx_bomb"


def test_a_file_over_the_size_limit_is_not_opened() -> None:
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(b"PK\x03\x04" + bytes(MAX_DOCX_BYTES), "to.docx")
    assert caught.value.code == "too_big" and said(caught.value).startswith("Tệp quá lớn (hơn 20 MB)")


def test_an_archive_of_too_many_parts_is_not_listed() -> None:
    data = rezip({"word/document.xml": docx_document_xml(), **{f"x/{n}": b"" for n in range(MAX_PARTS + 1)}})
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(data, "nhieu.docx")
    assert caught.value.code == "docx_parts" and "quá nhiều phần" in said(caught.value)


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ\x90\x00" + bytes(100), "setup.exe", "wrong_type"),
        (b"not an image", "anh.png", "wrong_type"),
        (docx_bytes("Chi bộ họp tháng 12/2026"), "bang.xlsx", "wrong_type"),
        (b"\xd0\xcf\x11\xe0" + bytes(100), "bang.xls", "wrong_type"),
        (docx_bytes("Chi bộ họp tháng 12/2026")[:-30], "cut.docx", "broken_docx"),
        (zip_with("[Content_Types].xml", b"<Types/>"), "khong-word.docx", "broken_docx"),
        (zip_with("word/document.xml", b"<w:document><w:body><w:p>"), "xml-hong.docx", "broken_docx"),
    ],
    ids=["exe", "a .png that is no image", "a docx named .xlsx", "xls", "cut short", "no document", "bad xml"],
)
def test_files_of_the_wrong_kind_say_so(data: bytes, name: str, code: str) -> None:
    with pytest.raises(PlanReadError) as caught:
        read_plan_bytes(data, name)
    assert caught.value.code == code
    if code == "wrong_type":
        assert said(caught.value).startswith(f"Tệp {Path(name).suffix} không phải một kế hoạch tôi đọc được.")


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"\xd0\xcf\x11\xe0" + bytes(100), "cu.doc", "doc"),
        (b"%PDF-1.7 ...", "ke-hoach.pdf", "pdf"),
        (b"%PDF-1.7 ...", "khong-duoi", "pdf"),
        (PNG, "anh.png", "image"),
        (PNG, "anh-doi-ten.jpg", "image"),
        (PNG, "anh-doi-ten.txt", "image"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "IMG_0001.JPG", "image"),
        (b"GIF89a no zero bytes here", "anh.gif", "image"),
        (docx_bytes("Chi bộ"), "ke-hoach", "docx"),
        ("Chi bộ họp".encode(), "ke-hoach.txt", "text"),
    ],
)
def test_the_kinds_read_by_the_services_are_named_and_not_read_here(data: bytes, name: str, kind: str) -> None:
    assert file_kind(data, name) == kind
    if kind in ("doc", "pdf", "image"):
        with pytest.raises(PlanReadError) as caught:
            read_plan_bytes(data, name)
        assert caught.value.code == "needs_tools" and caught.value.params == {"kind": kind}
