"""SQLite through aiosqlite with one thread hand-off per write, and reads run where they are asked.

SQLAlchemy's aiosqlite adapter awaits aiosqlite once for each step of a statement: a cursor, execute, fetchall,
close. aiosqlite runs each in its connection's thread, so a statement costs four round trips between the event
loop and that thread (a queue put, a thread wake-up, a call_soon_threadsafe that wakes the loop). Here the four
steps are one function run in that thread, which returns the rows with the cursor's description and counts; and
a commit or rollback with no transaction open (a read, under sqlite3's implicit transactions) is not sent at all.

A transaction of one write (an update that only read commits its handled-once mark) can commit in the write's own
call (`OneHopConnection.commit_with_next`): the write lock is then held for that call alone, not across the turns
of the event loop until the commit's call, while every other writer waits in SQLite's busy handler, which sleeps
in steps of up to 100 ms (the p99 of bench_load).

A SELECT runs in the calling thread, without the hand-off: in WAL mode a reader takes no lock a writer holds, so it
never waits in the busy handler, and the hand-off (a thread wake-up each way, an asyncio future, a greenlet switch)
costs several times the few microseconds of a read of a handful of rows (benchmarks/bench_load.py). A write may
wait for another connection's write lock, up to the busy timeout, so it still runs in aiosqlite's thread.
"""

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, commit: bool = False) -> tuple:
    """In aiosqlite's thread: the statement, its rows and what SQLAlchemy reads off the cursor after it; with
    `commit`, the transaction committed after it."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        found = description, cursor.fetchall() if description else (), cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()
    if commit:
        connection.commit()
    return found


def _reads(operation: str) -> bool:
    return operation.startswith("SELECT")  # SQLAlchemy's statements; a WITH or a PRAGMA takes the thread


def _run_many(connection: sqlite3.Connection, operation: str, seq_of_parameters: Any, commit: bool = False) -> int:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, seq_of_parameters)
        count = cursor.rowcount
    finally:
        cursor.close()
    if commit:
        connection.commit()
    return count


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement runs in one call on aiosqlite's thread; its rows are held here."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: "OneHopConnection") -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # no aiosqlite cursor: the base class's close() then has nothing to await
        self._soft_closed_memoized = {}
        self._rows = collections.deque()
        self._description, self._rowcount, self._lastrowid, self._arraysize = None, -1, None, 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        """Nothing to close: the sqlite3 cursor was closed in the thread, its description kept here."""

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            commit = self._adapt_connection.take_commit()
            if _reads(operation):
                found = _run(self._connection._conn, operation, parameters, commit)
            else:
                found = await self._connection._execute(_run, self._connection._conn, operation, parameters, commit)
            self._description, rows, self._rowcount, self._lastrowid = found
            self._rows = collections.deque(rows)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            commit = self._adapt_connection.take_commit()
            self._description, self._lastrowid = None, None
            self._rowcount = await self._connection._execute(
                _run_many, self._connection._conn, operation, seq_of_parameters, commit)
            self._rows.clear()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("commits_next",)

    _cursor_cls = OneHopCursor

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)
        self.commits_next = False

    def commit_with_next(self) -> None:
        """The next statement commits the transaction in its own call; the commit that follows has nothing left
        to send (a failed statement leaves the transaction to the caller's rollback, as any other)."""
        self.commits_next = True

    def take_commit(self) -> bool:
        """Whether the statement about to run commits (asked once: the one after it does not)."""
        commit, self.commits_next = self.commits_next, False
        return commit

    def commit(self) -> None:
        if self._connection._connection and self._connection.in_transaction:
            super().commit()

    def rollback(self) -> None:
        if self._connection._connection and self._connection.in_transaction:
            super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module the aiosqlite dialect is given (create_async_engine's `module`)."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        connection = super().connect(*arg, **kw)
        return OneHopConnection(self, connection._connection)

