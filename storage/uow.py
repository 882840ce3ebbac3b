"""Unit of work: one session per use case; rolls back unless `commit()` was called.

A unit of work handling a Telegram update also carries two things that must be stored whatever the
handler decides: the mark that the update was handled, and the dialog steps (FSM) it took. While it handles
an update, `commit()` only holds what the handler keeps (flushed, behind a savepoint); `settle()`, once the
handler has returned and its answers are out, commits it with the mark and the dialog steps. A crash before
that leaves nothing, so the update, delivered again, is handled again and answered; a crash after it leaves
an update that is skipped, having been answered.
"""

import json
from contextvars import ContextVar
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from storage.channel_repositories import ZaloChatRepo
from storage.db import wrote
from storage.decision_repositories import DecisionRepo
from storage.models import AuditEntry
from storage.privacy_repositories import PrivacyRepo
from storage.repositories import BranchRepo, CalendarRepo, InvitationRepo, PersonRepo, ReminderRepo
from storage.review_repositories import ReviewRepo
from storage.runtime_repositories import RuntimeRepo
from storage.supervision_repositories import SupervisionRepo


class UnitOfWork:
    """The only way into storage: every repository is an attribute, all on the one session (none of the code
    outside storage/ touches the session itself; tests/unit/test_storage_access.py checks it)."""

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
        self.reviews = ReviewRepo(self.session)
        self.decisions = DecisionRepo(self.session)
        self.supervision = SupervisionRepo(self.session)
        self.privacy = PrivacyRepo(self.session)
        self.zalo_chats = ZaloChatRepo(self.session)
        self.dialogs: dict[str, tuple[str | None, dict[str, Any]]] = {}
        self._handling: tuple[int, int, datetime] | None = None  # (bot id, update id, when)
        self._held: AsyncSessionTransaction | None = None  # the savepoint after the last held commit
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.session.close()  # rolls back what was not committed, in one step (one greenlet) with the close

    async def commit(self) -> None:
        if self._handling is not None:
            await self._hold()
            return
        await self._store_dialogs()
        await self.session.commit()

    async def _hold(self) -> None:
        """Inside an update: keeps what the handler did so far, to be committed by `settle()`."""
        if self._held is None:
            # The mark is the transaction's first write (SQLite begins it there), so savepoints nest in it.
            await self.runtime.mark_handled(*self._handling)
        else:
            await self._held.commit()
        await self.session.flush()
        self._held = await self.session.begin_nested()

    async def _store_dialogs(self) -> None:
        for key, (state, data) in self.dialogs.items():
            await self.runtime.save_dialog(key, state, data)
        self.dialogs.clear()

    def handling(self, bot_id: int, update_id: int, at: datetime) -> None:
        self._handling = (bot_id, update_id, at)

    async def settle(self) -> None:
        """Commits what the handler kept with the update's mark and dialog steps, without its uncommitted rest."""
        if self._held is None and self._handling is None and not self.dialogs:
            return
        if self._held is not None:  # the handler kept something, and the mark is in it already
            await self._held.rollback()
        else:
            if wrote(self.session):  # drops what the handler did without commit(); after mere reads, no need
                await self.session.rollback()
            if self._handling is not None:  # the mark alone (no dialog step to store with it) commits as it goes
                await self.runtime.mark_handled(*self._handling, commits=not self.dialogs)
        self._held = self._handling = None
        await self._store_dialogs()
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


# The unit of work of the update being handled, for the dialog storage (aiogram hands storages no context).
current_uow: ContextVar[UnitOfWork | None] = ContextVar("current_uow", default=None)
