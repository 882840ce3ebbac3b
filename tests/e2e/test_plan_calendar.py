"""A plan through the sandbox: upload it, review the preview, save it, ask what to do, mark done, export; the
review's meeting day taken from it; targets made tasks; a revised plan applied as changes."""

import base64

from icalendar import Calendar

from tests.corpus import QUARTER_PLAN, reference_plan
from tests.helpers import SECRETARY, buttons, create_branch
from tests.pages import as_docx


async def test_plan_003_as_docx_then_as_text_and_the_month_question(tg):
    text = reference_plan("003").read_text(encoding="utf-8")
    await create_branch(tg)
    await tg.upload(SECRETARY, "ke-hoach-146.docx", as_docx(text))
    preview = (await tg.messages(SECRETARY))[-1]
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview["text"]
    assert "Việc của chi bộ" in preview["text"]
    first = preview["text"].split("Việc của chi bộ", 1)[1].splitlines()[1]
    assert first.startswith("1. [05/11/2014–07/11/2014] Chi bộ triển khai cho đảng viên viết bản kiểm điểm")

    # Drop one item, then correct the owner of another, then save.
    await tg.click_button(SECRETARY, "1")
    await tg.click_button(SECRETARY, "Bỏ việc này")
    assert "(đã bỏ)" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "Giữ lại việc này")
    await tg.click_button(SECRETARY, "Quay lại danh sách")
    save = next(b for b in buttons((await tg.messages(SECRETARY))[-1]) if b.startswith("✅ Lưu"))
    await tg.click_button(SECRETARY, save)
    assert "✅ Đã lưu" in await tg.last_text(SECRETARY) and "146-KH/ĐU" in await tg.last_text(SECRETARY)

    await tg.upload(SECRETARY, "ke-hoach-146.txt", text.encode())
    assert "đã được nhập vào lịch chi bộ" in await tg.last_text(SECRETARY)

    await tg.send(SECRETARY, "tháng 11/2014 cần làm gì")
    answer = await tg.last_text(SECRETARY)
    assert "Việc tháng 11/2014 — Chi bộ Khu phố 7" in answer
    for window, words in (("05/11/2014–07/11/2014", "Chi bộ triển khai cho đảng viên viết bản kiểm điểm"),
                          ("10/11/2014–12/11/2014", "Bí thư chi bộ báo cáo"),
                          ("20/11/2014–28/11/2014", "Bí thư chi bộ tổ chức họp chi bộ")):
        line = next(line for line in answer.splitlines() if words in line)
        assert line.endswith(window), line
    assert "Chánh Thanh tra thành phố" not in answer
    assert any(b.startswith("📋 Xem cả") for b in buttons((await tg.messages(SECRETARY))[-1]))

    await tg.click_button(SECRETARY, "📋 Xem cả")
    assert "Chánh Thanh tra thành phố tổ chức họp" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "Chỉ việc của chi bộ")
    await tg.click_button(SECRETARY, "✅ 1")
    # Done, the task leaves "Quá hạn" and is shown ticked among the month's tasks, under a new number.
    line = next(x for x in (await tg.last_text(SECRETARY)).splitlines() if "Chi bộ triển khai" in x)
    number, _, rest = line.partition(". ")
    assert rest.startswith("✅ Chi bộ triển khai")
    assert f"↩️ {number}" in buttons((await tg.messages(SECRETARY))[-1])
    await tg.click_button(SECRETARY, f"↩️ {number}")
    line = next(x for x in (await tg.last_text(SECRETARY)).splitlines() if "Chi bộ triển khai" in x)
    assert line.startswith("1. Chi bộ triển khai")

    await tg.send(SECRETARY, "/xuatlich")
    ics = (await tg.messages(SECRETARY))[-1]["document"]
    assert ics["file_name"] == "lich-chi-bo.ics"
    events = Calendar.from_ical(base64.b64decode(ics["content_base64"])).walk("VEVENT")
    assert any("Chi bộ triển khai" in str(e["SUMMARY"]) for e in events)


async def test_the_review_meeting_date_can_come_from_the_imported_plan(tg):
    text = reference_plan("003").read_text(encoding="utf-8")
    await create_branch(tg)
    await tg.upload(SECRETARY, "ke-hoach-146.txt", text.encode())
    await tg.click_button(SECRETARY, "✅ Lưu")
    await tg.send(SECRETARY, "/kiemdiem 2014")
    await tg.click_button(SECRETARY, "Đặt ngày hội nghị")
    await tg.click_button(SECRETARY, "Theo kế hoạch: 08:00 ngày 20/11/2014")
    assert "⚠️ Ngày hội nghị 20/11/2014 đã qua" in await tg.last_text(SECRETARY)  # a 2014 plan, read in 2026
    await tg.click_button(SECRETARY, "✅ Vẫn đặt ngày này")
    assert "Hội nghị: 08:00 ngày 20/11/2014" in await tg.last_text(SECRETARY)


TARGETS_PLAN = """ĐẢNG ỦY PHƯỜNG 9
Số: 15-KH/ĐU
TP. Hồ Chí Minh, ngày 10 tháng 3 năm 2026
KẾ HOẠCH
Phát triển đảng viên năm 2026
I. MỤC TIÊU
- Chỉ tiêu 1: Mỗi chi bộ kết nạp ít nhất 1 đảng viên mới trong năm 2026.
- Phấn đấu đến năm 2026 có 90% chi bộ hoàn thành tốt nhiệm vụ.
II. NHIỆM VỤ
- Chi bộ họp xét kết nạp đảng viên trong tháng 4/2026.
- Bí thư chi bộ báo cáo kết quả phát triển đảng viên trước ngày 30/06/2026.
"""


async def test_targets_are_shown_apart_and_one_can_be_made_a_task(tg):
    await create_branch(tg)
    await tg.upload(SECRETARY, "kh15.txt", TARGETS_PLAN.encode())
    preview = await tg.last_text(SECRETARY)
    assert "Tìm thấy 2 việc có thời hạn: 2 của chi bộ, 0 của các đơn vị khác. Sẽ lưu 2 việc." in preview
    assert "🎯 Và 2 chỉ tiêu (kết quả cần đạt, không phải việc cần làm)" in preview
    tasks, targets = preview.split("🎯 Chỉ tiêu (không lưu vào lịch)")
    assert "1. [01/04/2026–30/04/2026] Chi bộ họp xét kết nạp" in tasks
    assert "2. [hạn 30/06/2026] Bí thư chi bộ báo cáo kết quả" in tasks
    assert "Chỉ tiêu 1" not in tasks and "Phấn đấu" not in tasks
    assert "🎯 3. [01/01/2026–31/12/2026] Chỉ tiêu 1: Mỗi chi bộ kết nạp ít nhất 1 đảng viên mới" in targets
    assert "🎯 4. [hạn 31/12/2026] Phấn đấu đến năm 2026 có 90% chi bộ" in targets
    assert {"1", "2", "🎯 3", "🎯 4"} <= buttons((await tg.messages(SECRETARY))[-1]).keys()

    await tg.click_button(SECRETARY, "🎯 3")
    card = (await tg.messages(SECRETARY))[-1]
    assert card["text"].startswith("🎯 Chỉ tiêu 3\nChỉ tiêu 1: Mỗi chi bộ kết nạp")
    assert "không được lưu vào lịch" in card["text"]
    assert buttons(card).keys() == {"📌 Chuyển thành việc", "⬅️ Quay lại danh sách"}
    await tg.click_button(SECRETARY, "📌 Chuyển thành việc")
    card = (await tg.messages(SECRETARY))[-1]
    assert card["text"].startswith("Việc 3\nChỉ tiêu 1: Mỗi chi bộ kết nạp")  # a task now, its owner not yet known
    assert "Đơn vị: chưa rõ" in card["text"] and "🚫 Bỏ việc này" in buttons(card)
    await tg.click_button(SECRETARY, "🏢 Sửa đơn vị")
    await tg.send(SECRETARY, "Chi bộ")
    assert "Đơn vị: Chi bộ (của chi bộ)" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "⬅️ Quay lại danh sách")
    preview = await tg.last_text(SECRETARY)
    assert "Tìm thấy 3 việc có thời hạn: 3 của chi bộ, 0 của các đơn vị khác. Sẽ lưu 3 việc." in preview
    assert "🎯 Và 1 chỉ tiêu" in preview
    assert "\n3. [01/01/2026–31/12/2026] Chỉ tiêu 1: Mỗi chi bộ kết nạp" in preview
    assert "🎯 4. [hạn 31/12/2026] Phấn đấu đến năm 2026" in preview

    await tg.click_button(SECRETARY, "✅ Lưu 3 việc vào lịch")
    assert "✅ Đã lưu 3 việc của kế hoạch 15-KH/ĐU vào lịch chi bộ (3 việc của chi bộ)" in await tg.last_text(
        SECRETARY)
    await tg.send(SECRETARY, "tháng 12/2026 cần làm gì")
    answer = await tg.last_text(SECRETARY)
    assert "Mỗi chi bộ kết nạp ít nhất 1 đảng viên mới" in answer  # the target made a task
    assert "90% chi bộ" not in answer  # the target left a target is not a task


async def test_a_revised_plan_shows_what_changed_and_keeps_done_marks(tg):
    await create_branch(tg)
    first = QUARTER_PLAN.format(day="02", due="15", extra="- Bí thư chi bộ nộp báo cáo sơ kết trước ngày 30/06/2026.")
    await tg.upload(SECRETARY, "kh12.txt", first.encode())
    await tg.click_button(SECRETARY, "✅ Lưu")
    await tg.send(SECRETARY, "tháng 4/2026 cần làm gì")
    await tg.click_button(SECRETARY, "✅ 1")  # "Chi bộ họp xét kết nạp" done

    revised = QUARTER_PLAN.format(day="20", due="25", extra="- Chi bộ tổ chức hội nghị sơ kết trong tháng 6/2026.")
    await tg.upload(SECRETARY, "kh12-sua-doi.txt", revised.encode())
    preview = await tg.last_text(SECRETARY)
    assert "🔄 Bản sửa đổi của kế hoạch 12-KH/ĐU ngày 02/03/2026" in preview
    assert "Thêm 1 việc:\n➕ [01/06/2026–30/06/2026] Chi bộ tổ chức hội nghị sơ kết" in preview
    assert "Bỏ 1 việc:\n➖ [hạn 30/06/2026] Bí thư chi bộ nộp báo cáo sơ kết" in preview
    assert "Đổi thời gian 1 việc:\n🔁 Chi bộ tổ chức học tập nghị quyết trước ngày 25/05/2026.: [hạn 15/05/2026] → " \
           "[hạn 25/05/2026]" in preview
    await tg.click_button(SECRETARY, "✅ Lưu")
    assert "Đã cập nhật kế hoạch 12-KH/ĐU: thêm 1 việc, bỏ 1 việc, đổi thời gian 1 việc" in await tg.last_text(
        SECRETARY)
    await tg.send(SECRETARY, "tháng 4/2026 cần làm gì")
    line = next(x for x in (await tg.last_text(SECRETARY)).splitlines() if "kết nạp" in x)
    assert "✅ Chi bộ họp xét kết nạp" in line  # still done
    await tg.send(SECRETARY, "tháng 6/2026 cần làm gì")
    answer = await tg.last_text(SECRETARY)
    assert "hội nghị sơ kết" in answer and "nộp báo cáo sơ kết" not in answer
