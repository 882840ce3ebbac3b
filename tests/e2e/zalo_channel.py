"""Both channels on one dispatcher, as `chibo run` serves them: the real dispatcher polling the sandbox's
Telegram Bot API and its Zalo Bot API at once, calls for the other channel's chats routed to its bot, and
chibo's web server up for the file links and the upload links."""

import asyncio
import contextlib
from dataclasses import dataclass

import pytest
from aiogram import Bot
from aiohttp import web

from bot.app import (
    SANDBOX_TOKEN,
    ZALO_SANDBOX_TOKEN,
    create_bot,
    create_dispatcher,
    create_file_links,
    create_zalo_bot,
    set_menu,
)
from bot.channels.routing import link_channels
from bot.channels.zalo_updates import ZaloInbound
from bot.config import Settings
from bot.runner import serve_http
from bot.sandbox.client import SandboxClient
from bot.sandbox.zalo_client import ZaloSandboxClient
from storage.db import create_sessionmaker
from tests.helpers import free_port


@dataclass
class Channels:
    telegram: SandboxClient
    zalo: ZaloSandboxClient
    settings: Settings
    bot: Bot  # the Telegram bot, which routes calls for Zalo chats to the Zalo bot (as the outbox sends)


@contextlib.asynccontextmanager
async def both_channels(sandbox, engine, db_url: str, clock, tmp_path, **overrides):
    settings = Settings(_env_file=None, database_url=db_url, webhook_port=free_port(),
                        file_dir=str(tmp_path / "files"), **overrides)
    sessionmaker = create_sessionmaker(engine)
    telegram = create_bot(SANDBOX_TOKEN, sandbox.url)
    zalo = create_zalo_bot(ZALO_SANDBOX_TOKEN, sandbox.zalo_url, sessionmaker,
                           create_file_links(settings, ZALO_SANDBOX_TOKEN))
    link_channels(telegram, zalo)
    me = await telegram.me()
    await zalo.me()
    dp = create_dispatcher(settings, sessionmaker, bot_username=me.username, clock=clock)
    await set_menu(telegram)
    await set_menu(zalo)
    app = web.Application()
    inbound = ZaloInbound(dp, zalo)
    inbound.add_routes(app)
    runner = await serve_http(app, settings)
    loops = [asyncio.create_task(dp.start_polling(telegram, handle_as_tasks=False, handle_signals=False,
                                                  polling_timeout=1)),
             asyncio.create_task(inbound.poll(zalo.session.zalo))]
    try:
        async with SandboxClient(sandbox.url) as tg, ZaloSandboxClient(sandbox.url) as zl:
            yield Channels(tg, zl, settings, telegram)
    finally:
        await dp.stop_polling()
        for loop in loops[1:]:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        await runner.cleanup()
        await telegram.session.close()
        await zalo.session.close()


@pytest.fixture
async def channels(sandbox, engine, db_url, clock, tmp_path):
    async with both_channels(sandbox, engine, db_url, clock, tmp_path) as running:
        yield running


@pytest.fixture
def zl(channels) -> ZaloSandboxClient:
    return channels.zalo
