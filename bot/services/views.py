"""Plain data the services hand to handlers and templates."""

from dataclasses import dataclass
from datetime import date

from bot.domain.roster import ROLE_ORDER, Role, Status, name_order
from bot.services.identity import channels, is_linked
from storage.models import Membership, Person


@dataclass(frozen=True)
class MemberView:
    membership_id: int
    full_name: str
    role: Role
    status: Status
    admitted_on: date | None
    exempt: bool
    suspended: bool
    linked: bool
    channels: tuple[str, ...] = ()  # "telegram", "zalo": where the person is linked

    @classmethod
    def of(cls, membership: Membership, person: Person | None = None) -> "MemberView":
        """From a membership and its person; a roster row (BranchRepo.roster_rows) is both at once."""
        person = person if person is not None else membership.person
        return cls(
            membership_id=membership.id,
            full_name=person.full_name,
            role=Role(membership.role),
            status=Status(membership.status),
            admitted_on=membership.admitted_on,
            exempt=membership.exempt,
            suspended=membership.suspended,
            linked=is_linked(person),
            channels=channels(person),
        )


def roster_order(members: list[MemberView]) -> list[MemberView]:
    """Leaders first, then members by given name as Vietnamese lists are sorted (last word first)."""
    return sorted(members, key=lambda m: (ROLE_ORDER[m.role], *name_order(m.full_name)))


@dataclass(frozen=True)
class RosterView:
    branch_id: int
    branch_name: str
    superior_unit: str | None
    members: list[MemberView]
    supervisors: list[str]

    @property
    def full_count(self) -> int:
        return sum(1 for m in self.members if m.status == Status.FULL)

    @property
    def linked_count(self) -> int:
        return sum(1 for m in self.members if m.linked)
