"""The demo branch: a roster linked to sandbox users, so a newcomer can talk to the bot as anyone."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.plans.structure import split_lines
from bot.domain.roster import Role, Status
from bot.services import plan_import
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


async def load_demo(uow: UnitOfWork, now: datetime) -> DemoPeople:
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
        await uow.commit()
        secretary = await load_actor(uow, ROSTER[0].user_id)
        draft = await plan_import.read_plan(uow, secretary, lines=split_lines(demo_plan_text(now.date())),
                                            source_name="ke-hoach-27.txt", now=now)
        await plan_import.confirm(uow, secretary, draft.id, now)
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
