"""Alembic driven from code: `chibo db upgrade`, start-up, and the stairway test share this."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def _run(engine: AsyncEngine, action, *args: str) -> None:
    def run_sync(connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config, *args)

    async with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # sqlite3 opens a transaction only before a row is written, so each CREATE TABLE was kept at once: a
            # start killed midway left tables without their revision, and every later start failed on "table …
            # already exists". SQLite's DDL is transactional once a transaction is open: all or nothing, as on
            # PostgreSQL.
            await connection.exec_driver_sql("BEGIN")
        await connection.run_sync(run_sync)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _run(engine, command.upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run(engine, command.downgrade, revision)
