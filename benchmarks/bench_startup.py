"""Start-up to first answer: `chibo run` with no token (sandbox + bot + fresh SQLite), until /start is answered;
and a restart at many branches: the first answer, and the reminders due at start delivered while every branch
is still being planned.

Usage: uv run python benchmarks/bench_startup.py [--runs N] [--branches N] [--due N]
Beside it, in the same run: the interpreter alone, and `import aiogram` alone (the floor for any aiogram bot);
for the restart, `chibo run` as it started before issue 16.2 (every branch planned before the scheduler and
polling started) on a copy of the same database, against the same kind of sandbox.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import free_port, fresh_engine
from sqlalchemy import insert

from bot.app import SANDBOX_TOKEN
from bot.cli import main as chibo
from bot.config import Settings
from bot.domain.roster import Role, Status
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import start_sandbox
from bot.services import reminders
from bot.services.demo_trial import FAMILY, GIVEN, MEMBERS, NAME
from scheduling import runtime
from storage.db import create_sessionmaker
from storage.models import Branch, Membership, Person, Task
from storage.uow import UnitOfWork


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def first_answer() -> tuple[float, float]:
    """Seconds until the sandbox page is served, and until the bot has answered /start."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")}
        env |= {"CHIBO_SANDBOX_PORT": str(port), "CHIBO_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/b.db"}
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=folder, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            process.stdout.readline()
            page = time.perf_counter() - started
            base = f"http://127.0.0.1:{port}/sandbox"
            update_id = post(f"{base}/send", {"user_id": 1, "text": "/start"})["update_id"]
            with urllib.request.urlopen(f"{base}/wait?update_id={update_id}&timeout=30", timeout=40) as response:
                assert json.load(response)["processed"]
            return page, time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=15)


def python_alone(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


# -- a restart at many branches -------------------------------------------------------------------------

CHAT_BASE = 10_000_000  # a secretary's Telegram id: CHAT_BASE + her person id
FIRST_USER = 1  # who sends the first message after the restart (a newcomer: /start)
PLANNED = re.compile(r"reminders of (\d+) branches planned in (\d+) ms")
READY = re.compile(r"ready in (\d+) ms")
TASK = "Nộp báo cáo kết quả thực hiện nghị quyết tháng"
WAIT = 1800.0  # seconds for each step of a restart (the old start-up plans 10,000 branches first)


async def seed(path: Path, branches: int, due: int) -> list[int]:
    """Branches as `chibo demo --branches N` makes them (bot/services/demo_trial.py's names and size), each
    secretary on Telegram with one task due in three days (so every branch has reminders to plan), and `due`
    reminders left due in the outbox by the run before the restart, to as many secretaries. Returns their chat
    ids. Ids are given and rows go to the tables (not the ORM, which splits rows with a None apart), so each
    table is one executemany (SQLite runs an INSERT … RETURNING kept in order one row at a time)."""
    now = datetime.now(UTC)
    today = now.astimezone(Settings(_env_file=None).tz).date()
    engine = await fresh_engine(f"sqlite+aiosqlite:///{path}")
    people = [(b, (b - 1) * MEMBERS + k + 1, k) for b in range(1, branches + 1) for k in range(MEMBERS)]
    secretaries = [(b, person) for b, person, k in people if k == 0]
    try:
        async with UnitOfWork(create_sessionmaker(engine)) as uow:
            session = uow.session
            await session.execute(insert(Branch.__table__), [{"id": b, "name": NAME.format(n=b), "created_at": now}
                                                   for b in range(1, branches + 1)])
            await session.execute(insert(Person.__table__), [
                {"id": person, "full_name": FAMILY[(b + k) % len(FAMILY)] + " " + GIVEN[(b * 5 + k) % len(GIVEN)],
                 "telegram_user_id": CHAT_BASE + person if k == 0 else None, "created_at": now}
                for b, person, k in people])
            await session.execute(insert(Membership.__table__), [
                {"branch_id": b, "person_id": person, "role": Role.SECRETARY if k == 0 else Role.MEMBER,
                 "status": Status.FULL, "created_at": now} for b, person, k in people])
            await session.execute(insert(Task.__table__), [
                {"branch_id": b, "text": TASK, "is_branch_task": True, "due": today + timedelta(days=3),
                 "time_text": "", "created_at": now} for b, _ in secretaries])
            left = [{"key": f"bench:due:{n}", "source": "notice", "kind": "digest", "branch_id": b, "person_id": p,
                     "chat_id": CHAT_BASE + p, "send_at": now - timedelta(minutes=5), "status": "pending",
                     "subject": "Việc tháng này", "text": f"📅 Việc tháng này ({n})", "attempts": 0,
                     "created_at": now} for n, (b, p) in enumerate(secretaries[:due])]
            await uow.reminders.add_new(left)
            await uow.commit()
            return [row["chat_id"] for row in left]
    finally:
        await engine.dispose()


@dataclass
class Restart:
    ready: float | None = None  # seconds from launch: the bot's "ready" line
    first_answer: float | None = None
    planned: float | None = None  # every branch planned
    planned_branches: int = 0
    first_due: float | None = None  # the first reminder due at start delivered
    all_due: float | None = None
    due_before_planned: int = 0
    stopped_in: float | None = None  # SIGTERM to exit
    exit_code: int | None = None


async def restart(database: Path, due_chats: list[int], *, as_before: bool) -> Restart:
    """`chibo run` on the database against a sandbox in which the secretaries with a due reminder have
    chatted before; /start from a newcomer at once; watched until every branch is planned and every due
    reminder has arrived."""
    sandbox = await start_sandbox("127.0.0.1", 0)
    for chat_id in due_chats:  # they had used the bot before the restart
        sandbox.state.open_chat(sandbox.state.user(chat_id))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")}
    env |= {"CHIBO_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "CHIBO_BOT_TOKEN": SANDBOX_TOKEN,
            "CHIBO_API_BASE_URL": sandbox.url, "CHIBO_WEBHOOK_PORT": str(free_port())}
    command = [sys.executable, __file__, "--as-before"] if as_before else [sys.executable, "-m", "bot", "run"]
    seen = Restart()
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(*command, cwd=database.parent, env=env,
                                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    async def read_log() -> None:
        async for line in process.stderr:
            text = line.decode(errors="replace")
            tail.append(text)
            if (found := READY.search(text)) and seen.ready is None:
                seen.ready = time.perf_counter() - started
            elif (found := PLANNED.search(text)) and seen.planned is None:
                seen.planned, seen.planned_branches = time.perf_counter() - started, int(found.group(1))
                seen.due_before_planned = delivered()

    def delivered() -> int:
        return sum(any(m.from_bot for m in sandbox.state.chat(c).messages.values()) for c in due_chats)

    async def watch_due() -> None:
        while (count := delivered()) < len(due_chats):
            if count and seen.first_due is None:
                seen.first_due = time.perf_counter() - started
            await asyncio.sleep(0.02)
        seen.all_due = time.perf_counter() - started
        seen.first_due = seen.first_due or seen.all_due

    async def unless_chibo_ends(step: Awaitable[None]) -> None:
        ended, step = asyncio.ensure_future(process.wait()), asyncio.ensure_future(step)
        await asyncio.wait([ended, step], timeout=WAIT, return_when=asyncio.FIRST_COMPLETED)
        ended.cancel()
        if not step.done():
            step.cancel()
            raise RuntimeError("`chibo run` " + ("ended" if process.returncode is not None else "timed out")
                               + ":\n" + "".join(tail))
        step.result()

    async def first_answer() -> None:
        async with SandboxClient(sandbox.url) as client:
            update_id = await client.send(FIRST_USER, "/start", wait=False)
            while True:  # the sandbox holds a wait for a minute at most
                with contextlib.suppress(TimeoutError):
                    await client.wait(update_id, timeout=30)
                    break
            assert (await client.chat(FIRST_USER))[-1]["from"] == "bot", "/start got no answer"
            seen.first_answer = time.perf_counter() - started

    tail: deque[str] = deque(maxlen=20)
    log = asyncio.create_task(read_log())
    try:
        await unless_chibo_ends(first_answer())
        await unless_chibo_ends(watch_due())
        while seen.planned is None and process.returncode is None:
            await asyncio.sleep(0.1)
    finally:
        stopping = time.perf_counter()
        if process.returncode is None:
            process.terminate()
        seen.exit_code = await process.wait()
        seen.stopped_in = time.perf_counter() - stopping
        await log
        await sandbox.stop()
    return seen


def run_as_before() -> None:
    """`chibo run` as it started before issue 16.2: every branch planned before the scheduler and polling start
    (then the background pass is held back for good, as there was none)."""
    start = runtime.start

    async def start_after_planning(settings, sessionmaker, bot, clock, **_):
        started = time.perf_counter()
        planned = await reminders.plan_all(lambda: UnitOfWork(sessionmaker), clock(), settings)
        runtime.log.info("reminders of %d branches planned in %.0f ms", planned, (time.perf_counter() - started) * 1000)
        return await start(settings, sessionmaker, bot, clock, plan_gate=asyncio.Event().wait)

    runtime.start = start_after_planning
    chibo(["run"])


def seconds(value: float | None) -> str:
    return "      —" if value is None else f"{value:6.1f} s"


def report_restart(branches: int, due: int, runs: dict[str, Restart], empty: float) -> None:
    """`empty`: the first answer on an empty database, measured above in the same run."""
    print(f"\nrestart at {branches:,} branches, {due} reminders due at start (SQLite, the sandbox, one process)")
    names = list(runs)
    print(f"  {'':40}" + "".join(f"{name:>27}" for name in names))
    rows = (
        ("bot's 'ready' line", lambda r: seconds(r.ready)),
        ("first answer to /start", lambda r: seconds(r.first_answer)),
        ("first reminder due at start delivered", lambda r: seconds(r.first_due)),
        (f"all {due} due reminders delivered", lambda r: seconds(r.all_due)),
        ("every branch planned", lambda r: seconds(r.planned)),
        ("branches planned", lambda r: f"{r.planned_branches:,}"),
        ("due reminders delivered before that", lambda r: f"{r.due_before_planned}/{due}"),
        ("stopped (SIGTERM to exit), exit code", lambda r: f"{seconds(r.stopped_in).strip()}, {r.exit_code}"),
    )
    for label, value in rows:
        print(f"  {label:40}" + "".join(f"{value(runs[name]):>27}" for name in names))
    before, now = runs[names[0]], runs[names[1]]
    if before.first_answer and now.first_answer:
        print(f"  first answer: {now.first_answer:.1f} s against {before.first_answer:.1f} s before "
              f"({before.first_answer / now.first_answer:.1f}× sooner), and {empty:.1f} s on an empty database "
              f"({now.first_answer / empty:.2f}×); goal ≤ 3 s")


async def restart_benchmark(branches: int, due: int, empty: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "seeded.db"
        seeding = time.perf_counter()
        due_chats = await seed(template, branches, due)
        print(f"\nseeded {branches:,} branches and {len(due_chats)} due reminders in "
              f"{time.perf_counter() - seeding:.1f} s")
        runs = {}
        for name, as_before in (("before (plan, then run)", True), ("now (plan in background)", False)):
            run_folder = Path(folder) / ("before" if as_before else "now")
            run_folder.mkdir()
            shutil.copy(template, run_folder / "chibo.db")
            runs[name] = await restart(run_folder / "chibo.db", due_chats, as_before=as_before)
        report_restart(branches, len(due_chats), runs, empty)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--branches", type=int, default=10_000, help="branches for the restart (0: no restart)")
    parser.add_argument("--due", type=int, default=300, help="reminders due at the restart")
    parser.add_argument("--as-before", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_before:
        run_as_before()
        return
    runs = args.runs
    measured = [first_answer() for _ in range(runs)]
    page = statistics.median(m[0] for m in measured)
    answer = statistics.median(m[1] for m in measured)
    bare = statistics.median(python_alone("pass") for _ in range(runs))
    aiogram = statistics.median(python_alone("import aiogram") for _ in range(runs))
    print(f"median of {runs} runs")
    print(f"  python -c pass                     {bare * 1000:7.0f} ms")
    print(f"  python -c 'import aiogram'         {aiogram * 1000:7.0f} ms")
    print(f"  chibo run: sandbox page served     {page * 1000:7.0f} ms")
    print(f"  chibo run: first answer to /start  {answer * 1000:7.0f} ms  "
          f"({answer / aiogram:.2f}× importing aiogram alone; {(answer - aiogram) * 1000:.0f} ms of our own)",
          flush=True)
    if args.branches:
        asyncio.run(restart_benchmark(args.branches, args.due, answer))


if __name__ == "__main__":
    main()
