"""What a supervisor and a secretary may not do beyond their branches, forged buttons included; the superior
unit's office setting a rule-set option its branches classify with, which a secretary may not."""

from dataclasses import replace

from bot.services import supervision_admin
from bot.services.demo_supervision import Stage, build_branch
from bot.services.rule_options import rules_for
from handlers.callbacks import ReviewAction, ReviewCb, TaskDone
from handlers.supervisor import SupervisorAction, SupervisorCb
from handlers.unit_options import OptionAction, OptionCb
from tests.helpers import (
    DONE,
    NO_DATE,
    NOW,
    OTHER,
    SECRETARY,
    SUPERVISOR,
    TZ,
    UNIT_ADMIN,
    UNIT_ADMIN_NAME,
    forge,
    scalar,
    supervised_through_the_bot,
)


async def test_neither_a_supervisor_nor_a_secretary_reaches_past_their_branches(tg, engine, uow_factory):
    ids = await supervised_through_the_bot(tg, uow_factory)
    other, done = ids[OTHER.name], ids[DONE.name]
    before = await scalar(engine, "SELECT count(*) FROM task WHERE done_at IS NOT NULL")
    audit = await scalar(engine, "SELECT count(*) FROM audit_log")
    cuu_long_task = await scalar(engine, f"SELECT min(id) FROM task WHERE branch_id = {ids[NO_DATE.name]}")
    an_phu_task = await scalar(engine, f"SELECT min(id) FROM task WHERE branch_id = {done} AND done_at IS NULL")

    # The supervisor: another branch is refused, forged or not; a supervised branch cannot be changed.
    await tg.send(SUPERVISOR, "/tinhhinh")
    for act in (SupervisorAction.OPEN, SupervisorAction.NUDGE):
        answer = await forge(tg, SUPERVISOR, SupervisorCb(act=act, b=other).pack())
        assert "không thuộc các chi bộ đồng chí phụ trách" in answer
    for command in ("/kiemdiem", "/themviec", "/nhapds"):
        await tg.send(SUPERVISOR, command)
        assert "Chỉ bí thư chi bộ mới làm được việc này" in await tg.last_text(SUPERVISOR), command
    tick = TaskDone(id=cuu_long_task, done=True, kind="month", start="20261101", end="20261130").pack()
    assert "Chỉ bí thư chi bộ" in await forge(tg, SUPERVISOR, tick)
    assert "Chỉ bí thư chi bộ" in await forge(tg, SUPERVISOR, ReviewCb(act=ReviewAction.TICK, n=cuu_long_task).pack())

    # A secretary: no summary, no other branch, forged buttons refused.
    await tg.send(SECRETARY, "/tinhhinh")
    assert "Chỉ đảng ủy viên phụ trách" in await tg.last_text(SECRETARY)
    for act in (SupervisorAction.OPEN, SupervisorAction.NUDGE, SupervisorAction.WORKBOOK):
        assert "⛔️ Chỉ đảng ủy viên phụ trách" in await forge(tg, SECRETARY, SupervisorCb(act=act, b=done).pack())
    tick = TaskDone(id=an_phu_task, done=True, kind="month", start="20261101", end="20261130").pack()
    assert "Việc này không thuộc lịch chi bộ của bạn" in await forge(tg, SECRETARY, tick)
    forged_tick = ReviewCb(act=ReviewAction.TICK, n=an_phu_task).pack()
    assert "không thuộc lịch chi bộ" in await forge(tg, SECRETARY, forged_tick)
    await tg.send(SECRETARY, "/thangnay")
    assert "Chi bộ An Phú" not in await tg.last_text(SECRETARY)

    assert await scalar(engine, "SELECT count(*) FROM task WHERE done_at IS NOT NULL") == before
    assert await scalar(engine, "SELECT count(*) FROM audit_log") == audit
    assert await scalar(engine, "SELECT count(*) FROM branch_nudge") == 0


# A branch whose meeting has ended, under a unit whose office sets its options.
BRANCH = replace(DONE, name="Chi bộ Hòa Bình", stage=Stage.MET, meeting_in_days=-2)
BRANCH_SECRETARY = BRANCH.secretary[0]


async def test_the_unit_administrator_sets_an_option_its_branches_classify_with(tg, uow_factory):
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy phường Bến Thành", NOW)
        await supervision_admin.add_admin(uow, unit, UNIT_ADMIN, UNIT_ADMIN_NAME, NOW)
        branch_id = await build_branch(uow, replace(BRANCH, stage=Stage.STARTED, rule_set="qd366_2025"), unit, NOW,
                                       TZ)
    await tg.send(UNIT_ADMIN, "/donvi")
    await tg.click_button(UNIT_ADMIN, "⚙️ Tùy chọn quy định — Đảng ủy phường Bến Thành")
    shown = await tg.last_text(UNIT_ADMIN)
    assert "Tùy chọn quy định — Đảng ủy phường Bến Thành" in shown
    assert "Làm tròn số suất «Hoàn thành xuất sắc nhiệm vụ»: làm tròn xuống (mặc định)" in shown
    assert "Quy định 366-QĐ/TW, Điều 11, mục 1.5: «không vượt quá 20% tổng số tập thể" in shown
    await tg.click_button(UNIT_ADMIN, "2. Làm tròn → làm tròn lên")
    assert ("✅ Đảng ủy phường Bến Thành: Làm tròn số suất «Hoàn thành xuất sắc nhiệm vụ» — làm tròn lên."
            in (await tg.messages(UNIT_ADMIN))[-2]["text"])
    assert "Làm tròn số suất «Hoàn thành xuất sắc nhiệm vụ»: làm tròn lên\n" in await tg.last_text(UNIT_ADMIN)
    async with uow_factory() as uow:
        review = await uow.reviews.latest(branch_id)
        assert (await rules_for(uow, review)).option("quota_rounding") == "ceil"

    # The branch's secretary cannot, forged button or not.
    await tg.send(BRANCH_SECRETARY, "/start")
    forged = OptionCb(act=OptionAction.SET, u=unit.id, r=0, k=1, v=0).pack()
    assert "Chỉ văn phòng cấp ủy cấp trên" in await forge(tg, BRANCH_SECRETARY, forged)
    async with uow_factory() as uow:
        assert (await rules_for(uow, await uow.reviews.latest(branch_id))).option("quota_rounding") == "ceil"
