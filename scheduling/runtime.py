"""Reminders at run time: the APScheduler that plans and delivers, and what its jobs need.

Jobs are referenced by import path ("scheduling.jobs:deliver"), take no arguments (ids at most) and have
fixed ids. They live in APScheduler's memory job store, re-added at every start-up with replace_existing:
the outbox rows are the durable state, and the jobs are only timers over them, so persisting the
scheduler would add nothing — APScheduler 3's SQLAlchemy job store would also need a second, synchronous
database driver beside asyncpg/aiosqlite.

Start-up does not wait for planning: delivery and updates start at once, and a pass over every branch runs
in the background (re-planning only rolls the horizon forward; what was due is in the outbox already, and
keys are deterministic, so a pass that overlaps the hourly one or an on-change re-plan adds nothing twice).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.domain.dates import Clock
from bot.services import reminders
from scheduling.delivery import DeliveryWorker
from scheduling.sender import BotSender, Sender
from storage.uow import UnitOfWork

# (job function, job id, interval)
JOBS = (
    ("scheduling.jobs:deliver", "reminders.deliver", {"seconds": 1}),
    ("scheduling.jobs:replan_requested", "reminders.replan", {"seconds": 2}),
    ("scheduling.jobs:plan_all", "reminders.plan", {"hours": 1}),
    ("scheduling.jobs:forget_handled_updates", "updates.forget", {"hours": 1}),
)


log = logging.getLogger(__name__)

Gate = Callable[[], Awaitable[None]]


class Stopped(Exception):
    """Raised between two branches to end a planning pass that stop() was asked for."""


class Planning:
    """Passes over every branch (at start-up and hourly) that give the event loop back to updates and
    deliveries between two branches, and that stop() ends between two branches, so none leaves a half
    transaction. One pass at a time: a pass asked for while one runs joins it. `gate`, awaited before each
    branch, holds a pass back (tests, benchmarks)."""

    def __init__(self, uows: Callable[[], UnitOfWork], settings: Settings, clock: Clock,
                 gate: Gate | None = None):
        self._uows, self._settings, self._clock, self._gate = uows, settings, clock, gate
        self._pass: asyncio.Task[int | None] | None = None
        self._between = False  # no branch being planned: the pass may be cancelled where it stands
        self._stopping = False

    def start(self) -> None:
        """A pass in the background, unless one is running (or planning is stopped)."""
        if not self._stopping and (self._pass is None or self._pass.done()):
            self._pass = asyncio.create_task(self._run(), name="reminders.plan_all")

    async def run(self) -> int | None:
        """A pass, awaited: how many branches it planned; None when it failed or was stopped. Cancelling the
        caller (the scheduler's shutdown) leaves the pass to stop()."""
        self.start()
        return await self.wait()

    async def wait(self) -> int | None:
        """The pass in progress, awaited (None at once when there is none)."""
        if (running := self._pass) is None:
            return None
        await asyncio.wait([running])  # cancelling the caller does not cancel the pass
        return None if running.cancelled() else running.result()

    async def stop(self) -> None:
        """Ends a pass in flight: the branch being planned is committed, the rest is left to the next start."""
        self._stopping = True
        if self._pass is None or self._pass.done():
            return
        if self._between:
            self._pass.cancel()
        await self.wait()

    async def _run(self) -> int | None:
        started = time.perf_counter()
        try:
            planned = await reminders.plan_all(self._uows, self._clock(), self._settings, between=self._next_branch)
        except Stopped:
            return None
        except Exception:
            log.exception("planning the reminders failed; the next pass tries again")
            return None
        log.info("reminders of %d branches planned in %.0f ms", planned, (time.perf_counter() - started) * 1000)
        return planned

    async def _next_branch(self) -> None:
        if self._stopping:
            raise Stopped
        self._between = True
        try:
            await asyncio.sleep(0)  # an update or a delivery waiting gets its turn
            if self._gate is not None:
                await self._gate()
        finally:
            self._between = False
        if self._stopping:
            raise Stopped


@dataclass(frozen=True)
class Runtime:
    uows: Callable[[], UnitOfWork]
    settings: Settings
    worker: DeliveryWorker
    clock: Clock
    plan_gate: Gate | None = None

    @cached_property  # made on first use (cached_property writes the instance's __dict__, frozen or not)
    def planning(self) -> Planning:
        return Planning(self.uows, self.settings, self.clock, self.plan_gate)


_current: list[Runtime] = []


def current() -> Runtime:
    if not _current:
        raise RuntimeError("reminders are not running: scheduling.runtime.start() was not called")
    return _current[-1]


def build(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], sender: Sender, *,
          clock: Clock, sleep: Callable[[float], Awaitable[None]] | None = None,
          plan_gate: Gate | None = None) -> Runtime:
    def uows() -> UnitOfWork:
        return UnitOfWork(sessionmaker)

    async def on_blocked(reminder_id: int, now: datetime) -> None:
        async with uows() as uow:
            await reminders.mark_unreachable(uow, reminder_id, now, settings)

    extra = {"sleep": sleep} if sleep else {}
    worker = DeliveryWorker(uows, sender, settings.limits, clock=clock, on_blocked=on_blocked,
                            alone=settings.is_sqlite, **extra)
    return Runtime(uows, settings, worker, clock, plan_gate)


def install(runtime: Runtime) -> None:
    _current.append(runtime)


def uninstall(runtime: Runtime) -> None:
    _current.remove(runtime)


async def start(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], bot: Bot,
                clock: Clock, *, plan_gate: Gate | None = None) -> AsyncIOScheduler:
    """Recovers interrupted sends and schedules the jobs; every branch is planned in the background, so what
    is due is delivered (and updates answered) while planning goes on."""
    runtime = build(settings, sessionmaker, BotSender(bot, settings.send_timeout), clock=clock, plan_gate=plan_gate)
    install(runtime)
    # On SQLite one process delivers, so whatever it left "sending" is in flight from before its restart.
    await runtime.worker.recover(everything=settings.is_sqlite)
    # A run every second would log two INFO lines a second.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=UTC)
    for func, job_id, every in JOBS:
        # One drain at a time: jobs.deliver returns at once while a long drain is still running, so the
        # second instance allowed here is never refused with a warning.
        scheduler.add_job(func, "interval", id=job_id, replace_existing=True, coalesce=True,
                          max_instances=2 if job_id == "reminders.deliver" else 1, **every)
    scheduler.start()
    runtime.planning.start()
    return scheduler


async def stop(scheduler: AsyncIOScheduler) -> None:
    """Ends a planning pass between two branches, lets a running drain settle its sends (unsent claims go
    back to the queue), then stops the jobs."""
    scheduler.pause()
    await current().planning.stop()
    await current().worker.stop()
    scheduler.shutdown(wait=False)
    uninstall(current())
