"""`chibo run`: migrations, then the bot by long polling or webhook; with no token, against the sandbox."""

import asyncio
import gc
import logging
import time
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app import SANDBOX_TOKEN, create_bot, create_dispatcher, log_ready, set_menu, utc_now
from bot.config import Settings
from bot.sandbox.server import start_sandbox
from scheduling import runtime as reminders
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade

log = logging.getLogger(__name__)


async def serve_webhook(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    path = urlsplit(settings.webhook_url).path or "/"
    app = web.Application()
    # Answered once handled: a process killed mid-update never told Telegram "done", so Telegram delivers
    # it again and the handled-update record keeps it from being handled twice. Telegram's concurrent
    # connections (max_connections) still bring different chats' updates side by side.
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=settings.webhook_secret, handle_in_background=False
    ).register(app, path=path)
    setup_application(app, dp, bot=bot)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    await bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                          allowed_updates=dp.resolve_used_update_types())
    log.info("webhook listening on %s:%s%s", settings.webhook_host, settings.webhook_port, path)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def run(settings: Settings) -> None:
    started = time.perf_counter()
    sandbox = None
    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    api_base_url = settings.api_base_url
    if token is None:
        sandbox = await start_sandbox(settings.sandbox_host, settings.sandbox_port)
        token, api_base_url = SANDBOX_TOKEN, sandbox.url
        print(f"chibo: no CHIBO_BOT_TOKEN, running against the local sandbox — open {sandbox.page_url}",
              flush=True)
    engine = create_engine(settings.database_url)
    bot = create_bot(token, api_base_url)
    scheduler = None
    try:
        await upgrade(engine)
        me = await bot.me()
        dp = create_dispatcher(settings, create_sessionmaker(engine), bot_username=me.username)
        await set_menu(bot)
        scheduler = await reminders.start(settings, create_sessionmaker(engine), bot, utc_now)
        # The ~260,000 objects of aiogram's models and the libraries never die; moving them out of the
        # collector's sight keeps full collections from pausing answers (bench_supervisor: p95 -60%).
        gc.freeze()
        log_ready(started, f"@{me.username}")
        if settings.webhook_url:
            await serve_webhook(dp, bot, settings)
        else:
            await bot.delete_webhook()
            # One update at a time: aiogram confirms a batch with the next getUpdates, so updates still being
            # handled as tasks would be lost at a crash. Handlers are CPU-bound (bench_load: ~27 ms of CPU
            # per update), so tasks would add little; several processes behind a webhook scale out instead.
            await dp.start_polling(bot, handle_as_tasks=False,
                                   allowed_updates=dp.resolve_used_update_types())
    finally:
        if scheduler is not None:
            await reminders.stop(scheduler)
        await bot.session.close()
        await engine.dispose()
        if sandbox is not None:
            await sandbox.stop()
