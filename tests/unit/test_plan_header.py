"""The header block: number, issuer, issue date, title — each optional."""

from datetime import date

from bot.domain.plans import PlanHeader, extract_plan_text
from bot.domain.plans.header import dominant_year, issue_date, read_header
from bot.domain.plans.structure import split_lines

FULL_HEADER = """\
HUYỆN ỦY AN PHÚ
ĐẢNG ỦY XÃ AN THẠNH
*
Số:  52 – KH/ĐU
\tĐẢNG CỘNG SẢN VIỆT NAM
An Thạnh, ngày  09  tháng 3 năm 2023

KẾ HOẠCH

Tổ chức đại hội chi bộ trực thuộc
nhiệm kỳ 2023 - 2025
Thực hiện Chỉ thị số 35-CT/TW ngày 30/5/2019 của Bộ Chính trị, Đảng ủy xã xây dựng kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
"""


def test_a_full_header() -> None:
    header, body_start = read_header(split_lines(FULL_HEADER))
    assert header == PlanHeader(
        number="52-KH/ĐU",
        issuer="ĐẢNG ỦY XÃ AN THẠNH",
        issued_on=date(2023, 3, 9),
        title="Tổ chức đại hội chi bộ trực thuộc nhiệm kỳ 2023 - 2025",
    )
    assert body_start == 11  # "Thực hiện …" (0-based)


def test_without_number_or_date_the_issuer_comes_from_the_first_sentence() -> None:
    text = (
        " KẾ HOẠCH\n"
        "học tập chuyên đề năm 2023\n"
        "\n"
        "Thực hiện Kết luận số 01-KL/TW, ngày 18/5/2021 của Bộ Chính trị, Ban Thường vụ Huyện ủy "
        "ban hành Kế hoạch thực hiện như sau:\n"
        "- Chi bộ học tập trong tháng 6/2023.\n"
    )
    plan = extract_plan_text(text)
    assert plan.header == PlanHeader(issuer="Ban Thường vụ Huyện ủy", title="học tập chuyên đề năm 2023")
    assert [(i.line, i.start) for i in plan.items] == [(5, date(2023, 6, 1))]


def test_the_issue_date_and_citations_are_never_items() -> None:
    plan = extract_plan_text(FULL_HEADER + "- Chi bộ họp ngày 20/3/2023.\n\nAn Thạnh, ngày 09 tháng 3 năm 2023\n")
    assert [(i.line, i.start, i.due) for i in plan.items] == [(14, date(2023, 3, 20), date(2023, 3, 20))]


def test_issue_date_line() -> None:
    assert issue_date("TP. Hồ Chí Minh, ngày 04 tháng 11 năm 2014") == date(2014, 11, 4)
    assert issue_date("Hà Nội, ngày 15/3/2022") == date(2022, 3, 15)
    assert issue_date("Chi bộ họp ngày 15/3/2022 để kiểm điểm.") is None


def test_dominant_year() -> None:
    assert dominant_year(["tháng 3/2012", "năm 2012", "ngày 14/5/2011"]) == 2012
    assert dominant_year(["không có năm"]) is None
