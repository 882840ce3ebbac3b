"""Reminders through the sandbox: planned when a task is added, /nhacviec settings with buttons, delivered
at 08:00 on the bot's clock, stopped when the task is done. The scheduler's job functions are called
directly, as the scheduler would call them, on the test's clock."""



from scheduling import jobs
from tests.helpers import SECRETARY, STRANGER, buttons, create_branch

TASK = "Nộp báo cáo kiểm điểm cho Đảng ủy"


async def texts(tg) -> list[str]:
    return [m["text"] for m in await tg.messages(SECRETARY)]


async def test_a_task_is_reminded_of_and_the_secretary_tunes_her_reminders(tg, clock, reminders_running):
    await create_branch(tg)  # the bot's clock: 22/11/2026 10:00 in Hà Nội
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, TASK)
    await tg.send(SECRETARY, "25/11/2026")
    await jobs.replan_requested()

    await tg.send(SECRETARY, "/nhacviec")
    overview = await tg.last_text(SECRETARY)
    assert f"24/11 08:00 — Ngày mai: {TASK}" in overview
    assert f"25/11 08:00 — Hôm nay: {TASK}" in overview
    assert f"26/11 08:00 — Quá hạn 1 ngày: {TASK}" in overview
    assert "Giờ yên tĩnh: 21:00–07:00 (mặc định) — nhắc việc rơi vào giờ này được gửi lúc 07:00" in overview
    assert "✅ Sắp đến hạn (trước 7, 3, 1 ngày)" in buttons((await tg.messages(SECRETARY))[-1])

    await tg.click_button(SECRETARY, "✅ Sắp đến hạn")
    assert "Ngày mai" not in await tg.last_text(SECRETARY)
    assert "🔕 Sắp đến hạn (trước 7, 3, 1 ngày)" in buttons((await tg.messages(SECRETARY))[-1])
    await tg.click_button(SECRETARY, "🔕 Sắp đến hạn")
    assert f"24/11 08:00 — Ngày mai: {TASK}" in await tg.last_text(SECRETARY)

    await tg.click_button(SECRETARY, "🌙 Giờ yên tĩnh")
    assert "22:00–06:00" in buttons((await tg.messages(SECRETARY))[-1])
    await tg.click_button(SECRETARY, "✏️ Gõ giờ khác")
    assert "gõ 00:00-00:00 để không dùng giờ yên tĩnh" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "00:00-00:00")
    assert "Giờ yên tĩnh: không dùng" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "🌙 Giờ yên tĩnh")
    await tg.click_button(SECRETARY, "✏️ Gõ giờ khác")
    await tg.send(SECRETARY, "25:00-7")
    assert "«25:00-7» không phải một khoảng giờ hợp lệ" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "06:00-09:30")
    overview = await tg.last_text(SECRETARY)
    assert "Giờ yên tĩnh: 06:00–09:30 — nhắc việc rơi vào giờ này được gửi lúc 09:30" in overview
    assert f"24/11 09:30 — Ngày mai: {TASK}" in overview

    # Forged buttons are refused in Vietnamese and change nothing.
    message_id = (await tg.messages(SECRETARY))[-1]["message_id"]
    await tg.click(SECRETARY, message_id, "rq:9999:0:0")
    await tg.click(SECRETARY, message_id, "rk:everything")
    answers = [a["text"] for a in await tg.callback_answers(SECRETARY)][-2:]
    assert all(a.startswith("Nút này không còn hiệu lực") for a in answers)
    await tg.send(SECRETARY, "/nhacviec")
    assert "Giờ yên tĩnh: 06:00–09:30" in await tg.last_text(SECRETARY)

    clock.advance(days=2)  # 24/11 10:00
    await jobs.deliver()
    reminder = await tg.last_text(SECRETARY)
    assert reminder.startswith(f"🔔 Ngày mai đến hạn: {TASK}\nHạn: 25/11/2026 — Chi bộ Khu phố 7")

    # Done: the reminders for the day and the day after are cancelled.
    await tg.send(SECRETARY, "/thangnay")
    await tg.click_button(SECRETARY, "✅ 1")
    await jobs.replan_requested()
    clock.advance(days=3)
    await jobs.deliver()
    assert not any("Hôm nay là hạn cuối" in t or "Đã quá hạn" in t for t in await texts(tg))
    await tg.send(SECRETARY, "/nhacviec")
    assert "Chưa có nhắc việc nào trong 8 ngày tới." in await tg.last_text(SECRETARY)


async def test_a_secretary_abroad_sets_her_time_zone(tg, reminders_running):
    await create_branch(tg)
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, TASK)
    await tg.send(SECRETARY, "25/11/2026")
    await jobs.replan_requested()
    await tg.send(SECRETARY, "/nhacviec")
    await tg.click_button(SECRETARY, "🌐 Múi giờ")
    assert "Múi giờ hiện tại: Asia/Ho_Chi_Minh" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Sao Hỏa")
    assert "Không có múi giờ «Sao Hỏa»" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "europe/berlin")
    overview = await tg.last_text(SECRETARY)
    assert "Múi giờ: Europe/Berlin" in overview and f"24/11 08:00 — Ngày mai: {TASK}" in overview
    await tg.click_button(SECRETARY, "🌐 Múi giờ")
    await tg.click_button(SECRETARY, "🏠 Asia/Ho_Chi_Minh")
    assert "Múi giờ: Asia/Ho_Chi_Minh" in await tg.last_text(SECRETARY)


async def test_strangers_have_no_reminders(tg, reminders_running):
    await tg.send(STRANGER, "/nhacviec")
    assert "Bạn chưa thuộc chi bộ nào" in await tg.last_text(STRANGER)
