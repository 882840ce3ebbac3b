"""What the benchmark scripts share: a wiped, migrated database and a timer. Imported as `harness` (each
script's own folder is on sys.path when it runs)."""

import socket
import time

from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Base


async def fresh_engine(url: str):
    """An engine on a database emptied of every table and migrated to the newest revision."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await upgrade(engine)
    return engine


async def timed(samples: int, call) -> list[float]:
    """Milliseconds of each of `samples` awaited calls."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
