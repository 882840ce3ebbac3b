"""SQLite through storage.sqlite_driver: one call into aiosqlite's thread per statement, results as sqlite3 gives
them, and a commit or rollback sent only when a transaction is open."""

import aiosqlite
import pytest
from sqlalchemy import exc, text

from storage.db import create_engine


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


async def test_a_read_is_one_hand_off_and_sends_no_commit_or_rollback(engine, hand_offs):
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's first connection: opened before counting
    hand_offs.clear()
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT :a AS a, 'x' AS b"), {"a": 7})).all()
        await connection.commit()
    assert [tuple(r) for r in rows] == [(7, "x")]
    assert hand_offs == ["_run"]  # no cursor, fetchall or close of their own; no commit, no reset's rollback


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
