"""A plan through the sandbox: upload it, review the preview, save it, ask what to do, mark done, export."""

import base64
import io

import docx
from icalendar import Calendar

from tests.corpus import reference_plan
from tests.e2e.chat import buttons
from tests.e2e.test_onboarding import SECRETARY, STRANGER, create_branch, member_link, paste

FIVE = "Trần Văn Minh, chính thức, 01/02/2011, phó bí thư\nLê Thị Hà, chính thức"


def as_docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()




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


async def test_the_plain_month_commands_and_free_text_without_diacritics(tg):
    await create_branch(tg)
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, "Nộp danh sách đảng viên cho Đảng ủy")
    await tg.send(SECRETARY, "31/11/2026")
    assert "không phải ngày hợp lệ" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "25/11/2026 - 30/11/2026")
    assert "Đã thêm vào lịch" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "/thangnay")
    assert "Nộp danh sách đảng viên cho Đảng ủy — 25/11/2026–30/11/2026" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "thang 11 lam gi")
    assert "Việc tháng 11/2026" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "/thangsau")
    assert "Không có việc nào" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "tháng 13/2026")
    assert "Không có tháng «13»" in await tg.last_text(SECRETARY)


async def test_bad_plan_files_get_a_clear_message_and_nothing_is_saved(tg):
    await create_branch(tg)
    cases = [
        ("rong.docx", b"", "Tệp rỗng"),
        ("anh.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "không phải"),
        ("lon.txt", ("Chi bộ họp trong tháng 4/2012. " * 170_000).encode(), "quá lớn"),
        ("khongngay.txt", "KẾ HOẠCH\nChi bộ học tập nghị quyết.\nĐảng viên tự nghiên cứu.".encode(),
         "không tìm thấy việc nào có thời hạn"),
    ]
    for name, content, expected in cases:
        await tg.upload(SECRETARY, name, content)
        assert expected in await tg.last_text(SECRETARY), name
    await tg.send(SECRETARY, "quá hạn")
    assert "Không có việc nào" in await tg.last_text(SECRETARY)


async def test_members_cannot_import_plans_or_mark_tasks(tg):
    await create_branch(tg)
    await paste(tg, FIVE)
    token = await member_link(tg, "Lê Thị Hà")
    await tg.send(STRANGER, f"/start {token}")
    await tg.upload(STRANGER, "kh.txt", "Chi bộ họp trong tháng 12/2026.".encode())
    assert (await tg.last_text(STRANGER)).startswith("⛔️")
    await tg.send(STRANGER, "/nhapkehoach")
    assert (await tg.last_text(STRANGER)).startswith("⛔️")


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
