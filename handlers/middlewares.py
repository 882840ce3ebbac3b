"""Per-update dependencies: a unit of work and the acting person, handed to handlers by name."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.actor import load_actor
from storage.uow import UnitOfWork


class UnitOfWorkMiddleware(BaseMiddleware):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self.sessionmaker = sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        async with UnitOfWork(self.sessionmaker) as uow:
            data["uow"] = uow
            if user is not None:
                data["actor"] = await load_actor(uow, user.id)
            return await handler(event, data)
