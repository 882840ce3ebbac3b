"""Unit of work: one session per use case; rolls back unless `commit()` was called."""

import json
from datetime import datetime
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import AuditEntry
from storage.repositories import BranchRepo, CalendarRepo, InvitationRepo, PersonRepo, ReminderRepo


class UnitOfWork:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self._sessionmaker = sessionmaker

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessionmaker()
        self.people = PersonRepo(self.session)
        self.branches = BranchRepo(self.session)
        self.invitations = InvitationRepo(self.session)
        self.calendar = CalendarRepo(self.session)
        self.reminders = ReminderRepo(self.session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.session.rollback()
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def flush(self) -> None:
        await self.session.flush()

    def audit(
        self, at: datetime, actor_person_id: int | None, branch_id: int | None, action: str, /, **details: object
    ) -> None:
        self.session.add(
            AuditEntry(
                at=at,
                actor_person_id=actor_person_id,
                branch_id=branch_id,
                action=action,
                details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True),
            )
        )
