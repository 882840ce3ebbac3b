"""Who is acting: the person behind a Telegram user, their branch roles and supervised branches."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.ids import is_zalo
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

    @property
    def is_secretary(self) -> bool:
        """The actor runs a branch (its secretary): the one answer to "is this a secretary?"."""
        home = self.home
        return home is not None and home.role == Role.SECRETARY

    def role_in(self, branch_id: int) -> Role | None:
        return next((r.role for r in self.roles if r.branch_id == branch_id), None)

    def secretary_branch(self) -> BranchRole:
        """The branch this actor runs; AccessDenied for anyone who is not a secretary."""
        if not self.is_secretary:
            raise AccessDenied("not_secretary")
        return self.home

    def can_read(self, branch_id: int) -> bool:
        return self.role_in(branch_id) in (Role.SECRETARY, Role.DEPUTY) or any(
            s.branch_id == branch_id for s in self.supervised
        )


async def load_actor(uow: UnitOfWork, telegram_user_id: int) -> Actor:
    """The person at this chat number: a Telegram user id or a Zalo user's chat number (bot.services.identity)."""
    return actor_of(telegram_user_id, await uow.people.acting(telegram_user_id, zalo=is_zalo(telegram_user_id)))


def actor_of(telegram_user_id: int, rows: Sequence[Any]) -> Actor:
    """The actor from the rows of PersonRepo.acting for that chat (an update reads them with its opening reads)."""
    if not rows:
        return Actor(telegram_user_id=telegram_user_id)
    return Actor(
        telegram_user_id=telegram_user_id,
        person_id=rows[0].person_id,
        full_name=rows[0].full_name,
        roles=tuple(BranchRole(r.branch_id, r.branch_name, r.membership_id, Role(r.role))
                    for r in rows if r.membership_id is not None),
        supervised=tuple(SupervisedBranch(r.branch_id, r.branch_name)
                         for r in rows if r.branch_id is not None and r.membership_id is None),
    )


async def superior_scope(uow: UnitOfWork, person_id: int) -> set[int]:
    """The branches a person stands over: those they supervise (đảng ủy viên phụ trách) and every branch of a
    superior unit they administer. They read these branches (/tinhhinh) and decide their review levels."""
    return await uow.supervision.stands_over(person_id)


async def require_superior(uow: UnitOfWork, actor: Actor, branch_id: int) -> None:
    """Deciding a branch's review levels is the superior's (QĐ 366 Điều 13: "Cấp uỷ cấp trên trực tiếp xem xét,
    quyết định"): the supervisor in charge of the branch or an administrator of its superior unit. A secretary or
    a member cannot (the branch proposes), nor a supervisor of other branches — forged button data included."""
    scope = await superior_scope(uow, actor.person_id) if actor.person_id is not None else set()
    if not scope:
        raise AccessDenied("not_superior")
    if branch_id not in scope:
        raise AccessDenied("foreign_branch", branch_id=branch_id)
