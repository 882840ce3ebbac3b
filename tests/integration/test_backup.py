"""`chibo db backup` while a writer keeps committing pairs of related rows (a plan and its task, one
transaction each): the backup restores (`chibo db restore`) into a fresh database that passes its integrity
check and holds only whole pairs — all those committed before the backup began, none of those after it ended."""

import asyncio
import contextlib
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, insert, select

from bot.cli import main
from storage.db import create_engine
from storage.models import Branch, Plan, Task
from tests.databases import create_postgres_database, drop_postgres_database
from tests.helpers import NOW

WAIT_STEPS = 20_000  # polls of 5 ms: a stuck writer fails the test instead of hanging it


class Writer:
    """Commits (plan, task) pairs until stopped; the plan is written, then the loop yields, then its task."""

    def __init__(self, engine, branch_id: int):
        self.engine, self.branch_id = engine, branch_id
        self.committed = 0
        self.stopping = False

    async def run(self) -> None:
        while not self.stopping:
            n = self.committed + 1
            async with self.engine.begin() as connection:
                plan_id = (await connection.execute(
                    insert(Plan).values(branch_id=self.branch_id, content_hash=f"pair-{n}", imported_at=NOW,
                                        title=f"Kế hoạch {n}").returning(Plan.id))).scalar_one()
                await asyncio.sleep(0)  # half a pair is in the transaction now
                await connection.execute(insert(Task).values(
                    branch_id=self.branch_id, plan_id=plan_id, text=f"Việc của kế hoạch {n}", is_branch_task=True,
                    time_text="", created_at=NOW))
            self.committed = n

    async def reach(self, count: int) -> None:
        for _ in range(WAIT_STEPS):
            if self.committed >= count:
                return
            await asyncio.sleep(0.005)
        raise AssertionError(f"the writer committed {self.committed} pairs, not {count}")


def pragma(path: Path, name: str) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(f"PRAGMA {name}").fetchone()[0]


def cli(*args: str):
    return asyncio.to_thread(CliRunner().invoke, main, list(args))


async def pairs(url: str) -> tuple[int, int, int]:
    """Plans, tasks, and plans without exactly one task of their own, in the database at `url`."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            plans = await connection.scalar(select(func.count(Plan.id)))
            tasks = await connection.scalar(select(func.count(Task.id)))
            per_plan = select(Task.plan_id, func.count(Task.id).label("n")).group_by(Task.plan_id).subquery()
            broken = await connection.scalar(
                select(func.count(Plan.id)).outerjoin(per_plan, per_plan.c.plan_id == Plan.id)
                .where(func.coalesce(per_plan.c.n, 0) != 1))
    finally:
        await engine.dispose()
    return plans, tasks, broken


async def test_a_backup_taken_during_writes_restores_whole_and_consistent(db_url, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    async with engine.begin() as connection:
        branch_id = (await connection.execute(
            insert(Branch).values(name="Chi bộ Khu phố 7", created_at=NOW).returning(Branch.id))).scalar_one()
    writer = Writer(engine, branch_id)
    writing = asyncio.create_task(writer.run())
    try:
        await writer.reach(50)
        before = writer.committed
        out = tmp_path / "backup.bin"
        made = await cli("db", "backup", "--out", str(out))
        after = writer.committed
        await writer.reach(after + 20)  # the writer went on during and after the backup
    finally:
        writer.stopping = True
        await writing
    assert made.exit_code == 0, made.output
    assert f"backup written: {out}" in made.output and out.stat().st_size > 0
    printed = dict(line.strip().split(": ") for line in made.output.splitlines()[1:])
    assert printed["plan"] == printed["task"]  # counted in the snapshot the backup holds
    assert "integrity: ok" in made.output

    again = await cli("db", "backup", "--out", str(out))  # a backup is never overwritten
    assert again.exit_code == 1 and "exists already" in again.output
    assert (await cli("db", "restore", str(out))).exit_code == 2  # replacing a database needs --yes

    if db_url.startswith("sqlite"):
        assert pragma(out, "integrity_check") == "ok"
        assert pragma(out, "journal_mode") == "delete"  # one self-contained file
        fresh = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
    else:
        fresh = await create_postgres_database()
    try:
        monkeypatch.setenv("CHIBO_DATABASE_URL", fresh)
        restored = await cli("db", "restore", str(out), "--yes")
        assert restored.exit_code == 0, restored.output
        plans, tasks, broken = await pairs(fresh)
        if fresh.startswith("sqlite"):
            assert pragma(tmp_path / "restored.db", "integrity_check") == "ok"
    finally:
        if not fresh.startswith("sqlite"):
            await drop_postgres_database(fresh)
    assert broken == 0 and plans == tasks == int(printed["plan"])
    assert before <= plans <= after < writer.committed
    assert f"restored {out}" in restored.output and f"plan: {plans}" in restored.output
