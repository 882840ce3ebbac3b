"""Repositories: the queries the services need, and nothing that decides a rule."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache

from sqlalchemy import Row, Select, and_, bindparam, delete, func, insert, literal, null, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Subquery

from storage.models import Branch, Invitation, Membership, Person, Plan, PlanImport, PlanPart, SupervisorLink, Task
from storage.reminder_models import (
    CANCELLED,
    PENDING,
    SENDING,
    SENT,
    Reminder,
    ReminderChat,
    ReminderPace,
    ReminderPrefs,
    ReplanRequest,
)
from storage.supervision_models import UnitBranch


async def _insert_returning_ids(session: AsyncSession, model: type[Branch | Person], rows: list[dict]) -> list[int]:
    return list((await session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows)).all())


class PersonRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return await self.session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))

    async def by_zalo_chat_id(self, zalo_chat_id: int) -> Person | None:
        return await self.session.scalar(select(Person).where(Person.zalo_chat_id == zalo_chat_id))

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    def add(self, person: Person) -> None:
        self.session.add(person)

    async def insert_many(self, rows: list[dict]) -> list[int]:
        """Many people in one statement (a trial's thousands); their ids in the rows' order."""
        return await _insert_returning_ids(self.session, Person, rows)

    async def memberships(self, person_id: int) -> list[Membership]:
        rows = await self.session.scalars(
            select(Membership)
            .where(Membership.person_id == person_id)
            .options(joinedload(Membership.branch))
            .order_by(Membership.id)
        )
        return list(rows)

    async def acting(self, chat_id: int, *, zalo: bool) -> list[Row]:
        """The person at a chat (a Telegram user id, or a Zalo chat number when `zalo`) with their roles and
        the branches they supervise, in one statement of plain rows (person_id, full_name, branch_id,
        branch_name, membership_id, role): a role's row has a membership_id, a supervised branch's has none,
        and a person without a role has one row whose branch is None; roles come in membership order, then
        the supervised branches by name. No row: nobody is linked at that chat."""
        return list(await self.session.execute(_ACTING[zalo], {"chat_id": chat_id}))


def acting_rows(chat_column: str) -> Subquery:
    """The rows of PersonRepo.acting, unordered, with the `kind` they are ordered by first (`acting_order`): built
    on the tables (Core, so the ORM's statement machinery stays out of every update), the chat as `chat_id`."""
    people, branch, member, link = (m.__table__ for m in (Person, Branch, Membership, SupervisorLink))
    person = select(people.c.id, people.c.full_name).where(people.c[chat_column] == bindparam("chat_id")).subquery()
    roles = (select(person.c.id.label("person_id"), person.c.full_name, branch.c.id.label("branch_id"),
                    branch.c.name.label("branch_name"), member.c.id.label("membership_id"), member.c.role,
                    literal(0).label("kind"))
             .select_from(person)
             .outerjoin(member, member.c.person_id == person.c.id)
             .outerjoin(branch, branch.c.id == member.c.branch_id))
    supervised = (select(person.c.id, person.c.full_name, branch.c.id, branch.c.name, null(), null(), literal(1))
                  .select_from(person)
                  .join(link, link.c.person_id == person.c.id)
                  .join(branch, branch.c.id == link.c.branch_id))
    return union_all(roles, supervised).subquery()


def acting_columns(rows: Subquery) -> tuple:
    return rows.c.person_id, rows.c.full_name, rows.c.branch_id, rows.c.branch_name, rows.c.membership_id, rows.c.role


def acting_order(rows: Subquery) -> tuple:
    return rows.c.kind, rows.c.membership_id, rows.c.branch_name, rows.c.branch_id


def _acting(chat_column: str) -> Select:
    """PersonRepo.acting's statement, built once (every update runs it; building it costs more than running it)."""
    rows = acting_rows(chat_column)
    return select(*acting_columns(rows)).order_by(*acting_order(rows))


_ACTING = {False: _acting("telegram_user_id"), True: _acting("zalo_chat_id")}


def _roster_rows() -> Select:
    member, person = Membership.__table__, Person.__table__
    return (select(member.c.id, member.c.role, member.c.status, member.c.admitted_on, member.c.exempt,
                   member.c.suspended, person.c.full_name, person.c.telegram_user_id, person.c.zalo_chat_id)
            .join_from(member, person, person.c.id == member.c.person_id)
            .where(member.c.branch_id == bindparam("branch_id"))
            .order_by(member.c.id))


_ROSTER_ROWS = _roster_rows()
_SUPERVISOR_NAMES = (select(Person.__table__.c.full_name)
                     .join_from(SupervisorLink.__table__, Person.__table__)
                     .where(SupervisorLink.__table__.c.branch_id == bindparam("branch_id"))
                     .order_by(Person.__table__.c.full_name))
_BRANCH = Branch.__table__.c
_HEADING = select(_BRANCH.id, _BRANCH.name, _BRANCH.superior_unit).where(_BRANCH.id == bindparam("branch_id"))


class BranchRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: Branch | Membership | SupervisorLink) -> None:
        self.session.add(item)

    async def get(self, branch_id: int) -> Branch | None:
        return await self.session.get(Branch, branch_id)

    async def heading(self, branch_id: int) -> Row | None:
        """(id, name, superior_unit) as a plain row, for what only shows the branch: /start, its roster, /buoc
        read it at every ask, and loading the ORM object costs ~0.4 ms of CPU more than the row."""
        return (await self.session.execute(_HEADING, {"branch_id": branch_id})).first()

    async def roster_rows(self, branch_id: int) -> list[Row]:
        """The roster to show, as plain rows: the membership's columns (id, role, status, admitted_on, exempt,
        suspended) and the person's (full_name, telegram_user_id, zalo_chat_id), in membership order. /start and
        its roster button read it at every ask; ORM objects with their joined persons cost more than the rows."""
        return list(await self.session.execute(_ROSTER_ROWS, {"branch_id": branch_id}))

    async def roster(self, branch_id: int) -> list[Membership]:
        rows = await self.session.scalars(
            select(Membership).where(Membership.branch_id == branch_id).order_by(Membership.id)
        )
        return list(rows)

    async def membership(self, membership_id: int) -> Membership | None:
        return await self.session.get(Membership, membership_id)

    async def delete_membership(self, membership: Membership) -> None:
        await self.session.delete(membership)

    async def supervisor_link(self, branch_id: int, person_id: int) -> SupervisorLink | None:
        return await self.session.scalar(
            select(SupervisorLink).where(
                SupervisorLink.branch_id == branch_id, SupervisorLink.person_id == person_id
            )
        )

    async def supervisor_names(self, branch_id: int) -> list[str]:
        return list(await self.session.scalars(_SUPERVISOR_NAMES, {"branch_id": branch_id}))

    async def count(self) -> int:
        return await self.session.scalar(select(func.count(Branch.id))) or 0

    async def count_named(self, pattern: str) -> int:
        """How many branches have a name like `pattern` (SQL LIKE)."""
        return await self.session.scalar(select(func.count(Branch.id)).where(Branch.name.like(pattern))) or 0

    async def insert_many(self, rows: list[dict]) -> list[int]:
        """Many branches in one statement (a trial's thousands); their ids in the rows' order."""
        return await _insert_returning_ids(self.session, Branch, rows)

    async def insert_rows(self, model: type[Membership | SupervisorLink | UnitBranch], rows: list[dict]) -> None:
        """Many of a branch's memberships or links in one statement."""
        await self.session.execute(insert(model), rows)


class InvitationRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, invitation: Invitation) -> None:
        self.session.add(invitation)

    async def by_token(self, token: str, *, for_update: bool = False) -> Invitation | None:
        query = select(Invitation).where(Invitation.token == token)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)


@cache
def _task_rows(columns: tuple[str, ...]) -> Select:
    """CalendarRepo.task_rows' statement, built once (every calendar answer runs it)."""
    return (select(Task.id, *(getattr(Task, name) for name in columns), Task.done_at.is_not(None), Plan.number)
            .outerjoin(Plan, Plan.id == Task.plan_id).where(Task.branch_id == bindparam("branch_id"))
            .order_by(Task.id))


class CalendarRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: Plan | Task | PlanImport) -> None:
        self.session.add(item)

    async def tasks(self, branch_id: int) -> list[Task]:
        rows = await self.session.scalars(select(Task).where(Task.branch_id == branch_id).order_by(Task.id))
        return list(rows)

    async def task_rows(self, branch_id: int, columns: tuple[str, ...]) -> list[Row]:
        """The branch's tasks as plain read-only rows, in the order of `tasks`: the id, the columns named, whether
        it is done, its plan's number (None for a task added by hand)."""
        return list(await self.session.execute(_task_rows(columns), {"branch_id": branch_id}))

    async def task(self, task_id: int) -> Task | None:
        return await self.session.get(Task, task_id)

    async def same_plan(self, branch_id: int, content_hash: str, number: str | None,
                        issued_on: date | None) -> Plan | None:
        """The plan already imported from this text, or with this number and date."""
        same = Plan.content_hash == content_hash
        if number and issued_on:
            same = or_(same, and_(Plan.number == number, Plan.issued_on == issued_on))
        return await self.session.scalar(select(Plan).where(Plan.branch_id == branch_id, same).limit(1))

    async def draft(self, draft_id: int) -> PlanImport | None:
        return await self.session.get(PlanImport, draft_id)

    async def plan(self, plan_id: int) -> Plan | None:
        return await self.session.get(Plan, plan_id)

    async def plans_numbered(self, branch_id: int) -> list[Plan]:
        rows = await self.session.scalars(
            select(Plan).where(Plan.branch_id == branch_id, Plan.number.is_not(None)).order_by(Plan.id)
        )
        return list(rows)

    async def plan_tasks(self, plan_id: int) -> list[Task]:
        rows = await self.session.scalars(select(Task).where(Task.plan_id == plan_id).order_by(Task.id))
        return list(rows)

    async def delete_task(self, task: Task) -> None:
        await self.session.delete(task)

    def add_part(self, part: PlanPart) -> None:
        self.session.add(part)

    async def parts(self, person_id: int) -> list[PlanPart]:
        """The pieces of a plan a person is sending, in the order sent."""
        rows = await self.session.scalars(
            select(PlanPart).where(PlanPart.person_id == person_id).order_by(PlanPart.message_id, PlanPart.id)
        )
        return list(rows)

    async def drop_parts(self, person_id: int) -> None:
        await self.session.execute(delete(PlanPart).where(PlanPart.person_id == person_id))


class ReminderRepo:
    """The reminder outbox: planning writes it, delivery processes claim and settle its rows."""

    PACE = "global"

    def __init__(self, session: AsyncSession):
        self.session = session

    def _insert(self, table):
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    # -- planning ----------------------------------------------------------------------------

    async def add_new(self, rows: list[dict]) -> None:
        """Inserts the rows whose key is not taken; a concurrent planner's rows win silently."""
        if rows:
            await self.session.execute(self._insert(Reminder).on_conflict_do_nothing(index_elements=["key"]), rows)
            await self.ensure_chats({row["chat_id"] for row in rows}, min(row["created_at"] for row in rows))

    async def ensure_chats(self, chat_ids: Iterable[int], ready_at: datetime) -> None:
        rows = [{"chat_id": chat_id, "next_at": ready_at} for chat_id in sorted(chat_ids)]
        if rows:
            await self.session.execute(self._insert(ReminderChat).on_conflict_do_nothing(), rows)

    async def planned(self, branch_id: int, sources: Sequence[str], keys: Iterable[str]) -> dict[str, Reminder]:
        """The branch's rows a re-plan may touch: pending ones, and any row with one of `keys`."""
        found = await self.session.scalars(
            select(Reminder).where(
                Reminder.branch_id == branch_id,
                Reminder.source.in_(sources),
                or_(Reminder.status == PENDING, Reminder.key.in_(list(keys))),
            )
        )
        return {row.key: row for row in found}

    async def revise(self, row: Reminder, values: dict) -> bool:
        """Changes a row read by a re-plan only if its status is still the one read: a delivery may have
        claimed it since (the hourly and start-up passes run beside delivery), and a row being sent, or sent,
        must never go back to the queue. True when changed."""
        changed = await self.session.execute(
            update(Reminder).where(Reminder.id == row.id, Reminder.status == row.status).values(**values)
            .execution_options(synchronize_session=False))
        if changed.rowcount != 1:
            return False
        for name, value in values.items():  # the loaded row says what is stored, without a second UPDATE
            set_committed_value(row, name, value)
        return True

    async def get(self, reminder_id: int) -> Reminder | None:
        return await self.session.get(Reminder, reminder_id)

    def add(self, item: Reminder | ReminderPrefs) -> None:
        self.session.add(item)

    async def prefs(self, person_ids: Iterable[int]) -> dict[int, ReminderPrefs]:
        rows = await self.session.scalars(select(ReminderPrefs).where(ReminderPrefs.person_id.in_(list(person_ids))))
        return {row.person_id: row for row in rows}

    async def upcoming(self, person_id: int, limit: int) -> list[Reminder]:
        rows = await self.session.scalars(
            select(Reminder)
            .where(Reminder.person_id == person_id, Reminder.status.in_((PENDING, SENDING)))
            .order_by(Reminder.send_at, Reminder.id)
            .limit(limit)
        )
        return list(rows)

    async def cancel_pending(self, person_id: int, reason: str) -> None:
        await self.session.execute(
            update(Reminder)
            .where(Reminder.person_id == person_id, Reminder.status == PENDING)
            .values(status=CANCELLED, last_error=reason)
            .execution_options(synchronize_session=False)
        )

    def request_replan(self, branch_id: int, now: datetime) -> None:
        """Asks for the branch's reminders to be planned again, in the caller's transaction."""
        self.session.add(ReplanRequest(branch_id=branch_id, requested_at=now))

    async def replan_requests(self, limit: int) -> list[Row]:
        return list(await self.session.execute(
            select(ReplanRequest.id, ReplanRequest.branch_id).order_by(ReplanRequest.id).limit(limit)))

    async def forget_requests(self, ids: list[int]) -> None:
        await self.session.execute(delete(ReplanRequest).where(ReplanRequest.id.in_(ids)))

    async def branches_to_plan(self, due_from: date, due_to: date, sources: Sequence[str], *,
                               with_any_task: bool) -> list[int]:
        """Branches with an open task due in the window or a pending row planned from `sources` — or, near
        the 1st of a month, every branch with a task (the digest)."""
        tasks = select(Task.branch_id).where(Task.done_at.is_(None))
        if not with_any_task:
            tasks = tasks.where(Task.due.between(due_from, due_to))
        pending = select(Reminder.branch_id).where(Reminder.status == PENDING, Reminder.source.in_(sources))
        found = await self.session.scalars(tasks.union(pending))
        return sorted(set(found))

    # -- delivery ----------------------------------------------------------------------------

    async def recover(self, claimed_before: datetime | None) -> int:
        """Rows left "sending" by a process that died (claimed before `claimed_before`, or all): their
        outcome is unknown, so they are sent again. Looked for first: every drain (each second) asks, and when
        there is none no write transaction is opened (on SQLite it would take the database's write lock)."""
        orphaned = [Reminder.status == SENDING]
        if claimed_before is not None:
            orphaned.append(Reminder.claimed_at < claimed_before)
        if await self.session.scalar(select(Reminder.id).where(*orphaned).limit(1)) is None:
            return 0
        result = await self.session.execute(
            update(Reminder).where(*orphaned)
            .values(status=PENDING, last_error="in flight when a delivery process stopped")
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    async def claim(self, now: datetime, limit: int, worker: str) -> list[Row]:
        """Up to `limit` due rows, at most one per chat, from chats that may get a message now; marked
        "sending" by `worker`. On PostgreSQL the chats are locked with SKIP LOCKED, so concurrent
        claimers take disjoint chats; SQLite ignores the lock (one process delivers there)."""
        candidates = await self.session.execute(
            select(Reminder.id, Reminder.chat_id)
            .join(ReminderChat, ReminderChat.chat_id == Reminder.chat_id)
            .where(Reminder.status == PENDING, Reminder.send_at <= now, ReminderChat.next_at <= now)
            .order_by(Reminder.send_at, Reminder.id)
            .limit(limit * 2)
            .with_for_update(of=ReminderChat, skip_locked=True)
        )
        first_per_chat = {}
        for reminder_id, chat_id in candidates:
            first_per_chat.setdefault(chat_id, reminder_id)
        ids = list(first_per_chat.values())[:limit]
        if not ids:
            return []
        claimed = await self.session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.status == PENDING)
            .values(status=SENDING, claimed_by=worker, claimed_at=now, attempts=Reminder.attempts + 1)
            .returning(Reminder.id, Reminder.chat_id, Reminder.text, Reminder.attempts)
            .execution_options(synchronize_session=False)
        )
        return sorted(claimed, key=lambda row: ids.index(row.id))

    async def reserve(self, now: datetime) -> ReminderPace:
        """The pace row, locked until commit, so claims of all processes share one overall pace."""
        pace = await self.session.scalar(
            select(ReminderPace).where(ReminderPace.name == self.PACE).with_for_update())
        if pace is None:
            await self.session.execute(self._insert(ReminderPace).on_conflict_do_nothing(),
                                       [{"name": self.PACE, "next_at": now}])
            return await self.reserve(now)
        return pace

    async def pace_chats(self, next_at: dict[int, datetime]) -> None:
        if next_at:
            chats = ReminderChat.__table__  # a plain executemany: the ORM's bulk path costs more per row
            await self.session.execute(
                update(chats).where(chats.c.chat_id == bindparam("chat")).values(next_at=bindparam("at")),
                [{"chat": chat, "at": at} for chat, at in next_at.items()],
            )

    async def mark_sent(self, ids: list[int], now: datetime, worker: str) -> None:
        await self.session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.status == SENDING, Reminder.claimed_by == worker)
            .values(status=SENT, sent_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        )

    async def settle(self, changes: list[dict]) -> None:
        """Per-row changes by primary key: a retry later, or a failure."""
        if changes:
            await self.session.execute(update(Reminder), changes)
