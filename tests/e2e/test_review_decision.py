"""The superior decides through the sandbox: after a branch's meeting has ended, its supervisor opens /tinhhinh, sees
what awaits her decision, confirms one level, changes another with a reason and confirms the rest in one tap;
the secretary and the member receive the messages (delivered from the outbox); /buoc shows the decided levels;
a secretary's forged decision button is refused. The unit's administrator sets a rule-set option in /donvi."""

from dataclasses import replace

from sqlalchemy import text, update

from bot.services import supervision_admin
from bot.services.demo_supervision import Stage, build_branch, link
from handlers.review_decision import DecisionAction, DecisionCb
from scheduling import jobs
from storage.models import Person
from tests.helpers import DONE, LOI, NOW, SUPERVISOR, SUPERVISOR_NAME, TZ, buttons, forge

BRANCH = replace(DONE, name="Chi bộ Hòa Bình", stage=Stage.MET, meeting_in_days=-2)
SECRETARY = BRANCH.secretary[0]


async def met_branch(tg, uow_factory) -> int:
    async with uow_factory() as uow:
        branch_id = await build_branch(uow, BRANCH, None, NOW, TZ)
    async with uow_factory() as uow:
        await uow.session.execute(update(Person).where(Person.full_name == "Hồ Văn Lợi")
                                  .values(telegram_user_id=LOI))
        await uow.commit()
        await supervision_admin.person_by_chat(uow, SUPERVISOR, SUPERVISOR_NAME, NOW)
        await link(uow, SUPERVISOR, [branch_id], NOW)
    for user in (SECRETARY, LOI, SUPERVISOR):
        await tg.send(user, "/start")  # everyone has opened the bot
    return branch_id


async def test_the_supervisor_confirms_one_level_and_changes_another(tg, engine, uow_factory, clock,
                                                                      reminders_running):
    branch_id = await met_branch(tg, uow_factory)

    await tg.send(SUPERVISOR, "/tinhhinh")
    summary = await tg.last_text(SUPERVISOR)
    assert "⚖️ Chờ cấp trên quyết định: 5 đảng viên ở 1 chi bộ" in summary
    assert "⚖️ Chờ quyết định: 5 đảng viên, xếp loại chi bộ" in summary
    await tg.click_button(SUPERVISOR, "🔎 1. Chi bộ Hòa Bình")
    review, calendar = (await tg.messages(SUPERVISOR))[-2:]
    assert "Quyết định của cấp trên: 0/6 mức đã chính thức" in review["text"]
    assert "⚖️ Quyết định xếp loại (6 chờ)" in buttons(calendar)

    await tg.click_button(SUPERVISOR, "⚖️ Quyết định xếp loại")
    board = await tg.last_text(SUPERVISOR)
    assert "Quyết định xếp loại — Chi bộ Hòa Bình (kiểm điểm năm 2026)" in board
    assert "2. Hồ Văn Lợi — đề xuất «Hoàn thành tốt nhiệm vụ»" in board
    assert "6. Tập thể chi bộ — đề xuất «Hoàn thành xuất sắc nhiệm vụ»" in board
    assert board.count("⏳ chờ cấp trên quyết định") == 6
    assert "Xác nhận tất cả đề xuất còn lại" in buttons((await tg.messages(SUPERVISOR))[-1])

    # Confirm one.
    await tg.click_button(SUPERVISOR, "⏳ 2. Hồ Văn Lợi")
    assert "Hồ Văn Lợi — chi bộ đề xuất «Hoàn thành tốt nhiệm vụ»" in await tg.last_text(SUPERVISOR)
    await tg.click_button(SUPERVISOR, "✅ Xác nhận «Hoàn thành tốt nhiệm vụ»")
    decided = (await tg.messages(SUPERVISOR))[-2]["text"]
    assert "Đã quyết định: Hồ Văn Lợi — «Hoàn thành tốt nhiệm vụ»" in decided
    assert "Đã gửi thông báo tới bí thư chi bộ và đảng viên" in decided
    board = await tg.last_text(SUPERVISOR)
    assert ("2. Hồ Văn Lợi — đề xuất «Hoàn thành tốt nhiệm vụ»\n   84 điểm (26/30 tiêu chí chung + 58/70 kết quả thực "
            "hiện nhiệm vụ); Đạt điều kiện: 100% nhiệm vụ đúng hạn\n   ✅ cấp trên xác nhận") in board
    assert board.count("✅ cấp trên xác nhận") == 1 and board.count("⏳ chờ cấp trên quyết định") == 5

    # Change another: the level, then the reason typed.
    await tg.click_button(SUPERVISOR, "⏳ 3. Mai Thị Xuân")
    await tg.click_button(SUPERVISOR, "➡️ Hoàn thành tốt nhiệm vụ")
    assert "Gõ lý do (bắt buộc" in await tg.last_text(SUPERVISOR)
    await tg.send(SUPERVISOR, "Đã khắc phục khuyết điểm trước hội nghị")
    changed = (await tg.messages(SUPERVISOR))[-2]["text"]
    assert ("Đã quyết định: Mai Thị Xuân — «Hoàn thành tốt nhiệm vụ» (đổi từ đề xuất «Hoàn thành nhiệm vụ»; lý do: "
            "Đã khắc phục khuyết điểm trước hội nghị)") in changed

    # The secretary and the member are told, through the outbox (one message a second to a chat).
    for _ in range(2):
        await jobs.deliver()
        clock.advance(seconds=2)
    to_member = await tg.last_text(LOI)
    assert "Kết quả xếp loại năm 2026 — Chi bộ Hòa Bình" in to_member
    assert "Cấp ủy cấp trên đã quyết định xếp loại đồng chí: «Hoàn thành tốt nhiệm vụ»" in to_member
    told = [m["text"] for m in await tg.messages(SECRETARY) if "Cấp trên đã quyết định xếp loại" in m["text"]]
    assert len(told) == 2
    assert "Hồ Văn Lợi: «Hoàn thành tốt nhiệm vụ» — xác nhận đề xuất của chi bộ" in told[0]
    assert ("Mai Thị Xuân: «Hoàn thành tốt nhiệm vụ» — đổi từ đề xuất «Hoàn thành nhiệm vụ»; lý do: Đã khắc phục "
            "khuyết điểm trước hội nghị") in told[1]

    # /buoc: what is final, what still awaits.
    await tg.send(SECRETARY, "/buoc")
    buoc = await tg.last_text(SECRETARY)
    assert "Quyết định của cấp trên: 2/6 mức đã chính thức" in buoc
    assert "✅ Hồ Văn Lợi: «Hoàn thành tốt nhiệm vụ»" in buoc
    assert "✅ Mai Thị Xuân: «Hoàn thành tốt nhiệm vụ» (đề xuất «Hoàn thành nhiệm vụ»; lý do: Đã khắc phục" in buoc
    assert ("⏳ Chờ quyết định: Trương Thị Bích («Hoàn thành tốt nhiệm vụ», đề xuất), Tạ Văn Sơn" in buoc
            and "Tập thể chi bộ («Hoàn thành xuất sắc nhiệm vụ», đề xuất)" in buoc)

    # The secretary cannot decide, even with a forged button.
    forged = DecisionCb(act=DecisionAction.ALL_OK, b=branch_id).pack()
    assert "Chỉ đảng ủy viên phụ trách chi bộ" in await forge(tg, SECRETARY, forged)

    # The rest in one tap, after a confirmation step.
    await tg.send(SUPERVISOR, "/tinhhinh")
    assert "⚖️ Chờ cấp trên quyết định: 3 đảng viên ở 1 chi bộ" in await tg.last_text(SUPERVISOR)
    await tg.click_button(SUPERVISOR, "🔎 1. Chi bộ Hòa Bình")
    await tg.click_button(SUPERVISOR, "⚖️ Quyết định xếp loại (4 chờ)")
    await tg.click_button(SUPERVISOR, "Xác nhận tất cả đề xuất còn lại")
    ask = await tg.last_text(SUPERVISOR)
    assert "cho 4 đề xuất còn lại?" in ask and "• Kiều Thị Yến — «Không hoàn thành nhiệm vụ»" in ask
    await tg.click_button(SUPERVISOR, "✅ Đồng ý, xác nhận tất cả")
    assert "Đã xác nhận 4 đề xuất" in (await tg.messages(SUPERVISOR))[-2]["text"]
    assert "✅ Đã quyết định tất cả đề xuất." in await tg.last_text(SUPERVISOR)
    await tg.send(SUPERVISOR, "/tinhhinh")
    assert "Chờ cấp trên quyết định" not in await tg.last_text(SUPERVISOR)
    async with engine.connect() as connection:
        stored = (await connection.execute(text("SELECT count(*) FROM review_decision"))).scalar_one()
    assert stored == 6
    await jobs.deliver()
    await tg.send(SECRETARY, "/buoc")
    assert "Quyết định của cấp trên: 6/6 mức đã chính thức" in await tg.last_text(SECRETARY)


async def test_a_confirmation_can_carry_a_reason(tg, engine, uow_factory, clock, reminders_running):
    await met_branch(tg, uow_factory)
    await tg.send(SUPERVISOR, "/tinhhinh")
    await tg.click_button(SUPERVISOR, "🔎 1. Chi bộ Hòa Bình")
    await tg.click_button(SUPERVISOR, "⚖️ Quyết định xếp loại")
    await tg.click_button(SUPERVISOR, "⏳ 2. Hồ Văn Lợi")
    await tg.click_button(SUPERVISOR, "📝 Xác nhận, kèm lý do")
    asked = await tg.last_text(SUPERVISOR)
    assert "Xác nhận mức «Hoàn thành tốt nhiệm vụ» của Hồ Văn Lợi như chi bộ đề xuất." in asked
    await tg.send(SUPERVISOR, "x" * 501)  # too long: said, nothing stored, the dialog kept
    assert "tối đa 500" in await tg.last_text(SUPERVISOR)
    await tg.send(SUPERVISOR, "Đã khắc phục hạn chế năm trước")
    decided = (await tg.messages(SUPERVISOR))[-2]["text"]
    assert ("Đã quyết định: Hồ Văn Lợi — «Hoàn thành tốt nhiệm vụ» (xác nhận đề xuất; lý do: Đã khắc phục hạn chế năm "
            "trước).") in decided
    assert "✅ cấp trên xác nhận (Đã khắc phục hạn chế năm trước)" in await tg.last_text(SUPERVISOR)
    async with engine.connect() as connection:
        stored = (await connection.execute(text("SELECT proposed, decided, reason FROM review_decision"))).all()
    assert [tuple(r) for r in stored] == [("httnv", "httnv", "Đã khắc phục hạn chế năm trước")]
    for _ in range(2):
        await jobs.deliver()
        clock.advance(seconds=2)
    assert "Đúng như chi bộ đề xuất (Đã khắc phục hạn chế năm trước)." in await tg.last_text(LOI)


