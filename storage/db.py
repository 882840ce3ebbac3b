"""Engine and session factory: SQLite in WAL mode with a busy timeout (through storage.sqlite_driver), or PostgreSQL
via asyncpg."""

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from storage.sqlite_driver import OneHopConnection, OneHopDBAPI

SQLITE_BUSY_TIMEOUT_MS = 10_000


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
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


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
