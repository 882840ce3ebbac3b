"""The supervisor's chart, workbook and texts from plain statuses: a valid PNG, the right numbers in the right
cells, every message within Telegram's 4096 characters."""

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pytest
from PIL import Image

from bot.domain.supervision import PHASES, BranchStatus, Change, totals, worst_first
from bot.services.supervision import Overview
from bot.services.supervision_files import BRANCHES_PER_PAGE, CHART_DPI, chart_figures, chart_pages, workbook_xlsx
from bot.texts import render
from handlers.supervisor import PAGE_SIZE, overview_keyboard, overview_page, overview_text

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

BRANCHES = [
    BranchStatus(1, "Chi bộ Khu phố 1", "done", year=2026, self_reviews=(9, 9), meeting_on=date(2026, 11, 16),
                 meeting_held=True, votes=(9, 9), report_filed=True, checklist=(17, 17),
                 member_levels={"htxsnv": 1, "httnv": 7, "htnv": 1}, branch_level="tsvm", branch_score=93,
                 secretary="Trương Thị Bích"),
    BranchStatus(2, "Chi bộ Khu phố 2", "report", year=2026, self_reviews=(6, 6), meeting_on=date(2026, 11, 19),
                 meeting_held=True, votes=(6, 6), checklist=(15, 17), member_levels={"httnv": 3, "htnv": 2, "khtnv": 1},
                 branch_level="httnv", branch_score=78, secretary="Đinh Văn Toàn"),
    BranchStatus(3, "Chi bộ Khu phố 4", "no_meeting_date", year=2026, self_reviews=(0, 5), votes=(0, 5),
                 overdue_tasks=2, late_items=("Phổ biến kế hoạch kiểm điểm đến đảng viên",), checklist=(0, 17),
                 secretary="Lạc Thị Phương"),
]


def many(n: int) -> list[BranchStatus]:
    return [BranchStatus(i, f"Chi bộ Khu phố {i} phường Bến Thành, quận 1", PHASES[i % len(PHASES)], year=2026,
                         self_reviews=(i % 10, 10), votes=(i % 7, 10), overdue_tasks=i % 3, checklist=(i % 17, 17),
                         late_items=tuple(f"Việc trễ số {k} có một tiêu đề khá dài" for k in range(i % 4)),
                         member_levels={"httnv": i % 9}, branch_level="httnv" if i % 5 == 0 else None)
            for i in range(1, n + 1)]


def png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(content)) as image:
        image.verify()
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        return image.size


@pytest.mark.parametrize(("count", "pages"), [(3, 2), (15, 2), (16, 3), (60, 5)])
def test_the_chart_is_a_phone_screen_per_page_paged_by_15_branches(count, pages):
    branches = worst_first(BRANCHES if count == 3 else many(count))
    pngs = chart_pages(branches, totals(branches))
    assert len(pngs) == pages == 1 + -(-count // BRANCHES_PER_PAGE)
    assert all(png_size(png) == (1080, 1920) for png in pngs)  # portrait, a phone's screen


def test_every_word_on_the_chart_is_at_least_28_pixels_high():
    branches = worst_first(many(20))
    figures = chart_figures(branches, totals(branches))
    for figure in figures:
        figure.canvas.draw()
        words = [t for t in figure.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
                 if t.get_text().strip() and t.get_visible()]
        assert words
        small = [(t.get_text(), t.get_fontsize()) for t in words if t.get_fontsize() * CHART_DPI / 72 < 28]
        assert not small, small
    def names(figure) -> list[str]:
        return [t.get_text() for a in figure.axes for t in a.texts]

    assert names(figures[1])[0].startswith("1. Chi bộ Khu phố") and names(figures[2])[0].startswith("16. Chi bộ")


def test_at_most_an_albums_ten_pages_the_worst_branches_first():
    branches = worst_first(many(300))
    pngs = chart_pages(branches, totals(branches))
    assert len(pngs) == 10 and all(png_size(png) == (1080, 1920) for png in pngs)


def test_the_workbook_has_the_superiors_three_tables_with_the_right_numbers():
    ranked = worst_first(BRANCHES)
    book = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(ranked, totals(ranked))))
    assert book.sheetnames == ["Tiến độ", "Xếp loại đảng viên", "Xếp loại chi bộ"]

    progress = [list(r) for r in book["Tiến độ"].iter_rows(values_only=True)]
    assert progress[0][:4] == ["STT", "Chi bộ", "Bí thư", "Bước hiện tại"]
    assert progress[1][:6] == [1, "Chi bộ Khu phố 4", "Lạc Thị Phương", "Bước 1 — chưa đặt ngày hội nghị", 0, 5]
    assert progress[1][11:] == [2, "Phổ biến kế hoạch kiểm điểm đến đảng viên", 0]
    assert progress[2][6] == datetime(2026, 11, 19) and progress[2][7] == "Có" and progress[2][10] == "Chưa"
    assert progress[4][1] == "Tổng cộng (3 chi bộ)" and progress[4][4:6] == [15, 20] and progress[4][10] == 1

    members = [list(r) for r in book["Xếp loại đảng viên"].iter_rows(values_only=True)]
    assert members[0][3:7] == ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
                               "Không hoàn thành nhiệm vụ"]
    assert members[2][1:] == ["Chi bộ Khu phố 2", 6, 0, 3, 2, 1, 0]
    assert members[3][1:] == ["Chi bộ Khu phố 1", 9, 1, 7, 1, 0, 0]
    assert members[4][1:] == ["Tổng cộng (3 chi bộ)", 20, 1, 10, 3, 1, 5]

    levels = [list(r) for r in book["Xếp loại chi bộ"].iter_rows(values_only=True)]
    assert levels[2][1:] == ["Chi bộ Khu phố 2", 78, "Hoàn thành tốt nhiệm vụ"]
    assert levels[3][1:] == ["Chi bộ Khu phố 1", 93, "Trong sạch vững mạnh"]
    assert levels[4][1:] == ["Tổng cộng (3 chi bộ)", None, "2/3 chi bộ đã xếp loại"]
    summary = {row[1]: row[2] for row in levels[6:] if row[1]}
    assert summary["Trong sạch vững mạnh"] == 1 and summary["Yếu kém"] == 0 and summary["Chưa xếp loại"] == 1


def test_every_page_of_300_branches_fits_a_telegram_message_with_its_buttons():
    ranked = worst_first(many(300))
    o = Overview(tuple(ranked), totals(ranked))
    pages = overview_page(o, 0).count
    assert pages == 30
    for number in range(pages):
        page = overview_page(o, number)
        text = overview_text(o, page)
        assert len(text) <= 4096
        buttons = [b for row in overview_keyboard(o, page).inline_keyboard for b in row]
        assert len(buttons) <= 100 and all(len(b.callback_data) <= 64 for b in buttons)
    first = overview_text(o, overview_page(o, 0))
    assert "300 chi bộ" in first and f"trang 1/{pages}" in first and f"\n{PAGE_SIZE}. " in first


def test_the_weekly_summary_tells_each_change_in_vietnamese():
    t = totals(BRANCHES)
    since = datetime(2026, 11, 15, 1, tzinfo=UTC)
    text = render("supervisor", "weekly", t=t, since=since, worst=BRANCHES[:1], changes=[
        Change(2, "Chi bộ Khu phố 2", "phase", "meeting", "report"),
        Change(2, "Chi bộ Khu phố 2", "votes", (3, 6), (6, 6)),
        Change(1, "Chi bộ Khu phố 1", "report_filed"),
        Change(3, "Chi bộ Khu phố 4", "late_more", 0, 3),
        Change(4, "Chi bộ Khu phố 9", "new_branch"),
    ])
    assert "Thay đổi từ 15/11/2026" in text
    assert "chuyển từ «Bước 2: hội nghị» sang «Bước 3: báo cáo»" in text
    assert "đã biểu quyết 6/6 đảng viên" in text and "đã gửi báo cáo lên Đảng ủy" in text
    assert "việc trễ hạn tăng từ 0 lên 3" in text and "mới được giao phụ trách" in text
    quiet = render("supervisor", "weekly", t=t, since=since, worst=[], changes=[])
    assert "Không có thay đổi nào từ 15/11/2026" in quiet and "chờ cấp trên quyết định:" not in quiet


def test_the_weekly_summary_says_what_awaits_the_superior_and_what_was_decided():
    awaiting = [replace(BRANCHES[0], awaiting_branch=True), replace(BRANCHES[1], awaiting_members=6)]
    text = render("supervisor", "weekly", t=totals(awaiting), since=datetime(2026, 11, 15, 1, tzinfo=UTC), worst=[],
                  awaiting=awaiting, changes=[Change(1, "Chi bộ Khu phố 1", "decided", 0, 9)])
    assert "Chi bộ Khu phố 1</b>: cấp trên đã quyết định thêm 9 mức xếp loại (đã chính thức: 9)" in text
    assert ("⚖️ <b>Đề xuất chờ cấp trên quyết định:</b>\n• Chi bộ Khu phố 1: xếp loại chi bộ\n"
            "• Chi bộ Khu phố 2: 6 đảng viên\n") in text


def test_the_workbook_prints_on_a4_with_wrapped_bold_headers_set_widths_and_a_frozen_header():
    ranked = worst_first(many(40))
    book = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(ranked, totals(ranked))))
    for sheet, orientation in zip(book.worksheets, ("landscape", "landscape", "portrait"), strict=True):
        header = sheet[1]
        assert all(c.font.bold and c.alignment.wrap_text for c in header if c.value), sheet.title
        assert sheet.freeze_panes == "C2" and sheet.print_title_rows == "$1:$1"
        assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == orientation
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        widths = {letter: d.width for letter, d in sheet.column_dimensions.items()}
        assert widths["A"] == 5 and widths["B"] == 32, sheet.title
        assert all(widths.get(c.column_letter) for c in header if c.value), sheet.title  # every column has a width
        assert sheet.cell(row=42, column=2).value == "Tổng cộng (40 chi bộ)" and sheet.cell(row=42, column=2).font.bold
    progress = book["Tiến độ"]
    assert progress["M1"].value == "Mục kiểm điểm trễ hạn" and progress.column_dimensions["M"].width == 40
    assert progress["N1"].value == "Chờ cấp trên quyết định (đảng viên)"
