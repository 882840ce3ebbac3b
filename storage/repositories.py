"""Repositories: the queries the services need, and nothing that decides a rule."""

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Branch, Invitation, Membership, Person, Plan, PlanImport, SupervisorLink, Task


class PersonRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return await self.session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    def add(self, person: Person) -> None:
        self.session.add(person)

    async def memberships(self, person_id: int) -> list[Membership]:
        rows = await self.session.scalars(
            select(Membership)
            .where(Membership.person_id == person_id)
            .options(selectinload(Membership.branch))
            .order_by(Membership.id)
        )
        return list(rows)

    async def supervised_branches(self, person_id: int) -> list[Branch]:
        rows = await self.session.scalars(
            select(Branch)
            .join(SupervisorLink, SupervisorLink.branch_id == Branch.id)
            .where(SupervisorLink.person_id == person_id)
            .order_by(Branch.name)
        )
        return list(rows)


class BranchRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: Branch | Membership | SupervisorLink) -> None:
        self.session.add(item)

    async def get(self, branch_id: int) -> Branch | None:
        return await self.session.get(Branch, branch_id)

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

    async def supervisors(self, branch_id: int) -> list[Person]:
        rows = await self.session.scalars(
            select(Person)
            .join(SupervisorLink, SupervisorLink.person_id == Person.id)
            .where(SupervisorLink.branch_id == branch_id)
            .order_by(Person.full_name)
        )
        return list(rows)

    async def count(self) -> int:
        return await self.session.scalar(select(func.count(Branch.id))) or 0


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


class CalendarRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: Plan | Task | PlanImport) -> None:
        self.session.add(item)

    async def tasks(self, branch_id: int) -> list[Task]:
        rows = await self.session.scalars(select(Task).where(Task.branch_id == branch_id).order_by(Task.id))
        return list(rows)

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
