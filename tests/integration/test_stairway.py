"""Alembic stairway: every revision upgrades, downgrades and upgrades again, on both databases."""

import pytest
from sqlalchemy import inspect

from storage.db import create_engine
from storage.migrate import downgrade, revisions, upgrade
from storage.models import Base
from tests.databases import BACKENDS, create_postgres_database, drop_postgres_database, require_postgres


async def table_names(engine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names())) - {"alembic_version"}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_every_revision_goes_up_down_and_up(backend, tmp_path):
    if backend == "postgresql":
        require_postgres()
        url = await create_postgres_database()
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
    engine = create_engine(url)
    try:
        previous = "base"
        for revision in revisions():
            await upgrade(engine, revision)
            await downgrade(engine, previous)
            await upgrade(engine, revision)
            previous = revision
        assert await table_names(engine) == set(Base.metadata.tables)
        await downgrade(engine, "base")
        assert await table_names(engine) == set()
    finally:
        await engine.dispose()
        if backend == "postgresql":
            await drop_postgres_database(url)


def test_revisions_form_one_line():
    assert revisions()[0] == "0001"
    assert len(revisions()) == len(set(revisions()))
