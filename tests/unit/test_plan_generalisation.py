"""The reader on plans it was not built on: the shapes of issue 13 (time lines under their task, headers over
sub-headings, events and delays as conditions, bare years, frequencies, tables, what is not a task), written
here in other words — other event nouns, other attribute labels, quarters across years, a table whose time
column comes first. Each plan lists every item it should give, so a missed task and a wrong date both fail."""

from datetime import date

import pytest

from bot.domain.plans import extract_plan_text

HEAD = "ĐẢNG ỦY XÃ AN HÒA\nSố: 21-KH/ĐU\nAn Hòa, ngày 05 tháng 6 năm 2026\nKẾ HOẠCH\n{title}\n"
D = date.fromisoformat

# (snippet of the task, start, due, recurrence, condition's words, kind); None where the item has none.
CASES = {
    "attribute lines: Cơ quan thực hiện, Thời hạn, Sản phẩm": (
        "Thực hiện công tác cán bộ năm 2026\nII. NHIỆM VỤ CỤ THỂ\n"
        "1. Rà soát, bổ sung quy hoạch cán bộ chi ủy nhiệm kỳ 2025 - 2030\n- Cơ quan thực hiện: Ban Tổ chức Đảng ủy\n"
        "- Thời hạn: Quý III/2026\n- Sản phẩm: Danh sách quy hoạch được phê duyệt\n"
        "2. Tổ chức tọa đàm về công tác dân vận\n- Cơ quan thực hiện: Ban Dân vận\n"
        "- Thời gian hoàn thành: tháng 10/2026\n"
        "- Sản phẩm: Báo cáo kết quả tọa đàm\n",
        [("1. Rà soát, bổ sung quy hoạch", None, "2026-09-30", None, None, "task"),  # "thời hạn": a deadline
         ("2. Tổ chức tọa đàm", "2026-10-01", "2026-10-31", None, None, "task")],
    ),
    "other labels: Trách nhiệm thực hiện, Đầu mối, Phụ trách; quarters across years": (
        "Giám sát năm 2026\nII. NỘI DUNG\n1. Giám sát việc thực hiện chính sách hỗ trợ hộ nghèo\n"
        "- Thời gian: Quý IV/2026 và Quý I/2027\n- Trách nhiệm thực hiện: Ban Thường trực\n"
        "- Đầu mối: Ủy viên phụ trách\n"
        "2. Phản biện dự thảo quy hoạch khu dân cư\n- Hoàn thành trước 30/9/2026\n"
        "3. Tổng hợp kiến nghị cử tri chậm nhất ngày 10/12/2026.\n4. Báo cáo kết quả 6 tháng đầu năm 2026.\n",
        [("1. Giám sát việc thực hiện", "2026-10-01", "2027-03-31", None, None, "task"),
         ("2. Phản biện dự thảo", None, "2026-09-30", None, None, "task"),
         ("3. Tổng hợp kiến nghị cử tri", None, "2026-12-10", None, None, "task"),
         ("4. Báo cáo kết quả 6 tháng đầu năm", "2026-01-01", "2026-06-30", None, None, "task")],
    ),
    "a header range over sub-headings: Giai đoạn": (
        "Tuyên truyền kỷ niệm ngày thành lập xã\nIII. CÁC GIAI ĐOẠN\n"
        "1. Giai đoạn 1: Từ ngày 01/8/2026 đến ngày 30/9/2026:\n"
        "a) Nội dung tuyên truyền:\n- Tuyên truyền trên hệ thống loa truyền thanh.\n"
        "- Treo băng rôn tại các tuyến đường.\n"
        "b) Hình thức:\n- Tổ chức thi tìm hiểu lịch sử địa phương.\n"
        "2. Giai đoạn 2: Từ ngày 01/10/2026 đến ngày 31/12/2026:\n- Tổng hợp kết quả, báo cáo Ban Chỉ đạo.\n",
        [("Tuyên truyền trên hệ thống loa", "2026-08-01", "2026-09-30", None, None, "task"),
         ("Treo băng rôn", "2026-08-01", "2026-09-30", None, None, "task"),
         ("Tổ chức thi tìm hiểu", "2026-08-01", "2026-09-30", None, None, "task"),
         ("Tổng hợp kết quả, báo cáo", "2026-10-01", "2026-12-31", None, None, "task")],
    ),
    "steps without a colon, and one whose year comes from its end": (
        "Kiểm tra việc chấp hành Điều lệ Đảng\n2. Các bước tiến hành\n2.1. Bước 1: Trong tháng 9/2026\n"
        "- Chi bộ xây dựng kế hoạch kiểm tra.\n- Thông báo kế hoạch đến đảng viên.\n2.2. Bước 2: Trong tháng 10/2026\n"
        "- Đảng viên báo cáo tự kiểm tra.\nBước 3: Từ tháng 11 đến ngày 15/01/2027\n- Chi ủy kết luận kiểm tra.\n",
        [("Chi bộ xây dựng kế hoạch kiểm tra", "2026-09-01", "2026-09-30", None, None, "task"),
         ("Thông báo kế hoạch đến đảng viên", "2026-09-01", "2026-09-30", None, None, "task"),
         ("Đảng viên báo cáo tự kiểm tra", "2026-10-01", "2026-10-31", None, None, "task"),
         ("Chi ủy kết luận kiểm tra", "2026-11-01", "2027-01-15", None, None, "task")],
    ),
    "rounds in a parenthesis, attribute lines under a header, other event nouns": (
        "Tổ chức đại hội chi bộ nhiệm kỳ 2026 - 2028\nIV. THỜI GIAN\nLần 1: Tháng 7/2026\n"
        "- Chi ủy chuẩn bị báo cáo chính trị.\n- Phụ trách: Bí thư chi bộ\nLần 2 (từ ngày 01/8 đến ngày 20/8/2026):\n"
        "- Chi bộ tổ chức đại hội.\n- Báo cáo kết quả sau Đại hội chi bộ.\n- Nộp hồ sơ khi có chỉ đạo của cấp trên.\n"
        "- Chuyển sinh hoạt đảng sau khi tổ chức hội nghị tổng kết.\n",
        [("Chi ủy chuẩn bị báo cáo chính trị", "2026-07-01", "2026-07-31", None, None, "task"),
         ("Chi bộ tổ chức đại hội", "2026-08-01", "2026-08-20", None, None, "task"),
         ("Báo cáo kết quả sau Đại hội", None, None, None, "sau Đại hội chi bộ", "task"),
         ("Nộp hồ sơ khi có chỉ đạo", None, None, None, "khi có chỉ đạo của cấp trên", "task"),
         ("Chuyển sinh hoạt đảng", None, None, None, "sau khi tổ chức hội nghị tổng kết", "task")],
    ),
    "events, delays and bare years as the task's own time": (
        "Tổ chức các hoạt động của Mặt trận\n- Tổng hợp ý kiến của đại biểu ngay sau khi kết thúc hội thảo.\n"
        "- Ban Công tác Mặt trận báo cáo sau khi kết thúc lễ ra quân.\n"
        "- Gửi biên bản trong vòng 7 ngày làm việc kể từ ngày kết thúc đợt giám sát.\n"
        "- Xây dựng mô hình dân vận khéo (2026 - 2027).\n- Nhân rộng mô hình tự quản (2027 trở đi).\n"
        "- Tổ chức sơ kết mô hình trong năm thứ hai của nhiệm kỳ.\n",
        [("Tổng hợp ý kiến của đại biểu", None, None, None, "kết thúc hội thảo", "task"),
         ("báo cáo sau khi kết thúc lễ ra quân", None, None, None, "lễ ra quân", "task"),
         ("Gửi biên bản", None, None, None, "trong vòng 7 ngày làm việc", "task"),
         ("Xây dựng mô hình dân vận khéo", "2026-01-01", "2027-12-31", None, None, "task"),
         ("Nhân rộng mô hình tự quản", "2027-01-01", None, None, None, "task"),
         ("Tổ chức sơ kết mô hình", None, None, None, "năm thứ hai của nhiệm kỳ", "task")],
    ),
    "a table right under the title, its time column first": (
        "Công tác phát triển đảng viên năm 2026\nSTT | Thời gian | Nội dung | Đơn vị thực hiện\n"
        "1 | Quý IV/2026 | Tổng kết công tác tạo nguồn phát triển đảng viên | Chi ủy\n"
        "2 | Quý IV/2026 và Quý I/2027 | Bồi dưỡng lý luận cho quần chúng ưu tú | Trung tâm Chính trị\n"
        "3 | Từ ngày 05/01/2027 đến 16 giờ 30, ngày 20/01/2027 | Nhận hồ sơ đề nghị kết nạp | Văn phòng Đảng ủy\n",
        [("Tổng kết công tác tạo nguồn", "2026-10-01", "2026-12-31", None, None, "task"),
         ("Bồi dưỡng lý luận", "2026-10-01", "2027-03-31", None, None, "task"),
         ("Nhận hồ sơ đề nghị kết nạp", "2027-01-05", "2027-01-20", None, None, "task")],
    ),
    "a table's time cells: a month range, a quarter, a rhythm, continuous": (
        "Hoạt động của Hội năm 2026\nThời gian | Nội dung công việc | Đơn vị chủ trì\n"
        "Tháng 01 - 02/2026 | Tổng kết công tác Hội năm 2025 | Ban Thường vụ\n"
        "Quý II/2026 | Tổ chức hội thao truyền thống | Ban Thường vụ\nHằng quý | Sinh hoạt chi hội | Chi hội\n"
        "Nắm tình hình tư tưởng hội viên | Thường xuyên | Chi hội\n",
        [("Tổng kết công tác Hội năm 2025", "2026-01-01", "2026-02-28", None, None, "task"),
         ("Tổ chức hội thao truyền thống", "2026-04-01", "2026-06-30", None, None, "task"),
         ("Sinh hoạt chi hội", None, None, "quarterly", None, "task"),
         ("Nắm tình hình tư tưởng", None, None, "continuous", None, "task")],
    ),
    "citations of decisions and laws, targets, frequencies": (
        "Kiểm tra, giám sát năm 2026\nI. MỤC ĐÍCH\n"
        "Căn cứ Quyết định số 512/QĐ-UBND ngày 12/3/2024 của Ủy ban nhân dân tỉnh về quy chế phối hợp.\n"
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15, ngày 15/6/2022 của Quốc hội.\n"
        "- Chỉ tiêu 3: Tỷ lệ hộ gia đình văn hóa đạt 92% vào năm 2027.\n"
        "- Phấn đấu đến năm 2027 có 95% khu dân cư đạt chuẩn văn minh.\nII. NỘI DUNG\n"
        "a) Thường xuyên kiểm tra việc thu, nộp đảng phí của các chi bộ.\n"
        "b) Cập nhật thường xuyên danh sách đảng viên miễn sinh hoạt.\n"
        "c) Báo cáo tình hình tài chính định kỳ hằng năm (trước ngày 20 tháng 12).\n",
        [("Chỉ tiêu 3", "2027-01-01", "2027-12-31", None, None, "target"),
         ("Phấn đấu đến năm 2027 có 95%", None, "2027-12-31", None, None, "target"),
         ("Thường xuyên kiểm tra việc thu", None, None, "continuous", None, "task"),
         ("Cập nhật thường xuyên danh sách", None, None, "continuous", None, "task"),
         ("Báo cáo tình hình tài chính", None, "2026-12-20", "yearly", None, "task")],
    ),
    "a statement under its heading and a time line that is only a condition": (
        "Học tập, quán triệt nghị quyết\n1. Tổ chức hội nghị học tập chuyên đề\n"
        "- Nội dung: Học tập chuyên đề về đạo đức, phong cách\n- Thời gian thực hiện: trước ngày 15/11/2026\n"
        "- Địa điểm: Hội trường Đảng ủy\n2. Viết bài thu hoạch cá nhân\n"
        "- Thời gian: theo hướng dẫn của Ban Tuyên giáo\n"
        "3. Tổng hợp kết quả học tập\n- Thời gian hoàn thành: Quý I/2027\n",
        [("1. Tổ chức hội nghị học tập", None, "2026-11-15", None, None, "task"),
         ("2. Viết bài thu hoạch", None, None, None, "theo hướng dẫn của Ban Tuyên giáo", "task"),
         ("3. Tổng hợp kết quả học tập", "2027-01-01", "2027-03-31", None, None, "task")],
    ),
    "a slogan and the issue date are no tasks; a named day in a parenthesis leaves the header's window": (
        "Tổ chức Ngày hội Đại đoàn kết toàn dân tộc\n1. Đợt 1: Từ ngày 01/10/2026 đến ngày 18/11/2026:\n"
        "- Các khu dân cư tổ chức Ngày hội (ngày 18/11/2026).\n- Biểu dương gia đình văn hóa tiêu biểu.\n"
        "Đại đoàn kết toàn dân tộc là nguồn sức mạnh vô địch ngày 18/11/2026!\n",
        [("Các khu dân cư tổ chức Ngày hội", "2026-10-01", "2026-11-18", None, None, "task"),
         ("Biểu dương gia đình văn hóa", "2026-10-01", "2026-11-18", None, None, "task")],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_task_gets_its_window_and_nothing_else_is_dated(name: str) -> None:
    body, expected = CASES[name]
    items = extract_plan_text(HEAD.format(title=body)).items
    got = [(i.text, i.start, i.due, i.recurrence, i.condition, i.kind) for i in items]
    for snippet, start, due, recurrence, condition, kind in expected:
        match = [g for g in got if snippet in g[0]]
        assert len(match) == 1, (snippet, got)
        when = list(match[0][1:])
        assert when[:3] == [start and D(start), due and D(due), recurrence], (snippet, when)
        assert (condition is None) == (when[3] is None) and (condition or "") in (when[3] or ""), (snippet, when)
        assert when[4] == kind, (snippet, when)
    assert len(got) == len(expected), [g[0] for g in got]
