"""The real dispatcher, polling the HTTP sandbox exactly as it would poll Telegram; and every test that
talks to the bot (`tg`) once more against two bot processes in webhook mode on PostgreSQL and Redis."""

import asyncio
import contextlib

import pytest

from bot.app import SANDBOX_TOKEN, create_bot, create_dispatcher, set_menu
from bot.config import Settings
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import start_sandbox
from scheduling import runtime
from scheduling.sender import BotSender
from storage.db import create_sessionmaker
from tests.databases import CLUSTER, REDIS_URL, MigratedPostgres, require_postgres, require_redis
from tests.e2e.cluster import Cluster
from tests.e2e.zalo_channel import channels, zl  # noqa: F401  (fixtures: both channels on one dispatcher)
from tests.helpers import NOW, Clock


def in_cluster(request: pytest.FixtureRequest) -> bool:
    callspec = getattr(request.node, "callspec", None)
    return callspec is not None and callspec.params.get("db_url") == CLUSTER


@pytest.fixture(scope="session")
def cluster():
    require_postgres()
    require_redis()
    running = Cluster(MigratedPostgres.get(), REDIS_URL, NOW)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def clock(request):
    if in_cluster(request):
        running = request.getfixturevalue("cluster")
        running.reset(NOW)
        return running.clock
    return Clock()


@pytest.fixture
async def sandbox(request, clock):
    if in_cluster(request):
        yield request.getfixturevalue("cluster").sandbox
        return
    server = await start_sandbox("127.0.0.1", 0)
    yield server
    await server.stop()


@contextlib.asynccontextmanager
async def polling_bot(sandbox, engine, db_url: str, clock: Clock, *, as_tasks: bool = False,
                      token: str = SANDBOX_TOKEN):
    """The real dispatcher polling the sandbox until the block ends; as_tasks handles updates concurrently
    (`chibo run` does not: it handles polled updates one at a time); `token` makes it another bot."""
    settings = Settings(_env_file=None, database_url=db_url)
    bot = create_bot(token, sandbox.url)
    me = await bot.me()
    dp = create_dispatcher(settings, create_sessionmaker(engine), bot_username=me.username, clock=clock)
    await set_menu(bot)
    polling = asyncio.create_task(dp.start_polling(bot, handle_as_tasks=as_tasks, handle_signals=False,
                                                   polling_timeout=1))
    try:
        yield
    finally:
        await dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        await bot.session.close()


@pytest.fixture
async def tg(request, sandbox, engine, db_url, clock):
    """A SandboxClient talking to the running bot: polled in this process, or the cluster's processes."""
    if in_cluster(request):
        async with SandboxClient(sandbox.url) as client:
            yield client
        return
    async with polling_bot(sandbox, engine, db_url, clock), SandboxClient(sandbox.url) as client:
        yield client


@pytest.fixture
async def reminders_running(sandbox, engine, db_url, clock):
    """The outbox delivered through the sandbox by the scheduler's own jobs, on the test's clock."""
    bot = create_bot(SANDBOX_TOKEN, sandbox.url)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    built = runtime.build(Settings(_env_file=None, database_url=db_url), create_sessionmaker(engine),
                          BotSender(bot, 5), clock=clock, sleep=sleep)
    runtime.install(built)
    yield built
    runtime.uninstall(built)
    await bot.session.close()
