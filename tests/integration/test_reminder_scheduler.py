"""The scheduler as `chibo run` starts it: jobs by import path, fixed ids, re-added on every start; every
branch planned in the background while updates are answered and due reminders delivered (issue 16.2), and a
pass in flight at stop ended between two branches."""

import asyncio
import contextlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.app import SANDBOX_TOKEN, create_bot, utc_now
from bot.config import Settings
from bot.runner import run
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import start_sandbox
from bot.services import calendar, onboarding, reminders
from bot.services.actor import load_actor
from scheduling import runtime
from storage.db import create_sessionmaker
from storage.reminder_models import Reminder, ReplanRequest
from tests.helpers import NOW, free_port

TASK = "Nộp báo cáo kiểm điểm cho Đảng ủy"
SECRETARY = 501
# What a task due in five days brings its secretary: 3 days and 1 day before, on the day, the day after.
TASK_REMINDERS = [f"Còn 3 ngày: {TASK}", f"Ngày mai: {TASK}", f"Hôm nay: {TASK}", f"Quá hạn 1 ngày: {TASK}"]


async def branch_with_a_task(uow_factory, user_id: int, now: datetime, settings: Settings) -> int:
    """A branch whose secretary uses the bot, with a task due in five days; not planned yet."""
    async with uow_factory() as uow:
        await onboarding.create_branch(uow, telegram_user_id=user_id, full_name="Nguyễn Thị Lan",
                                       branch_name="Chi bộ Khu phố 7", superior_unit=None, now=now)
    async with uow_factory() as uow:
        actor = await load_actor(uow, user_id)
        due = now.astimezone(settings.tz).date() + timedelta(days=5)
        await calendar.add_task(uow, actor, text=TASK, start=None, due=due, now=now)
    async with uow_factory() as uow:  # the re-plan job of the run before took its requests: only a pass plans it
        await uow.session.execute(delete(ReplanRequest).where(ReplanRequest.branch_id == actor.home.branch_id))
        await uow.commit()
    return actor.home.branch_id


async def task_reminders(uow_factory, branch_id: int) -> list[tuple[int, str]]:
    async with uow_factory() as uow:
        found = await uow.session.execute(select(Reminder.id, Reminder.subject).where(
            Reminder.branch_id == branch_id, Reminder.source == "task").order_by(Reminder.send_at))
        return [tuple(row) for row in found]


async def until(check, within: float = 30.0) -> None:
    async with asyncio.timeout(within):
        while not await check():
            await asyncio.sleep(0.05)


async def test_jobs_are_referenced_by_import_path_under_fixed_ids(engine, db_url):
    sandbox = await start_sandbox(port=0)
    bot = create_bot(SANDBOX_TOKEN, sandbox.url)
    settings = Settings(_env_file=None, database_url=db_url)
    try:
        for _ in range(2):  # a restart schedules the very same jobs
            scheduler = await runtime.start(settings, create_sessionmaker(engine), bot, lambda: NOW)
            try:
                assert runtime.current().settings is settings
                jobs = {job.id: (job.func_ref, job.trigger.interval, job.args, job.kwargs)
                        for job in scheduler.get_jobs()}
            finally:
                await runtime.stop(scheduler)
            assert jobs == {
                "reminders.deliver": ("scheduling.jobs:deliver", timedelta(seconds=1), (), {}),
                "reminders.replan": ("scheduling.jobs:replan_requested", timedelta(seconds=2), (), {}),
                "reminders.plan": ("scheduling.jobs:plan_all", timedelta(hours=1), (), {}),
                "updates.forget": ("scheduling.jobs:forget_handled_updates", timedelta(hours=1), (), {}),
            }
    finally:
        await bot.session.close()
        await sandbox.stop()


class Gate:
    """Holds a planning pass before its next branch until opened; tells when a pass has come to it."""

    def __init__(self) -> None:
        self.reached, self.opened = asyncio.Event(), asyncio.Event()

    async def __call__(self) -> None:
        self.reached.set()
        await self.opened.wait()


async def test_a_restart_answers_and_delivers_while_every_branch_is_still_being_planned(engine, db_url, uow_factory):
    sandbox = await start_sandbox(port=0)
    settings = Settings(_env_file=None, database_url=db_url, bot_token=SANDBOX_TOKEN, api_base_url=sandbox.url,
                        webhook_port=free_port(), quiet_hours="00:00-00:00")
    now = utc_now()  # `chibo run`'s own clock
    branch_id = await branch_with_a_task(uow_factory, SECRETARY, now, settings)
    async with uow_factory() as uow:  # this month's digest, asked for just before the restart: due at once
        [due_at] = await reminders.digest_now(uow, branch_id, now, settings)
    assert due_at == now
    gate = Gate()
    async with SandboxClient(sandbox.url) as tg:
        asked = await tg.send(SECRETARY, "/nhacviec", wait=False)  # waiting when the bot comes back
        chibo = asyncio.create_task(run(settings, plan_gate=gate))
        try:
            await asyncio.wait([chibo, asyncio.ensure_future(gate.reached.wait())],
                               return_when=asyncio.FIRST_COMPLETED)
            assert not chibo.done(), chibo.exception()
            # The start-up pass is held before its first branch, and yet:
            await tg.wait(asked)
            overview = await tg.last_text(SECRETARY)
            assert "Giờ yên tĩnh: không dùng" in overview and TASK not in overview, overview

            async def digest_arrived() -> bool:
                return any(m["text"].startswith("📅 Việc") and "Chi bộ Khu phố 7" in m["text"]
                           for m in await tg.messages(SECRETARY))
            await until(digest_arrived)
            assert await task_reminders(uow_factory, branch_id) == []  # still not planned

            gate.opened.set()
            assert await runtime.current().planning.wait() == 1
            planned = await task_reminders(uow_factory, branch_id)
            assert [subject for _, subject in planned] == TASK_REMINDERS
            assert await runtime.current().planning.run() == 1  # the hourly pass after it adds nothing
            assert await task_reminders(uow_factory, branch_id) == planned

            await tg.send(SECRETARY, "/nhacviec")
            overview = await tg.last_text(SECRETARY)
            assert [overview.count(line) for line in TASK_REMINDERS] == [1, 1, 1, 1], overview
            digests = [m for m in await tg.messages(SECRETARY) if m["text"].startswith("📅 Việc")]
            assert len(digests) == 1
        finally:
            chibo.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chibo
            await sandbox.stop()


async def test_stop_ends_a_planning_pass_between_two_branches(engine, db_url, uow_factory):
    """Stopped while the second of three branches is being planned: that branch is committed whole, the third
    is left to the next start, which plans it and adds nothing to the first two."""
    sandbox = await start_sandbox(port=0)
    bot = create_bot(SANDBOX_TOKEN, sandbox.url)
    settings = Settings(_env_file=None, database_url=db_url)
    branches = [await branch_with_a_task(uow_factory, SECRETARY + n, NOW, settings) for n in range(3)]
    stopping: list[asyncio.Task] = []
    asked_to_stop = asyncio.Event()

    async def stop_during_the_second_branch() -> None:
        if not stopping and await task_reminders(uow_factory, branches[0]):
            stopping.append(asyncio.create_task(runtime.stop(scheduler)))  # runs while the branch is planned
            asked_to_stop.set()

    try:
        scheduler = await runtime.start(settings, create_sessionmaker(engine), bot, lambda: NOW,
                                        plan_gate=stop_during_the_second_branch)
        await asked_to_stop.wait()
        await stopping[0]
        first, second = [await task_reminders(uow_factory, b) for b in branches[:2]]
        assert [subject for _, subject in first] == [subject for _, subject in second] == TASK_REMINDERS
        assert await task_reminders(uow_factory, branches[2]) == []

        scheduler = await runtime.start(settings, create_sessionmaker(engine), bot, lambda: NOW)
        try:
            assert await runtime.current().planning.wait() == 3
        finally:
            await runtime.stop(scheduler)
        assert [await task_reminders(uow_factory, b) for b in branches[:2]] == [first, second]
        assert [s for _, s in await task_reminders(uow_factory, branches[2])] == TASK_REMINDERS
    finally:
        await bot.session.close()
        await sandbox.stop()
