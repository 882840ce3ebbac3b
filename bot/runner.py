"""`chibo run`: migrations, then the bot on Telegram and/or Zalo, each by long polling or webhook; with neither
token, both against the sandbox."""

import asyncio
import contextlib
import gc
import logging
import signal
import time
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.utils.token import extract_bot_id
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import (
    SANDBOX_TOKEN,
    ZALO_SANDBOX_TOKEN,
    create_bot,
    create_dispatcher,
    create_file_links,
    create_zalo_bot,
    log_ready,
    set_menu,
    utc_now,
)
from bot.channels.routing import link_channels
from bot.channels.zalo_updates import ZaloInbound
from bot.config import Settings
from bot.sandbox.server import start_sandbox
from scheduling import runtime as reminders
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

GC_THRESHOLDS = (20_000, 10, 10)  # allocations before a young collection (default 700); the older two as by default


def telegram_webhook(app: web.Application, dp: Dispatcher, bot: Bot, settings: Settings) -> str:
    path = urlsplit(settings.webhook_url).path or "/"
    # Answered once handled: a process killed mid-update never told Telegram "done", so Telegram delivers
    # it again and the handled-update record keeps it from being handled twice. Telegram's concurrent
    # connections (max_connections) still bring different chats' updates side by side.
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=settings.webhook_secret, handle_in_background=False
    ).register(app, path=path)
    setup_application(app, dp, bot=bot)
    return path


async def start_telegram_webhook(app: web.Application, dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    """Telegram's webhook route on chibo's web server, and Telegram told where it is."""
    path = telegram_webhook(app, dp, bot, settings)
    await bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                          allowed_updates=dp.resolve_used_update_types())
    log.info("Telegram webhook at %s", path)


async def serve_http(app: web.Application, settings: Settings) -> web.AppRunner:
    """chibo's own web server: Telegram's and Zalo's webhooks, the file links (/files/…) and upload links."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    log.info("web server listening on %s:%s", settings.webhook_host, settings.webhook_port)
    return runner


async def until_stopped(loops: list[Coroutine[Any, Any, Any]]) -> None:
    """Runs the polling loops until one ends or SIGINT/SIGTERM comes (an update in flight is rolled back, and
    Telegram delivers it again)."""
    stopping = asyncio.Event()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stopping.set)
    tasks = [asyncio.ensure_future(loop) for loop in loops] + [asyncio.ensure_future(stopping.wait())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # a loop that failed says why
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def first_sandbox_update_id(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Where the sandbox starts numbering: after the highest update the sandbox bot is remembered to have
    handled on this database, so that a restart's first message is not taken for one handled already."""
    async with UnitOfWork(sessionmaker) as uow:
        return await uow.runtime.last_handled(extract_bot_id(SANDBOX_TOKEN)) + 1


async def run(settings: Settings, *, plan_gate: reminders.Gate | None = None) -> None:
    """`plan_gate` holds back the background planning pass (see scheduling.runtime.Planning)."""
    started = time.perf_counter()
    sandbox = None
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    zalo_token = settings.zalo_bot_token.get_secret_value() if settings.zalo_bot_token else None
    api_base_url, zalo_base_url = settings.api_base_url, settings.zalo_api_base_url
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    bots: list[Bot] = []
    scheduler = runner = None
    try:
        await upgrade(engine)
        if token is None and zalo_token is None:
            sandbox = await start_sandbox(settings.sandbox_host, settings.sandbox_port,
                                          first_update_id=await first_sandbox_update_id(sessionmaker))
            token, api_base_url = SANDBOX_TOKEN, sandbox.url
            zalo_token, zalo_base_url = ZALO_SANDBOX_TOKEN, sandbox.zalo_url
            print(f"chibo: no CHIBO_BOT_TOKEN, running against the local sandbox — open {sandbox.page_url}",
                  flush=True)
        bot = create_bot(token, api_base_url) if token else None
        zalo_bot = (create_zalo_bot(zalo_token, zalo_base_url, sessionmaker, create_file_links(settings, zalo_token))
                    if zalo_token else None)
        link_channels(bot, zalo_bot)
        bots = [b for b in (bot, zalo_bot) if b is not None]
        me = await bots[0].me()
        dp = create_dispatcher(settings, sessionmaker, bot_username=me.username or "chibo")
        for each in bots:
            await set_menu(each)
        # Returns at once: delivery starts now and every branch is planned in the background, so polling
        # below answers updates from the first second, however many branches there are.
        scheduler = await reminders.start(settings, sessionmaker, bots[0], utc_now, plan_gate=plan_gate)
        # The ~260,000 objects of aiogram's models and the libraries never die; moving them out of the
        # collector's sight keeps full collections from pausing answers (bench_supervisor: p95 -60%).
        gc.freeze()
        # An update makes thousands of short-lived objects (pydantic models, rows), nearly all freed as soon as
        # they go: at the default threshold the collector took 5% of the bot's CPU in a bench_load run (2.1 of
        # 40.8 s), at 20,000 (set from the start) 1%, 0.4 s; the few cycles it frees wait a little longer.
        gc.set_threshold(*GC_THRESHOLDS)
        app = web.Application()
        loops = []
        if bot is not None and settings.webhook_url:
            await start_telegram_webhook(app, dp, bot, settings)
        elif bot is not None:
            await bot.delete_webhook()
            # One update at a time: aiogram confirms a batch with the next getUpdates, so updates still being
            # handled as tasks would be lost at a crash. Handlers are CPU-bound (bench_load: ~27 ms of CPU
            # per update), so tasks would add little; several processes behind a webhook scale out instead.
            loops.append(dp.start_polling(bot, handle_as_tasks=False, handle_signals=False,
                                          allowed_updates=dp.resolve_used_update_types()))
        if zalo_bot is not None:
            inbound, zalo = ZaloInbound(dp, zalo_bot), zalo_bot.session.zalo
            inbound.add_routes(app)
            if settings.zalo_webhook_url:
                app.router.add_post(urlsplit(settings.zalo_webhook_url).path or "/",
                                    inbound.webhook(settings.zalo_webhook_secret))
                await zalo.call("setWebhook", {"url": settings.zalo_webhook_url,
                                               "secret_token": settings.zalo_webhook_secret or ""})
            else:
                await zalo.call("deleteWebhook")
                loops.append(inbound.poll(zalo))
        if app.router.routes():
            runner = await serve_http(app, settings)
        log_ready(started, " + ".join(f"@{me.username}" if each is bot else "Zalo" for each in bots))
        await until_stopped(loops)
    finally:
        if runner is not None:
            await runner.cleanup()
        if scheduler is not None:
            await reminders.stop(scheduler)
        for each in bots:
            await each.session.close()
        await engine.dispose()
        if sandbox is not None:
            await sandbox.stop()
