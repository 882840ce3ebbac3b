"""Consistent backups while the bot runs, and restoring them.

SQLite: the online backup API copies the whole database in one step from a connection of its own, inside one
read transaction — in WAL mode writers go on meanwhile, and the copy is the database as of one commit. The copy
is switched out of WAL mode (one self-contained file) and checked with `PRAGMA integrity_check` before it
takes its final name.

PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the row counts are read in it and `pg_dump
--snapshot` dumps exactly that snapshot (custom format, no owners or privileges, so it restores into any
database). The libpq connection comes from the SQLAlchemy URL; the password goes through PGPASSWORD, never the
command line.
"""

import asyncio
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

SQLITE_TIMEOUT_S = 30


class BackupError(Exception):
    """A backup or restore could not be made; the message says why, nothing half-written is left."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes
    rows: dict[str, int] = field(default_factory=dict)  # table → rows, as of the snapshot
    seconds: float = 0.0
    integrity: str = "ok"

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def default_path(url: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if is_sqlite(url) else "dump"
    return Path(f"chibo-backup-{stamp}.{suffix}")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing on disk to back up")
    return Path(database)


# -- SQLite -------------------------------------------------------------------------------------------------

def _sqlite_rows(connection: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def check_sqlite(path: Path) -> tuple[str, dict[str, int]]:
    """`PRAGMA integrity_check`'s verdict on a database file, and its row counts."""
    connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        verdict = "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
        return verdict, _sqlite_rows(connection)
    finally:
        connection.close()


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    """The whole of `source_path` into `target_path` in one step: one read transaction, one commit's state."""
    source = sqlite3.connect(source_path, timeout=SQLITE_TIMEOUT_S)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()
        source.close()


def backup_sqlite(url: str, out: Path) -> Backup:
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        partial = Path(scratch) / out.name
        _sqlite_copy(source, partial)
        verdict, rows = check_sqlite(partial)
        if verdict != "ok":
            raise BackupError(f"the copy fails its integrity check: {verdict}")
        os.replace(partial, out)
    return Backup(out, out.stat().st_size, rows, time.perf_counter() - started, verdict)


def restore_sqlite(backup: Path, url: str) -> dict[str, int]:
    """Copies the backup over the database (online API again); returns the restored row counts."""
    verdict, _ = check_sqlite(backup)
    if verdict != "ok":
        raise BackupError(f"the backup fails its integrity check: {verdict}")
    _sqlite_copy(backup, sqlite_path(url))
    connection = sqlite3.connect(sqlite_path(url), timeout=SQLITE_TIMEOUT_S)
    try:
        connection.execute("PRAGMA journal_mode=WAL")  # as the bot runs it (storage.db)
        return _sqlite_rows(connection)
    finally:
        connection.close()


# -- PostgreSQL ---------------------------------------------------------------------------------------------

def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URL (without the password) and the environment that carries the password."""
    parsed: URL = make_url(url)
    user = quote(parsed.username or "", safe="")
    host = parsed.host or ""
    netloc = f"{user}@{host}" if user else host
    if parsed.port:
        netloc += f":{parsed.port}"
    conninfo = f"postgresql://{netloc}/{quote(parsed.database or '', safe='')}"
    ssl = parsed.query.get("sslmode") or parsed.query.get("ssl")
    if isinstance(ssl, str) and ssl:
        conninfo += f"?sslmode={quote(ssl)}"
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return conninfo, env


def _tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


async def _run(*command: str, env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await process.communicate()
    if process.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {stderr.decode(errors='replace').strip()}")
    return stdout.decode(errors="replace")


async def _archive_entries(path: Path, env: dict[str, str]) -> int:
    """The dump's table of contents as pg_restore reads it: a truncated or corrupt archive fails here."""
    listing = await _run(_tool("pg_restore"), "--list", str(path), env=env)
    return sum(1 for line in listing.splitlines() if line and not line.startswith(";"))


async def _pg_rows(connection) -> dict[str, int]:
    names = (await connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"))).scalars().all()
    rows = {}
    for name in names:
        rows[name] = (await connection.execute(text(f'SELECT count(*) FROM "{name}"'))).scalar_one()
    return rows


async def backup_postgres(engine: AsyncEngine, url: str, out: Path) -> Backup:
    pg_dump = _tool("pg_dump")
    conninfo, env = libpq(url)
    started = time.perf_counter()
    partial = out.with_name(f".{out.name}.partial")
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                snapshot = (await connection.execute(text("SELECT pg_export_snapshot()"))).scalar_one()
                rows = await _pg_rows(connection)
                # The snapshot lives as long as this transaction: pg_dump must finish inside it.
                await _run(pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                           f"--file={partial}", f"--dbname={conninfo}", env=env)
        entries = await _archive_entries(partial, env)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(out, out.stat().st_size, rows, time.perf_counter() - started,
                  f"ok (pg_restore reads the archive: {entries} entries)")


async def restore_postgres(backup: Path, url: str) -> None:
    """Restores a custom-format dump into the database of `url`, replacing the tables it holds, in one
    transaction (a failure leaves the database as it was)."""
    conninfo, env = libpq(url)
    await _run(_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
               "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(backup), env=env)


# -- either ---------------------------------------------------------------------------------------------------

async def backup(engine: AsyncEngine, url: str, out: Path) -> Backup:
    if out.exists():
        raise BackupError(f"{out} exists already; choose another --out")
    if not out.parent.is_dir():
        raise BackupError(f"no folder {out.parent} to write {out.name} in")
    if is_sqlite(url):
        return await asyncio.to_thread(backup_sqlite, url, out)
    return await backup_postgres(engine, url, out)


async def restore(engine: AsyncEngine, url: str, source: Path) -> dict[str, int]:
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    if is_sqlite(url):
        await engine.dispose()  # no pooled connection of ours holds the file while it is replaced
        return await asyncio.to_thread(restore_sqlite, source, url)
    await restore_postgres(source, url)
    async with engine.connect() as connection:
        return await _pg_rows(connection)
