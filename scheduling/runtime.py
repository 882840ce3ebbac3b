"""Reminders at run time: the APScheduler that plans and delivers, and what its jobs need.

Jobs are referenced by import path ("scheduling.jobs:deliver"), take no arguments (ids at most) and have
fixed ids. They live in APScheduler's memory job store, re-added at every start-up with replace_existing:
the outbox rows are the durable state, and the jobs are only timers over them, so persisting the
scheduler would add nothing — APScheduler 3's SQLAlchemy job store would also need a second, synchronous
database driver beside asyncpg/aiosqlite.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
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


@dataclass(frozen=True)
class Runtime:
    uows: Callable[[], UnitOfWork]
    settings: Settings
    worker: DeliveryWorker
    clock: Callable[[], datetime]


_current: list[Runtime] = []


def current() -> Runtime:
    if not _current:
        raise RuntimeError("reminders are not running: scheduling.runtime.start() was not called")
    return _current[-1]


def build(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], sender: Sender, *,
          clock: Callable[[], datetime], sleep: Callable[[float], Awaitable[None]] | None = None) -> Runtime:
    def uows() -> UnitOfWork:
        return UnitOfWork(sessionmaker)

    async def on_blocked(reminder_id: int, now: datetime) -> None:
        async with uows() as uow:
            await reminders.mark_unreachable(uow, reminder_id, now, settings)

    extra = {"sleep": sleep} if sleep else {}
    worker = DeliveryWorker(uows, sender, settings.limits, clock=clock, on_blocked=on_blocked,
                            alone=settings.is_sqlite, **extra)
    return Runtime(uows, settings, worker, clock)


def install(runtime: Runtime) -> None:
    _current.append(runtime)


def uninstall(runtime: Runtime) -> None:
    _current.remove(runtime)


async def start(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], bot: Bot,
                clock: Callable[[], datetime]) -> AsyncIOScheduler:
    """Recovers interrupted sends, plans once, then schedules the jobs."""
    runtime = build(settings, sessionmaker, BotSender(bot, settings.send_timeout), clock=clock)
    install(runtime)
    # On SQLite one process delivers, so whatever it left "sending" is in flight from before its restart.
    await runtime.worker.recover(everything=settings.is_sqlite)
    await reminders.plan_all(runtime.uows, clock(), settings)
    # A run every second would log two INFO lines a second.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=UTC)
    for func, job_id, every in JOBS:
        # One drain at a time: jobs.deliver returns at once while a long drain is still running, so the
        # second instance allowed here is never refused with a warning.
        scheduler.add_job(func, "interval", id=job_id, replace_existing=True, coalesce=True,
                          max_instances=2 if job_id == "reminders.deliver" else 1, **every)
    scheduler.start()
    return scheduler


async def stop(scheduler: AsyncIOScheduler) -> None:
    """Lets a running drain settle its sends (unsent claims go back to the queue), then stops the jobs."""
    scheduler.pause()
    await current().worker.stop()
    scheduler.shutdown(wait=False)
    uninstall(current())
