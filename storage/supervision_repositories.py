"""Queries of supervision: who reads which branches, and the facts of many branches' reviews loaded at once
(a handful of queries for 300 branches, never one round of queries per branch)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Row, and_, bindparam, case, delete, exists, func, literal, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Branch, Membership, Person, SupervisorLink, Task
from storage.review_models import Review, ReviewFeedback, ReviewMember, ReviewTask, ReviewVote
from storage.supervision_models import BranchNudge, SuperiorUnit, SupervisorSnapshot, UnitAdmin, UnitBranch


# Plain read-only rows (named tuples: thousands build in a millisecond) with the attribute names of the ORM rows.
class PersonRow(NamedTuple):
    full_name: str
    telegram_user_id: int | None
    zalo_chat_id: int | None = None
    channel: str | None = None

    def chat_id(self) -> int | None:
        """As storage.models.Person.chat_id: the channel the person uses, else whichever is linked."""
        return Person.chat_id(self)  # type: ignore[arg-type]


class MembershipRow(NamedTuple):
    id: int
    branch_id: int
    person: PersonRow
    role: str
    status: str
    admitted_on: date | None
    exempt: bool
    suspended: bool


class EntryRow(NamedTuple):
    """A review's record of one roster entry, with the attributes of ReviewMember that
    bot.services.review_collect.member_state reads. Of the residence form's times it reads only whether they
    are set: True where set, else None (the times themselves are not loaded)."""

    review_id: int
    membership_id: int
    membership: MembershipRow
    self_review: str | None
    residence_requested_at: bool | None
    residence_received_at: bool | None
    present: bool | None
    absence_reason: str | None
    meetings_missed: int
    sick_leave_months: int
    disciplined: bool


class BranchRow(NamedTuple):
    id: int
    name: str


class ReviewRow(NamedTuple):
    """A review with the attributes of storage.review_models.Review that a summary reads: its walkthrough
    (bot.services.review_progress.assemble, review_collect.member_state) and the branch's status."""

    id: int
    branch_id: int
    year: int
    rule_set: str
    meeting_on: date | None
    meeting_at: datetime | None
    meeting_place: str | None
    secret_ballot: bool
    outstanding: bool
    meeting_started_at: datetime | None
    meeting_ended_at: datetime | None
    started_at: datetime
    branch_score: int | None


# The summary's statements, built once (their ids bound at each ask) on the tables, not the ORM classes: building
# a statement and its cache key cost more than running it, and an ORM statement's rows go through the ORM's loading
# (a Python call per row and column) where a table's come as they are; /tinhhinh runs them all at every ask.
_branch, _member, _person, _review, _entry, _vote, _feedback, _task = (model.__table__.c for model in (
    Branch, Membership, Person, Review, ReviewMember, ReviewVote, ReviewFeedback, Task))
_IDS, _REVIEW_IDS = bindparam("ids", expanding=True), bindparam("review_ids", expanding=True)
_BRANCHES = select(_branch.id, _branch.name).where(_branch.id.in_(_IDS))
_SECRETARIES = (
    select(_member.branch_id, _person.full_name, _person.telegram_user_id, _person.zalo_chat_id, _person.channel)
    .join_from(Membership.__table__, Person.__table__, _person.id == _member.person_id)
    .where(_member.branch_id.in_(_IDS), _member.role == "secretary"))
_LATEST = (select(_review.branch_id, func.max(_review.year).label("year")).where(_review.branch_id.in_(_IDS))
           .group_by(_review.branch_id).subquery())
_LATEST_REVIEWS = select(*(_review[name] for name in ReviewRow._fields)).join_from(
    Review.__table__, _LATEST, and_(_review.branch_id == _LATEST.c.branch_id, _review.year == _LATEST.c.year))


def _is_set(column):
    """True where the column holds a value, else None: what `column is not None` tells, without reading it."""
    return case((column.is_not(None), literal(True)))


_ENTRIES = (
    select(_member.id, _member.branch_id, _member.role, _member.status, _member.admitted_on, _member.exempt,
           _member.suspended, _person.full_name, _person.telegram_user_id, _person.zalo_chat_id, _person.channel,
           _entry.self_review, _is_set(_entry.residence_requested_at), _is_set(_entry.residence_received_at),
           _entry.present, _entry.absence_reason, _entry.meetings_missed, _entry.sick_leave_months,
           _entry.disciplined)
    .join_from(Membership.__table__, Person.__table__, _person.id == _member.person_id)
    .join(Review.__table__, and_(_review.branch_id == _member.branch_id, _review.id.in_(_REVIEW_IDS)))
    .outerjoin(ReviewMember.__table__, and_(_entry.review_id == _review.id, _entry.membership_id == _member.id))
    .where(_member.branch_id.in_(_IDS))
    .order_by(_entry.id.is_(None), _entry.id, _member.id))
_VOTES = select(_vote.review_id, _vote.subject, _vote.outcome).where(_vote.review_id.in_(_IDS))
_FEEDBACK = (select(_feedback.review_id, _feedback.answer)
             .where(_feedback.review_id.in_(_IDS), _feedback.kind != "superior_hint")
             .order_by(_feedback.id))
_OVERDUE = (select(_task.branch_id, func.count(_task.id))
            .where(_task.branch_id.in_(_IDS), _task.is_branch_task.is_(True), _task.done_at.is_(None),
                   _task.recurrence.is_(None), _task.due < bindparam("today", type_=_task.due.type),
                   # NOT EXISTS, probed in review_task's unique index task by task: NOT IN (SELECT …) made
                   # PostgreSQL read all of review_task at every summary (5 ms at 1,000 branches, 0.7 ms so)
                   ~exists().where(ReviewTask.__table__.c.task_id == _task.id))
            .group_by(_task.branch_id))


_PERSON = bindparam("person_id")
_STANDS_OVER = union(  # every update of a supervisor runs it (bot.services.actor.superior_scope): built once
    select(SupervisorLink.branch_id).where(SupervisorLink.person_id == _PERSON),
    select(UnitBranch.branch_id).join(UnitAdmin, UnitAdmin.unit_id == UnitBranch.unit_id)
    .where(UnitAdmin.person_id == _PERSON))


class SupervisionRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: object) -> None:
        self.session.add(item)

    # -- who reads what ----------------------------------------------------------------------------------

    async def stands_over(self, person_id: int) -> set[int]:
        """The branches the person supervises and those of every superior unit they administer, in one query."""
        return set(await self.session.scalars(_STANDS_OVER, {"person_id": person_id}))

    async def admin_units(self, person_id: int) -> list[SuperiorUnit]:
        rows = await self.session.scalars(
            select(SuperiorUnit).join(UnitAdmin, UnitAdmin.unit_id == SuperiorUnit.id)
            .where(UnitAdmin.person_id == person_id).order_by(SuperiorUnit.name))
        return list(rows)

    async def readers(self) -> list[int]:
        """Everyone who gets a weekly summary: supervisors and unit administrators."""
        found = await self.session.scalars(
            select(SupervisorLink.person_id).union(select(UnitAdmin.person_id)))
        return sorted(set(found))

    # -- superior units ----------------------------------------------------------------------------------

    async def unit(self, unit_id: int) -> SuperiorUnit | None:
        return await self.session.get(SuperiorUnit, unit_id)

    async def unit_by_name(self, name: str) -> SuperiorUnit | None:
        return await self.session.scalar(select(SuperiorUnit).where(SuperiorUnit.name == name))

    async def units(self) -> list[SuperiorUnit]:
        return list(await self.session.scalars(select(SuperiorUnit).order_by(SuperiorUnit.name)))

    async def unit_of(self, branch_id: int) -> UnitBranch | None:
        return await self.session.get(UnitBranch, branch_id)

    async def unit_admin(self, unit_id: int, person_id: int) -> UnitAdmin | None:
        return await self.session.scalar(
            select(UnitAdmin).where(UnitAdmin.unit_id == unit_id, UnitAdmin.person_id == person_id))

    async def unit_admins(self, unit_id: int) -> list[Person]:
        rows = await self.session.scalars(
            select(Person).join(UnitAdmin, UnitAdmin.person_id == Person.id).where(UnitAdmin.unit_id == unit_id)
            .order_by(Person.full_name))
        return list(rows)

    async def unit_branches(self, unit_id: int) -> list[Branch]:
        rows = await self.session.scalars(
            select(Branch).join(UnitBranch, UnitBranch.branch_id == Branch.id).where(UnitBranch.unit_id == unit_id)
            .order_by(Branch.name, Branch.id))
        return list(rows)

    # -- many branches at once ---------------------------------------------------------------------------

    async def _rows(self, statement, values: dict) -> list[Row]:
        """A summary statement's rows, fetched at once (iterating its result fetches them one by one)."""
        return (await self.session.execute(statement, values)).all()

    async def branches(self, ids: Iterable[int]) -> list[BranchRow]:
        return [BranchRow(*row) for row in await self._rows(_BRANCHES, {"ids": list(ids)})]

    async def secretaries(self, branch_ids: Iterable[int]) -> dict[int, PersonRow]:
        """Each branch's secretary, as a plain row (a name and where the bot reaches her)."""
        rows = await self._rows(_SECRETARIES, {"ids": list(branch_ids)})
        return {branch_id: PersonRow(*person) for branch_id, *person in rows}

    async def supervisors_of(self, branch_ids: Iterable[int]) -> dict[int, list[str]]:
        rows = await self.session.execute(
            select(SupervisorLink.branch_id, Person.full_name).join(Person, Person.id == SupervisorLink.person_id)
            .where(SupervisorLink.branch_id.in_(list(branch_ids))).order_by(Person.full_name))
        found: dict[int, list[str]] = defaultdict(list)
        for branch_id, name in rows:
            found[branch_id].append(name)
        return found

    async def latest_reviews(self, branch_ids: Iterable[int]) -> list[ReviewRow]:
        """Each branch's latest review, as a plain read-only row."""
        return [ReviewRow(*row) for row in await self._rows(_LATEST_REVIEWS, {"ids": list(branch_ids)})]

    async def review_entries(self, reviews: Mapping[int, int]) -> list["EntryRow"]:
        """Every roster entry of the branches (branch id → its review's id) with its record in that review, as
        plain rows. An entry the review has not joined yet (added to the roster after it started) comes with
        nothing handed in, as the review would join it (review.sync_roster). Plain rows, not ORM objects:
        thousands of entries load in milliseconds."""
        if not reviews:
            return []
        rows = await self._rows(_ENTRIES, {"ids": list(reviews), "review_ids": list(reviews.values())})
        return [EntryRow(  # by position: thousands of rows
            reviews[branch_id], membership_id,
            MembershipRow(membership_id, branch_id, PersonRow(name, telegram_user_id, zalo_chat_id, channel),
                          role, status, admitted_on, exempt, suspended),
            self_review, requested, received, present, absence, missed or 0, sick or 0, bool(disciplined),
        ) for (membership_id, branch_id, role, status, admitted_on, exempt, suspended, name, telegram_user_id,
               zalo_chat_id, channel, self_review, requested, received, present, absence, missed, sick,
               disciplined) in rows]

    async def votes(self, review_ids: Iterable[int]) -> list[Row]:
        """(review_id, subject, outcome) of every recorded vote."""
        return await self._rows(_VOTES, {"ids": list(review_ids)})

    async def feedback(self, review_ids: Iterable[int]) -> list[Row]:
        """(review_id, answer) of every named feedback, in the order received; the superior's review hints are
        not named feedback (bot/domain/review/record.py NAMED_KINDS)."""
        return await self._rows(_FEEDBACK, {"ids": list(review_ids)})

    async def overdue_counts(self, branch_ids: Iterable[int], today: date) -> dict[int, int]:
        """The branch's own one-off tasks not done and due before today — the calendar's "overdue" group
        (bot/domain/calendar/agenda.py), counted in the database — leaving out the review's own steps, which
        the review's checklist tells better (a step done by counts is never ticked in the calendar)."""
        return dict(await self._rows(_OVERDUE, {"ids": list(branch_ids), "today": today}))

    # -- nudges and snapshots ----------------------------------------------------------------------------

    async def add_nudge(self, branch_id: int, person_id: int, day: date, sent_at: datetime) -> bool:
        """False when the branch was already nudged that day (by anyone, even concurrently)."""
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        result = await self.session.execute(
            dialect.insert(BranchNudge).values(branch_id=branch_id, person_id=person_id, day=day, sent_at=sent_at)
            .on_conflict_do_nothing(index_elements=["branch_id", "day"]))
        return result.rowcount == 1

    async def drop_nudge(self, branch_id: int, day: date) -> None:
        await self.session.execute(
            delete(BranchNudge).where(BranchNudge.branch_id == branch_id, BranchNudge.day == day))

    async def snapshot(self, person_id: int) -> SupervisorSnapshot | None:
        return await self.session.get(SupervisorSnapshot, person_id)
