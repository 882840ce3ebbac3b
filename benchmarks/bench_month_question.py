"""The month question at scale: p50/p95 of "việc tháng này" with 10,000 branches × 50 tasks.

Usage: uv run python benchmarks/bench_month_question.py [--postgres URL] [--branches N] [--tasks N]
Times the whole use case as a handler runs it (load the actor, read the branch calendar, group it),
beside a bare `SELECT 1` round trip measured in the same run. Target: p95 ≤ 20 ms.
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from harness import fresh_engine, timed
from sqlalchemy import insert, text

from bot.domain.calendar.periods import this_month
from bot.services.actor import load_actor
from bot.services.calendar import agenda
from storage.db import create_sessionmaker
from storage.models import Branch, Membership, Person, Task
from storage.uow import UnitOfWork

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)
CHUNK = 5_000
SAMPLES = 300


def task_rows(branch_id: int, count: int, rng: random.Random) -> list[dict]:
    rows = []
    for n in range(count):
        due = TODAY + timedelta(days=rng.randint(-200, 200))
        kind = n % 10
        rows.append({
            "branch_id": branch_id, "text": f"Việc số {n} của chi bộ {branch_id}: triển khai, báo cáo kết quả",
            "owner": "Chi bộ" if kind < 6 else "Đảng ủy", "is_branch_task": kind < 6,
            "start": due - timedelta(days=rng.randint(0, 10)) if kind < 8 else None,
            "due": due if kind < 8 else None, "recurrence": "yearly" if kind == 8 else None,
            "condition": "sau khi có văn bản của Trung ương" if kind == 9 else None,
            "time_text": "trong tháng", "created_at": NOW,
        })
    return rows


async def populate(engine, branches: int, tasks: int) -> None:
    rng = random.Random(7)
    async with engine.begin() as connection:
        for start in range(0, branches, CHUNK):
            ids = range(start + 1, min(branches, start + CHUNK) + 1)
            await connection.execute(insert(Branch), [{"id": i, "name": f"Chi bộ {i}", "created_at": NOW} for i in ids])
            await connection.execute(insert(Person), [
                {"id": i, "full_name": f"Bí thư {i}", "telegram_user_id": 10_000_000 + i, "created_at": NOW}
                for i in ids])
            await connection.execute(insert(Membership), [
                {"branch_id": i, "person_id": i, "role": "secretary", "status": "full", "exempt": False,
                 "suspended": False, "created_at": NOW} for i in ids])
        rows: list[dict] = []
        for branch_id in range(1, branches + 1):
            rows += task_rows(branch_id, tasks, rng)
            if len(rows) >= CHUNK * 4:
                await connection.execute(insert(Task), rows)
                rows = []
        if rows:
            await connection.execute(insert(Task), rows)


async def month_question(sessionmaker, user_id: int) -> int:
    async with UnitOfWork(sessionmaker) as uow:
        actor = await load_actor(uow, user_id)
        answer = await agenda(uow, actor, this_month(TODAY), TODAY, only_branch=True)
    return len(answer.overdue) + len(answer.due)


async def select_one(sessionmaker) -> None:
    async with sessionmaker() as session:
        await session.execute(text("SELECT 1"))


def summary(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1], ordered[-1]


async def run(url: str, label: str, branches: int, tasks: int) -> None:
    engine = await fresh_engine(url)
    started = time.perf_counter()
    await populate(engine, branches, tasks)
    loaded = time.perf_counter() - started
    sessionmaker = create_sessionmaker(engine)
    rng = random.Random(11)
    users = [10_000_000 + rng.randint(1, branches) for _ in range(SAMPLES)]
    await timed(20, lambda: month_question(sessionmaker, users[0]))  # warm the pool and caches
    it = iter(users)
    question = summary(await timed(SAMPLES, lambda: month_question(sessionmaker, next(it))))
    baseline = summary(await timed(SAMPLES, lambda: select_one(sessionmaker)))
    await engine.dispose()
    print(f"{label:<11} {branches * tasks:>9,} tasks loaded in {loaded:5.1f} s | month question "
          f"p50 {question[0]:5.2f} ms  p95 {question[1]:5.2f} ms  max {question[2]:6.2f} ms | "
          f"SELECT 1 p95 {baseline[1]:4.2f} ms | p95 ratio {question[1] / baseline[1]:5.1f}× | "
          f"target p95 ≤ 20 ms: {'met' if question[1] <= 20 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be wiped")
    parser.add_argument("--branches", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", "SQLite", args.branches, args.tasks))
    if args.postgres:
        asyncio.run(run(args.postgres, "PostgreSQL", args.branches, args.tasks))


if __name__ == "__main__":
    main()
