"""The scheduler as `chibo run` starts it: jobs by import path, fixed ids, re-added on every start."""

from datetime import timedelta

from bot.app import SANDBOX_TOKEN, create_bot
from bot.config import Settings
from bot.sandbox.server import start_sandbox
from scheduling import runtime
from storage.db import create_sessionmaker
from tests.conftest import NOW


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
