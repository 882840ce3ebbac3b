"""The supervisor's summary at scale: /tinhhinh's text and the chart for one supervisor of 300 branches.

Usage: uv run python benchmarks/bench_supervisor.py [--postgres URL] [--branches N] [--members N] [--samples N]
The branches are spread over every state of the review (not started, no meeting date, collecting, meeting
held, reported), each with its roster, the review's calendar steps, votes and feedback, and 20 calendar tasks.
Times, beside baselines measured in the same run:
- the text summary as the handler makes it (load the actor, read every branch, rank, render the first page),
  beside one secretary's /buoc for one branch. Target: p95 ≤ 300 ms.
- the chart (PNG) of those branches, beside saving an empty figure of the same size. Target: ≤ 1 s.
"""

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from harness import fresh_engine, timed
from sqlalchemy import insert, text

from bot.domain.review.procedure import dated_tasks, load_procedure
from bot.services.actor import load_actor
from bot.services.review_progress import progress
from bot.services.supervision import overview
from bot.services.supervision_files import CHART_DPI, CHART_SIZE, chart_pages
from handlers.supervisor import overview_text
from storage.db import create_sessionmaker
from storage.models import Branch, Membership, Person, SupervisorLink, Task
from storage.review_models import Review, ReviewFeedback, ReviewMember, ReviewTask, ReviewVote
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)
TODAY = date(2026, 11, 22)
SUPERVISOR = 1
STATES = ("none", "started", "collecting", "met", "reported")
LEVELS = ("httnv", "httnv", "httnv", "htnv", "htxsnv", "khtnv")
CALENDAR_TASKS = 20


class Rows:
    """Rows to insert, by table, with ids handed out here so that rows can refer to each other."""

    def __init__(self) -> None:
        self.tables: dict[type, list[dict]] = {}
        self.ids: dict[type, int] = {}

    def add(self, model: type, **row) -> int:
        row.setdefault("id", self.ids.get(model, 0) + 1)
        self.ids[model] = row["id"]
        self.tables.setdefault(model, []).append(row)
        return row["id"]


def branch_rows(rows: Rows, branch_id: int, members: int, state: str, rng: random.Random) -> None:
    rows.add(Branch, id=branch_id, name=f"Chi bộ Khu phố {branch_id}", created_at=NOW)
    memberships = []
    for n in range(members):
        person = rows.add(Person, full_name=f"Đảng viên {branch_id} {n}",
                          telegram_user_id=1_000_000 + branch_id * 100 + n if n == 0 else None, created_at=NOW)
        memberships.append(rows.add(Membership, branch_id=branch_id, person_id=person,
                                    role="secretary" if n == 0 else "member", status="full",
                                    admitted_on=date(2010, 1, 1), exempt=False, suspended=False, created_at=NOW))
    rows.add(SupervisorLink, branch_id=branch_id, person_id=SUPERVISOR, created_at=NOW)
    for n in range(CALENDAR_TASKS):
        due = TODAY + timedelta(days=rng.randint(-60, 60))
        rows.add(Task, branch_id=branch_id, text=f"Việc {n}", owner="Chi bộ", is_branch_task=True, start=None,
                 due=due, time_text="", done_at=NOW if rng.random() < 0.5 else None, created_at=NOW)
    if state == "none":
        return
    held = state in ("met", "reported")
    meeting = TODAY + timedelta(days=rng.randint(-10, -2) if held else rng.randint(3, 25))
    review = rows.add(Review, branch_id=branch_id, year=2026, rule_set="kh146_2014", secret_ballot=False,
                      meeting_on=None if state == "started" else meeting,
                      meeting_at=None if state == "started" else datetime.combine(meeting, datetime.min.time(), UTC),
                      meeting_started_at=NOW if held else None, meeting_ended_at=NOW if held else None,
                      branch_score=90 if held else None, started_at=NOW)
    for membership in memberships:
        rows.add(ReviewMember, review_id=review, membership_id=membership,
                 self_review="paper" if held or rng.random() < 0.5 else None, present=True if held else None,
                 residence_requested_at=NOW, residence_received_at=NOW if rng.random() < 0.6 else None,
                 meetings_missed=0, sick_leave_months=0, disciplined=False)
        if held:
            rows.add(ReviewVote, review_id=review, subject=f"member:{membership}", proposed="httnv", approve=members,
                     disapprove=0, other=0, outcome=rng.choice(LEVELS), reasons="[]", recorded_at=NOW)
    if held:
        for subject, outcome in (("committee_report", "adopted"), ("branch", "tsvm")):
            rows.add(ReviewVote, review_id=review, subject=subject, proposed=None, approve=members, disapprove=0,
                     other=0, outcome=outcome, reasons="[]", recorded_at=NOW)
    rows.add(ReviewFeedback, review_id=review, source="Hội Cựu chiến binh", kind="organisation", content="Góp ý",
             answer="Tiếp thu" if state == "reported" else None, received_at=NOW)
    if state != "started":
        for dated in dated_tasks(load_procedure(), {"meeting": meeting}):
            done = state == "reported" or (held and dated.step != "report") or rng.random() < 0.3
            task = rows.add(Task, branch_id=branch_id, text=dated.title, owner="Chi bộ", is_branch_task=True,
                            start=dated.start, due=dated.due, time_text="", done_at=NOW if done else None,
                            created_at=NOW)
            rows.add(ReviewTask, review_id=review, task_id=task, procedure_key=dated.key)


async def populate(engine, branches: int, members: int) -> None:
    rng = random.Random(7)
    rows = Rows()
    rows.add(Person, id=SUPERVISOR, full_name="Phan Văn Quang", telegram_user_id=SUPERVISOR, created_at=NOW)
    for branch_id in range(1, branches + 1):
        branch_rows(rows, branch_id, members, STATES[branch_id % len(STATES)], rng)
    await insert_rows(engine, rows)


async def insert_rows(engine, rows: Rows) -> None:
    """The generated rows in bulk, parents first."""
    async with engine.begin() as connection:
        for model in (Branch, Person, Membership, SupervisorLink, Task, Review, ReviewMember, ReviewVote,
                      ReviewFeedback, ReviewTask):
            items = rows.tables.get(model, [])
            for start in range(0, len(items), 2_000):
                await connection.execute(insert(model), items[start:start + 2_000])
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for model in rows.ids:
                table = model.__tablename__
                await connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))


async def text_summary(sessionmaker) -> int:
    async with UnitOfWork(sessionmaker) as uow:
        actor = await load_actor(uow, SUPERVISOR)
        o = await overview(uow, actor, TODAY)
        return len(overview_text(o, 0))


async def one_buoc(sessionmaker, secretary: int) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await progress(uow, await load_actor(uow, secretary))


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def spread(times: list[float]) -> str:
    return f"p50 {statistics.median(times):6.1f} ms  p95 {p95(times):6.1f} ms"


def empty_figures(pages: int) -> None:
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    for _ in range(pages):
        figure = Figure(figsize=CHART_SIZE, dpi=CHART_DPI)
        FigureCanvasAgg(figure)
        figure.savefig(io.BytesIO(), format="png")


def chart_times(o, samples: int) -> tuple[float, list[float], list[float], int]:
    started = time.perf_counter()
    pngs = chart_pages(o.branches, o.totals)  # the first one imports matplotlib and loads its fonts
    first = (time.perf_counter() - started) * 1000
    charts, empties = [], []
    for _ in range(samples):
        started = time.perf_counter()
        chart_pages(o.branches, o.totals)
        charts.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        empty_figures(len(pngs))
        empties.append((time.perf_counter() - started) * 1000)
    return first, charts, empties, sum(len(png) for png in pngs)


async def run(url: str, label: str, branches: int, members: int, samples: int) -> None:
    engine = await fresh_engine(url)
    started = time.perf_counter()
    await populate(engine, branches, members)
    loaded = time.perf_counter() - started
    sessionmaker = create_sessionmaker(engine)
    secretary = 1_000_000 + 3 * 100  # a branch collecting self-reviews
    await timed(3, lambda: text_summary(sessionmaker))  # warm the pool and caches
    summary = await timed(samples, lambda: text_summary(sessionmaker))
    baseline = await timed(samples, lambda: one_buoc(sessionmaker, secretary))
    # The same after gc.freeze(), as a long-running process does once it has started: the collector then
    # leaves the ~250,000 objects of the imported libraries alone instead of walking them every few calls.
    gc.freeze()
    frozen = await timed(samples, lambda: text_summary(sessionmaker))
    gc.unfreeze()
    async with UnitOfWork(sessionmaker) as uow:
        o = await overview(uow, await load_actor(uow, SUPERVISOR), TODAY)
    await engine.dispose()
    first, charts, empties, size = chart_times(o, max(3, samples // 4))
    print(f"{label:<11} {branches} branches × {members} members loaded in {loaded:4.1f} s")
    for name, times in (("text summary", summary), ("  gc frozen", frozen)):
        print(f"  {name:<12}  {spread(times)} | one branch's /buoc {spread(baseline)} | "
              f"ratio {statistics.median(times) / statistics.median(baseline):5.1f}× | "
              f"target p95 ≤ 300 ms: {'met' if p95(times) <= 300 else 'MISSED'}")
    print(f"  chart (PNG, {size / 1024:.0f} KiB)  {spread(charts)}  first {first:6.0f} ms (imports matplotlib) | "
          f"empty figure {spread(empties)} | target ≤ 1 s: {'met' if max(charts) <= 1000 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database may be wiped")
    parser.add_argument("--branches", type=int, default=300)
    parser.add_argument("--members", type=int, default=15)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", "SQLite", args.branches, args.members,
                        args.samples))
    if args.postgres:
        asyncio.run(run(args.postgres, "PostgreSQL", args.branches, args.members, args.samples))


if __name__ == "__main__":
    main()
