"""The superior decides the levels a branch proposed, on a real database (SQLite and PostgreSQL): proposals await
after the meeting, a confirmation and a change with its reason are stored and told through the outbox, who may
decide, «confirm all the rest», /tinhhinh's and /buoc's counts from the same derivation."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.config import Settings
from bot.services import review_decision, supervision, supervision_admin
from bot.services.actor import load_actor
from bot.services.demo_supervision import Stage, build_branch, link
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review_progress import progress
from bot.texts import render
from storage.decision_models import ReviewDecision
from storage.models import Person
from storage.reminder_models import Reminder
from storage.review_models import ReviewVote
from tests.helpers import (
    COLLECTING,
    DONE,
    LOI,
    NOW,
    OTHER,
    OTHER_SUPERVISOR,
    OTHER_SUPERVISOR_NAME,
    SUPERVISOR,
    SUPERVISOR_NAME,
    TODAY,
    TZ,
)

SETTINGS = Settings(_env_file=None, database_url="sqlite+aiosqlite://")
MET = replace(DONE, name="Chi bộ Hòa Bình", stage=Stage.MET, meeting_in_days=-2)
REPLAY = replace(MET, name="Chi bộ Hòa Bình 2014", secretary=(915, "Trương Thị Bích"), rule_set="kh146_2014")


async def world(uow_factory) -> dict[str, int]:
    """A branch whose meeting has ended (five members and the branch proposed) and one still collecting, under a
    unit; a branch of another unit; the supervisor in charge of the first, another supervisor of the second only."""
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy phường Hòa Bình", NOW)
        await supervision_admin.add_admin(uow, unit, 950, "Lê Văn Tâm", NOW)
        other_unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy xã Tân Phú", NOW)
        await supervision_admin.add_admin(uow, other_unit, 951, "Vũ Thị Hạnh", NOW)
    ids = {}
    for spec, under in ((MET, unit), (COLLECTING, unit), (OTHER, other_unit)):
        async with uow_factory() as uow:
            ids[spec.name] = await build_branch(uow, spec, under, NOW, TZ)
    async with uow_factory() as uow:
        await uow.session.execute(update(Person).where(Person.full_name == "Hồ Văn Lợi")
                                  .values(telegram_user_id=LOI))
        await uow.commit()
        await supervision_admin.person_by_chat(uow, SUPERVISOR, SUPERVISOR_NAME, NOW)
        await supervision_admin.person_by_chat(uow, OTHER_SUPERVISOR, OTHER_SUPERVISOR_NAME, NOW)
        await link(uow, SUPERVISOR, [ids[MET.name]], NOW)
        await link(uow, OTHER_SUPERVISOR, [ids[COLLECTING.name]], NOW)
    return ids


async def actor(uow_factory, user_id: int):
    async with uow_factory() as uow:
        return await load_actor(uow, user_id)


async def outbox(uow_factory) -> list:
    """The decision messages queued: (chat_id, text, status, source)."""
    async with uow_factory() as uow:
        return list(await uow.session.execute(
            select(Reminder.chat_id, Reminder.text, Reminder.status, Reminder.source)
            .where(Reminder.kind == "decision").order_by(Reminder.id)))


async def test_proposals_await_the_superior_then_a_confirmation_and_a_change_are_final(uow_factory):
    ids = await world(uow_factory)
    branch = ids[MET.name]
    supervisor = await actor(uow_factory, SUPERVISOR)
    async with uow_factory() as uow:
        b = await review_decision.board(uow, supervisor, branch)
    assert [(p.standing.name, p.standing.proposed) for p in b.proposals] == [
        ("Trương Thị Bích", "httnv"), ("Hồ Văn Lợi", "httnv"), ("Mai Thị Xuân", "htnv"), ("Tạ Văn Sơn", "httnv"),
        ("Kiều Thị Yến", "khtnv"), (None, "htxsnv")]
    assert len(b.awaiting) == 6 and b.proposals[0].choices == ("htxsnv", "httnv", "htnv", "khtnv")
    async with uow_factory() as uow:
        [status] = await supervision.statuses(uow, [branch], TODAY)
    assert (status.awaiting_members, status.awaiting_branch) == (5, True)

    member = b.proposals[1].membership_id
    async with uow_factory() as uow:
        confirmed = await review_decision.decide(uow, supervisor, branch, member, "httnv", None, NOW, SETTINGS)
    assert (confirmed.standing.decided, confirmed.standing.changed, confirmed.told) == ("httnv", False, 2)
    xuan = b.proposals[2].membership_id
    async with uow_factory() as uow:
        with pytest.raises(ServiceError) as refused:
            await review_decision.decide(uow, supervisor, branch, xuan, "httnv", "   ", NOW, SETTINGS)
    assert refused.value.code == "decision_reason_needed"
    async with uow_factory() as uow:
        with pytest.raises(ServiceError) as refused:
            await review_decision.decide(uow, supervisor, branch, xuan, "httnv", "x" * 501, NOW, SETTINGS)
    assert refused.value.code == "decision_reason_too_long"
    async with uow_factory() as uow:
        changed = await review_decision.decide(uow, supervisor, branch, xuan, "httnv",
                                               "  Hoàn thành vượt chỉ tiêu  vận động ", NOW, SETTINGS)
    assert (changed.standing.decided, changed.standing.reason) == ("httnv", "Hoàn thành vượt chỉ tiêu vận động")
    assert changed.told == 1  # the secretary only: Mai Thị Xuân is not in the bot

    async with uow_factory() as uow:
        rows = {d.subject: (d.proposed, d.decided, d.reason, d.decided_by)
                for d in await uow.session.scalars(select(ReviewDecision))}
    assert rows == {
        f"member:{member}": ("httnv", "httnv", None, supervisor.person_id),
        f"member:{xuan}": ("htnv", "httnv", "Hoàn thành vượt chỉ tiêu vận động", supervisor.person_id)}
    sent = await outbox(uow_factory)
    assert [r.chat_id for r in sent] == [MET.secretary[0], LOI, MET.secretary[0]]
    assert "Hồ Văn Lợi: «Hoàn thành tốt nhiệm vụ» — xác nhận đề xuất của chi bộ" in sent[0].text
    assert "Cấp ủy cấp trên đã quyết định xếp loại đồng chí: «Hoàn thành tốt nhiệm vụ»" in sent[1].text
    assert ("Mai Thị Xuân: «Hoàn thành tốt nhiệm vụ» — đổi từ đề xuất «Hoàn thành nhiệm vụ»; lý do: Hoàn thành "
            "vượt chỉ tiêu vận động") in sent[2].text
    assert all(r.status == "pending" and r.source == "notice" for r in sent)

    # /tinhhinh and /buoc: the same derivation.
    async with uow_factory() as uow:
        o = await supervision.overview(uow, supervisor, TODAY)
    assert o.totals.awaiting == (3, 1) and o.branches[0].awaiting_members == 3
    async with uow_factory() as uow:
        p = await progress(uow, await load_actor(uow, MET.secretary[0]))
    assert [(s.name, s.decided) for s in p.decisions if s.final] == [("Hồ Văn Lợi", "httnv"), ("Mai Thị Xuân", "httnv")]
    assert len([s for s in p.decisions if not s.final]) == 4
    # The levels counted are the record's: Mai Thị Xuân at the level decided, not the one voted (htnv).
    assert o.branches[0].member_levels == {"httnv": 4, "khtnv": 1} == {
        share.level: share.count for share in p.record.levels if share.count}


async def test_under_the_2014_rules_the_vote_is_final_and_nothing_awaits_the_superior(uow_factory):
    """kh146_2014 `superior_decides = false` ("Chi bộ bỏ phiếu đánh giá phân loại đảng viên", mục V.3): the papers,
    /buoc, /tinhhinh and the decision board all read that one rule."""
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy phường Hòa Bình", NOW)
        branch = await build_branch(uow, REPLAY, unit, NOW, TZ)
    async with uow_factory() as uow:
        await supervision_admin.person_by_chat(uow, SUPERVISOR, SUPERVISOR_NAME, NOW)
        await link(uow, SUPERVISOR, [branch], NOW)
    supervisor = await actor(uow_factory, SUPERVISOR)
    async with uow_factory() as uow:
        [status] = await supervision.statuses(uow, [branch], TODAY)
    assert (status.awaiting_members, status.awaiting_branch, status.awaits_decision) == (0, False, False)
    assert status.member_levels == {"httnv": 3, "htnv": 1, "khtnv": 1} and status.branch_level == "tsvm"
    async with uow_factory() as uow:
        p = await progress(uow, await load_actor(uow, REPLAY.secretary[0]))
    assert p.decisions == () and p.record.final and not p.record.superior_decides
    async with uow_factory() as uow:
        with pytest.raises(ServiceError) as refused:
            await review_decision.board(uow, supervisor, branch)
    assert refused.value.code == "decision_not_needed"
    assert "Kế hoạch 146-KH/ĐU (năm 2014)" in render("errors", "error", code=refused.value.code,
                                                    params=refused.value.params)


async def test_confirm_all_the_rest_in_one_go(uow_factory):
    ids = await world(uow_factory)
    branch = ids[MET.name]
    admin = await actor(uow_factory, 950)  # the unit's administrator decides too
    async with uow_factory() as uow:
        b = await review_decision.board(uow, admin, branch)
        await review_decision.decide(uow, admin, branch, b.proposals[4].membership_id, "htnv", "Đã khắc phục", NOW,
                                     SETTINGS)
    async with uow_factory() as uow:
        confirmed = await review_decision.confirm_rest(uow, admin, branch, NOW, SETTINGS)
    assert [d.standing.decided for d in confirmed] == ["httnv", "httnv", "htnv", "httnv", "htxsnv"]
    async with uow_factory() as uow:
        b = await review_decision.board(uow, admin, branch)
        with pytest.raises(ServiceError) as refused:
            await review_decision.confirm_rest(uow, admin, branch, NOW, SETTINGS)
    assert refused.value.code == "nothing_awaits" and not b.awaiting
    assert [p.standing.decided for p in b.proposals] == ["httnv", "httnv", "htnv", "httnv", "htnv", "htxsnv"]
    sent = await outbox(uow_factory)
    # The change: the secretary; then the rest: one message to the secretary, one to the member in the bot.
    assert [r.chat_id for r in sent] == [MET.secretary[0], MET.secretary[0], LOI]
    assert sent[1].text.count("xác nhận đề xuất của chi bộ") == 5
    async with uow_factory() as uow:
        o = await supervision.overview(uow, admin, TODAY)
    assert o.totals.awaiting == (0, 0)


async def test_a_changed_proposal_awaits_again(uow_factory):
    ids = await world(uow_factory)
    branch = ids[MET.name]
    supervisor = await actor(uow_factory, SUPERVISOR)
    async with uow_factory() as uow:
        confirmed = await review_decision.confirm_rest(uow, supervisor, branch, NOW, SETTINGS)
    subject = confirmed[0].standing.subject
    async with uow_factory() as uow:  # the meeting's result recorded again, at another level
        await uow.session.execute(update(ReviewVote).where(ReviewVote.subject == subject).values(outcome="htnv"))
        await uow.commit()
    async with uow_factory() as uow:
        b = await review_decision.board(uow, supervisor, branch)
    assert [(p.standing.subject, p.standing.proposed) for p in b.awaiting] == [(subject, "htnv")]


async def test_only_the_superior_of_the_branch_decides(uow_factory):
    ids = await world(uow_factory)
    met, collecting, other = ids[MET.name], ids[COLLECTING.name], ids[OTHER.name]
    cases = [(MET.secretary[0], met, "not_superior"), (LOI, met, "not_superior"), (999, met, "not_superior"),
             (OTHER_SUPERVISOR, met, "foreign_branch"), (951, met, "foreign_branch"),
             (SUPERVISOR, other, "foreign_branch")]
    for user, branch, code in cases:
        who = await actor(uow_factory, user)
        for attempt in (lambda uow, who=who, b=branch: review_decision.board(uow, who, b),
                        lambda uow, who=who, b=branch: review_decision.decide(uow, who, b, 0, "htxsnv", None, NOW,
                                                                              SETTINGS),
                        lambda uow, who=who, b=branch: review_decision.confirm_rest(uow, who, b, NOW, SETTINGS)):
            async with uow_factory() as uow:
                with pytest.raises(AccessDenied) as refused:
                    await attempt(uow)
            assert refused.value.code == code, (user, branch)
    async with uow_factory() as uow:  # before the meeting has ended there is nothing to decide
        with pytest.raises(ServiceError) as refused:
            await review_decision.board(uow, await load_actor(uow, OTHER_SUPERVISOR), collecting)
    assert refused.value.code == "decision_before_meeting_end"
    async with uow_factory() as uow:
        supervisor = await load_actor(uow, SUPERVISOR)
        with pytest.raises(ServiceError) as refused:
            await review_decision.decide(uow, supervisor, met, 0, "htxsnv_tieu_bieu", None, NOW, SETTINGS)
    assert refused.value.code == "bad_subject"
    async with uow_factory() as uow:
        assert not list(await uow.session.scalars(select(ReviewDecision)))
    assert not await outbox(uow_factory)


async def test_the_weekly_summary_says_what_awaits_the_superior_and_what_was_decided_since(uow_factory):
    ids = await world(uow_factory)
    branch = ids[MET.name]
    supervisor = await actor(uow_factory, SUPERVISOR)
    async with uow_factory() as uow:
        first = await supervision.weekly_summary(uow, supervisor.person_id, NOW, TZ)
        await uow.commit()
    assert "⚖️ <b>Đề xuất chờ cấp trên quyết định:</b>\n• Chi bộ Hòa Bình: 5 đảng viên, xếp loại chi bộ" in first
    async with uow_factory() as uow:
        b = await review_decision.board(uow, supervisor, branch)
        for p in b.proposals[:2]:
            await review_decision.decide(uow, supervisor, branch, p.membership_id, p.standing.proposed, None, NOW,
                                         SETTINGS)
    async with uow_factory() as uow:
        second = await supervision.weekly_summary(uow, supervisor.person_id, NOW + timedelta(days=7), TZ)
    assert "<b>Chi bộ Hòa Bình</b>: cấp trên đã quyết định thêm 2 mức xếp loại (đã chính thức: 2)" in second
    assert "• Chi bộ Hòa Bình: 3 đảng viên, xếp loại chi bộ" in second
