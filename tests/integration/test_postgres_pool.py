"""PostgreSQL's pool (storage.db): a connection the server closed is replaced before anything uses it, one idle for
a while is pinged first, and one handed back a moment ago goes straight to work (no round trip per update)."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from storage import db
from tests.databases import POSTGRES_URL, _admin, require_postgres


@pytest.fixture
async def engine():
    require_postgres()
    engine = db.create_engine(POSTGRES_URL)
    yield engine
    await engine.dispose()


@pytest.fixture
def pings(monkeypatch) -> list[int]:
    """One entry for each ping the pool sends."""
    sent: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counting(self):
        sent.append(1)
        return ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counting)
    return sent


async def backend(engine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT pg_backend_pid()"))).scalar()


async def test_a_connection_handed_back_a_moment_ago_is_not_pinged(engine, pings):
    first = await backend(engine)
    assert [await backend(engine) for _ in range(3)] == [first] * 3
    assert pings == []


async def test_a_connection_the_server_closed_is_replaced(engine, pings):
    first = await backend(engine)
    await _admin(f"SELECT pg_terminate_backend({first})")  # as a restart of the server does
    await asyncio.sleep(0.2)  # the driver reads the server's goodbye
    second = await backend(engine)
    assert second != first
    assert pings == []  # seen closed: no round trip needed


async def test_a_connection_idle_for_a_while_is_pinged_and_replaced_when_dead(engine, pings, monkeypatch):
    first = await backend(engine)
    monkeypatch.setattr(db, "PING_IDLE_AFTER_S", 0.0)  # every connection in the pool now counts as idle long
    assert await backend(engine) == first and pings == [1]  # alive: kept
    await _admin(f"SELECT pg_terminate_backend({first})")
    # Not yet seen closed (as when the goodbye is lost on the way): the ping finds it dead.
    monkeypatch.setattr("asyncpg.connection.Connection.is_closed", lambda self: False)
    second = await backend(engine)
    assert second != first and len(pings) >= 2
