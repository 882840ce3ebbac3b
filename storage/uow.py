"""Unit of work: one session per use case; rolls back unless `commit()` was called.

A unit of work handling a Telegram update also carries two things that must be stored whatever the
handler decides: the mark that the update was handled, and the dialog steps (FSM) it took. They ride
along with the handler's next commit, or `settle()` stores them alone after a handler that wrote nothing.
"""

import json
from contextvars import ContextVar
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import AuditEntry
from storage.repositories import BranchRepo, CalendarRepo, InvitationRepo, PersonRepo, ReminderRepo
from storage.runtime_repositories import RuntimeRepo


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
        self.runtime = RuntimeRepo(self.session)
        self.dialogs: dict[str, tuple[str | None, dict[str, Any]]] = {}
        self._handling: tuple[int, datetime] | None = None
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.session.rollback()
        await self.session.close()

    async def commit(self) -> None:
        if self._handling is not None:
            self.runtime.mark_handled(*self._handling)
            self._handling = None
        for key, (state, data) in self.dialogs.items():
            await self.runtime.save_dialog(key, state, data)
        self.dialogs.clear()
        await self.session.commit()

    def handling(self, update_id: int, at: datetime) -> None:
        self._handling = (update_id, at)

    async def settle(self) -> None:
        """Stores the update's mark and dialog steps not yet committed, without the handler's uncommitted rest."""
        if self._handling is None and not self.dialogs:
            return
        await self.session.rollback()
        await self.commit()

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


# The unit of work of the update being handled, for the dialog storage (aiogram hands storages no context).
current_uow: ContextVar[UnitOfWork | None] = ContextVar("current_uow", default=None)
