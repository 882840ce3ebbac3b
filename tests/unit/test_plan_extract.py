"""Whole plans → items: which lines a time governs, owners, and the sample plan end to end
(as text and as a .docx built from it)."""

import io
from datetime import date
from pathlib import Path

import docx

from bot.domain.plans import Item, PlanHeader, extract_plan, extract_plan_text
from bot.domain.plans.readers import read_plan_bytes

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "ke_hoach_chi_bo_mau.txt"

# (line, start, due, recurrence, condition, owner) of every item of the sample plan.
SAMPLE_ITEMS = [
    (20, date(2022, 3, 1), date(2022, 4, 30), None, None, "Chi ủy"),
    (21, date(2022, 3, 1), date(2022, 4, 30), None, None, "Đảng viên"),
    (26, date(2022, 5, 2), date(2022, 5, 6), None, None, "Bí thư chi bộ"),
    (27, date(2022, 5, 2), date(2022, 5, 6), None, None, "Đảng viên"),
    (29, date(2022, 5, 16), date(2022, 5, 20), None, None, "Chi bộ"),
    (30, None, date(2022, 5, 31), None, None, "Chi ủy"),
    (30, None, date(2022, 6, 5), None, None, "Chi ủy"),
    (33, None, None, "monthly", None, "Chi bộ"),
    (33, None, None, "quarterly", None, "Chi bộ"),
    (34, None, None, "semiannual", None, "Bí thư chi bộ"),
    (35, None, None, "continuous", None, "Đảng viên"),
    (36, date(2022, 7, 1), None, None, None, "Chi ủy"),
    (37, date(2022, 1, 1), None, "yearly", None, None),
    (38, None, None, None, "sau khi có hướng dẫn của Đảng ủy cấp trên", None),
    (39, None, None, None, "khi Trung ương triển khai", None),
    (42, date(2022, 12, 1), date(2023, 1, 31), None, None, "Chi bộ"),
    (43, date(2022, 10, 1), date(2022, 12, 31), None, None, "Ban Chấp hành Chi đoàn"),
]


def summary(items: tuple[Item, ...]) -> list[tuple[object, ...]]:
    return [(i.line, i.start, i.due, i.recurrence, i.condition, i.owner) for i in items]


def test_the_sample_plan() -> None:
    plan = extract_plan_text(SAMPLE.read_text(encoding="utf-8"))
    assert plan.header == PlanHeader(
        number="07-KH/CB",
        issuer="CHI BỘ KHU PHỐ 3",
        issued_on=date(2022, 2, 14),
        title="Học tập nghị quyết và kiểm điểm giữa nhiệm kỳ của Chi bộ Khu phố 3 năm 2022",
    )
    assert summary(plan.items) == SAMPLE_ITEMS
    by_line = {i.line: i for i in plan.items}
    assert by_line[26].text == "Bí thư chi bộ dự thảo báo cáo kiểm điểm của chi ủy."
    assert by_line[26].time_text == "Từ ngày 02/5/2022 đến 06/5/2022"
    assert by_line[29].time_text == "Từ ngày 16 đến 20/5"
    assert by_line[20].time_text == "trong tháng 3, tháng 4/2022"
    assert [i.line for i in plan.items if i.is_branch_task] == [20, 21, 26, 27, 29, 30, 30, 33, 33, 34, 35, 36, 42]


def sample_as_docx() -> bytes:
    document = docx.Document()
    for line in SAMPLE.read_text(encoding="utf-8").split("\n")[:-1]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_sample_plan_as_docx_reads_the_same() -> None:
    lines = read_plan_bytes(sample_as_docx(), "ke-hoach.docx")
    assert summary(extract_plan(lines).items) == SAMPLE_ITEMS


def test_a_schedule_table_in_a_docx() -> None:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Tổng kết năm 2023")
    document.add_paragraph("II. LỊCH THỰC HIỆN")
    table = document.add_table(rows=3, cols=4)
    rows = [
        ("TT", "Nội dung", "Thời gian", "Đơn vị thực hiện"),
        ("1", "Đảng viên viết bản kiểm điểm", "Trước ngày 10/12/2023", "Đảng viên"),
        ("2", "Họp chi bộ kiểm điểm, bỏ phiếu", "Từ ngày 15 đến 20/12/2023", "Chi ủy"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    plan = extract_plan(read_plan_bytes(buffer.getvalue(), "lich.docx"))
    assert [(i.line, i.start, i.due, i.owner) for i in plan.items] == [
        (5, None, date(2023, 12, 10), "Đảng viên"),
        (6, date(2023, 12, 15), date(2023, 12, 20), "Chi ủy"),
    ]
    assert plan.items[0].text == "1 | Đảng viên viết bản kiểm điểm | Trước ngày 10/12/2023 | Đảng viên"


PLAN_2014 = """\
KẾ HOẠCH
Kiểm điểm năm 2014

TP. Hồ Chí Minh, ngày 04 tháng 11 năm 2014
VI. THỜI GIAN THỰC HIỆN
1. Hoàn thành kiểm điểm trước ngày 30/11/2014.
 + Từ ngày 05/11/2014 đến 07/11/2014:
- Đảng ủy triển khai kế hoạch.
- Chi bộ triển khai cho đảng viên viết bản kiểm điểm năm 2014.
 + Từ ngày 20 đến 28/11:
- Bí thư chi bộ chủ trì họp chi bộ; báo cáo kết quả trước ngày 29/11.
Hoàn tất hồ sơ gửi Đảng ủy.
2. Phân công nhiệm vụ:
- Văn phòng tổng hợp báo cáo.
"""


def test_a_date_header_governs_the_lines_below_it_until_the_next_heading() -> None:
    plan = extract_plan_text(PLAN_2014)
    assert [(i.line, i.start, i.due, i.owner, i.time_text) for i in plan.items] == [
        (6, None, date(2014, 11, 30), None, "trước ngày 30/11/2014"),
        (8, date(2014, 11, 5), date(2014, 11, 7), "Đảng ủy", "Từ ngày 05/11/2014 đến 07/11/2014"),
        (9, date(2014, 11, 5), date(2014, 11, 7), "Chi bộ", "Từ ngày 05/11/2014 đến 07/11/2014"),
        (11, None, date(2014, 11, 29), "Bí thư chi bộ", "trước ngày 29/11"),  # its own time wins
        (12, date(2014, 11, 20), date(2014, 11, 28), "Bí thư chi bộ", "Từ ngày 20 đến 28/11"),
    ]


PLAN_2012 = """\
KẾ HOẠCH
Học tập nghị quyết

2.1. Ở cấp tỉnh:
- Tổ chức hội nghị cán bộ chủ chốt toàn tỉnh.
- Tổ chức hội nghị cán bộ hưu trí (Thời gian thực hiện trong tháng 4/2012).
- Ban Dân vận Tỉnh ủy phối hợp tổ chức hội nghị cho các đoàn thể.
(Thời gian thực hiện hội nghị trong tháng 3, tháng 5/2012).
2.2. Ban Cán sự đảng Ủy ban nhân dân tỉnh
- Chỉ đạo rà soát cơ chế quản lý tài sản công.
- Chỉ đạo ban hành các văn bản gồm:
+ Quy định trách nhiệm người đứng đầu.
+ Quy định công khai tài sản.
(Thời gian thực hiện sau khi có các quy định của Trung ương).
2.3. Ở cơ sở:
- Thường vụ đảng ủy xã tổ chức hội nghị.
Tháng 6/2012.
"""


def test_a_trailing_parenthesis_governs_the_list_above_it() -> None:
    items = extract_plan_text(PLAN_2012).items
    assert [(i.line, i.start, i.due, i.condition, i.owner) for i in items] == [
        (5, date(2012, 3, 1), date(2012, 5, 31), None, None),
        (6, date(2012, 4, 1), date(2012, 4, 30), None, None),  # its own time wins
        (7, date(2012, 3, 1), date(2012, 5, 31), None, "Ban Dân vận Tỉnh ủy"),
        # a sub-list and the bullet that introduced it, not the bullet before
        (11, None, None, "sau khi có các quy định của Trung ương", "Ban Cán sự đảng Ủy ban nhân dân tỉnh"),
        (12, None, None, "sau khi có các quy định của Trung ương", "Ban Cán sự đảng Ủy ban nhân dân tỉnh"),
        (13, None, None, "sau khi có các quy định của Trung ương", "Ban Cán sự đảng Ủy ban nhân dân tỉnh"),
        # a bare time line closing a section governs the list above it too
        (16, date(2012, 6, 1), date(2012, 6, 30), None, "Thường vụ đảng ủy xã"),
    ]


def test_two_times_in_one_paragraph_are_two_items_each_with_its_clause() -> None:
    (first, second) = extract_plan_text(
        "- Chi ủy hoàn thành kiểm điểm trước ngày 25/11/2023; gửi báo cáo Đảng ủy trước ngày 05/12/2023.\n"
    ).items
    assert (first.text, first.due, first.owner) == (
        "Chi ủy hoàn thành kiểm điểm trước ngày 25/11/2023",
        date(2023, 11, 25),
        "Chi ủy",
    )
    assert (second.text, second.due, second.owner) == (
        "gửi báo cáo Đảng ủy trước ngày 05/12/2023.",
        date(2023, 12, 5),
        "Chi ủy",
    )


def test_a_plan_without_dates_has_no_items() -> None:
    plan = extract_plan_text("KẾ HOẠCH\nSinh hoạt chi bộ\n- Chi bộ sinh hoạt đúng quy định.\n")
    assert plan.items == ()


def test_a_bare_time_line_closes_the_list_above_unless_it_opens_one() -> None:
    text = (
        "1. Sinh hoạt chi bộ\n"
        "- Chi ủy chuẩn bị nội dung sinh hoạt.\n"
        "Thực hiện thường xuyên.\n"
        "- Chi bộ tổng kết năm.\n"
        "2. Tổng kết\n"
        "Tháng 12/2023\n"  # right under its heading: it opens the list below
        "- Chi ủy dự thảo báo cáo.\n"
    )
    items = extract_plan_text(text).items
    assert [(i.line, i.start, i.due, i.recurrence) for i in items] == [
        (2, None, None, "continuous"),
        (7, date(2023, 12, 1), date(2023, 12, 31), None),
    ]


def test_a_header_table_in_a_docx() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "ĐẢNG ỦY PHƯỜNG 5", "ĐẢNG CỘNG SẢN VIỆT NAM"
    table.cell(1, 0).text, table.cell(1, 1).text = "Số 21-KH/ĐU", "Phường 5, ngày 02 tháng 10 năm 2023"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Kiểm điểm cuối năm 2023")
    document.add_paragraph("- Chi bộ họp trước ngày 15/12/2023.")
    buffer = io.BytesIO()
    document.save(buffer)
    plan = extract_plan(read_plan_bytes(buffer.getvalue(), "kh.docx"))
    assert plan.header == PlanHeader(
        number="21-KH/ĐU", issuer="ĐẢNG ỦY PHƯỜNG 5", issued_on=date(2023, 10, 2), title="Kiểm điểm cuối năm 2023"
    )
    assert [(i.line, i.due, i.owner) for i in plan.items] == [(5, date(2023, 12, 15), "Chi bộ")]
