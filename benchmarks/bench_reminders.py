"""Reminder delivery at scale, through the sandbox's Bot API held to Telegram's limits.

Usage: uv run python benchmarks/bench_reminders.py [--postgres URL] [--reminders N] [--chats N]
                                                   [--rate R] [--chat-rate R]
N reminders (default 3,000) due now, to a number of chats (default 1,000), with the sandbox counting as
Telegram does — sliding windows that start empty — and refusing (429) more than R messages in any second
overall (default 30, Telegram's) and more than R per chat (default 1). chibo's pace is set to the same limits.
0. The baseline: python-telegram-bot's AIORateLimiter (at the same limits, retrying 429s as it does) sending
   the same messages through the same limiter, in a child process.
1. SQLite, one chibo delivery process: the achieved rate, as a fraction of the limit and of the baseline's,
   and the counts of 429s, duplicates and losses.
2. SQLite, the delivery process killed with SIGKILL when half have arrived, then restarted: every reminder
   must arrive, with no more duplicates than the sends in flight at the kill (the rows left "sending").
3. PostgreSQL (--postgres, or CHIBO_TEST_POSTGRES_URL; a scratch database is created and dropped), two
   delivery processes at once.
A delivery process is what `chibo run` starts for reminders (scheduling.runtime.start: recovery, a plan,
then the scheduler's jobs), run by this script in a child process (`--worker DB_URL API_URL`).
The rate is (accepted − 1) / (last accepted − first accepted), measured by the sandbox.
"""

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bot.app import SANDBOX_TOKEN, create_bot, utc_now
from bot.config import Settings
from bot.sandbox.server import start_sandbox
from bot.sandbox.traffic import Limits
from scheduling import runtime
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade
from storage.models import Branch, Membership, Person
from storage.reminder_models import SENDING, Reminder, ReminderChat

FIRST_CHAT = 10_000_001
PEOPLE_PER_BRANCH = 100
CHUNK = 5_000
SLACK = 60  # seconds a run may take beyond three times its length at the limit before the rest counts as lost
PTB_RETRIES = 10  # 429s AIORateLimiter retries per message before it gives a message up


@dataclass
class Outcome:
    label: str
    reminders: int
    delivered: int
    duplicates: int
    rate_limited: int
    rate: float | None = None
    in_flight_at_kill: int | None = None


async def populate(url: str, reminders: int, chats: int) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        branches = range(1, chats // PEOPLE_PER_BRANCH + 2)
        await connection.execute(insert(Branch), [{"id": b, "name": f"Chi bộ {b}", "created_at": now}
                                                  for b in branches])
        people = [{"id": n + 1, "full_name": f"Đảng viên {n}", "telegram_user_id": FIRST_CHAT + n, "created_at": now}
                  for n in range(chats)]
        await connection.execute(insert(Person), people)
        await connection.execute(insert(Membership), [
            {"branch_id": 1 + n // PEOPLE_PER_BRANCH, "person_id": n + 1, "role": "member", "status": "full",
             "exempt": False, "suspended": False, "created_at": now} for n in range(chats)])
        await connection.execute(insert(ReminderChat), [{"chat_id": FIRST_CHAT + n, "next_at": now}
                                                        for n in range(chats)])
        rows = [{"key": f"bench:{n}", "source": "bench", "kind": "due_soon",
                 "branch_id": 1 + (n % chats) // PEOPLE_PER_BRANCH, "person_id": 1 + n % chats,
                 "chat_id": reminder(n, chats)[0], "send_at": now, "status": "pending",
                 "subject": f"Việc {n}", "text": reminder(n, chats)[1], "attempts": 0,
                 "created_at": now} for n in range(reminders)]
        for start in range(0, reminders, CHUNK):
            await connection.execute(insert(Reminder), rows[start:start + CHUNK])
    await engine.dispose()


async def count_rows(url: str, status: str) -> int:
    engine = create_engine(url)
    async with engine.connect() as connection:
        found = await connection.scalar(select(func.count(Reminder.id)).where(Reminder.status == status))
    await engine.dispose()
    return found


def spawn(db_url: str, api_url: str, rate: float, chat_rate: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "--worker", db_url, api_url, "--rate", str(rate),
                             "--chat-rate", str(chat_rate)])


def received(server, chats: int) -> Counter[str]:
    texts: Counter[str] = Counter()
    for n in range(chats):
        chat = server.state.chat(FIRST_CHAT + n)
        texts.update(m.text for m in chat.messages.values())
    return texts


def reminder(n: int, chats: int) -> tuple[int, str]:
    """The chat and the text of the n-th reminder, the same for chibo and for the baseline."""
    return FIRST_CHAT + n % chats, f"🔔 <b>Còn 3 ngày đến hạn</b>: việc số {n}"


async def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def sandbox(args: argparse.Namespace):
    server = await start_sandbox("127.0.0.1", 0)
    server.state.traffic.set_limits(Limits(per_second=args.rate, per_chat_per_second=args.chat_rate))
    for n in range(args.chats):
        server.state.open_chat(server.state.user(FIRST_CHAT + n, f"Đảng viên {n}"))
    return server


async def settle(label: str, server, args: argparse.Namespace, workers: list[subprocess.Popen], *,
                 kill_midway: bool = False, restart=None) -> Outcome:
    """Waits for every message (killing and restarting the workers halfway if asked), then counts."""
    traffic = server.state.traffic
    deadline = SLACK + 3 * args.reminders / min(args.rate, args.chats * args.chat_rate)
    in_flight = None
    try:
        if kill_midway:
            await wait_for(lambda: traffic.stats["accepted"] >= args.reminders // 2, deadline)
            for worker in workers:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
            in_flight = await restart.count()
            workers[:] = restart.spawn()
        await wait_for(lambda: traffic.stats["accepted"] >= args.reminders, deadline)
        await wait_for(lambda: len(received(server, args.chats)) >= args.reminders, timeout=10)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait()
        texts = received(server, args.chats)
        await server.stop()
    accepted = traffic.stats["accepted"]
    span = (traffic.last_accepted or 0) - (traffic.first_accepted or 0)
    return Outcome(label, args.reminders, len(texts), sum(texts.values()) - len(texts), traffic.stats["rate_limited"],
                   rate=None if kill_midway or span <= 0 else (accepted - 1) / span, in_flight_at_kill=in_flight)


@dataclass
class Restart:
    db_url: str
    api_url: str
    args: argparse.Namespace
    processes: int

    async def count(self) -> int:
        return await count_rows(self.db_url, SENDING)

    def spawn(self) -> list[subprocess.Popen]:
        return [spawn(self.db_url, self.api_url, self.args.rate, self.args.chat_rate) for _ in range(self.processes)]


async def run(label: str, db_url: str, args: argparse.Namespace, *, processes: int = 1,
              kill_midway: bool = False) -> Outcome:
    await populate(db_url, args.reminders, args.chats)
    server = await sandbox(args)
    restart = Restart(db_url, server.url, args, processes)
    return await settle(label, server, args, restart.spawn(), kill_midway=kill_midway, restart=restart)


async def run_baseline(args: argparse.Namespace) -> Outcome:
    server = await sandbox(args)
    child = subprocess.Popen([sys.executable, __file__, "--baseline", server.url, "--reminders", str(args.reminders),
                              "--chats", str(args.chats), "--rate", str(args.rate)])
    return await settle("python-telegram-bot (baseline)", server, args, [child])


def report(outcome: Outcome, limit: float, baseline: Outcome | None = None) -> None:
    losses = outcome.reminders - outcome.delivered
    line = (f"{outcome.label:<30} {outcome.reminders:>7,} reminders | 429s {outcome.rate_limited:>4} | "
            f"duplicates {outcome.duplicates:>4} | losses {losses:>4}")
    if outcome.rate is not None:
        line += f" | {outcome.rate:7.2f}/s = {outcome.rate / limit:.3f} of the limit"
        if baseline is not None and baseline.rate:
            line += f" = {outcome.rate / baseline.rate:.3f} of the baseline's"
    if outcome.in_flight_at_kill is not None:
        verdict = "ok" if outcome.duplicates <= outcome.in_flight_at_kill else "TOO MANY"
        line += f" | in flight at the kill {outcome.in_flight_at_kill} ≥ duplicates: {verdict}"
    print(line, flush=True)


async def scratch_postgres(url: str) -> str:
    name = f"chibo_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    async with admin.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres(url: str, scratch: str) -> None:
    admin = create_engine(url)
    async with admin.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(scratch).database}" WITH (FORCE)'))
    await admin.dispose()


async def benchmark(args: argparse.Namespace) -> None:
    print(f"{args.reminders:,} reminders to {args.chats:,} chats; sandbox limits (sliding windows) "
          f"{args.rate:g}/s overall, {args.chat_rate:g}/s per chat; senders' limits the same", flush=True)
    limit = min(args.rate, args.chats * args.chat_rate)
    baseline = await run_baseline(args)
    report(baseline, limit)
    with tempfile.TemporaryDirectory() as folder:
        report(await run("SQLite, 1 process", f"sqlite+aiosqlite:///{Path(folder) / 'a.db'}", args), limit, baseline)
        report(await run("SQLite, kill -9 and restart", f"sqlite+aiosqlite:///{Path(folder) / 'b.db'}", args,
                         kill_midway=True), limit)
    postgres = args.postgres or os.environ.get("CHIBO_TEST_POSTGRES_URL")
    if not postgres:
        print("PostgreSQL run skipped: give --postgres URL or set CHIBO_TEST_POSTGRES_URL")
        return
    scratch = await scratch_postgres(postgres)
    try:
        report(await run("PostgreSQL, 2 processes", scratch, args, processes=2), limit, baseline)
    finally:
        await drop_postgres(postgres, scratch)


async def baseline_sender(api_url: str, reminders: int, chats: int, rate: float) -> None:
    """python-telegram-bot sending the same reminders as fast as its AIORateLimiter lets it (Telegram's group
    limit set too; it has no per-private-chat limit), every message at once, in order."""
    from telegram.ext import AIORateLimiter, ExtBot  # a benchmark dependency only (the dev group)
    from telegram.request import HTTPXRequest

    limiter = AIORateLimiter(overall_max_rate=rate, overall_time_period=1, group_max_rate=20, group_time_period=60,
                             max_retries=PTB_RETRIES)
    bot = ExtBot(SANDBOX_TOKEN, base_url=f"{api_url}/bot", rate_limiter=limiter,
                 request=HTTPXRequest(connection_pool_size=64, pool_timeout=None))
    async with bot:
        await asyncio.gather(*(bot.send_message(*reminder(n, chats), parse_mode="HTML") for n in range(reminders)))


async def worker(db_url: str, api_url: str, rate: float, chat_rate: float) -> None:
    """One delivery process, as `chibo run` starts reminders."""
    settings = Settings(_env_file=None, database_url=db_url, send_rate=rate, chat_rate=chat_rate)
    engine = create_engine(db_url)
    bot = create_bot(SANDBOX_TOKEN, api_url)
    scheduler = await runtime.start(settings, create_sessionmaker(engine), bot, utc_now)
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    try:
        await stopped.wait()
    finally:
        await runtime.stop(scheduler)
        await bot.session.close()
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database is made on it)")
    parser.add_argument("--reminders", type=int, default=3_000)
    parser.add_argument("--chats", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=30, help="messages per second overall (Telegram's: 30)")
    parser.add_argument("--chat-rate", type=float, default=1, help="messages per second to one chat (Telegram's: 1)")
    parser.add_argument("--worker", nargs=2, metavar=("DB_URL", "API_URL"), help=argparse.SUPPRESS)
    parser.add_argument("--baseline", metavar="API_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        asyncio.run(baseline_sender(args.baseline, args.reminders, args.chats, args.rate))
    elif args.worker:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(worker(*args.worker, args.rate, args.chat_rate))
    else:
        asyncio.run(benchmark(args))


if __name__ == "__main__":
    main()
