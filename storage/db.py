"""Engine and session factory: SQLite in WAL mode with a busy timeout (through storage.sqlite_driver), or PostgreSQL
via asyncpg."""

import time

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from storage.sqlite_driver import OneHopConnection, OneHopDBAPI

SQLITE_BUSY_TIMEOUT_MS = 10_000
PING_IDLE_AFTER_S = 5.0  # a pooled PostgreSQL connection idle this long is pinged before it is used


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the delivery worker read while a handler writes; the busy timeout waits out short locks
    # instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        # Reads run in the event loop's thread, writes in aiosqlite's (storage.sqlite_driver): one connection, two
        # threads, never at once.
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        engine = create_async_engine(url, module=OneHopDBAPI(), connect_args=connect_args)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_async_engine(url, pool_size=10, max_overflow=10)
    event.listen(engine.sync_engine.pool, "connect", _idle_from_now)  # a new connection is as good as a ping
    event.listen(engine.sync_engine.pool, "checkin", _idle_from_now)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle)
    return engine


def _idle_from_now(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """SQLAlchemy's pool_pre_ping, for connections that sat idle: a ping at every checkout is a round trip per
    update, a twentieth of its CPU under load (bench_load). A connection the server closed (a restart) is seen
    closed at once, or fails its ping after a pause, and the pool opens another in its place; one closed within
    the last seconds fails its statement, and that update is delivered again."""
    if record.driver_connection.is_closed():
        raise exc.DisconnectionError("closed by the server")
    if time.monotonic() - record.info["idle_since"] < PING_IDLE_AFTER_S:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:  # the driver's own error, not yet SQLAlchemy's
        raise exc.DisconnectionError(str(error)) from error


class WriteAwareSession(Session):
    """A session that knows whether its transaction has written anything (see `wrote`)."""


@event.listens_for(WriteAwareSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if not state.is_select:  # an INSERT, UPDATE, DELETE, or text() whose kind is unknown
        state.session.info["wrote"] = True


@event.listens_for(WriteAwareSession, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info["wrote"] = True


@event.listens_for(WriteAwareSession, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop("wrote", None)


def wrote(session: AsyncSession) -> bool:
    """Whether the session's transaction holds changes, flushed or not: an update that only read can commit its
    handled-once mark in the transaction it read in (no rollback, no second connection). True when unknown."""
    sync = session.sync_session
    return (not isinstance(sync, WriteAwareSession) or sync.info.get("wrote", False)
            or bool(sync.new or sync.dirty or sync.deleted))


async def commit_with_next(session: AsyncSession) -> None:
    """The session's next statement commits its transaction in the same call on SQLite
    (storage.sqlite_driver.OneHopConnection.commit_with_next); PostgreSQL commits at the session's commit, as ever."""
    connection = await (await session.connection()).get_raw_connection()
    if isinstance(connection.dbapi_connection, OneHopConnection):
        connection.dbapi_connection.commit_with_next()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=WriteAwareSession)
