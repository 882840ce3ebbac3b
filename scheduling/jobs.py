"""The scheduler's jobs, referenced by import path ("scheduling.jobs:deliver"): no arguments, everything
they need comes from the installed runtime."""

from datetime import timedelta

from bot.services import reminders, weekly
from scheduling.runtime import current

# Telegram gives up redelivering an update within a day, so a day of handled update ids is enough.
HANDLED_UPDATES_KEPT = timedelta(hours=24)


async def deliver() -> None:
    worker = current().worker
    if not worker.draining:  # a drain may outlast the interval; the next starts when it is done
        await worker.drain()


async def replan_requested() -> None:
    runtime = current()
    await reminders.replan_requested(runtime.uows, runtime.clock(), runtime.settings)


async def plan_all() -> None:
    runtime = current()
    if await runtime.planning.run() is None:  # failed (logged) or stopped
        return
    await weekly.plan_weekly(runtime.uows, runtime.clock(), runtime.settings)


async def forget_handled_updates() -> None:
    runtime = current()
    async with runtime.uows() as uow:
        await uow.runtime.forget_handled_before(runtime.clock() - HANDLED_UPDATES_KEPT)
        await uow.commit()
