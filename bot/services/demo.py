"""The demo branch: a roster linked to sandbox users, a plan dated around today and this year's review halfway
through its first step, so a newcomer can talk to the bot as anyone and see every step."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.plans.structure import split_lines
from bot.domain.roster import Role, Status
from bot.services import demo_supervision, plan_import, reminders, review, review_assessment, review_collect
from bot.services.actor import load_actor
from bot.texts import render_document
from storage.models import Branch, Membership, Person, SupervisorLink
from storage.uow import UnitOfWork

DEMO_BRANCH = "Chi bộ Khu phố 3 (demo)"
DEMO_SUPERIOR = "Đảng ủy phường Bến Thành"
SUPERVISOR = (1020, "Phan Văn Quang")


@dataclass(frozen=True)
class DemoMember:
    user_id: int
    full_name: str
    role: Role
    status: Status
    admitted_years_ago: float
    exempt: bool = False
    suspended: bool = False


ROSTER = (
    DemoMember(1001, "Nguyễn Thị Hồng Lan", Role.SECRETARY, Status.FULL, 21),
    DemoMember(1002, "Trần Văn Minh", Role.DEPUTY, Status.FULL, 15),
    DemoMember(1003, "Lê Thị Thu Hà", Role.COMMITTEE, Status.FULL, 12),
    DemoMember(1004, "Phạm Văn Đức", Role.MEMBER, Status.FULL, 30),
    DemoMember(1005, "Hoàng Thị Mai", Role.MEMBER, Status.FULL, 8),
    DemoMember(1006, "Vũ Văn Hùng", Role.MEMBER, Status.FULL, 6),
    DemoMember(1007, "Đặng Thị Ngọc Anh", Role.MEMBER, Status.FULL, 4),
    DemoMember(1008, "Bùi Văn Tuấn", Role.MEMBER, Status.FULL, 45, exempt=True),
    DemoMember(1009, "Đỗ Thị Hương", Role.MEMBER, Status.FULL, 3),
    DemoMember(1010, "Ngô Văn Phúc", Role.MEMBER, Status.FULL, 10, suspended=True),
    DemoMember(1011, "Dương Thị Thảo", Role.MEMBER, Status.PROBATIONARY, 0.33),
    DemoMember(1012, "Lý Văn Khoa", Role.MEMBER, Status.PROBATIONARY, 0.85),
)


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def demo_plan_text(today: date) -> str:
    """The demo plan, dated around today: one window already overdue, deadlines this month, and more
    next month, so /thangnay always has something in each group."""
    month_end = _month_end(today)
    days = lambda n: today + timedelta(days=n)  # noqa: E731
    return render_document(
        "ke_hoach_demo.txt.j2",
        issued=days(-20), prepare_from=days(-14), prepare_to=days(-9), drafts_from=days(-2), drafts_to=days(4),
        month_end=month_end, meeting_from=days(6), meeting_to=days(12), files_due=days(14),
        council_from=days(16), council_to=days(18), report_month=month_end + timedelta(days=1),
    )


@dataclass(frozen=True)
class DemoPeople:
    branch: str
    secretary: int
    deputy: int
    members: list[int]
    supervisor: int
    roster: tuple[DemoMember, ...]
    supervisor_name: str
    created: bool


def _years_before(today: date, years: float) -> date:
    return today - timedelta(days=round(years * 365.25))


DEMO_SELF_REVIEW = ("Bản tự kiểm điểm năm {year}: thực hiện đầy đủ nhiệm vụ đảng viên, sinh hoạt chi bộ đều đặn, "
                    "giữ mối liên hệ với cấp ủy nơi cư trú; hạn chế: chưa chủ động góp ý trong sinh hoạt.")


# Sheets the demo's members filled in the bot (QĐ 366: 30 + 70 points), and the branch's own.
DEMO_SHEETS = {
    1002: {"common": 28, "results": 64, "tasks_total": 12, "tasks_done": 12, "tasks_on_time": 12, "tasks_exceeded": 4},
    1003: {"common": 26, "results": 60, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10, "tasks_exceeded": 1},
    1004: {"common": 25, "results": 55, "tasks_total": 8, "tasks_done": 8, "tasks_on_time": 7, "tasks_exceeded": 0},
}
DEMO_BRANCH_SHEET = {"common": 27, "results": 62, "tasks_total": 15, "tasks_done": 15, "tasks_on_time": 14,
                     "tasks_exceeded": 3}
DEMO_CHECKED = (1002, 1003)  # the committee has checked these; the third waits


async def _sheets(uow: UnitOfWork, secretary, now: datetime) -> None:
    """Under a rule set that reads scores: three members' sheets (two checked by the committee) and the branch's."""
    if not await review_assessment.asks_sheet(uow, secretary):
        return
    for user_id, figures in DEMO_SHEETS.items():
        await review_assessment.save_own(uow, await load_actor(uow, user_id), figures, None, now)
    roster = {m.person.telegram_user_id: m.id for m in await uow.branches.roster(secretary.home.branch_id)}
    for user_id in DEMO_CHECKED:
        await review_assessment.accept(uow, secretary, review_assessment.member_subject(roster[user_id]), now)
    await review_assessment.save_for(uow, secretary, review_assessment.BRANCH, DEMO_BRANCH_SHEET, True, now)


async def _review_in_progress(uow: UnitOfWork, now: datetime, tz: ZoneInfo) -> None:
    """This year's review, halfway through step 1: some self-reviews and residence comments in, one feedback."""
    secretary = await load_actor(uow, ROSTER[0].user_id)
    local = now.astimezone(tz)
    await review.start_review(uow, secretary, local.year, now)
    meeting = datetime.combine(local.date() + timedelta(days=8), time(8, 0), tzinfo=tz)
    await review.set_meeting(uow, secretary, at=meeting, place="Hội trường khu phố 3", now=now)
    for user_id in (1002, 1003, 1004):
        await review_collect.submit_self_review(uow, await load_actor(uow, user_id),
                                                text=DEMO_SELF_REVIEW.format(year=local.year), file_name=None, now=now)
    await _sheets(uow, secretary, now)
    by_user = {m.user_id: m for m in ROSTER}
    roster = {m.person.telegram_user_id: m.id for m in await uow.branches.roster(secretary.home.branch_id)}
    await review_collect.mark(uow, secretary, roster[1005], review_collect.Mark.PAPER, now)
    for user_id in by_user:
        if not (by_user[user_id].exempt or by_user[user_id].suspended):
            await review_collect.mark(uow, secretary, roster[user_id], review_collect.Mark.RESIDENCE_REQUESTED, now)
    for user_id in (1002, 1004):
        await review_collect.mark(uow, secretary, roster[user_id], review_collect.Mark.RESIDENCE_RECEIVED, now,
                                  comment="Gương mẫu chấp hành quy định nơi cư trú, tham gia tốt sinh hoạt tổ dân phố.")
    await review_collect.add_feedback(uow, secretary, source="Hội Liên hiệp Phụ nữ khu phố 3",
                                      kind=review_collect.FeedbackKind.ORGANISATION, about_membership_id=None,
                                      content="Đề nghị chi ủy thông báo lịch sinh hoạt sớm hơn.", now=now)


async def load_demo(uow: UnitOfWork, now: datetime, tz: ZoneInfo) -> DemoPeople:
    """Idempotent: a second run finds the demo branch by its sandbox users and changes nothing."""
    created = await uow.people.by_telegram_id(ROSTER[0].user_id) is None
    if created:
        branch = Branch(name=DEMO_BRANCH, superior_unit=DEMO_SUPERIOR, created_at=now)
        uow.branches.add(branch)
        for m in ROSTER:
            uow.branches.add(Membership(
                branch=branch,
                person=Person(full_name=m.full_name, telegram_user_id=m.user_id, created_at=now),
                role=m.role, status=m.status, admitted_on=_years_before(now.date(), m.admitted_years_ago),
                exempt=m.exempt, suspended=m.suspended, created_at=now,
            ))
        supervisor = Person(full_name=SUPERVISOR[1], telegram_user_id=SUPERVISOR[0], created_at=now)
        uow.people.add(supervisor)
        await uow.flush()
        uow.branches.add(SupervisorLink(branch_id=branch.id, person_id=supervisor.id, created_at=now))
        uow.audit(now, None, branch.id, "demo.load", members=len(ROSTER))
        uow.reminders.request_replan(branch.id, now)
        await uow.commit()
        secretary = await load_actor(uow, ROSTER[0].user_id)
        draft = await plan_import.read_plan(uow, secretary, lines=split_lines(demo_plan_text(now.date())),
                                            source_name="ke-hoach-27.txt", now=now)
        await plan_import.confirm(uow, secretary, draft.id, now)
        await _review_in_progress(uow, now, tz)
        await demo_supervision.load(uow, branch.id, SUPERVISOR[0], DEMO_SUPERIOR, now, tz)
    by_role = {m.role: m.user_id for m in ROSTER if m.role in (Role.SECRETARY, Role.DEPUTY)}
    return DemoPeople(
        branch=DEMO_BRANCH,
        secretary=by_role[Role.SECRETARY],
        deputy=by_role[Role.DEPUTY],
        members=[m.user_id for m in ROSTER],
        supervisor=SUPERVISOR[0],
        roster=ROSTER,
        supervisor_name=SUPERVISOR[1],
        created=created,
    )


async def queue_demo_reminders(uow: UnitOfWork, now: datetime, settings: Settings) -> list[datetime]:
    """Plans the demo branch's reminders and queues this month's digest for its secretary and deputy now,
    so the sandbox shows reminders arriving as soon as `chibo run` delivers. Returns when the digests go."""
    branch_id = (await load_actor(uow, ROSTER[0].user_id)).home.branch_id
    await reminders.plan_branch(uow, branch_id, now, settings)
    return await reminders.digest_now(uow, branch_id, now, settings)
