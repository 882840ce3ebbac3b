"""Load: updates per second and p50/p99 latency of `chibo run` in webhook mode, beside a bare aiogram echo bot.

Usage: uv run python benchmarks/bench_load.py [--postgres URL] [--seconds S] [--users N] [--branches N]
                                              [--rounds N] [--profile FILE]

Each bot runs as a process of its own behind a sandbox (bot.sandbox, in this process) that plays Telegram:
it delivers updates to the bot's webhook over up to 40 connections at once (Telegram's default
max_connections), one update at a time per chat; its send limits are lifted. chibo is `python -m bot run`
with CHIBO_BOT_TOKEN, CHIBO_API_BASE_URL and CHIBO_WEBHOOK_URL, on a database seeded with `--branches`
branches in every state of the year's review (bench_supervisor's: roster, calendar tasks, votes) and a
supervisor for every 30 of them; with --postgres, again on a PostgreSQL database created beside URL's for
the run and dropped after; it is measured once its start-up pass has planned every branch's reminders (its log
says so). The baseline is benchmarks/echo_bot.py, a bare aiogram bot served the same way.

`--users` synthetic users (one in eight a supervisor) each send a question, wait for the answer and send the
next: secretaries /start, a tap on its button, /buoc, "tháng này cần làm gì", /thangnay; supervisors
/tinhhinh. The bots get the same questions and take turns, `--rounds` windows each, `--seconds` in all.
Latency runs from POST /sandbox/send (or /click) to /sandbox/wait reporting the update handled (the bot
answers inside its webhook request, so the answer is in the sandbox by then), for every update sent in the
windows; updates/s counts those handled within them. Before the windows, each question is also asked 10
times with nothing else in flight ("alone").

--profile FILE measures nothing against the echo bot: chibo runs under benchmarks/profiled_chibo.py, each question
is asked 20 times one at a time, and FILE gets the SQL statements and connections per update, what the background
jobs run while idle, and cProfile's top functions (the profiles stay beside it: FILE.SQLite.1.prof, …).
"""

import argparse
import asyncio
import contextlib
import io
import json
import math
import os
import pstats
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import bench_supervisor as seed
from harness import free_port, fresh_engine
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import SANDBOX_TOKEN
from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.server import SandboxServer, start_sandbox
from storage.models import Person

ROOT = Path(__file__).resolve().parent.parent
BRANCHES_PER_SUPERVISOR = 30
MEMBERS = 12
SUPERVISOR_IDS = 900_000  # telegram ids of supervisors: 900_001, 900_002, ...
FREE_TEXT = "tháng này cần làm gì"
ALONE_SAMPLES = 10
KINDS = ("/start", "tap", "/buoc", "free text", "/thangnay", "/tinhhinh")
PLANNED = "branches planned in"  # chibo's log line once start-up has planned every branch's reminders


# -- the data --------------------------------------------------------------------------------------------------

def secretary_of(branch_id: int) -> int:
    return 1_000_000 + branch_id * 100  # as bench_supervisor.branch_rows links the first member


async def populate(url: str, branches: int) -> None:
    """Branches in every state of the review with their rosters and calendars (bench_supervisor's), and one
    supervisor per BRANCHES_PER_SUPERVISOR of them."""
    now = datetime.now(UTC)
    seed.NOW, seed.TODAY = now, now.date()
    rng = random.Random(7)
    rows = seed.Rows()
    supervisors = math.ceil(branches / BRANCHES_PER_SUPERVISOR)
    for k in range(1, supervisors + 1):
        rows.add(Person, id=k, full_name=f"Đảng ủy viên {k}", telegram_user_id=SUPERVISOR_IDS + k, created_at=now)
    for branch_id in range(1, branches + 1):
        seed.SUPERVISOR = (branch_id - 1) // BRANCHES_PER_SUPERVISOR + 1  # read by branch_rows for the link
        seed.branch_rows(rows, branch_id, MEMBERS, seed.STATES[branch_id % len(seed.STATES)], rng)
    engine = await fresh_engine(url)
    await seed.insert_rows(engine, rows)
    await engine.dispose()


@contextlib.asynccontextmanager
async def scratch_postgres(url: str):
    """A database created next to URL's for the run, dropped afterwards."""
    admin_url = make_url(url)
    name = f"chibo_bench_load_{os.getpid()}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


# -- the users -------------------------------------------------------------------------------------------------

@dataclass
class User:
    id: int
    kinds: tuple[str, ...]
    tap: tuple[int, str] | None = None  # (message_id, callback data) of the button tapped
    step: int = 0  # how far through its questions, carried from one window to the next


def make_users(count: int, branches: int) -> list[User]:
    supervisors = min(max(1, count // 8), math.ceil(branches / BRANCHES_PER_SUPERVISOR))
    rng = random.Random(3)
    secretaries = rng.sample(range(1, branches + 1), count - supervisors)
    kinds = ("/start", "tap", "/buoc", "free text", "/thangnay")
    # Each secretary starts at another question, so that every question is asked all along.
    return ([User(SUPERVISOR_IDS + k, ("/tinhhinh",)) for k in range(1, supervisors + 1)]
            + [User(secretary_of(b), kinds, step=n) for n, b in enumerate(secretaries)])


async def ask(client: SandboxClient, user: User, kind: str) -> None:
    """One question, returning once the bot has handled it; after /start, remembers the answer's button."""
    if kind == "tap":
        if user.tap is None:
            raise SandboxError(f"user {user.id}: no button to tap")
        await client.click(user.id, *user.tap)
        return
    await client.send(user.id, FREE_TEXT if kind == "free text" else kind)
    if kind == "/start" and user.tap is None:
        answer = (await client.messages(user.id))[-1]
        data = next((b for row in answer["buttons"] for b in row if "data" in b), None)
        if data is not None:
            user.tap = (answer["message_id"], data["data"])


# -- measuring -------------------------------------------------------------------------------------------------

@dataclass
class Run:
    label: str
    seconds: float = 0.0
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # kind -> ms, under load
    alone: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # kind -> ms, one at a time
    handled: int = 0  # within the windows
    completed: int = 0  # including those answered after a window closed
    wall: float = 0.0  # seconds from each window's start until its last answer
    failed: list[str] = field(default_factory=list)
    unanswered: int = 0
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    answers: dict[str, str] = field(default_factory=dict)  # kind -> first line of an answer
    log_errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.handled / self.seconds

    def all_times(self) -> list[float]:
        return [t for times in self.times.values() for t in times]


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> float:
    """CPU-seconds all cores have spent busy since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class Target:
    """One bot process behind a sandbox of its own, with the users talking to it."""

    run: Run
    sandbox: SandboxServer
    process: subprocess.Popen
    log: Path
    users: list[User]
    clients: list[SandboxClient]
    counts: list[dict[str, int]] = field(default_factory=list)  # per user: messages and taps handled
    before: list[tuple[int, int]] = field(default_factory=list)  # per user: bot messages, callback answers

    def pairs(self) -> list[tuple[SandboxClient, User]]:
        return list(zip(self.clients, self.users, strict=True))


async def start_target(label: str, start_bot, users: list[User], sample_answers: bool = False,
                       settled: str | None = None) -> Target:
    """The bot started, its webhook set and, with `settled`, that line in its log (the end of the start-up's
    work in the background), then warmed up."""
    sandbox = await start_sandbox(port=0)
    async with SandboxClient(sandbox.url) as control:
        await control.set_limits(per_second=None, per_chat_per_second=None)  # lifted for the run
    process, webhook_url, log = start_bot(sandbox)
    target = Target(Run(label), sandbox, process, log, users, [SandboxClient(sandbox.url) for _ in users])
    try:
        await webhook_set(sandbox, process, webhook_url, log)
        if settled:
            await logged(process, log, settled)
        await warm_up(target, sample_answers)
    except BaseException:
        await stop(target)
        raise
    return target


async def warm_up(target: Target, sample_answers: bool) -> None:
    """Every user asks each of its questions once (this also finds the button to tap); then each question is
    asked ALONE_SAMPLES times with nothing else in flight."""
    for kind in KINDS:
        await asyncio.gather(*(ask(c, u, kind) for c, u in target.pairs() if kind in u.kinds))
        client, user = next((c, u) for c, u in target.pairs() if kind in u.kinds)
        if sample_answers:
            shown = (await client.messages(user.id))[-1]
            target.run.answers[kind] = ((shown["text"] or shown.get("caption") or "").strip().splitlines() or [""])[0]
        for _ in range(ALONE_SAMPLES):
            started = time.perf_counter()
            await ask(client, user, kind)
            target.run.alone[kind].append((time.perf_counter() - started) * 1000)
    target.counts = [defaultdict(int) for _ in target.users]
    target.before = await asyncio.gather(*(answers_seen(c, u) for c, u in target.pairs()))


async def user_loop(client: SandboxClient, user: User, until: float, run: Run, counts: dict[str, int]) -> None:
    while (started := time.perf_counter()) < until:
        kind = user.kinds[user.step % len(user.kinds)]
        user.step += 1
        try:
            await ask(client, user, kind)
        except (TimeoutError, SandboxError) as error:
            run.failed.append(f"{kind}: {error}")
            continue
        finished = time.perf_counter()
        counts["taps" if kind == "tap" else "messages"] += 1
        run.completed += 1
        run.times[kind].append((finished - started) * 1000)
        run.handled += finished <= until


async def window(target: Target, seconds: float) -> None:
    """Every user asks, waits for the answer and asks again, for `seconds`."""
    run = target.run
    before = own_cpu(), process_cpu(target.process.pid), machine_busy()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(user_loop(c, u, until, run, n) for (c, u), n in zip(target.pairs(), target.counts,
                                                                             strict=True)))
    after = own_cpu(), process_cpu(target.process.pid), machine_busy()
    for name, a, b in zip(("bench", "bot", "machine"), before, after, strict=True):
        run.cpu[name] += b - a
    run.seconds += seconds
    run.wall += time.perf_counter() - started


async def answers_seen(client: SandboxClient, user: User) -> tuple[int, int]:
    return len(await client.messages(user.id)), len(await client.callback_answers(user.id))


async def finish(target: Target) -> None:
    """Counts updates the bot handled without answering (a message with no new message, a tap with no
    answer to the callback), then stops the bot and its sandbox."""
    try:
        after = await asyncio.gather(*(answers_seen(c, u) for c, u in target.pairs()))
        for (messages0, taps0), (messages1, taps1), n in zip(target.before, after, target.counts, strict=True):
            target.run.unanswered += (max(0, n["messages"] - (messages1 - messages0))
                                      + max(0, n["taps"] - (taps1 - taps0)))
        target.run.log_errors = [line for line in target.log.read_text().splitlines()
                                 if " ERROR " in line or line.startswith("Traceback")]
    finally:
        await stop(target)


async def stop(target: Target) -> None:
    for client in target.clients:
        await client.close()
    target.process.terminate()
    target.process.wait(timeout=15)
    await target.sandbox.stop()


async def webhook_set(sandbox: SandboxServer, process: subprocess.Popen, url: str, log: Path) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(1200):
            if process.poll() is not None:
                raise SystemExit(f"the bot exited with code {process.returncode} before setting its webhook; "
                                 f"its log ends:\n{''.join(log.read_text().splitlines(True)[-15:])}")
            async with http.get(f"{sandbox.url}/sandbox/status") as resp:
                if (await resp.json())["webhook_url"] == url:
                    return
            await asyncio.sleep(0.05)
    raise SystemExit("the bot did not set its webhook within 60 s")


async def logged(process: subprocess.Popen, log: Path, line: str) -> None:
    while line not in log.read_text():
        if process.poll() is not None:
            raise SystemExit(f"the bot exited with code {process.returncode} before logging {line!r}")
        await asyncio.sleep(0.2)


def chibo(database_url: str, folder: str, profile: str | None = None):
    """`python -m bot run`; with `profile`, under benchmarks/profiled_chibo.py writing to that path."""
    command = ([str(ROOT / "benchmarks" / "profiled_chibo.py"), profile] if profile else ["-m", "bot", "run"])

    def start(sandbox: SandboxServer) -> tuple[subprocess.Popen, str, Path]:
        port = free_port()
        url = f"http://127.0.0.1:{port}/webhook"
        log = Path(folder) / f"chibo-{port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")}
        env |= {"CHIBO_BOT_TOKEN": SANDBOX_TOKEN, "CHIBO_API_BASE_URL": sandbox.url, "CHIBO_WEBHOOK_URL": url,
                "CHIBO_WEBHOOK_PORT": str(port), "CHIBO_DATABASE_URL": database_url,
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))}
        # The temporary folder as working directory keeps a developer's .env out of the run.
        with log.open("w") as out:
            return subprocess.Popen([sys.executable, *command], cwd=folder, env=env, stdout=out,
                                    stderr=subprocess.STDOUT), url, log
    return start


def echo(folder: str):
    def start(sandbox: SandboxServer) -> tuple[subprocess.Popen, str, Path]:
        port = free_port()
        log = Path(folder) / f"echo-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "echo_bot.py"), sandbox.url,
                                        SANDBOX_TOKEN, str(port)], cwd=folder, stdout=out, stderr=subprocess.STDOUT)
        return process, f"http://127.0.0.1:{port}/webhook", log
    return start


# -- the report ------------------------------------------------------------------------------------------------

def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}×" if b else "    -"


def report(runs: list[Run], baseline: Run, users: list[User], args: argparse.Namespace, connections: int) -> None:
    secretaries = sum("/start" in u.kinds for u in users)
    print(f"{len(users)} users ({secretaries} secretaries, {len(users) - secretaries} supervisors of "
          f"{BRANCHES_PER_SUPERVISOR} branches) on {args.branches:,} branches × {MEMBERS} members; "
          f"{baseline.seconds:g} s per bot, the bots taking turns in {args.rounds} rounds; webhook max_connections "
          f"{connections}, one update in flight per chat; sandbox send limits lifted")
    for run in runs:
        if run.answers:
            print(f"answers ({run.label}): " + " | ".join(f"{k} → {v[:34]!r}" for k, v in run.answers.items()))
            break
    print()
    print(f"{'bot':<20} {'updates/s':>9} {'p50 ms':>7} {'p99 ms':>7} | vs echo: {'upd/s':>6} {'p50':>6} {'p99':>6} | "
          f"failed unanswered | CPU ms per update: bot, bench+sandbox | machine busy")
    base = baseline.all_times()
    for run in [baseline, *runs]:
        times = run.all_times()
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        vs = (" " * 30 if run is baseline else
              f"{'':9}{ratio(run.rate, baseline.rate):>6} {ratio(p50, percentile(base, 0.5))} "
              f"{ratio(p99, percentile(base, 0.99))}")
        per_update = {name: run.cpu[name] * 1000 / max(run.completed, 1) for name in ("bot", "bench")}
        print(f"{run.label:<20} {run.rate:9.1f} {p50:7.1f} {p99:7.1f} | {vs} | {len(run.failed):>6} "
              f"{run.unanswered:>10} | {per_update['bot']:17.1f}, {per_update['bench']:13.1f} | "
              f"{run.cpu['machine'] / (os.cpu_count() * run.wall):6.0%} of {os.cpu_count()} cores")
    print()
    print(f"per question, ms: p50/p99 under load (× echo's), and p50 alone ({ALONE_SAMPLES} asked one at a time)")
    header = f"{'question':<10} {'echo p50':>8} {'p99':>6} {'alone':>6}"
    for run in runs:
        header += f" | {run.label:>16} {'n':>4} {'p50':>6} {'p99':>6} {'×p50':>6} {'×p99':>6} {'alone':>6}"
    print(header)
    for kind in KINDS:
        echo_times = baseline.times.get(kind, [])
        p50, p99 = percentile(echo_times, 0.5), percentile(echo_times, 0.99)
        line = f"{kind:<10} {p50:8.1f} {p99:6.0f} {percentile(baseline.alone[kind], 0.5):6.1f}"
        for run in runs:
            times = run.times.get(kind, [])
            line += (f" | {'':>16} {len(times):>4} {percentile(times, 0.5):6.0f} {percentile(times, 0.99):6.0f} "
                     f"{ratio(percentile(times, 0.5), p50)} {ratio(percentile(times, 0.99), p99)} "
                     f"{percentile(run.alone[kind], 0.5):6.1f}")
        print(line)
    for run in [baseline, *runs]:
        for failure in run.failed[:3]:
            print(f"{run.label}: failed {failure}")
        if run.log_errors:
            print(f"{run.label}: {len(run.log_errors)} errors in its log, the first: {run.log_errors[0]}")


# -- profiling (--profile) -------------------------------------------------------------------------------------

PROFILED = 20  # times each question is asked, one at a time, under the profiler
IDLE_SECONDS = 5.0


async def profiled_window(target: Target, path: str, window: int, asks) -> dict:
    """The statements chibo ran while `asks` ran (benchmarks/profiled_chibo.py's SIGUSR1 … SIGUSR2)."""
    target.process.send_signal(signal.SIGUSR1)
    await asyncio.sleep(0.1)
    await asks()
    await asyncio.sleep(0.1)
    target.process.send_signal(signal.SIGUSR2)
    counted = Path(f"{path}.{window}.json")
    while not counted.exists():
        await asyncio.sleep(0.05)
    return json.loads(counted.read_text())


async def profile_questions(label: str, url: str, folder: str, users: list[User], path: str) -> list[str]:
    """The profile's lines for one database: each question asked PROFILED times one at a time for its CPU
    time, then as many times under cProfile, with SQL statements and connections (sessions) per update; what
    the background jobs run while idle; the functions that took the time (the profiles are left in PATH.<n>.prof:
    1 idle, then one per question in KINDS' order)."""
    for stale in Path(path).parent.glob(f"{Path(path).name}.*"):
        stale.unlink()
    target = await start_target(label, chibo(url, folder, path), users, settled=PLANNED)
    lines = [f"== {label}: each question asked {PROFILED} times, one at a time"]
    try:
        idle = await profiled_window(target, path, 1, lambda: asyncio.sleep(IDLE_SECONDS))
        lines.append(f"idle {IDLE_SECONDS:g} s (background jobs): {sum(idle['statements'].values())} statements, "
                     f"{idle['checkouts']} connections")
        lines += [f"  {n:5} × {statement}" for statement, n in Counter(idle["statements"]).most_common(8)]
        for window, kind in enumerate(KINDS, 2):
            client, user = next((c, u) for c, u in target.pairs() if kind in u.kinds)

            async def asks(client=client, user=user, kind=kind) -> None:
                for _ in range(PROFILED):
                    await ask(client, user, kind)

            cpu = process_cpu(target.process.pid)
            await asks()
            cpu = (process_cpu(target.process.pid) - cpu) * 1000 / PROFILED
            counted = await profiled_window(target, path, window, asks)
            statements = Counter(counted["statements"])
            lines.append(f"{kind}: {cpu:.1f} ms CPU, {statements.total() / PROFILED:.1f} statements and "
                         f"{counted['checkouts'] / PROFILED:.1f} connections per update; compiled cache "
                         + ", ".join(f"{k} {v}" for k, v in counted["cache"].items()))
            lines += [f"  {n / PROFILED:5.1f} × {statement}" for statement, n in statements.most_common(14)]
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            questions = [f"{path}.{window}.prof" for window in range(2, len(KINDS) + 2)]
            pstats.Stats(*questions, stream=out).strip_dirs().sort_stats(order).print_stats(45)
            lines += [f"-- top functions by {order} time (all {len(KINDS) * PROFILED} updates)",
                      *out.getvalue().strip().splitlines()[3:]]
    finally:
        await stop(target)
    return lines


async def main_async(args: argparse.Namespace) -> None:
    targets: list[Target] = []
    with tempfile.TemporaryDirectory() as folder:
        async with contextlib.AsyncExitStack() as stack:
            sqlite_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            await populate(sqlite_url, args.branches)
            databases = [("chibo SQLite", sqlite_url)]
            if args.postgres:
                pg_url = await stack.enter_async_context(scratch_postgres(args.postgres))
                await populate(pg_url, args.branches)
                databases.append(("chibo PostgreSQL", pg_url))
            if args.profile:
                lines = []
                for label, url in databases:
                    lines += await profile_questions(label, url, folder, make_users(args.users, args.branches),
                                                     f"{args.profile}.{label.split()[-1]}")
                Path(args.profile).write_text("\n".join(lines) + "\n")
                print("\n".join(lines))
                return
            try:
                targets.append(await start_target("echo (bare aiogram)", echo(folder),
                                                  make_users(args.users, args.branches)))
                for n, (label, url) in enumerate(databases):
                    targets.append(await start_target(label, chibo(url, folder), make_users(args.users, args.branches),
                                                      sample_answers=n == 0, settled=PLANNED))
                connections = targets[-1].sandbox.state.webhook.max_connections
                for _ in range(args.rounds):  # turns, so that the machine's other load falls on every bot alike
                    for target in targets:
                        await window(target, args.seconds / args.rounds)
                for target in targets:
                    await finish(target)
            finally:
                for target in targets:
                    if not target.sandbox.state.closing:
                        await stop(target)
    report([t.run for t in targets[1:]], targets[0].run, targets[0].users, args, connections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL; a database is created beside its database")
    parser.add_argument("--seconds", type=float, default=20, help="per bot (default 20)")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--branches", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=4, help="turns the bots take (default 4)")
    parser.add_argument("--profile", metavar="FILE", help="instead of measuring, profile chibo (cProfile, SQL "
                        "statements per update) one question at a time and write the summary to FILE")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
