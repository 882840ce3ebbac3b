"""Whatever the text, extraction never raises and every window is well-formed."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.plans import extract_plan_text, find_time_expressions
from bot.domain.plans.readers import PlanReadError, read_plan_bytes

# Plan-like vocabulary, so that generated text often comes close to a real time phrase.
VOCABULARY = (
    "ngày tháng năm quý Quý từ đến trước trong hằng hàng thường xuyên sau khi có văn bản của Trung ương "
    "Từ KẾ HOẠCH Số 12-KH/ĐU nhiệm kỳ giai đoạn Chi bộ Bí thư chi bộ Đảng ủy: I. 1. 2.1. a) - + ( ) "
    "(Thời gian thực hiện , ; . / - 0 1 2 3 5 9 10 11 12 13 20 28 29 30 31 32 2012 2014 2022 1999 "
    "II III IV 6 một hai lần mỗi định kỳ nay hết 2/3 15% ngay thang nam tu den truoc"
)
WORDS = VOCABULARY.split()
TOKENS = st.one_of(st.sampled_from(WORDS), st.text(max_size=4))
LINES = st.lists(TOKENS, max_size=25).map(" ".join)
PLANS = st.lists(LINES, max_size=30).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(PLANS)
def test_extraction_never_raises_and_windows_are_ordered(text: str) -> None:
    plan = extract_plan_text(text)
    for item in plan.items:
        assert item.start is None or item.due is None or item.start <= item.due
        assert item.line >= 1


@settings(max_examples=300, deadline=None)
@given(LINES, st.one_of(st.none(), st.integers(1900, 2100)))
def test_time_expressions_are_spans_of_the_line(line: str, year: int | None) -> None:
    for e in find_time_expressions(line, year):
        w = e.when
        assert w.start is None or w.due is None or w.start <= w.due
        assert 0 <= e.start < e.end


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["x.txt", "x.docx", "x", "x.doc"]))
def test_reading_any_bytes_gives_lines_or_a_plan_read_error(data: bytes, name: str) -> None:
    try:
        lines = read_plan_bytes(data, name)
    except PlanReadError as error:
        assert str(error)
    else:
        assert any(line.strip() for line in lines)
