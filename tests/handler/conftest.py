"""The handler tier: the real dispatcher (bot.app.create_dispatcher: every router, the middlewares, the dialog
storage) on a real database, fed updates in process and answering into a recording bot session
(tests/handler/telegram.py). A step costs what the handler costs: no HTTP, no polling."""

import pytest
import redis.asyncio

from bot.config import Settings
from bot.sandbox.state import SandboxState
from storage.db import create_sessionmaker
from tests.databases import REDIS_URL, WITH_REDIS
from tests.handler.telegram import running
from tests.helpers import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state() -> SandboxState:
    """Telegram's side of the chats: users, messages, files, button answers."""
    return SandboxState()


@pytest.fixture
async def tg(request, state, engine, db_url, clock):
    """The users talking to the bot; on WITH_REDIS the dialogs and the per-user lock are in Redis, as when
    several processes share the bot."""
    redis_url = ""
    if request.node.callspec.params.get("db_url") == WITH_REDIS:
        redis_url = REDIS_URL
        async with redis.asyncio.Redis.from_url(redis_url) as client:
            await client.flushdb()
    settings = Settings(_env_file=None, database_url=db_url, redis_url=redis_url)
    async with running(settings, create_sessionmaker(engine), clock, state) as client:
        yield client
