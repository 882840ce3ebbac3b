"""Alembic stairway: every revision upgrades, downgrades and upgrades again, on both databases."""

from contextlib import asynccontextmanager

import pytest
from sqlalchemy import event, inspect

from storage.db import create_engine
from storage.migrate import downgrade, revisions, upgrade
from storage.models import Base
from tests.databases import BACKENDS, create_postgres_database, drop_postgres_database, require_postgres


async def table_names(engine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names())) - {"alembic_version"}


@asynccontextmanager
async def empty_database(backend: str, tmp_path):
    """An engine on a database with no table, dropped afterwards."""
    if backend == "postgresql":
        require_postgres()
        url = await create_postgres_database()
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()
        if backend == "postgresql":
            await drop_postgres_database(url)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_every_revision_goes_up_down_and_up(backend, tmp_path):
    async with empty_database(backend, tmp_path) as engine:
        previous = "base"
        for revision in revisions():
            await upgrade(engine, revision)
            await downgrade(engine, previous)
            await upgrade(engine, revision)
            previous = revision
        assert await table_names(engine) == set(Base.metadata.tables)
        await downgrade(engine, "base")
        assert await table_names(engine) == set()


def test_revisions_form_one_line():
    assert revisions()[0] == "0001"
    assert len(revisions()) == len(set(revisions()))


@pytest.mark.parametrize("backend", BACKENDS)
async def test_an_upgrade_that_dies_midway_leaves_nothing_and_runs_again(backend, tmp_path):
    """A start killed during its first migration (bench and restart tests kill -9 at random moments) must leave a
    database the next start migrates: no table of a revision that was not recorded."""

    def dies_at_the_ballot_key(_connection, _cursor, statement, *_args) -> None:
        if "CREATE TABLE ballot_key" in statement:  # revision 0005, after 0001–0004 created their tables
            raise RuntimeError("killed")

    async with empty_database(backend, tmp_path) as engine:
        event.listen(engine.sync_engine, "before_cursor_execute", dies_at_the_ballot_key)
        with pytest.raises(RuntimeError, match="killed"):
            await upgrade(engine)
        event.remove(engine.sync_engine, "before_cursor_execute", dies_at_the_ballot_key)
        assert await table_names(engine) == set()
        await upgrade(engine)
        assert await table_names(engine) == set(Base.metadata.tables)
