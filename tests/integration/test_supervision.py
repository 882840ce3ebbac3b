"""Supervision on a real database (SQLite and PostgreSQL): the summary reads what each secretary's /buoc shows,
who may read which branch, the nudge once a day, the weekly summary's snapshot, secretaries' invitations."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.roster import RosterEntry, Status
from bot.services import invitations, review_collect, roster, supervision, supervision_admin
from bot.services.actor import load_actor
from bot.services.demo import load_demo
from bot.services.demo_supervision import DEMO_BRANCHES, build_branch, link
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review_progress import progress
from storage.supervision_models import SupervisorSnapshot
from tests.helpers import (
    COLLECTING,
    DONE,
    NO_DATE,
    NOW,
    OTHER,
    OTHER_SUPERVISOR,
    OTHER_SUPERVISOR_NAME,
    SUPERVISOR,
    SUPERVISOR_NAME,
    THREE,
    TODAY,
    TZ,
    three_branches,
)


async def actor(uow_factory, user_id: int):
    async with uow_factory() as uow:
        return await load_actor(uow, user_id)


async def test_the_summary_reads_what_each_secretary_sees_in_buoc(uow_factory):
    ids = await three_branches(uow_factory)
    async with uow_factory() as uow:
        found = {s.name: s for s in await supervision.statuses(uow, ids.values(), TODAY)}
    for spec in THREE:
        async with uow_factory() as uow:
            p = await progress(uow, await load_actor(uow, spec.secretary[0]))
        items = {i.key: i for s in p.steps for i in s.items}
        status = found[spec.name]
        assert status.phase == p.phase
        assert status.self_reviews == (items["self_reviews"].done, items["self_reviews"].total)
        assert status.votes == (items["member_ballots"].done, items["member_ballots"].total)
        assert status.late_items == tuple(i.title for i in p.late(TODAY))
    done, collecting, no_date, other = (found[s.name] for s in (*THREE, OTHER))
    assert (done.phase, done.self_reviews, done.votes, done.report_filed, done.meeting_held) == (
        "done", (5, 5), (5, 5), True, True)
    assert done.member_levels == {"httnv": 3, "htnv": 1, "khtnv": 1} and done.branch_level == "htxsnv"
    assert done.meeting_on == TODAY - timedelta(days=6) and done.secretary == "Trương Thị Bích"
    assert (collecting.phase, collecting.self_reviews, collecting.meeting_held) == ("prepare", (2, 6), False)
    assert collecting.meeting_on == TODAY + timedelta(days=10) and collecting.overdue_tasks == 1
    assert len(collecting.late_items) == 3  # dissemination, residence forms, drafts: due before today
    assert (no_date.phase, no_date.overdue_tasks, no_date.late_items) == ("no_meeting_date", 2, ())
    assert other.phase == "no_review" and other.year is None


async def test_the_supervisor_sees_her_branches_worst_first_and_only_hers(uow_factory):
    ids = await three_branches(uow_factory)
    supervisor = await actor(uow_factory, SUPERVISOR)
    async with uow_factory() as uow:
        o = await supervision.overview(uow, supervisor, TODAY)
    # Bình Minh: 3 late steps and 1 overdue task; Cửu Long: 2 overdue tasks; An Phú: nothing late.
    assert [s.name for s in o.branches] == ["Chi bộ Bình Minh", "Chi bộ Cửu Long", "Chi bộ An Phú"]
    assert (o.totals.branches, o.totals.behind, o.totals.meetings_held, o.totals.reports_filed) == (3, 2, 1, 1)
    assert o.totals.self_reviews == (7, 15)

    for forbidden in (lambda uow: supervision.branch_view(uow, supervisor, ids[OTHER.name], TODAY),
                      lambda uow: supervision.nudge(uow, supervisor, ids[OTHER.name], NOW, TZ)):
        async with uow_factory() as uow:
            with pytest.raises(AccessDenied) as refused:
                await forbidden(uow)
        assert refused.value.code == "foreign_branch"


async def test_a_secretary_reads_no_other_branch_and_a_stranger_nothing(uow_factory):
    ids = await three_branches(uow_factory)
    secretary = await actor(uow_factory, DONE.secretary[0])
    stranger = await actor(uow_factory, 999)
    for who, code in ((secretary, "not_supervisor"), (stranger, "not_supervisor")):
        async with uow_factory() as uow:
            with pytest.raises(AccessDenied) as refused:
                await supervision.overview(uow, who, TODAY)
            assert refused.value.code == code
        async with uow_factory() as uow:
            with pytest.raises(AccessDenied):
                await supervision.branch_view(uow, who, ids[COLLECTING.name], TODAY)


async def test_a_unit_administrator_reads_every_branch_of_the_unit(uow_factory):
    async with uow_factory() as uow:
        unit, created = await supervision_admin.add_unit(uow, "Đảng ủy phường Tân Định", NOW)
        again, created_again = await supervision_admin.add_unit(uow, "Đảng ủy phường Tân Định", NOW)
        await supervision_admin.add_admin(uow, unit, 950, "Lê Văn Tâm", NOW)
    assert created and not created_again and again.id == unit.id
    async with uow_factory() as uow:
        first = await build_branch(uow, DONE, unit, NOW, TZ)
    async with uow_factory() as uow:
        second = await build_branch(uow, OTHER, unit, NOW, TZ)
    async with uow_factory() as uow:
        await build_branch(uow, COLLECTING, None, NOW, TZ)  # not the unit's
    admin = await actor(uow_factory, 950)
    async with uow_factory() as uow:
        o = await supervision.overview(uow, admin, TODAY)
        assert {s.branch_id for s in o.branches} == {first, second}
        units = await supervision_admin.administered(uow, admin)
    assert [b.name for b in units[0].branches] == [DONE.name, OTHER.name]


async def test_a_branch_is_nudged_at_most_once_a_day_whoever_nudges(uow_factory):
    ids = await three_branches(uow_factory)
    async with uow_factory() as uow:
        await supervision_admin.person_by_chat(uow, OTHER_SUPERVISOR, OTHER_SUPERVISOR_NAME, NOW)
        await link(uow, OTHER_SUPERVISOR, [ids[COLLECTING.name]], NOW)
    supervisor, other = await actor(uow_factory, SUPERVISOR), await actor(uow_factory, OTHER_SUPERVISOR)
    async with uow_factory() as uow:
        sent = await supervision.nudge(uow, supervisor, ids[COLLECTING.name], NOW, TZ)
    assert (sent.secretary_chat, sent.secretary_name, sent.supervisor_name) == (912, "Đinh Văn Toàn", SUPERVISOR_NAME)
    for who in (supervisor, other):
        async with uow_factory() as uow:
            with pytest.raises(ServiceError) as refused:
                await supervision.nudge(uow, who, ids[COLLECTING.name], NOW + timedelta(hours=12), TZ)
            assert refused.value.code == "already_nudged"
    async with uow_factory() as uow:
        await supervision.nudge(uow, supervisor, ids[NO_DATE.name], NOW, TZ)  # another branch: its own day
    async with uow_factory() as uow:
        await supervision.nudge(uow, other, ids[COLLECTING.name], NOW + timedelta(days=1), TZ)


async def test_a_branch_without_a_secretary_in_the_bot_cannot_be_nudged(uow_factory):
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy xã An Bình", NOW)
        created = await supervision_admin.create_branch(uow, unit, "Chi bộ Ấp 3", NOW, timedelta(days=14))
        await supervision_admin.person_by_chat(uow, SUPERVISOR, SUPERVISOR_NAME, NOW)
        await link(uow, SUPERVISOR, [created.branch_id], NOW)
    supervisor = await actor(uow_factory, SUPERVISOR)
    async with uow_factory() as uow:
        with pytest.raises(ServiceError) as refused:
            await supervision.nudge(uow, supervisor, created.branch_id, NOW, TZ)
    assert refused.value.code == "secretary_unreachable"


async def test_the_weekly_summary_tells_what_changed_since_the_last_one(uow_factory):
    ids = await three_branches(uow_factory)
    person_id = (await actor(uow_factory, SUPERVISOR)).person_id
    async with uow_factory() as uow:
        assert await supervision.weekly_summary(uow, person_id, NOW, TZ) is not None
        # Not committed by the caller: nothing stored, the next call writes the first summary again.
    async with uow_factory() as uow:
        first = await supervision.weekly_summary(uow, person_id, NOW, TZ)
        await uow.commit()
    assert "bản tổng hợp đầu tiên" in first and "3 chi bộ" in first
    async with uow_factory() as uow:
        assert await supervision.weekly_summary(uow, person_id, NOW + timedelta(hours=10), TZ) is None  # same week

    secretary = await actor(uow_factory, COLLECTING.secretary[0])
    async with uow_factory() as uow:
        entries = await uow.branches.roster(ids[COLLECTING.name])
        await review_collect.mark(uow, secretary, entries[2].id, review_collect.Mark.PAPER, NOW)
    next_week = NOW + timedelta(days=7)
    async with uow_factory() as uow:
        text = await supervision.weekly_summary(uow, person_id, next_week, TZ)
        await uow.commit()
    assert "Thay đổi từ 22/11/2026" in text
    assert "<b>Chi bộ Bình Minh</b>: bản tự kiểm điểm 2 → 3/6" in text
    async with uow_factory() as uow:
        stored = await uow.session.scalar(select(SupervisorSnapshot).where(SupervisorSnapshot.person_id == person_id))
        assert stored.week == "2026-W48"
        assert await uow.session.scalar(select(func.count(SupervisorSnapshot.person_id))) == 1
    async with uow_factory() as uow:
        assert await supervision.weekly_summary(uow, 123_456, NOW, TZ) is None  # reads no branch


async def test_members_added_after_the_review_started_count_as_buoc_counts_them(uow_factory):
    ids = await three_branches(uow_factory)
    secretary = await actor(uow_factory, COLLECTING.secretary[0])
    async with uow_factory() as uow:
        await roster.add_members(uow, secretary, [(1, RosterEntry("Lò Văn Mạnh", Status.FULL, date(2001, 1, 1)))], NOW)
    async with uow_factory() as uow:
        [status] = await supervision.statuses(uow, [ids[COLLECTING.name]], TODAY)
    async with uow_factory() as uow:
        p = await progress(uow, secretary)
    assert status.self_reviews == (2, 7) == (p.current.items[1].done, p.current.items[1].total)


async def test_a_secretarys_invitation_makes_its_opener_the_secretary_once(uow_factory):
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy phường 7", NOW)
        await supervision_admin.add_admin(uow, unit, 950, "Lê Văn Tâm", NOW)
    admin = await actor(uow_factory, 950)
    async with uow_factory() as uow:
        created = await supervision_admin.admin_create_branch(uow, admin, unit.id, "Chi bộ Khu phố 8", NOW,
                                                              timedelta(days=14))
    async with uow_factory() as uow:
        accepted = await invitations.accept(uow, telegram_user_id=960, display_name="Nguyễn Thị Hoa",
                                            token=created.invite.token, now=NOW)
    assert (accepted.kind, accepted.branch_name, accepted.inviter_telegram_id) == ("secretary", "Chi bộ Khu phố 8", 950)
    secretary = await actor(uow_factory, 960)
    assert (secretary.home.branch_name, secretary.home.role) == ("Chi bộ Khu phố 8", "secretary")
    async with uow_factory() as uow:
        with pytest.raises(ServiceError) as refused:
            await supervision_admin.admin_secretary_invitation(uow, admin, created.branch_id, NOW, timedelta(days=1))
    assert refused.value.code == "secretary_taken"
    for who in (secretary, await actor(uow_factory, 999)):  # not the unit's administrator
        async with uow_factory() as uow:
            with pytest.raises(AccessDenied):
                await supervision_admin.admin_create_branch(uow, who, unit.id, "Chi bộ Lạ", NOW, timedelta(days=1))


async def test_the_demo_supervisor_watches_branches_in_every_state(uow_factory):
    async with uow_factory() as uow:
        people = await load_demo(uow, NOW, TZ)
    supervisor = await actor(uow_factory, people.supervisor)
    async with uow_factory() as uow:
        o = await supervision.overview(uow, supervisor, TODAY)
    assert len(o.branches) == 5
    assert {s.phase for s in o.branches} == {"no_review", "no_meeting_date", "prepare", "report", "done"}
    # Under QĐ 366 like a 2026 review: classified from sheets, the superior confirmed Khu phố 1's members.
    by_name = {s.name: s for s in o.branches}
    first, second = by_name["Chi bộ Khu phố 1 (demo)"], by_name["Chi bộ Khu phố 2 (demo)"]
    assert first.member_levels == {"htxsnv": 1, "httnv": 7, "htnv": 1} and first.branch_level == "htxsnv"
    assert (first.awaiting_members, first.awaiting_branch) == (0, True)
    assert (second.awaiting_members, second.awaiting_branch) == (6, True)
    assert o.totals.awaiting == (6, 2)
    for spec in DEMO_BRANCHES[:2]:
        async with uow_factory() as uow:
            p = await progress(uow, await load_actor(uow, spec.secretary[0]))
        items = {i.key: (i.done, i.total) for s in p.steps for i in s.items}
        assert p.rule_set == "qd366_2025" and items["assessment_checked"] == (len(spec.levels),) * 2
    assert [(s.name, s.decided) for s in p.decisions][:1] == [("Đinh Văn Toàn", None)]
    async with uow_factory() as uow:
        p = await progress(uow, await load_actor(uow, DEMO_BRANCHES[0].secretary[0]))
    assert [s.name for s in p.decisions if not s.final] == [None]  # the branch's own level awaits
    assert all(s.decided == s.proposed for s in p.decisions if s.final) and len(p.decisions) == 10
    admin = await actor(uow_factory, 1030)
    async with uow_factory() as uow:
        assert len((await supervision.overview(uow, admin, TODAY)).branches) == 5
