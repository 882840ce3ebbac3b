"""The bot as it runs in production with several processes: two bot processes in webhook mode behind a
round-robin balancer, sharing PostgreSQL and Redis (dialogs and the per-user event lock), with the sandbox
delivering updates by webhook.

Started once per test session (each process pays aiogram's import) and reset between tests: the sandbox
forgets its chats, Redis is flushed and the database is emptied by the `engine` fixture. Two things of the
test process reach into the workers: the clock (shared memory, so `clock.advance()` moves theirs) and their
logs (forwarded and re-emitted here before the sandbox hears the answer, so `caplog` sees them in order).
"""

import asyncio
import contextlib
import itertools
import logging
import logging.handlers
import multiprocessing
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import redis
from aiohttp import web

from tests.helpers import free_port

WORKERS = 2
START_TIMEOUT = 120.0


class SharedClock:
    """The bot's clock in shared memory: the same interface as the single-process test clock."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self) -> datetime:
        return self.now

    @property
    def now(self) -> datetime:
        return datetime.fromtimestamp(self.value.value, UTC)

    @now.setter
    def now(self, moment: datetime) -> None:
        self.value.value = moment.timestamp()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class _Forward:
    """QueueHandler wants put_nowait(); a SimpleQueue writes through at once, before the worker answers."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue

    def put_nowait(self, record: logging.LogRecord) -> None:
        self.queue.put(record)


def worker_main(settings: dict[str, Any], clock_value: Any, logs: Any) -> None:
    """One bot process: `chibo run`'s dispatcher and webhook server, with the shared clock."""
    root = logging.getLogger()
    root.handlers = [logging.handlers.QueueHandler(_Forward(logs))]
    root.setLevel(logging.INFO)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)  # one line per update: noise here
    asyncio.run(_serve(settings, SharedClock(clock_value)))


async def _serve(values: dict[str, Any], clock: SharedClock) -> None:
    from aiohttp import web

    from bot.app import create_bot, create_dispatcher
    from bot.config import Settings
    from bot.runner import serve_http, start_telegram_webhook
    from storage.db import create_engine, create_sessionmaker

    settings = Settings(_env_file=None, **values)
    engine = create_engine(settings.database_url)
    bot = create_bot(settings.bot_token.get_secret_value(), settings.api_base_url)
    me = await bot.me()
    dp = create_dispatcher(settings, create_sessionmaker(engine), bot_username=me.username, clock=clock)
    app = web.Application()
    try:
        await start_telegram_webhook(app, dp, bot, settings)
        runner = await serve_http(app, settings)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
    finally:
        await bot.session.close()
        await engine.dispose()


class Cluster:
    def __init__(self, database_url: str, redis_url: str, now: datetime) -> None:
        self.database_url, self.redis_url = database_url, redis_url
        context = multiprocessing.get_context("spawn")
        self._clock_value = context.Value("d", now.timestamp(), lock=False)
        self.clock = SharedClock(self._clock_value)
        self._logs = context.SimpleQueue()
        self._context = context
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="cluster-loop", daemon=True)
        self._processes: list[Any] = []
        self._saved: dict[str, Any] = {}

    # -- life cycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        self._call(self._start_front())
        ports = [free_port() for _ in range(WORKERS)]
        self.worker_urls = [f"http://127.0.0.1:{port}/webhook" for port in ports]
        self._targets = itertools.cycle(self.worker_urls)
        from bot.app import SANDBOX_TOKEN

        for port in ports:
            settings = {
                "bot_token": SANDBOX_TOKEN, "api_base_url": self.sandbox.url, "database_url": self.database_url,
                "redis_url": self.redis_url, "webhook_url": self.balancer_url, "webhook_port": port,
            }
            process = self._context.Process(target=worker_main, args=(settings, self._clock_value, self._logs),
                                            name=f"chibo-worker-{port}", daemon=True)
            process.start()
            self._processes.append(process)
        deadline = time.monotonic() + START_TIMEOUT
        state = self.sandbox.state
        while not (all(_listening(port) for port in ports) and state.webhook is not None):
            if time.monotonic() > deadline or not all(p.is_alive() for p in self._processes):
                self._drain_logs()
                raise RuntimeError(f"the bot processes did not start within {START_TIMEOUT:g} s")
            time.sleep(0.1)
        # What the processes told the sandbox at start-up, put back after each test's reset.
        self._saved = {"webhook": state.webhook, "allowed_updates": list(state.allowed_updates),
                       "commands": dict(state.commands)}

    def stop(self) -> None:
        for process in self._processes:
            process.kill()
            process.join(10)
        self._call(self._stop_front())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._drain_logs()

    def reset(self, now: datetime) -> None:
        """A clean world for the next test: no chats, no dialogs, the clock at `now`."""
        self.clock.now = now
        redis.Redis.from_url(self.redis_url).flushdb()
        self._call(self._reset_sandbox())
        self._drain_logs()

    def user_messages(self, user_id: int, texts: list[str]) -> list[dict[str, Any]]:
        """Updates for messages the user writes, kept in the sandbox's chat but not queued: the test hands
        them to the processes itself, to have them handled at the same time."""
        return self._call(self._user_messages(user_id, texts))

    async def _user_messages(self, user_id: int, texts: list[str]) -> list[dict[str, Any]]:
        from bot.sandbox.objects import message_json

        state = self.sandbox.state
        chat = state.open_chat(state.user(user_id))
        return [{"update_id": next(state._update_ids), "message": message_json(chat, chat.add(False, text=text))}
                for text in texts]

    # -- the front: sandbox and balancer, on a loop of their own ----------------------------------

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(START_TIMEOUT)

    async def _start_front(self) -> None:
        from bot.sandbox.server import start_sandbox

        self.sandbox = await start_sandbox("127.0.0.1", 0)
        self._http = aiohttp.ClientSession()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/webhook", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.balancer_url = f"http://127.0.0.1:{port}/webhook"

    async def _stop_front(self) -> None:
        await self._http.close()
        await self._runner.cleanup()
        await self.sandbox.stop()

    async def _reset_sandbox(self) -> None:
        state = self.sandbox.state
        state.reset()
        state.webhook = self._saved["webhook"]
        state.allowed_updates = list(self._saved["allowed_updates"])
        state.commands = dict(self._saved["commands"])

    async def _forward(self, request: web.Request) -> web.Response:
        """Round robin over the processes, as a load balancer in front of them would."""
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with self._http.post(next(self._targets), data=body, headers=headers) as answer:
            reply = await answer.read()
            status, content_type = answer.status, answer.headers.get("Content-Type")
        self._drain_logs()
        return web.Response(status=status, body=reply, headers={"Content-Type": content_type} if content_type
                            else None)

    def _drain_logs(self) -> None:
        while not self._logs.empty():
            record = self._logs.get()
            logging.getLogger(record.name).handle(record)


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False
