"""Test databases: a fresh SQLite file per test, and a PostgreSQL database per run when configured.

PostgreSQL comes from CHIBO_TEST_POSTGRES_URL (`.ci/start-postgres` prints one). Without it the
PostgreSQL half of the tiers is skipped with one clear reason, except under CI, where it must run.
Each pytest-xdist worker has its own: PostgreSQL databases (named at random), Redis database (its number
after the one CHIBO_TEST_REDIS_URL names) and SQLite files (under its own tmp_path).
"""

import asyncio
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Base

REDIS_DATABASES = 16  # Redis's default


def _worker_redis(url: str) -> str:
    """The Redis database of this xdist worker (gw0 the one the URL names, gw1 the next…): tests flush theirs."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if not url or not worker:
        return url
    parsed = make_url(url.replace("redis://", "redis+x://", 1))  # SQLAlchemy's URL parser, for the path
    number = int(parsed.database or 0) + worker
    if number >= REDIS_DATABASES:
        raise RuntimeError(f"xdist worker {worker} has no Redis database of its own (Redis has 16): use fewer")
    return url.rsplit("/", 1)[0] + f"/{number}" if parsed.database else f"{url.rstrip('/')}/{number}"


POSTGRES_URL = os.environ.get("CHIBO_TEST_POSTGRES_URL", "")
REDIS_URL = _worker_redis(os.environ.get("CHIBO_TEST_REDIS_URL", ""))
BACKENDS = ["sqlite", "postgresql"]
# End-to-end tests also run against two bot processes in webhook mode on PostgreSQL and Redis.
CLUSTER = "cluster"
# Handler tests instead run once more in process with the dialogs and the per-user lock in Redis.
WITH_REDIS = "redis"


def _require(url: str, tier: str, variable: str, script: str) -> str:
    """The server's URL; without one the tier is skipped with one line, except under CI, where it must run."""
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the {tier} tier: set {variable} (see {script})")
    pytest.skip(f"{tier} tier: {variable} is not set (run {script})")


def require_postgres() -> str:
    return _require(POSTGRES_URL, "PostgreSQL", "CHIBO_TEST_POSTGRES_URL", ".ci/start-postgres")


def require_redis() -> str:
    return _require(REDIS_URL, "several-processes", "CHIBO_TEST_REDIS_URL", ".ci/start-redis")


async def _admin(statement: str) -> None:
    engine = create_engine(POSTGRES_URL)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def create_postgres_database() -> str:
    """A new empty database on the test server; returns its URL."""
    name = f"chibo_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


class MigratedPostgres:
    """One migrated database per test run; tests empty it instead of rebuilding it."""

    url: str | None = None

    @classmethod
    def get(cls) -> str:
        if cls.url is None:
            async def prepare() -> str:
                url = await create_postgres_database()
                engine = create_engine(url)
                await upgrade(engine)
                await engine.dispose()
                return url

            cls.url = asyncio.run(prepare())
        return cls.url

    @classmethod
    def drop(cls) -> None:
        if cls.url is not None:
            asyncio.run(drop_postgres_database(cls.url))
            cls.url = None


async def empty_tables(engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


class MigratedSqlite:
    """One migrated SQLite file per test process, copied for each test: migrating takes half a second, a copy
    a millisecond."""

    path: Path | None = None

    @classmethod
    async def copy_to(cls, target: Path) -> None:
        if cls.path is None:
            path = Path(tempfile.mkdtemp(prefix="chibo-migrated-")) / "chibo.db"
            engine = create_engine(f"sqlite+aiosqlite:///{path}")
            await upgrade(engine)
            await engine.dispose()  # the last connection closed: everything is in the main file
            cls.path = path
        shutil.copyfile(cls.path, target)

    @classmethod
    def drop(cls) -> None:
        if cls.path is not None:
            shutil.rmtree(cls.path.parent, ignore_errors=True)
            cls.path = None


def database_url(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'chibo.db'}"
    require_postgres()
    if backend in (CLUSTER, WITH_REDIS):
        require_redis()
    return MigratedPostgres.get()


async def ready_engine(url: str):
    """An engine on a migrated, empty database: a new SQLite file is a copy of the migrated one."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database)
        fresh = not path.exists()
        if fresh:
            await MigratedSqlite.copy_to(path)
        engine = create_engine(url)
        if not fresh:
            await upgrade(engine)
        return engine
    engine = create_engine(url)
    await empty_tables(engine)
    return engine
