"""Dialog steps inside an update are read once from the database and then from the unit of work: what the
update wrote is what it reads back, and the next update reads what the last one committed (no stale state)."""

from datetime import UTC, datetime
from itertools import count

from aiogram.fsm.storage.base import StorageKey

from storage.dialogs import DialogStorage
from storage.uow import UnitOfWork, current_uow

KEY = StorageKey(bot_id=1, chat_id=501, user_id=501)
UPDATE_IDS = count(1)


async def in_update(sessionmaker, steps):
    """Runs `steps` as an update's handler would: inside a unit of work marked handling, settled after."""
    async with UnitOfWork(sessionmaker) as uow:
        uow.handling(1, next(UPDATE_IDS), datetime.now(UTC))
        token = current_uow.set(uow)
        try:
            result = await steps()
        finally:
            current_uow.reset(token)
        await uow.settle()
    return result


async def test_an_update_reads_back_what_it_wrote_and_the_next_reads_what_it_committed(sessionmaker):
    storage = DialogStorage(sessionmaker)

    async def first():
        seen = [await storage.get_state(KEY)]  # nothing stored yet: read (and remembered) as no state
        await storage.set_state(KEY, "roster:paste")
        await storage.set_data(KEY, {"page": 1})
        seen += [await storage.get_state(KEY), await storage.get_data(KEY)]
        return seen

    assert await in_update(sessionmaker, first) == [None, "roster:paste", {"page": 1}]

    async def second():
        data = await storage.get_data(KEY)
        data["page"] = 99  # a caller's copy: the stored steps do not change with it
        seen = [await storage.get_state(KEY), await storage.get_data(KEY)]
        await storage.set_data(KEY, {"page": 2})
        return [*seen, await storage.get_data(KEY)]

    assert await in_update(sessionmaker, second) == ["roster:paste", {"page": 1}, {"page": 2}]

    async def third():
        seen = [await storage.get_state(KEY), await storage.get_data(KEY)]
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
        return [*seen, await storage.get_state(KEY)]

    assert await in_update(sessionmaker, third) == ["roster:paste", {"page": 2}, None]
    # Outside an update the storage reads the database itself: the finished dialog left nothing.
    assert (await storage.get_state(KEY), await storage.get_data(KEY)) == (None, {})


async def test_a_state_written_outside_the_update_after_it_began_is_seen_by_the_next(sessionmaker):
    storage = DialogStorage(sessionmaker)

    async def reads():
        return await storage.get_state(KEY)

    assert await in_update(sessionmaker, reads) is None
    await storage.set_state(KEY, "plan:upload")  # outside any update: its own session, committed
    assert await in_update(sessionmaker, reads) == "plan:upload"
