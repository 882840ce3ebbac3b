"""Roster use cases: list, add (one or a pasted list), edit and remove members."""

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.roster import SINGLE_ROLES, LineProblem, RejectedLine, Role, RosterEntry, Status
from bot.domain.text import fold
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, NotFound, ServiceError
from bot.services.views import MemberView, RosterView, roster_order
from storage.models import Membership, Person
from storage.uow import UnitOfWork

MAX_MEMBERS = 200
EDITABLE_FIELDS = frozenset({"full_name", "status", "admitted_on", "role", "exempt", "suspended"})


@dataclass
class AddResult:
    added: list[MemberView] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)


async def roster(uow: UnitOfWork, actor: Actor, branch_id: int | None = None) -> RosterView:
    """The roster of the actor's branch (or one they supervise); members may not read others' data."""
    if branch_id is None:
        if actor.home is None:
            raise AccessDenied("no_branch")
        branch_id = actor.home.branch_id
    if not actor.can_read(branch_id):
        raise AccessDenied("not_secretary")
    branch = await uow.branches.heading(branch_id)
    if branch is None:
        raise NotFound("branch_not_found")
    members = [MemberView.of(row, row) for row in await uow.branches.roster_rows(branch_id)]
    supervisors = await uow.branches.supervisor_names(branch_id)
    return RosterView(branch.id, branch.name, branch.superior_unit, roster_order(members), supervisors)


def _conflict(entry: RosterEntry, existing: list[Membership]) -> LineProblem | None:
    if any(fold(m.person.full_name) == fold(entry.full_name) for m in existing):
        return LineProblem("already_in_roster", entry.full_name)
    if entry.role in SINGLE_ROLES and any(m.role == entry.role for m in existing):
        return LineProblem("role_taken", entry.role)
    if len(existing) >= MAX_MEMBERS:
        return LineProblem("roster_full", str(MAX_MEMBERS))
    return None


async def add_members(
    uow: UnitOfWork, actor: Actor, entries: list[tuple[int, RosterEntry]], now: datetime
) -> AddResult:
    """Adds every entry that fits the roster; the others come back with the reason, nothing half-added."""
    home = actor.secretary_branch()
    existing = await uow.branches.roster(home.branch_id)
    result = AddResult()
    for line_no, entry in entries:
        if problem := _conflict(entry, existing):
            result.rejected.append(RejectedLine(line_no, entry.full_name, problem))
            continue
        person = Person(full_name=entry.full_name, created_at=now)
        membership = Membership(
            branch_id=home.branch_id,
            person=person,
            role=entry.role,
            status=entry.status,
            admitted_on=entry.admitted_on,
            exempt=entry.exempt,
            suspended=entry.suspended,
            created_at=now,
        )
        uow.branches.add(membership)
        existing.append(membership)
        await uow.flush()
        result.added.append(MemberView.of(membership))
        uow.audit(now, actor.person_id, home.branch_id, "member.add", membership_id=membership.id,
                  full_name=entry.full_name, role=entry.role, status=entry.status)
    uow.reminders.request_replan(home.branch_id, now)
    await uow.commit()
    return result


async def own_membership(uow: UnitOfWork, actor: Actor, membership_id: int) -> Membership:
    """A membership of the secretary's own branch; anything else (forged ids included) is refused."""
    home = actor.secretary_branch()
    membership = await uow.branches.membership(membership_id)
    if membership is None or membership.branch_id != home.branch_id:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    return membership


@dataclass(frozen=True)
class OwnEntry:
    branch_name: str
    member: MemberView


async def own_entries(uow: UnitOfWork, actor: Actor) -> list[OwnEntry]:
    """The actor's own roster entries: every member may read their own data; a stranger has none."""
    if actor.person_id is None:
        raise AccessDenied("no_branch")
    return [OwnEntry(m.branch.name, MemberView.of(m)) for m in await uow.people.memberships(actor.person_id)]


async def member(uow: UnitOfWork, actor: Actor, membership_id: int) -> MemberView:
    return MemberView.of(await own_membership(uow, actor, membership_id))


async def update_member(
    uow: UnitOfWork, actor: Actor, membership_id: int, now: datetime, **changes: object
) -> MemberView:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    membership = await own_membership(uow, actor, membership_id)
    others = [m for m in await uow.branches.roster(membership.branch_id) if m.id != membership.id]
    new_role = changes.get("role")
    if membership.role == Role.SECRETARY and new_role not in (None, Role.SECRETARY):
        raise ServiceError("secretary_role_fixed")
    if new_role in SINGLE_ROLES and any(m.role == new_role for m in others):
        raise ServiceError("role_taken", role=new_role)
    new_name = changes.get("full_name")
    if new_name and any(fold(m.person.full_name) == fold(str(new_name)) for m in others):
        raise ServiceError("already_in_roster", name=new_name)
    before = {}
    for key, value in changes.items():
        target = membership.person if key == "full_name" else membership
        before[key] = getattr(target, key)
        setattr(target, key, value)
    uow.audit(now, actor.person_id, membership.branch_id, "member.update", membership_id=membership.id,
              before=before, after=changes)
    uow.reminders.request_replan(membership.branch_id, now)
    await uow.commit()
    return MemberView.of(membership)


async def toggle_member(uow: UnitOfWork, actor: Actor, membership_id: int, field: str, now: datetime) -> MemberView:
    """Flips one two-way field of a member's card: full ↔ probationary (status), exempt, suspended."""
    m = await member(uow, actor, membership_id)
    flipped = {
        "status": Status.PROBATIONARY if m.status == Status.FULL else Status.FULL,
        "exempt": not m.exempt,
        "suspended": not m.suspended,
    }
    return await update_member(uow, actor, membership_id, now, **{field: flipped[field]})


async def remove_member(uow: UnitOfWork, actor: Actor, membership_id: int, now: datetime) -> str:
    membership = await own_membership(uow, actor, membership_id)
    if membership.role == Role.SECRETARY:
        raise ServiceError("cannot_remove_secretary")
    name = membership.person.full_name
    uow.audit(now, actor.person_id, membership.branch_id, "member.remove", membership_id=membership.id,
              full_name=name)
    await uow.branches.delete_membership(membership)
    uow.reminders.request_replan(membership.branch_id, now)
    await uow.commit()
    return name
