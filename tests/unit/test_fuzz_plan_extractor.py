"""Hostile plans: whatever the text or the bytes, reading and extraction either give well-formed results or, for
files, one PlanReadError with a known code; never anything else, and always the same answer."""

import asyncio
import io
import random
import re
from datetime import date
from pathlib import Path

import docx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.domain.plans import extract_plan, find_time_expressions
from bot.domain.plans.model import MAX_CONDITION, MAX_ISSUER, MAX_NUMBER, MAX_OWNER, MAX_TIME_TEXT, MAX_TITLE
from bot.domain.plans.readers import MAX_TEXT_BYTES, PlanReadError, read_plan_bytes
from bot.domain.plans.structure import split_lines
from bot.domain.plans.vietnamese import nfc
from bot.services import plan_files
from bot.texts import plain
from tests.hostile import EXE, PDF, PNG, docx_bytes, hostile_lines, hostile_texts

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PLAN_WORDS = (
    "ngày tháng năm quý Quý quí từ đến tới trước trong vào hằng hàng mỗi thường xuyên định kỳ sau khi có văn bản "
    "của Trung ương cấp trên Thành ủy KẾ HOẠCH Kế hoạch Số 12-KH/ĐU số nhiệm kỳ giai đoạn khóa Chi bộ "
    "Bí thư chi bộ Đảng ủy Chi ủy đảng viên Phần PHẦN BƯỚC Mục I. II. IV. 1. 2.1. a) b) - + • * ( ) (Thời "
    "gian thực hiện hoàn thành chậm nhất hạn chót cho hết nay 6 sáu đầu cuối một lần hai 0 1 2 3 5 9 10 "
    "11 12 13 20 28 29 30 31 32 99 2012 2014 2022 1899 1999 2099 2100 0000 9999 2/3 15% ngay thang nam tu den "
    "truoc Nghị quyết 21-KL/TW 33/2011/QĐ-UBND về và hoặc , ; : . / | TP. Hồ Chí Minh"
)
RECURRENCES = {None, "continuous", "yearly", "semiannual", "quarterly", "monthly"}


def header_lines() -> st.SearchStrategy[str]:
    """A plan's opening, with issue dates from year 0 to 9999 (the year fills in every year a task leaves out)."""
    day = st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(0, 9999))
    dated = day.map(lambda d: f"Hà Nội, ngày {d[0]:02d} tháng {d[1]:02d} năm {d[2]:04d}")
    return st.lists(st.one_of(dated, st.sampled_from(["KẾ HOẠCH", "ĐẢNG ỦY PHƯỜNG 5", "Số 146-KH/ĐU", "*"])),
                    max_size=4).map("\n".join)


PLANS = st.tuples(header_lines(), hostile_texts(PLAN_WORDS)).map(lambda p: p[0] + "\n" + p[1])


def check_plan(lines: list[str]) -> None:
    plan = extract_plan(lines)
    source = [nfc(line) for line in lines]
    h = plan.header
    assert h.issued_on is None or isinstance(h.issued_on, date)
    assert len(h.number or "") <= MAX_NUMBER and len(h.issuer or "") <= MAX_ISSUER and len(h.title or "") <= MAX_TITLE
    assert [i.line for i in plan.items] == sorted(i.line for i in plan.items)
    for item in plan.items:
        assert 1 <= item.line <= len(lines)
        assert item.text in source[item.line - 1], (item.text, source[item.line - 1])
        assert item.start is None or item.due is None or item.start <= item.due
        assert all(type(d) is date for d in (item.start, item.due) if d is not None)
        assert item.start or item.due or item.recurrence or item.condition
        assert item.recurrence in RECURRENCES
        assert item.time_text and len(item.time_text) <= MAX_TIME_TEXT
        assert len(item.owner or "") <= MAX_OWNER and len(item.condition or "") <= MAX_CONDITION
    assert extract_plan(lines) == plan  # deterministic


@FUZZ
@given(PLANS)
@example("Hà Nội, ngày 01 tháng 01 năm 0001\nI. Nội dung:\n- Chi bộ họp trước tháng 1.")  # was OverflowError
@example("Phần từ: ngày 05/11/2014 họp; tháng 12/2014 báo cáo")  # was ValueError (max of nothing)
@example("Chi bộ họp ngày 31/02/2014, ngày 00/00/0000 và ngày 29/02/2023; quý 5/2014; tháng 13/2014")
@example("CHI BỘ " + "X" * 400 + "\nSố 12-KH/" + "Đ" * 90 + "\nKẾ HOẠCH " + "dài " * 200 + "\n"
         "- Chi bộ " + "Ban Thường vụ Đảng ủy " * 20 + "họp sau khi có văn bản " + "của Trung ương " * 40 + "\n")
@example("\u202eChi bộ họp tháng 12/2014\u202c\n\x00\x1b[31m tháng 1/2015 \u200b\nChi\u0301 bộ\u0323 trước 3/2/2015")
def test_extraction_is_well_formed_and_deterministic(text: str) -> None:
    check_plan(split_lines(text))


@FUZZ
@given(hostile_lines(PLAN_WORDS, max_tokens=30), st.one_of(st.none(), st.integers(1, 9999)))
@example("trước tháng 1", 1)
@example("từ tháng 12 đến tháng 1", 1)
@example("ngày 31 đến ngày 1 tháng 1", 1)
@example("tháng 12 năm nay", 9999)
def test_time_expressions_are_ordered_spans_of_the_line(line: str, year: int | None) -> None:
    at = 0
    for e in find_time_expressions(line, year):
        assert at <= e.start < e.end <= len(nfc(line))
        at = e.end
        w = e.when
        assert w.start is None or w.due is None or w.start <= w.due
        assert w.has_window or w.recurrence or w.condition


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["Chi bộ họp ngày 05/11/2014; ", "sau khi có văn bản" + " " * 50, "(" * 40 + ")" * 40,
                        " " * 60 + "\t", "Ban Thường Vụ ", "ngày 1 ", "Chi bộ, ", "I. ", "1/"]),
       st.integers(500, 3000))
def test_one_very_long_line_is_read(unit: str, times: int) -> None:
    """A paste or a file of one huge line: the extractor must not take the square of its length (it did, for
    several clauses in one line and for a condition followed by a long run of spaces)."""
    check_plan([unit * times + " tháng 12/2014"])


# --- the readers ------------------------------------------------------------------------------------------------

# Every refusal a plan reader (the domain's and the services' that run OCR and LibreOffice) can raise.
CODES = {"empty", "too_big", "not_utf8", "binary", "wrong_type", "broken_docx", "docx_bomb", "docx_parts",
         "needs_tools", "missing", "unreadable", "broken_pdf", "pdf_password", "pdf_pages", "too_many_pages",
         "pages_not_images", "ocr_missing", "ocr_language", "ocr_timeout", "ocr_nothing", "ocr_not_plan",
         "broken_image", "image_too_big", "doc_missing", "broken_doc"}  # fmt: skip
READERS = [*Path(__file__).resolve().parents[2].glob("bot/domain/plans/*.py"),
           Path(__file__).resolve().parents[2] / "bot" / "services" / "plan_files.py"]
NAMES = ["ke-hoach.txt", "ke-hoach.docx", "ke-hoach", "ke-hoach.doc", "ke-hoach.pdf", "anh.png", "virus.exe",
         "bang.xlsx", "KE HOACH.DOCX", ".docx", "a.b.c.txt", "\u202etxt.exe", "kế hoạch.TXT"]  # fmt: skip
SAMPLE = docx_bytes("KẾ HOẠCH", "Chi bộ họp trong tháng 12/2026.", "- Bí thư chi bộ báo cáo trước ngày 30/11/2026.")


def test_the_refusals_are_every_code_the_readers_raise_each_said_in_vietnamese() -> None:
    raised = {code for path in READERS  # PlanReadError("code"…) and _tool(program, "code when missing")
              for code in re.findall(r'(?:PlanReadError|_tool)\((?:\s*\w+,)?\s*"(\w+)"', path.read_text())}
    assert raised == CODES
    for code in CODES:
        params = {"mb": 20, "limit": 60, "count": 3, "suffix": ".xlsx", "name": "k.txt", "kind": "pdf",
                  "megapixels": 40, "language": "vie"}
        assert plain("plans", "read_problem", code=code, params=params) != "Không đọc được tệp này.", code


def refused(error: PlanReadError) -> None:
    assert error.code in CODES
    assert plain("plans", "read_problem", code=error.code, params=error.params) != "Không đọc được tệp này."


def read_or_refuse(data: bytes, name: str) -> list[str] | None:
    try:
        lines = read_plan_bytes(data, name)
    except PlanReadError as error:
        refused(error)
        return None
    assert any(line.strip() for line in lines)
    check_plan(lines)
    return lines


@FUZZ
@given(st.one_of(st.binary(max_size=600), st.sampled_from([PNG, EXE, PDF, SAMPLE[:100], b"PK\x03\x04" + bytes(40)])),
       st.sampled_from(NAMES))
def test_any_bytes_give_lines_or_one_known_refusal(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=600).map(lambda data: PDF[:9] + data), st.just(PDF), st.binary(max_size=200)),
       st.sampled_from(["ke-hoach.pdf", "ke-hoach", "ke-hoach.txt", "ke-hoach.docx"]))
def test_any_pdf_like_bytes_through_the_bots_reader_give_lines_or_one_known_refusal(data: bytes, name: str) -> None:
    """The reader the bot and `chibo plan extract` use (not .doc and images: LibreOffice and OCR take seconds)."""
    try:
        found = asyncio.run(plan_files.read_file(data, name))
    except PlanReadError as error:
        refused(error)
        return
    assert any(line.strip() for line in found.lines)
    check_plan(found.lines)


@FUZZ
@given(st.randoms(use_true_random=False), st.integers(1, 12), st.sampled_from(NAMES[:3]))
def test_a_damaged_docx_gives_lines_or_one_known_refusal(rng: random.Random, damage: int, name: str) -> None:
    """Bytes flipped, runs zeroed, the archive cut short or spliced: python-docx's many errors become one."""
    data = bytearray(SAMPLE)
    for _ in range(damage):
        at = rng.randrange(len(data))
        kind = rng.choice(["flip", "zero", "cut", "splice"])
        if kind == "flip":
            data[at] ^= 1 << rng.randrange(8)
        elif kind == "zero":
            end = min(len(data), at + rng.randrange(1, 64))
            data[at:end] = bytes(end - at)
        elif kind == "cut" and at > 30:
            del data[at:]
        elif kind == "splice":
            other = rng.randrange(len(data))
            data[at:at] = data[other : other + rng.randrange(1, 200)]
    read_or_refuse(bytes(data), name)


def xml_safe(text: str) -> str:
    return "".join(c for c in text if c in "\t\n" or (0x20 <= ord(c) < 0xD800) or 0xE000 <= ord(c) < 0xFFFE
                   or ord(c) > 0xFFFF)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_lines(PLAN_WORDS, max_tokens=10).map(xml_safe), min_size=1, max_size=6))
@example(["Kế hoạch tổ chức kiểm điểm " * (MAX_TEXT_BYTES // 26 + 1)])  # what a fuzz run found: too much text
def test_a_docx_reads_back_its_paragraphs(paragraphs: list[str]) -> None:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    expected = [nfc(line) for text in paragraphs for line in text.split("\n")]
    lines = read_or_refuse(out.getvalue(), "ke-hoach.docx")
    if sum(map(len, expected)) > MAX_TEXT_BYTES:  # a long line repeated: more text than a plan has, refused whole
        assert lines is None
        return
    assert lines == (expected if any(line.strip() for line in expected) else None)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_texts(PLAN_WORDS, max_lines=10), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_a_text_file_reads_back_its_lines(text: str, encoding: str) -> None:
    text = text.replace("\x00", "")
    data = text.encode(encoding)
    lines = read_or_refuse(data, "ke-hoach.txt")
    if data.startswith((b"PK\x03\x04", b"%PDF")):
        return
    if len(data) > MAX_TEXT_BYTES:  # a long line repeated, twice the bytes in UTF-16: refused whole
        assert lines is None
        return
    expected = split_lines(nfc(text.removeprefix("\ufeff") if encoding == "utf-8" else text))
    assert lines == (expected if any(line.strip() for line in expected) else None)
