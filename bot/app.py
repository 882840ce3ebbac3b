"""Composition root: builds the bot, the dispatcher and the database, and runs them."""

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    Response,
    TelegramMethod,
)
from aiogram.types import BotCommand
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.files import FileLinks
from bot.channels.json_session import JsonBodySession
from bot.channels.zalo_api import ZaloApi
from bot.channels.zalo_chats import ZaloChats
from bot.channels.zalo_session import AIOGRAM_TOKEN as ZALO_AIOGRAM_TOKEN
from bot.channels.zalo_session import ZaloSession
from bot.config import Settings
from bot.domain.dates import Clock
from bot.texts import plain
from handlers import commands, setup_routers
from handlers.middlewares import Turns, UnitOfWorkMiddleware
from storage.dialogs import DialogStorage

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "100000001:sandbox-token-not-a-secret"


def utc_now() -> datetime:
    return datetime.now(UTC)


class RepeatedAnswerIsDone(BaseRequestMiddleware):
    """An answer that was already given is done, not an error. A second tap on a button that takes the
    buttons away, or an update handled again after a crash (Telegram delivers it again), finds its screen
    already drawn ("message is not modified") or its button already answered ("query is too old … or query
    ID is invalid"); failing there would roll back the update's changes and leave it unmarked."""

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, EditMessageText | EditMessageReplyMarkup | EditMessageCaption) and (
                    "message is not modified" in error.message):
                return True
            if isinstance(method, AnswerCallbackQuery) and "query is too old" in error.message:
                return True
            raise


class HeldResponseTypes(BaseRequestMiddleware):
    """Keeps the types aiogram reads answers with alive. An answer is read as Response[T] (T what the method
    returns: Message, bool, …), a pydantic generic that pydantic caches only weakly: once the garbage
    collector frees it, the next answer of that kind builds it again, tens of ms of CPU (bench_load --profile
    found one build in every other answer). Held here, each is built once per process."""

    def __init__(self) -> None:
        self.held: dict[Any, type[Response]] = {}

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        returning = method.__returning__
        if returning not in self.held:
            self.held[returning] = Response[returning]
        return await make_request(bot, method)


def create_bot(token: str, api_base_url: str | None) -> Bot:
    session = JsonBodySession(api=TelegramAPIServer.from_base(api_base_url)) if api_base_url else JsonBodySession()
    session.middleware(HeldResponseTypes())
    session.middleware(RepeatedAnswerIsDone())
    return Bot(token=token, session=session, default=DefaultBotProperties(parse_mode="HTML"))


ZALO_SANDBOX_TOKEN = "200000002:zalo-sandbox-token-not-a-secret"


def create_file_links(settings: Settings, secret: str) -> FileLinks:
    base = settings.public_base_url or f"http://{settings.webhook_host}:{settings.webhook_port}"
    return FileLinks(Path(settings.file_dir), secret.encode(), base, settings.file_link_minutes * 60)


def create_zalo_bot(token: str, api_base_url: str | None, sessionmaker: async_sessionmaker[AsyncSession],
                    files: FileLinks) -> Bot:
    """The Zalo side: an aiogram Bot whose session makes the handlers' calls on Zalo (bot/channels)."""
    session = ZaloSession(ZaloApi(token, api_base_url), ZaloChats(sessionmaker), files)
    return Bot(token=ZALO_AIOGRAM_TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def create_storage(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    """Dialog (FSM) storage and event isolation: Redis when several processes share the bot (its locks
    serialise one user's updates across them), else the database and an in-process lock."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        storage = RedisStorage.from_url(settings.redis_url)
        return storage, storage.create_isolation()
    return DialogStorage(sessionmaker), SimpleEventIsolation()


def create_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bot_username: str,
    clock: Clock = utc_now,
) -> Dispatcher:
    storage, isolation = create_storage(settings, sessionmaker)
    dp = Dispatcher(storage=storage)  # no isolation in aiogram's FSM middleware: ours takes it, further out
    # The unit of work goes around the FSM middleware, so the dialog state is read in the update's session
    # (and once); it takes the isolation, which serialises one user's updates (ten taps at once leave a
    # consistent state), before it checks the update was not handled already.
    dp.update.outer_middleware.unregister(dp.fsm)
    turns = Turns(settings.updates_at_once)
    dp.update.outer_middleware(UnitOfWorkMiddleware(sessionmaker, isolation, dp.fsm, turns))
    dp.update.outer_middleware(dp.fsm)
    dp.shutdown.register(isolation.close)
    dp["settings"] = settings
    dp["clock"] = clock
    dp["bot_username"] = bot_username
    dp.include_routers(*setup_routers())
    return dp


async def set_menu(bot: Bot) -> None:
    """The command menu: handlers/commands.py's table, in its order, described by templates/messages/commands.j2."""
    await bot.set_my_commands([BotCommand(command=name, description=plain("commands", name))
                               for name in commands.MENU])


def log_ready(started: float, what: str) -> None:
    log.info("%s ready in %.0f ms", what, (time.perf_counter() - started) * 1000)
