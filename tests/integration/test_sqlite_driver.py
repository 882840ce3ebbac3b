"""SQLite through storage.sqlite_driver: a read run where it is asked, one call into aiosqlite's thread per write,
results as sqlite3 gives them, a commit or rollback sent only when a transaction is open, and a write told to commit
committing in its own call (an update that only read commits its handled-once mark so)."""

import asyncio
import functools
import threading
from datetime import UTC, datetime

import aiosqlite
import pytest
from sqlalchemy import exc, text

from storage import sqlite_driver
from storage.db import create_engine, create_sessionmaker
from storage.uow import UnitOfWork
from tests.databases import ready_engine

NOW = datetime(2026, 12, 3, 8, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def hand_offs(monkeypatch) -> list[str]:
    """The name of every function aiosqlite runs in its connection's thread, in order."""
    calls: list[str] = []
    execute = aiosqlite.Connection._execute

    async def recording(self, fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await execute(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", recording)
    return calls


async def test_a_read_runs_in_the_asking_thread_and_sends_no_commit_or_rollback(engine, hand_offs, monkeypatch):
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's first connection: opened before counting
    hand_offs.clear()
    threads = []
    run = sqlite_driver._run

    @functools.wraps(run)
    def recording(*args):
        threads.append(threading.current_thread())
        return run(*args)

    monkeypatch.setattr(sqlite_driver, "_run", recording)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT :a AS a, 'x' AS b"), {"a": 7})).all()
        await connection.commit()
        await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        await connection.commit()
    assert [tuple(r) for r in rows] == [(7, "x")]
    # The read: no hand-off at all (no cursor, fetchall or close of their own; no commit, no reset's rollback);
    # the write: one, and its commit.
    assert hand_offs == ["_run", "commit"]
    assert threads[0] is threading.main_thread() and threads[1] is not threading.main_thread()


async def test_a_read_does_not_wait_for_a_writer_holding_the_lock(engine):
    async with engine.connect() as writer, engine.connect() as reader:
        await writer.execute(text("INSERT INTO item (name) VALUES ('An')"))  # holds the write lock, uncommitted
        # In the event loop's thread, a read that waited for the lock would stall the loop for the busy timeout.
        names = await asyncio.wait_for(reader.execute(text("SELECT name FROM item")), 1)
        assert names.scalars().all() == []  # WAL: the last committed state
        await writer.commit()
        assert (await reader.execute(text("SELECT name FROM item"))).scalars().all() == ["An"]


async def test_writes_commit_once_and_report_counts_and_ids(engine, hand_offs):
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        assert inserted.lastrowid == 1 and inserted.rowcount == 1
        many = await connection.execute(text("INSERT INTO item (name) VALUES (:name)"), [{"name": "Bình"},
                                                                                          {"name": "Chi"}])
        assert many.rowcount == 2
        renamed = await connection.execute(text("UPDATE item SET name = name || '!' WHERE id > 1"))
        assert renamed.rowcount == 2
    assert hand_offs.count("commit") == 1
    async with engine.connect() as connection:
        result = await connection.execute(text("SELECT id, name FROM item ORDER BY id"))
        assert list(result.keys()) == ["id", "name"]
        assert result.all() == [(1, "An"), (2, "Bình!"), (3, "Chi!")]


async def test_a_failed_write_is_rolled_back_and_the_connection_goes_on(engine):
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        await connection.rollback()  # a transaction is open: this rollback is sent
        await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        with pytest.raises(exc.IntegrityError, match="UNIQUE"):
            await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT count(*) FROM item"))).scalar() == 0
        await connection.execute(text("INSERT INTO item (name) VALUES ('Bình')"))
        await connection.commit()
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT name FROM item"))).scalars().all() == ["Bình"]


async def test_a_bad_statement_raises_and_the_rows_of_the_next_are_its_own(engine):
    async with engine.connect() as connection:
        with pytest.raises(exc.OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM absent_table"))
        assert (await connection.execute(text("SELECT 2"))).scalar() == 2
        streamed = await connection.stream(text("SELECT 3 UNION ALL SELECT 4"))  # a server-side cursor
        assert [row[0] async for row in streamed] == [3, 4]


async def test_a_write_told_to_commit_commits_in_its_own_hand_off(engine, hand_offs):
    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).dbapi_connection
        hand_offs.clear()
        raw.commit_with_next()
        await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        assert not raw._connection.in_transaction  # committed: the write lock is free for the others already
        await connection.commit()  # nothing left to send
        await connection.execute(text("INSERT INTO item (name) VALUES ('Bình')"))  # the next one is as ever
        await connection.rollback()
    assert hand_offs == ["_run", "_run", "rollback"]
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT name FROM item"))).scalars().all() == ["An"]


async def test_a_write_told_to_commit_that_fails_commits_nothing(engine):
    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).dbapi_connection
        await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        raw.commit_with_next()
        with pytest.raises(exc.IntegrityError, match="UNIQUE"):
            await connection.execute(text("INSERT INTO item (name) VALUES ('An')"))
        await connection.rollback()  # the caller's, as after any failed statement: the first insert goes too
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM item"))).scalar() == 0


async def test_an_update_that_only_read_commits_its_mark_in_one_hand_off(tmp_path, hand_offs):
    engine = await ready_engine(f"sqlite+aiosqlite:///{tmp_path / 'chibo.db'}")
    sessionmaker = create_sessionmaker(engine)
    try:
        for update_id, dialog in ((5, None), (6, ("ask_date", {"n": 1}))):
            async with UnitOfWork(sessionmaker) as uow:
                uow.handling(7, update_id, NOW)
                await uow.branches.get(1)  # a read
                if dialog:
                    uow.dialogs["chat:1"] = dialog
                hand_offs.clear()
                await uow.settle()
            # The mark alone: its INSERT commits (the pool's reset rollback has no transaction to send); with a
            # dialog step to store, the mark, the step (its row looked up without a hand-off) and the commit.
            assert hand_offs == (["_run"] if dialog is None else ["_run", "_run", "commit"])
        async with UnitOfWork(sessionmaker) as uow:
            assert await uow.runtime.was_handled(7, 5) and await uow.runtime.was_handled(7, 6)
            assert await uow.runtime.dialog("chat:1") == ("ask_date", {"n": 1})
    finally:
        await engine.dispose()
