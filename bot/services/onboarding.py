"""A new user creates a branch and becomes its secretary."""

from dataclasses import dataclass
from datetime import datetime

from bot.domain.roster import Role, Status, parse_name
from bot.domain.text import squeeze
from bot.services.errors import ServiceError
from bot.services.identity import identity, person_at
from storage.models import Branch, Membership, Person
from storage.uow import UnitOfWork

MAX_UNIT_NAME = 200


@dataclass(frozen=True)
class NewBranch:
    branch_id: int
    branch_name: str
    secretary_name: str


def clean_unit_name(text: str) -> str:
    name = squeeze(text)
    if not name or len(name) > MAX_UNIT_NAME or name.startswith("/"):
        raise ServiceError("bad_unit_name", limit=MAX_UNIT_NAME)
    return name


async def create_branch(
    uow: UnitOfWork,
    *,
    telegram_user_id: int,
    full_name: str,
    branch_name: str,
    superior_unit: str | None,
    now: datetime,
) -> NewBranch:
    person = await person_at(uow, telegram_user_id)
    if person is not None and await uow.people.memberships(person.id):
        raise ServiceError("already_in_branch")
    name = parse_name(full_name)
    branch = Branch(
        name=clean_unit_name(branch_name),
        superior_unit=clean_unit_name(superior_unit) if superior_unit else None,
        created_at=now,
    )
    uow.branches.add(branch)
    if person is None:
        person = Person(full_name=name, created_at=now, **identity(telegram_user_id))
        uow.people.add(person)
    else:
        person.full_name = name
    await uow.flush()
    uow.branches.add(
        Membership(
            branch_id=branch.id,
            person_id=person.id,
            role=Role.SECRETARY,
            status=Status.FULL,
            created_at=now,
        )
    )
    uow.audit(now, person.id, branch.id, "branch.create", name=branch.name, superior_unit=branch.superior_unit)
    uow.reminders.request_replan(branch.id, now)
    await uow.commit()
    return NewBranch(branch.id, branch.name, person.full_name)
