"""A plan's structure before its time phrases: each window lands on its task.

The plans below are written for these tests, in the shapes real plans of 2025–2026 use: a numbered
task with its attribute lines ("- Thời gian hoàn thành: …", "- Đơn vị chủ trì: …"), headers over
sub-headings ("1. Đợt 1: Từ ngày … đến ngày …:" then "a) …"), bare "Thời gian thực hiện:" lines over
one line per round, targets, slogans and tables.
"""

from datetime import date

from bot.domain.plans import Item, extract_plan_text
from bot.domain.plans.structure import has_plan_shape

HEAD = "ĐẢNG ỦY PHƯỜNG AN HÒA\nSố: 21-KH/ĐU\nAn Hòa, ngày 02 tháng 12 năm 2025\nKẾ HOẠCH\nCông tác năm 2026\n"


def items_of(body: str) -> tuple[Item, ...]:
    return extract_plan_text(HEAD + body).items


def windows(body: str) -> list[tuple[str, date | None, date | None]]:
    return [(i.text, i.start, i.due) for i in items_of(body) if i.start or i.due]


def test_a_time_line_belongs_to_the_numbered_task_above_not_to_its_attribute_lines() -> None:
    body = (
        "1.1. Rà soát danh sách đảng viên sinh hoạt tạm thời\n"
        "- Bảo đảm đầy đủ, chính xác, đúng quy định.\n"
        "- Thời gian hoàn thành: Quý I/2026;\n"
        "- Đơn vị chủ trì: Văn phòng Đảng ủy\n"
        "- Kết quả: Danh sách trình Thường trực.\n"
        "1.2. Tổng hợp ý kiến của chi bộ\n"
        "- Thời gian thực hiện: Từ tháng 12/2025 đến quý II/2026.\n"
        "- Đơn vị phối hợp: Các chi bộ trực thuộc.\n"
    )
    assert windows(body) == [
        ("1.1. Rà soát danh sách đảng viên sinh hoạt tạm thời", date(2026, 1, 1), date(2026, 3, 31)),
        ("1.2. Tổng hợp ý kiến của chi bộ", date(2025, 12, 1), date(2026, 6, 30)),
    ]


def test_one_time_line_after_untimed_sibling_headings_governs_them_all() -> None:
    body = (
        "3. Theo dõi, đôn đốc\n"
        "3.1. Theo dõi tiến độ ở các chi bộ.\n"
        "3.2. Tổng hợp khó khăn, vướng mắc khi có yêu cầu.\n"
        "3.3. Báo cáo kết quả với Ban Thường vụ.\n"
        "- Thời gian thực hiện: Tháng 3/2026.\n"
    )
    found = windows(body)
    assert [text[:4] for text, _, _ in found] == ["3.1.", "3.2.", "3.3."]
    assert {(start, due) for _, start, due in found} == {(date(2026, 3, 1), date(2026, 3, 31))}


def test_a_heading_that_introduces_a_list_gives_the_time_to_its_bullets() -> None:
    body = (
        "2.1. Tham gia các việc sau:\n"
        "- Dự các phiên họp của Ban Chỉ đạo.\n"
        "- Góp ý các dự thảo văn bản.\n"
        "- Thời gian thực hiện: Từ tháng 01/2026 đến tháng 4/2026.\n"
    )
    assert windows(body) == [
        ("Dự các phiên họp của Ban Chỉ đạo.", date(2026, 1, 1), date(2026, 4, 30)),
        ("Góp ý các dự thảo văn bản.", date(2026, 1, 1), date(2026, 4, 30)),
    ]


def test_a_statement_line_under_a_short_heading_is_the_task() -> None:
    body = "2. Hội nghị lần thứ hai\nNội dung: Thống nhất danh sách cán bộ dự nguồn.\n- Thời gian: Tháng 02/2026.\n"
    assert windows(body) == [
        ("Nội dung: Thống nhất danh sách cán bộ dự nguồn.", date(2026, 2, 1), date(2026, 2, 28))
    ]


def test_a_tentative_date_yields_to_the_deadline_beside_it() -> None:
    body = "1. Tổ chức hội nghị sơ kết\n- Thời gian: Dự kiến ngày 05/01/2026 (Chậm nhất ngày 10/01/2026).\n"
    assert windows(body) == [("1. Tổ chức hội nghị sơ kết", None, date(2026, 1, 10))]


def test_a_bare_time_label_over_one_line_per_round_gives_the_task_each_round() -> None:
    body = (
        "2. Kiểm tra việc lập hồ sơ đảng viên\n"
        "- Việc ghi lý lịch đúng mẫu.\n"
        "* Thời gian thực hiện:\n"
        "+ Đợt 1: Trong khoảng thời gian từ ngày 01/12/2025 đến ngày 12/12/2025.\n"
        "+ Đợt 2: từ ngày 02/3/2026 đến ngày 06/3/2026.\n"
        "3. Giám sát việc thu đảng phí\n"
    )
    assert windows(body) == [
        ("2. Kiểm tra việc lập hồ sơ đảng viên", date(2025, 12, 1), date(2025, 12, 12)),
        ("2. Kiểm tra việc lập hồ sơ đảng viên", date(2026, 3, 2), date(2026, 3, 6)),
    ]


def test_a_time_line_without_a_date_is_a_condition_and_a_frequency_is_a_recurrence() -> None:
    body = (
        "1. Tiếp nhận phản ánh của đảng viên\n- Thời gian: Theo hướng dẫn của Đảng ủy cấp trên.\n"
        "2. Trực tiếp dân\n- Thời gian: Duy trì thường xuyên trong giờ hành chính.\n"
    )
    found = [(i.text, i.condition, i.recurrence) for i in items_of(body)]
    assert found == [
        ("1. Tiếp nhận phản ánh của đảng viên", "Theo hướng dẫn của Đảng ủy cấp trên", None),
        ("2. Trực tiếp dân", None, "continuous"),
    ]


def test_a_header_heading_governs_the_bullets_of_its_sub_headings_until_the_next_round() -> None:
    body = (
        "II. NỘI DUNG VÀ THỜI GIAN\n"
        "1. Đợt 1: Từ ngày 08/12/2025 đến ngày 16/01/2026:\n"
        "a) Nội dung kiểm tra (đối với các chi bộ):\n"
        "- Kiểm tra sổ ghi biên bản sinh hoạt chi bộ.\n"
        "b) Nội dung giám sát:\n"
        "- Giám sát việc học tập nghị quyết (từ 05/01/2026 đến 09/01/2026).\n"
        "2. Đợt 2: Từ ngày 02/3/2026 đến ngày đại hội gồm các nội dung trọng tâm:\n"
        "- Kiểm tra công tác chuẩn bị văn kiện.\n"
        "2.1. Đợt 3: Trong tháng 5/2026\n"
        "- Rà soát kết quả khắc phục.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "- Các chi bộ chủ động phối hợp.\n"
    )
    assert windows(body) == [
        ("Kiểm tra sổ ghi biên bản sinh hoạt chi bộ.", date(2025, 12, 8), date(2026, 1, 16)),
        ("Giám sát việc học tập nghị quyết (từ 05/01/2026 đến 09/01/2026).", date(2026, 1, 5), date(2026, 1, 9)),
        ("Kiểm tra công tác chuẩn bị văn kiện.", date(2026, 3, 2), None),  # ends with an event: start only
        ("Rà soát kết quả khắc phục.", date(2026, 5, 1), date(2026, 5, 31)),
    ]


def test_a_named_day_in_a_header_gives_the_year_and_sau_ngay_starts_the_day_after() -> None:
    body = (
        "2.2. Đợt 2: Từ tháng 01 đến ngày đại hội 20/3/2026\n- Tuyên truyền kết quả nhiệm kỳ.\n"
        "2.3. Đợt 3: Sau ngày đại hội 20/3/2026\n- Tuyên truyền nghị quyết đại hội.\n"
    )
    assert windows(body) == [
        ("Tuyên truyền kết quả nhiệm kỳ.", date(2026, 1, 1), date(2026, 3, 20)),
        ("Tuyên truyền nghị quyết đại hội.", date(2026, 3, 21), None),
    ]


def test_the_day_of_an_event_in_a_parenthesis_leaves_the_headers_window() -> None:
    body = "1. Đợt 1: Trong tháng 3/2026\n- Cổ động cho ngày hội toàn dân (ngày 15/3/2026).\n"
    assert windows(body) == [("Cổ động cho ngày hội toàn dân (ngày 15/3/2026).", date(2026, 3, 1), date(2026, 3, 31))]


def test_slogans_and_citations_hold_no_task() -> None:
    body = (
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15, ngày 16/6/2025; Luật Quy hoạch ngày 24 "
        "tháng 11 năm 2017; Quyết định số 178/QĐ-TTg ngày 28/01/2016 của Thủ tướng Chính phủ;\n"
        "V. KHẨU HIỆU\n"
        "1. Ngày 15/3/2026, cả phường ra quân làm sạch đường phố!\n"
    )
    assert items_of(body) == ()


def test_targets_are_marked_apart_from_tasks() -> None:
    body = (
        "1. Chỉ tiêu 2: Tỷ lệ hộ gia đình văn hóa đạt 90% vào năm 2026.\n"
        "2. Phấn đấu đến năm 2026 có 30% chi bộ hoàn thành xuất sắc nhiệm vụ.\n"
        "3. Tổ chức hội nghị tổng kết trong tháng 12/2026.\n"
    )
    assert [(i.kind, i.due) for i in items_of(body)] == [
        ("target", date(2026, 12, 31)),
        ("target", date(2026, 12, 31)),
        ("task", date(2026, 12, 31)),
    ]


def test_years_standing_alone_in_a_parenthesis_or_a_table_cell_are_the_tasks_time() -> None:
    body = (
        "- Xây dựng đề án chuyển đổi số (2026 - 2027).\n"
        "- Duy trì mô hình dân vận khéo (2026 trở đi).\n"
        "1 | Sửa chữa nhà văn hóa khu phố | Năm 2026 - 2027 | Ban Quản lý\n"
        "2 | Trồng cây xanh | Quý IV/2025 và Quý I/2026 | Đoàn Thanh niên\n"
        "- Đạt danh hiệu 03 năm liền (năm 2023 – 2025).\n"
    )
    assert [(i.line - 5, i.start, i.due) for i in items_of(body)] == [
        (1, date(2026, 1, 1), date(2027, 12, 31)),
        (2, date(2026, 1, 1), None),
        (3, date(2026, 1, 1), date(2027, 12, 31)),
        (4, date(2025, 10, 1), date(2026, 3, 31)),
    ]


def test_a_text_is_laid_out_as_a_plan_by_its_numbered_headings_or_list_items() -> None:
    letter = ["KÍNH GỬI CÁC ĐỒNG CHÍ", "Buổi gặp mặt đầu xuân diễn ra vào ngày 15/02/2026.", "Rất mong đến dự."]
    assert not has_plan_shape(letter)  # a date and a line in capitals, but nothing numbered or listed
    assert not has_plan_shape([*letter, "1. Chuẩn bị hội trường"])  # one entry is not a layout
    assert has_plan_shape([*letter, "1. Chuẩn bị hội trường", "2. Mời đại biểu trước ngày 10/02/2026"])
    assert has_plan_shape(["- Bí thư chi bộ báo cáo.", "+ Đảng viên viết bản kiểm điểm."])
    assert has_plan_shape(["a) Rà soát danh sách", "BƯỚC 2: Họp chi bộ"])
    assert not has_plan_shape(["-", "+ "])  # bare marks hold nothing
