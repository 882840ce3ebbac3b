"""The superior unit's office: units, their administrators, branches created with a secretary's invitation,
supervisors linked to branches. Used by `chibo admin` (the operator: no actor) and, for an administrator of
the unit, by the bot (`/donvi`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.channels.ids import is_zalo, zalo_row
from bot.domain.roster import parse_name
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, NotFound, ServiceError
from bot.services.identity import identity, person_at
from bot.services.invitations import Invite, invite_secretary
from bot.services.onboarding import clean_unit_name
from storage.models import Branch, Person, SupervisorLink
from storage.supervision_models import SuperiorUnit, UnitAdmin, UnitBranch
from storage.uow import UnitOfWork


async def find_unit(uow: UnitOfWork, ref: str) -> SuperiorUnit:
    """A unit by its id or its exact name."""
    key = ref.strip()
    unit = await uow.supervision.unit(int(key)) if key.isdigit() else await uow.supervision.unit_by_name(key)
    if unit is None:
        raise NotFound("unit_not_found", ref=ref)
    return unit


async def add_unit(uow: UnitOfWork, name: str, now: datetime) -> tuple[SuperiorUnit, bool]:
    """The unit of that name, created unless it exists; True when created."""
    name = clean_unit_name(name)
    unit = await uow.supervision.unit_by_name(name)
    if unit is not None:
        return unit, False
    unit = SuperiorUnit(name=name, created_at=now)
    uow.supervision.add(unit)
    await uow.flush()
    uow.audit(now, None, None, "unit.create", unit_id=unit.id, name=name)
    await uow.commit()
    return unit, True


async def person_by_chat(uow: UnitOfWork, chat_id: int, full_name: str | None, now: datetime) -> Person:
    """The person at a chat number as /toi shows it (a Telegram user id, or the number of a Zalo user:
    bot.channels.ids), created under `full_name` when new. A Zalo user must have written to the bot first: only
    then does chibo know where to answer them."""
    person = await person_at(uow, chat_id)
    if person is None:
        if is_zalo(chat_id) and await uow.zalo_chats.get(zalo_row(chat_id)) is None:
            raise ServiceError("zalo_chat_unknown", chat_id=chat_id)
        if not full_name:
            raise ServiceError("name_needed", chat_id=chat_id)
        person = Person(full_name=parse_name(full_name), **identity(chat_id), created_at=now)
        uow.people.add(person)
        await uow.flush()
    return person


async def add_admin(uow: UnitOfWork, unit: SuperiorUnit, chat_id: int, full_name: str | None,
                    now: datetime) -> Person:
    person = await person_by_chat(uow, chat_id, full_name, now)
    if await uow.supervision.unit_admin(unit.id, person.id) is None:
        uow.supervision.add(UnitAdmin(unit_id=unit.id, person_id=person.id, created_at=now))
        uow.audit(now, None, None, "unit.admin", unit_id=unit.id, person_id=person.id)
    await uow.commit()
    return person


@dataclass(frozen=True)
class NewBranch:
    branch_id: int
    branch_name: str
    unit_name: str
    invite: Invite


async def create_branch(uow: UnitOfWork, unit: SuperiorUnit, name: str, now: datetime, ttl: timedelta, *,
                        created_by: int | None = None) -> NewBranch:
    """A branch under the unit, and the invitation its secretary opens to run it."""
    branch = Branch(name=clean_unit_name(name), superior_unit=unit.name, created_at=now)
    uow.branches.add(branch)
    await uow.flush()
    uow.supervision.add(UnitBranch(branch_id=branch.id, unit_id=unit.id, created_at=now))
    uow.audit(now, created_by, branch.id, "branch.create", name=branch.name, unit_id=unit.id)
    invite = await invite_secretary(uow, branch.id, created_by, now, ttl)
    await uow.commit()
    return NewBranch(branch.id, branch.name, unit.name, invite)


async def secretary_invitation(uow: UnitOfWork, branch_id: int, now: datetime, ttl: timedelta, *,
                               created_by: int | None = None) -> NewBranch:
    """A fresh secretary's link for a unit's branch that has no secretary yet (the first link was lost or
    expired)."""
    supervision = uow.supervision
    link = await supervision.unit_of(branch_id)
    branch = await uow.branches.get(branch_id)
    if link is None or branch is None:
        raise NotFound("branch_not_found")
    if branch_id in await supervision.secretaries([branch_id]):
        raise ServiceError("secretary_taken")
    unit = await supervision.unit(link.unit_id)
    invite = await invite_secretary(uow, branch_id, created_by, now, ttl)
    await uow.commit()
    return NewBranch(branch.id, branch.name, unit.name, invite)


async def link_supervisor(uow: UnitOfWork, person: Person, branch_ids: list[int], now: datetime) -> list[str]:
    """Links a supervisor to branches (already linked ones stay as they are); the branches' names."""
    names = []
    for branch_id in branch_ids:
        branch = await uow.branches.get(branch_id)
        if branch is None:
            raise NotFound("branch_not_found", branch_id=branch_id)
        if await uow.branches.supervisor_link(branch_id, person.id) is None:
            uow.branches.add(SupervisorLink(branch_id=branch_id, person_id=person.id, created_at=now))
            uow.audit(now, None, branch_id, "supervisor.link", person_id=person.id)
        names.append(branch.name)
    await uow.commit()
    return names


# -- what the office sees -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchEntry:
    branch_id: int
    name: str
    secretary: str | None
    secretary_linked: bool
    supervisors: tuple[str, ...]


@dataclass(frozen=True)
class UnitEntry:
    unit_id: int
    name: str
    admins: tuple[str, ...]
    branches: tuple[BranchEntry, ...]


async def _unit_entry(uow: UnitOfWork, unit: SuperiorUnit) -> UnitEntry:
    supervision = uow.supervision
    branches = await supervision.unit_branches(unit.id)
    ids = [b.id for b in branches]
    secretaries = await supervision.secretaries(ids)
    supervisors = await supervision.supervisors_of(ids)
    return UnitEntry(
        unit.id, unit.name, tuple(p.full_name for p in await supervision.unit_admins(unit.id)),
        tuple(BranchEntry(
            b.id, b.name, secretaries[b.id].full_name if b.id in secretaries else None,
            b.id in secretaries and secretaries[b.id].chat_id() is not None,
            tuple(supervisors.get(b.id, ())),
        ) for b in branches),
    )


async def listing(uow: UnitOfWork) -> list[UnitEntry]:
    """Every unit with its administrators and branches (the operator's view)."""
    return [await _unit_entry(uow, unit) for unit in await uow.supervision.units()]


# -- the administrator in the bot ----------------------------------------------------------------------------


async def administered(uow: UnitOfWork, actor: Actor) -> list[UnitEntry]:
    units = await uow.supervision.admin_units(actor.person_id) if actor.person_id is not None else []
    if not units:
        raise AccessDenied("not_unit_admin")
    return [await _unit_entry(uow, unit) for unit in units]


async def own_unit(uow: UnitOfWork, actor: Actor, unit_id: int) -> SuperiorUnit:
    """A unit the actor administers; any other is refused."""
    units = {u.id: u for u in await uow.supervision.admin_units(actor.person_id)} if actor.person_id is not None else {}
    if unit_id not in units:
        raise AccessDenied("not_unit_admin", unit_id=unit_id)
    return units[unit_id]


async def admin_create_branch(uow: UnitOfWork, actor: Actor, unit_id: int, name: str, now: datetime,
                              ttl: timedelta) -> NewBranch:
    unit = await own_unit(uow, actor, unit_id)
    return await create_branch(uow, unit, name, now, ttl, created_by=actor.person_id)


async def admin_secretary_invitation(uow: UnitOfWork, actor: Actor, branch_id: int, now: datetime,
                                     ttl: timedelta) -> NewBranch:
    link = await uow.supervision.unit_of(branch_id)
    await own_unit(uow, actor, link.unit_id if link else 0)
    return await secretary_invitation(uow, branch_id, now, ttl, created_by=actor.person_id)
