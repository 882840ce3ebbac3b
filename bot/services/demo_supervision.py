"""Branches in chosen states of their review, built through the same use cases a secretary drives in the bot:
the demo's superior unit (its administrator, its branches, the supervisor over all of them), and the
supervision tests' fixtures."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.review.levels import MemberLevel
from bot.domain.roster import Role, Status
from bot.services import (
    calendar,
    review,
    review_assessment,
    review_collect,
    review_decision,
    review_meeting,
    review_progress,
    supervision_admin,
)
from bot.services.actor import Actor, load_actor
from bot.services.review_meeting import BRANCH, COMMITTEE_REPORT, Counts
from storage.models import Branch, Membership, Person
from storage.supervision_models import SuperiorUnit, UnitBranch
from storage.uow import UnitOfWork

DEMO_UNIT_ADMIN = (1030, "Lê Văn Tâm")
MEETING_TIME = time(8, 0)
MEETING_PLACE = "Nhà văn hóa khu phố"
LONG_AGO = 12  # years since the members were admitted: everyone reviews and votes


class Stage(StrEnum):
    NONE = "none"  # no review yet
    STARTED = "started"  # a review without a meeting date
    COLLECTING = "collecting"  # meeting date set, self-reviews coming in
    MET = "met"  # the meeting is over: votes recorded, the report not filed
    REPORTED = "reported"  # the report filed and the feedback answered: done


@dataclass(frozen=True)
class BranchSpec:
    name: str
    secretary: tuple[int, str]  # sandbox user id, full name
    members: tuple[str, ...]  # the other members, full members admitted long ago
    stage: Stage
    meeting_in_days: int = 10  # from today; negative for a meeting already held
    self_reviews: int = 0  # how many members' self-reviews are in (paper copies, the secretary first)
    levels: tuple[MemberLevel, ...] = ()  # the outcomes voted, in roster order (the secretary first)
    branch_score: int = 92
    overdue_tasks: int = 0  # tasks added by hand, due a week ago and not done
    confirmed: int = 0  # of the proposals (members first, the branch last), how many the supervisor confirmed
    # As a 2026 review runs: QĐ 366, each member classified from an assessment sheet proposing the level given
    # (see `assess`); "kh146_2014" replays a 2014 review, where the vote itself classifies.
    rule_set: str = "qd366_2025"


def _admitted(today: date) -> date:
    return today - timedelta(days=round(LONG_AGO * 365.25))


async def add_branch(uow: UnitOfWork, spec: BranchSpec, unit: SuperiorUnit | None, now: datetime) -> int:
    """The branch and its roster (only the secretary linked to Telegram)."""
    branch = Branch(name=spec.name, superior_unit=unit.name if unit else None, created_at=now)
    uow.branches.add(branch)
    people = [(spec.secretary[1], spec.secretary[0], Role.SECRETARY)] + [(name, None, Role.MEMBER)
                                                                          for name in spec.members]
    for name, user_id, role in people:
        uow.branches.add(Membership(
            branch=branch, person=Person(full_name=name, telegram_user_id=user_id, created_at=now), role=role,
            status=Status.FULL, admitted_on=_admitted(now.date()), created_at=now))
    await uow.flush()
    uow.reminders.request_replan(branch.id, now)
    if unit is not None:
        uow.supervision.add(UnitBranch(branch_id=branch.id, unit_id=unit.id, created_at=now))
    await uow.commit()
    return branch.id


async def _roster_ids(uow: UnitOfWork, secretary: Actor) -> list[int]:
    """Membership ids, the secretary first, then the members as the spec lists them."""
    return [m.id for m in await uow.branches.roster(secretary.home.branch_id)]


async def _collect(uow: UnitOfWork, secretary: Actor, spec: BranchSpec, now: datetime, tz: ZoneInfo) -> None:
    meeting = datetime.combine(now.astimezone(tz).date() + timedelta(days=spec.meeting_in_days), MEETING_TIME,
                               tzinfo=tz)
    await review.set_meeting(uow, secretary, at=meeting, place=MEETING_PLACE, now=now)
    for membership_id in (await _roster_ids(uow, secretary))[:spec.self_reviews]:
        await review_collect.mark(uow, secretary, membership_id, review_collect.Mark.PAPER, now)


async def _tick(uow: UnitOfWork, secretary: Actor, step: str, now: datetime) -> None:
    """Every item of a step that is done by hand, ticked."""
    p = await review_progress.progress(uow, secretary, manage=True)
    for item in next(s for s in p.steps if s.key == step).items:
        if item.task_id is not None and not item.optional and not item.complete:
            await calendar.set_done(uow, secretary, item.task_id, True, now)


async def _prepare(uow: UnitOfWork, secretary: Actor, now: datetime) -> None:
    """Step 1 done: residence comments in for everyone, one named feedback, the drafts and the rest ticked."""
    for membership_id in await _roster_ids(uow, secretary):
        await review_collect.mark(uow, secretary, membership_id, review_collect.Mark.RESIDENCE_RECEIVED, now,
                                  comment="Chấp hành tốt quy định nơi cư trú.")
    await review_collect.add_feedback(
        uow, secretary, source="Ban công tác Mặt trận khu phố", kind=review_collect.FeedbackKind.ORGANISATION,
        about_membership_id=None, content="Đề nghị chi ủy phát huy vai trò nêu gương.", now=now)
    await _tick(uow, secretary, "prepare", now)


# A sheet that proposes each level under QĐ 366 (30 + 70 points; 10 tasks, how many on time and beyond).
LEVEL_SHEETS = {
    MemberLevel.HTXSNV: {"common": 28, "results": 64, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10,
                         "tasks_exceeded": 4},
    MemberLevel.HTTNV: {"common": 26, "results": 58, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10,
                        "tasks_exceeded": 1},
    MemberLevel.HTNV: {"common": 22, "results": 40, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 8,
                       "tasks_exceeded": 0},
    MemberLevel.KHTNV: {"common": 15, "results": 28, "tasks_total": 10, "tasks_done": 6, "tasks_on_time": 5,
                        "tasks_exceeded": 0},
}


async def assess(uow: UnitOfWork, secretary: Actor, levels: dict[int, MemberLevel], now: datetime) -> None:
    """Under a rule set that reads scores: each member's sheet (the secretary's own as herself, the others', who
    do not use the bot, filled for them) proposing the level given, checked by the committee."""
    for membership_id, level in levels.items():
        subject = review_assessment.member_subject(membership_id)
        if membership_id == secretary.home.membership_id:
            await review_assessment.save_own(uow, secretary, LEVEL_SHEETS[level], None, now)
        else:
            await review_assessment.save_for(uow, secretary, subject, LEVEL_SHEETS[level], None, now)
        await review_assessment.accept(uow, secretary, subject, now)


def branch_sheet(score: int) -> dict[str, int]:
    """The branch's own sheet at `score` points, every task done on time and 4 of 10 beyond what was asked."""
    common = score * 30 // 100
    return {"common": common, "results": score - common, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10,
            "tasks_exceeded": 4}


async def _meet(uow: UnitOfWork, secretary: Actor, spec: BranchSpec, now: datetime) -> None:
    levels = dict(zip(await _roster_ids(uow, secretary), spec.levels, strict=False))
    if await review_assessment.asks_sheet(uow, secretary):
        await assess(uow, secretary, levels, now)
        await review_assessment.save_for(uow, secretary, review_assessment.BRANCH, branch_sheet(spec.branch_score),
                                         None, now)
    await review_meeting.start_meeting(uow, secretary, now)
    everyone = Counts(len(spec.members) + 1, 0, 0)
    await review_meeting.record_collective(uow, secretary, COMMITTEE_REPORT, everyone, now)
    await review_meeting.record_collective(uow, secretary, BRANCH, everyone, now, score=spec.branch_score)
    await review_meeting.record_members(uow, secretary, [(m, level, everyone) for m, level in levels.items()], now)
    await review_meeting.end_meeting(uow, secretary, now)
    await _tick(uow, secretary, "meeting", now)


async def _report(uow: UnitOfWork, secretary: Actor, now: datetime) -> None:
    for feedback in await review_collect.feedback_list(uow, secretary):
        await review_collect.answer_feedback(uow, secretary, feedback.id, "Chi ủy tiếp thu, đưa vào nghị quyết.", now)
    await _tick(uow, secretary, "report", now)


async def build_branch(uow: UnitOfWork, spec: BranchSpec, unit: SuperiorUnit | None, now: datetime,
                       tz: ZoneInfo) -> int:
    """A branch in the spec's state; returns its id."""
    branch_id = await add_branch(uow, spec, unit, now)
    secretary = await load_actor(uow, spec.secretary[0])
    today = now.astimezone(tz).date()
    for n in range(spec.overdue_tasks):
        await calendar.add_task(uow, secretary, text=f"Nộp báo cáo chuyên đề số {n + 1} cho Đảng ủy", start=None,
                                due=today - timedelta(days=7), now=now)
    if spec.stage == Stage.NONE:
        return branch_id
    meeting_year = (today + timedelta(days=spec.meeting_in_days)).year
    await review.start_review(uow, secretary, meeting_year, now)
    await review.set_rule_set(uow, secretary, spec.rule_set, now)
    if spec.stage == Stage.STARTED:
        return branch_id
    await _collect(uow, secretary, spec, now, tz)
    if spec.stage in (Stage.MET, Stage.REPORTED):
        await _prepare(uow, secretary, now)
        await _meet(uow, secretary, spec, now)
    if spec.stage == Stage.REPORTED:
        await _report(uow, secretary, now)
    return branch_id


async def confirm(uow: UnitOfWork, superior: Actor, branch_id: int, count: int, now: datetime, tz: ZoneInfo) -> None:
    """The superior confirms the first `count` proposals as the branch proposed them (review_decision, the secretary
    and the members told through the outbox at the default hours)."""
    if not count:
        return
    settings = Settings.model_construct(timezone=tz.key)  # defaults, no environment: the demo's own notices
    for p in (await review_decision.board(uow, superior, branch_id)).proposals[:count]:
        await review_decision.decide(uow, superior, branch_id, p.membership_id, p.standing.proposed, None, now,
                                     settings)


async def link(uow: UnitOfWork, supervisor_user_id: int, branch_ids: list[int], now: datetime) -> None:
    person = await uow.people.by_telegram_id(supervisor_user_id)
    await supervision_admin.link_supervisor(uow, person, branch_ids, now)


# -- the demo ----------------------------------------------------------------------------------------------

L = MemberLevel
DEMO_BRANCHES = (
    BranchSpec("Chi bộ Khu phố 1 (demo)", (1101, "Trương Thị Bích"),
               ("Hồ Văn Lợi", "Mai Thị Xuân", "Tạ Văn Sơn", "Kiều Thị Yến", "Lâm Văn Đạt", "Châu Thị Nga",
                "Quách Văn Hải", "Lưu Thị Hoa"),
               Stage.REPORTED, meeting_in_days=-6, self_reviews=9,
               levels=(L.HTTNV, L.HTXSNV, L.HTTNV, L.HTTNV, L.HTTNV, L.HTTNV, L.HTTNV, L.HTTNV, L.HTNV),
               branch_score=93, confirmed=9),  # the members' levels final, the branch's own awaiting
    BranchSpec("Chi bộ Khu phố 2 (demo)", (1201, "Đinh Văn Toàn"),
               ("Phùng Thị Lụa", "Tôn Văn Bình", "Giang Thị Mận", "Khúc Văn Tài", "Ông Thị Huệ"),
               Stage.MET, meeting_in_days=-3, self_reviews=6,
               levels=(L.HTTNV, L.HTTNV, L.HTNV, L.HTTNV, L.HTNV, L.KHTNV), branch_score=78),
    BranchSpec("Chi bộ Khu phố 4 (demo)", (1301, "Lạc Thị Phương"),
               ("Âu Văn Cường", "Thân Thị Dung", "Văn Đức Long", "Bạch Thị Liên"),
               Stage.STARTED, overdue_tasks=2),
    BranchSpec("Chi bộ Khu phố 5 (demo)", (1401, "Nghiêm Văn Thành"),
               ("Viên Thị Trang", "Mạc Văn Quý", "Cù Thị Oanh"),
               Stage.NONE, overdue_tasks=1),
)


@dataclass(frozen=True)
class DemoUnit:
    unit: str
    admin: tuple[int, str]
    secretaries: tuple[tuple[int, str, str], ...]  # user id, name, branch


async def load(uow: UnitOfWork, home_branch_id: int, supervisor_user_id: int, unit_name: str, now: datetime,
               tz: ZoneInfo) -> DemoUnit:
    """The demo's superior unit: its administrator, the demo branch and four more in other states, all
    supervised by the demo supervisor."""
    unit, _ = await supervision_admin.add_unit(uow, unit_name, now)
    await supervision_admin.add_admin(uow, unit, *DEMO_UNIT_ADMIN, now)
    uow.supervision.add(UnitBranch(branch_id=home_branch_id, unit_id=unit.id, created_at=now))
    await uow.commit()
    ids = [home_branch_id]
    for spec in DEMO_BRANCHES:
        ids.append(await build_branch(uow, spec, unit, now, tz))
    await link(uow, supervisor_user_id, ids, now)
    supervisor = await load_actor(uow, supervisor_user_id)
    for spec, branch_id in zip(DEMO_BRANCHES, ids[1:], strict=True):
        await confirm(uow, supervisor, branch_id, spec.confirmed, now, tz)
    return DemoUnit(unit.name, DEMO_UNIT_ADMIN, tuple((s.secretary[0], s.secretary[1], s.name) for s in DEMO_BRANCHES))
