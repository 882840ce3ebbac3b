"""The marks of handled updates (each update handled once, per bot): forgotten after a day by the scheduler's job;
the marks from before they were kept per bot hold for every bot until then."""

from datetime import timedelta

from aiogram.utils.token import extract_bot_id
from sqlalchemy import select

from bot.app import SANDBOX_TOKEN
from bot.config import Settings
from scheduling import jobs
from scheduling.runtime import Runtime, install, uninstall
from storage.runtime_models import LEGACY_BOT_ID, HandledUpdate
from tests.helpers import ANOTHER_BOT, NOW

BOT_ID = extract_bot_id(SANDBOX_TOKEN)


async def test_handled_updates_are_forgotten_after_24_hours(engine, uow_factory):
    async with uow_factory() as uow:
        for update_id, hours in ((1, 30), (2, 25), (3, 23), (4, 1)):
            await uow.runtime.mark_handled(BOT_ID, update_id, NOW - timedelta(hours=hours))
        await uow.commit()
    runtime = Runtime(uow_factory, Settings(_env_file=None), None, lambda: NOW)
    install(runtime)
    try:
        await jobs.forget_handled_updates()
    finally:
        uninstall(runtime)
    async with engine.connect() as connection:
        kept = (await connection.scalars(select(HandledUpdate.update_id).order_by(HandledUpdate.update_id))).all()
    assert kept == [3, 4]


async def test_marks_from_before_they_were_kept_per_bot_count_for_every_bot(uow_factory):
    """Migration 0013 keeps the day's marks under bot 0: until forgotten they hold for any bot; the sandbox
    starts after the highest mark of its bot (and of bot 0)."""
    other = extract_bot_id(ANOTHER_BOT)
    async with uow_factory() as uow:
        await uow.runtime.mark_handled(LEGACY_BOT_ID, 7, NOW)
        await uow.runtime.mark_handled(BOT_ID, 9, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.runtime.was_handled(BOT_ID, 7) and await uow.runtime.was_handled(other, 7)
        assert await uow.runtime.was_handled(BOT_ID, 9) and not await uow.runtime.was_handled(other, 9)
        assert (await uow.runtime.last_handled(BOT_ID), await uow.runtime.last_handled(other)) == (9, 7)
