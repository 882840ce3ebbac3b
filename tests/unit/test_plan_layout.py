"""Printed lines → a plan's lines (bot/domain/plans/layout.py): wrapped paragraphs joined again, list items,
headings and OCR's paragraph breaks kept apart."""

from bot.domain.plans import extract_plan
from bot.domain.plans.layout import FULL_LINE, Line, PrintedLine, unwrap

LEFT, RIGHT = 50.0, 550.0  # the page's text block; a full line ends near RIGHT


def full(text: str, **kw) -> PrintedLine:
    return PrintedLine(text, LEFT, RIGHT - 2, **kw)


def short(text: str, **kw) -> PrintedLine:
    return PrintedLine(text, LEFT, LEFT + 200, **kw)


def texts(printed: list[PrintedLine]) -> list[str]:
    return [line.text for line in unwrap(printed)]


def test_a_paragraph_wrapped_to_the_margin_is_one_line_again_and_its_window_is_read_whole() -> None:
    printed = [short("KẾ HOẠCH"),
               full("- Thời gian hoàn thành việc tổ chức kiểm điểm tập thể và cá nhân trước ngày 30 tháng 11"),
               short("năm 2014."),
               short("- Chi bộ họp.")]  # fmt: skip
    lines = texts(printed)
    assert lines == ["KẾ HOẠCH",
                     "- Thời gian hoàn thành việc tổ chức kiểm điểm tập thể và cá nhân trước ngày 30 tháng 11 "
                     "năm 2014.",
                     "- Chi bộ họp."]  # fmt: skip
    item = extract_plan(lines).items[0]
    assert item.due.isoformat() == "2014-11-30"


def test_a_line_that_stops_short_of_the_margin_ends_its_paragraph() -> None:
    just_short = PrintedLine("Chi bộ họp trong tháng 4/2026", LEFT, LEFT + (FULL_LINE * (RIGHT - LEFT)) - 5)
    assert texts([full("x" * 10), just_short, short("Bí thư báo cáo.")]) == [
        "x" * 10 + " Chi bộ họp trong tháng 4/2026", "Bí thư báo cáo."]


def test_a_list_item_or_heading_under_a_full_line_starts_a_new_line() -> None:
    for opener in ("- Bí thư báo cáo.", "+ Từ ngày 05/11/2014:", "• Chi ủy họp.", "2. Tổ chức thực hiện",
                   "2.1. Đợt 1", "b) Nội dung", "III. TỔ CHỨC", "Điều 3 Hiệu lực"):
        assert texts([full("Chi bộ triển khai cho đảng viên viết bản kiểm điểm"), short(opener)]) == [
            "Chi bộ triển khai cho đảng viên viết bản kiểm điểm", opener], opener


def test_a_dash_between_two_numbers_the_wrap_parted_continues_the_line() -> None:
    assert texts([full("Bầu cử đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2026"), short("- 2031 được tổ chức.")]) == [
        "Bầu cử đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2026 - 2031 được tổ chức."]
    assert texts([full("Chi bộ họp định kỳ hằng tháng"), short("- 2031 đảng viên")]) == [
        "Chi bộ họp định kỳ hằng tháng", "- 2031 đảng viên"]  # no digit before it: a list item


def test_a_paragraph_break_ocr_sees_ends_the_paragraph_even_under_a_full_line() -> None:
    printed = [full("Chi bộ họp trong tháng 4/2026", paragraph=1), short("Bí thư báo cáo.", paragraph=2)]
    assert texts(printed) == ["Chi bộ họp trong tháng 4/2026", "Bí thư báo cáo."]
    same = [full("Chi bộ họp trong tháng 4", paragraph=1), short("năm 2026.", paragraph=1)]
    assert texts(same) == ["Chi bộ họp trong tháng 4 năm 2026."]


def test_a_joined_line_keeps_the_lowest_confidence_of_its_printed_lines() -> None:
    printed = [full("Chi bộ họp trong tháng 4", confidence=91), short("năm 2026.", confidence=42),
               short("Bí thư báo cáo."), full("Chi ủy họp", confidence=None), short("hằng tháng.", confidence=77)]
    assert list(unwrap(printed)) == [Line("Chi bộ họp trong tháng 4 năm 2026.", 42), Line("Bí thư báo cáo.", None),
                                     Line("Chi ủy họp hằng tháng.", 77)]


def test_blank_printed_lines_separate_paragraphs_and_an_empty_page_gives_nothing() -> None:
    assert texts([full("Chi bộ họp"), short(""), short("Bí thư báo cáo.")]) == ["Chi bộ họp", "", "Bí thư báo cáo."]
    assert texts([]) == [] and texts([short("   ")]) == []
