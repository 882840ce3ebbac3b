"""Per-update dependencies: a unit of work and the acting person, handed to handlers by name.

The unit of work also makes handling idempotent: an update already marked handled (Telegram redelivers
after a crash or a failed webhook answer) is skipped, and the mark commits with the handler's changes.
It wraps aiogram's FSM middleware (bot.app.create_dispatcher puts it there), so the dialog state is read in
the update's own session, and it takes the events isolation lock itself, around the handled-once check.

Updates also take turns (`Turns`): a few at work at once, the others waiting their turn, finish sooner and with
less CPU each than forty interleaved on one core and one SQLite writer (benchmarks/bench_load.py).
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.ids import is_zalo
from bot.services.actor import Actor, actor_of
from bot.services.errors import ServiceError
from storage.dialogs import DialogStorage
from storage.uow import UnitOfWork, current_uow

log = logging.getLogger(__name__)


class Turns:
    """At most `at_once` updates at work; the next waits for a turn, for `patience` seconds at most, then goes
    ahead anyway: an update that holds its turn for long (a scanned plan being read) holds up the others no longer."""

    def __init__(self, at_once: int, patience: float = 1.0):
        self._free = asyncio.Semaphore(at_once)
        self._patience = patience

    @contextlib.asynccontextmanager
    async def take(self):
        try:
            await asyncio.wait_for(self._free.acquire(), self._patience)
        except TimeoutError:
            yield
            return
        try:
            yield
        finally:
            self._free.release()


class UnitOfWorkMiddleware(BaseMiddleware):
    """`isolation` serialises one user's updates (aiogram's FSM middleware would take it, inside this one:
    too late for the handled-once check); `fsm` names the lock's key, as the FSM middleware does; `turns`, taken
    inside the user's lock (a user's second update waits there without holding a turn), limits updates at work."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], isolation: BaseEventIsolation,
                 fsm: FSMContextMiddleware, turns: Turns):
        self.sessionmaker = sessionmaker
        self.isolation = isolation
        self.fsm = fsm
        self.turns = turns

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Update,  # an outer middleware of dp.update (bot.app.create_dispatcher)
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        context = self.fsm.resolve_event_context(data["bot"], data)
        async with (self.isolation.lock(context.key) if context else contextlib.nullcontext(), self.turns.take(),
                    UnitOfWork(self.sessionmaker) as uow):
            bot_id = data["bot"].id
            handled, actor = await self._opening(uow, bot_id, event.update_id, user, context)
            if handled:
                log.info("update %s was handled already: skipped", event.update_id)
                return None
            uow.handling(bot_id, event.update_id, data["clock"]())
            data["uow"] = uow
            if actor is not None:
                data["actor"] = actor
            token = current_uow.set(uow)
            try:
                result = await handler(event, data)
            except ServiceError:
                # A refusal the user is shown (by the error handler) is an answer too: handled, nothing kept.
                await uow.settle()
                raise
            finally:
                current_uow.reset(token)
            await uow.settle()
            return result

    async def _opening(self, uow: UnitOfWork, bot_id: int, update_id: int, user: User | None,
                       context: FSMContext | None) -> tuple[bool, Actor | None]:
        """Whether the update was handled, and who sent it, read with the sender's dialog state in one statement."""
        if user is None:
            return await uow.runtime.was_handled(bot_id, update_id), None
        storage = self.fsm.storage
        key = storage.key_of(context.key) if context is not None and isinstance(storage, DialogStorage) else None
        opening = await uow.runtime.opening(bot_id, update_id, user.id, zalo=is_zalo(user.id), dialog_key=key)
        if key is not None:
            storage.known(uow, key, opening.dialog)
        return opening.handled, actor_of(user.id, opening.acting)
