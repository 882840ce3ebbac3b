"""Every use case that changes what a branch's reminders are planned from asks for the branch's re-plan in its
own transaction, stamped with the clock it was given (no global listener does it for them). One walk through
a branch's year, each step at its own minute, covering every change a reminder feature is re-planned on
(bot/domain/reminders/features.py). tests/replan_guard.py checks the same of every test that runs."""

from datetime import date, timedelta
from itertools import count

from sqlalchemy import select

from bot.domain.plans.structure import split_lines
from bot.domain.reminders.features import FEATURES, Change
from bot.domain.review.levels import MemberLevel as L
from bot.domain.roster import parse_roster
from bot.services import (
    calendar,
    invitations,
    onboarding,
    plan_import,
    privacy,
    review,
    review_ballot,
    review_collect,
    review_meeting,
    roster,
    supervision_admin,
)
from bot.services.actor import load_actor
from bot.services.demo_supervision import BranchSpec, Stage, add_branch
from bot.services.review_meeting import BRANCH, COMMITTEE_REPORT, Counts
from storage.reminder_models import ReplanRequest
from tests.helpers import NOW

SECRETARY, MINH, HA, NEW_SECRETARY = 501, 502, 503, 504
TTL = timedelta(days=14)
PLAN = """ĐẢNG ỦY PHƯỜNG 7
Số: 12-KH/ĐU
TP. Hồ Chí Minh, ngày {day} tháng 3 năm 2026
KẾ HOẠCH
Tổ chức sinh hoạt chi bộ quý II năm 2026
- Chi bộ họp xét kết nạp đảng viên mới trong tháng 12/2026.
- Chi bộ tổ chức học tập nghị quyết trước ngày {due}/12/2026."""
SELF_REVIEW = ("Trong năm đồng chí đã hoàn thành tốt nhiệm vụ được giao, giữ gìn phẩm chất đạo đức, lối sống; "
               "còn hạn chế về thời gian tham gia sinh hoạt.")


class Walk:
    """Runs each step in its own unit of work at its own minute, and checks the step's request."""

    def __init__(self, uow_factory):
        self.uow_factory = uow_factory
        self.minutes = count(1)
        self.covered: set[Change] = set()

    async def step(self, change: Change, branch_id, use_case):
        """`branch_id` None: the branch is the one the use case returns (or its `branch_id`)."""
        minute = next(self.minutes)
        at = NOW + timedelta(minutes=minute)
        async with self.uow_factory() as uow:
            result = await use_case(uow, at)
        if branch_id is None:
            branch_id = getattr(result, "branch_id", result)
        async with self.uow_factory() as uow:
            asked = set(await uow.session.scalars(select(ReplanRequest.requested_at)
                                                  .where(ReplanRequest.branch_id == branch_id)))
        assert at in asked, f"step {minute} ({change}): no re-plan of branch {branch_id} asked for at {at:%H:%M}"
        self.covered.add(change)
        return result

    async def actor(self, user_id: int):
        async with self.uow_factory() as uow:
            return await load_actor(uow, user_id)

    async def member(self, name: str) -> int:
        async with self.uow_factory() as uow:
            view = await roster.roster(uow, await load_actor(uow, SECRETARY))
        return next(m.membership_id for m in view.members if m.full_name == name)


async def test_every_change_a_reminder_is_planned_from_asks_for_the_re_plan(uow_factory):
    walk = Walk(uow_factory)
    branch = (await walk.step(Change.ROSTER, None, lambda uow, at: onboarding.create_branch(
        uow, telegram_user_id=SECRETARY, full_name="Nguyễn Thị Lan", branch_name="Chi bộ Khu phố 7",
        superior_unit=None, now=at))).branch_id
    lan = await walk.actor(SECRETARY)
    pasted = parse_roster("Trần Văn Minh, chính thức, 01/02/2011, phó bí thư\nLê Thị Hà, chính thức, 03/04/2012\n"
                          "Phạm Văn Đức, chính thức, 05/06/1996\nVũ Văn Hùng, chính thức", NOW.date()).accepted
    await walk.step(Change.ROSTER, branch, lambda uow, at: roster.add_members(uow, lan, pasted, at))
    minh, ha, hung = [await walk.member(n) for n in ("Trần Văn Minh", "Lê Thị Hà", "Vũ Văn Hùng")]
    await walk.step(Change.ROSTER, branch, lambda uow, at: roster.update_member(uow, lan, ha, at,
                                                                                  admitted_on=date(2010, 3, 4)))
    for user_id, membership in ((MINH, minh), (HA, ha)):
        async def joins(uow, at, user_id=user_id, membership=membership):
            invite = await invitations.invite_member(uow, lan, membership, at, TTL)
            return await invitations.accept(uow, telegram_user_id=user_id, display_name="x", token=invite.token, now=at)
        await walk.step(Change.ROSTER, branch, joins)
    await walk.step(Change.ROSTER, branch, lambda uow, at: roster.remove_member(uow, lan, hung, at))

    task = await walk.step(Change.TASKS, branch, lambda uow, at: calendar.add_task(
        uow, lan, text="Nộp báo cáo kiểm điểm cho Đảng ủy", start=None, due=NOW.date() + timedelta(days=5), now=at))
    await walk.step(Change.TASKS, branch, lambda uow, at: calendar.set_done(uow, lan, task.id, True, at))
    await walk.step(Change.TASKS, branch, lambda uow, at: calendar.set_done(uow, lan, task.id, False, at))
    for day, due in (("02", "15"), ("20", "25")):  # the plan, then its revision (the deadline moves)
        async def imports(uow, at, day=day, due=due):
            draft = await plan_import.read_plan(uow, lan, lines=split_lines(PLAN.format(day=day, due=due)),
                                                source_name=f"kh12-{day}.txt", now=at)
            return await plan_import.confirm(uow, lan, draft.id, at)
        saved = await walk.step(Change.TASKS, branch, imports)
    assert saved.revised is not None

    async def reviews(uow, at):
        await review.start_review(uow, lan, 2026, at)
        await review.set_rule_set(uow, lan, "kh146_2014", at)
        return await review.set_meeting(uow, lan, at=NOW + timedelta(days=3), place="Nhà văn hóa", now=at)
    await walk.step(Change.TASKS, branch, reviews)  # the procedure's tasks enter the calendar
    minh_actor = await walk.actor(MINH)
    await walk.step(Change.REVIEW, branch, lambda uow, at: review_collect.submit_self_review(
        uow, minh_actor, text=SELF_REVIEW, file_name=None, now=at))
    for name in ("Nguyễn Thị Lan", "Lê Thị Hà", "Phạm Văn Đức"):
        member = await walk.member(name)
        await walk.step(Change.REVIEW, branch, lambda uow, at, member=member: review_collect.mark(
            uow, lan, member, review_collect.Mark.PAPER, at))

    async def meets(uow, at):
        await review_meeting.start_meeting(uow, lan, at)
        await review_meeting.record_collective(uow, lan, COMMITTEE_REPORT, Counts(4, 0, 0), at)
        return await review_meeting.record_collective(uow, lan, BRANCH, Counts(4, 0, 0), at, score=92)
    await walk.step(Change.REVIEW, branch, meets)
    levels = {minh: L.HTTNV, ha: L.HTTNV}
    opened = await walk.step(Change.BALLOTS, branch, lambda uow, at: review_ballot.open_ballots(uow, lan, levels, at))
    ticket = next(t for user_id, t in opened.tickets if user_id == MINH)
    await walk.step(Change.BALLOTS, branch, lambda uow, at: review_ballot.cast(
        uow, minh_actor, ticket.ballot_id, review_ballot.Choice.APPROVE, ticket.current, ticket.version, ticket.seal,
        at))
    await walk.step(Change.BALLOTS, branch, lambda uow, at: review_ballot.close_ballots(uow, lan, at))
    await walk.step(Change.REVIEW, branch, lambda uow, at: review_meeting.end_meeting(uow, lan, at))

    await walk.step(Change.ROSTER, branch, lambda uow, at: privacy.erase(uow, lan, at, membership_id=ha))

    # Branches whose roster comes another way: a unit's branch its secretary joins, the supervision demo's (the
    # sandbox demo, much larger, is checked by the guard wherever it loads).
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy phường 9", NOW)
        unit_branch = await supervision_admin.create_branch(uow, unit, "Chi bộ Khu phố 9", NOW, TTL)
    await walk.step(Change.ROSTER, unit_branch.branch_id, lambda uow, at: invitations.accept(
        uow, telegram_user_id=NEW_SECRETARY, display_name="Đỗ Văn Nam", token=unit_branch.invite.token, now=at))
    await walk.step(Change.ROSTER, None, lambda uow, at: add_branch(
        uow, BranchSpec("Chi bộ Khu phố 11", (NEW_SECRETARY + 1, "Mai Văn Tâm"), ("Mai Thị Xuân",), Stage.NONE),
        None, at))

    assert walk.covered == {c for f in FEATURES for c in f.replan_on}  # a new change needs its step here
