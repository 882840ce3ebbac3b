"""Who is acting: the person behind a Telegram user, their branch roles and supervised branches."""

from dataclasses import dataclass

from bot.domain.roster import Role
from bot.services.errors import AccessDenied
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class BranchRole:
    branch_id: int
    branch_name: str
    membership_id: int
    role: Role


@dataclass(frozen=True)
class SupervisedBranch:
    branch_id: int
    branch_name: str


@dataclass(frozen=True)
class Actor:
    telegram_user_id: int
    person_id: int | None = None
    full_name: str | None = None
    roles: tuple[BranchRole, ...] = ()
    supervised: tuple[SupervisedBranch, ...] = ()

    @property
    def home(self) -> BranchRole | None:
        """The branch the bot talks about: where the actor is secretary, else their first branch."""
        leading = [r for r in self.roles if r.role == Role.SECRETARY]
        return (leading or list(self.roles) or [None])[0]

    def role_in(self, branch_id: int) -> Role | None:
        return next((r.role for r in self.roles if r.branch_id == branch_id), None)

    def secretary_branch(self) -> BranchRole:
        """The branch this actor runs; AccessDenied for anyone who is not a secretary."""
        home = self.home
        if home is None or home.role != Role.SECRETARY:
            raise AccessDenied("not_secretary")
        return home

    def can_read(self, branch_id: int) -> bool:
        return self.role_in(branch_id) in (Role.SECRETARY, Role.DEPUTY) or any(
            s.branch_id == branch_id for s in self.supervised
        )


async def load_actor(uow: UnitOfWork, telegram_user_id: int) -> Actor:
    person = await uow.people.by_telegram_id(telegram_user_id)
    if person is None:
        return Actor(telegram_user_id=telegram_user_id)
    memberships = await uow.people.memberships(person.id)
    supervised = await uow.people.supervised_branches(person.id)
    return Actor(
        telegram_user_id=telegram_user_id,
        person_id=person.id,
        full_name=person.full_name,
        roles=tuple(BranchRole(m.branch_id, m.branch.name, m.id, Role(m.role)) for m in memberships),
        supervised=tuple(SupervisedBranch(b.id, b.name) for b in supervised),
    )
