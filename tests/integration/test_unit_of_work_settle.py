"""An update's unit of work settles with the handled-once mark and what the handler kept with commit(), and
nothing it did without commit(): rows flushed, a bulk DELETE, an object added or changed but not flushed. An
update that only read commits its mark in the transaction it read in; one that wrote is rolled back first."""

from datetime import UTC, datetime, timedelta

import pytest

from storage.models import Branch
from storage.uow import UnitOfWork

BOT = 7
NOW = datetime(2026, 12, 2, 8, tzinfo=UTC)


async def seeded(sessionmaker) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        uow.branches.add(Branch(id=1, name="Chi bộ Khu phố 1", created_at=NOW))
        await uow.runtime.mark_handled(BOT, 1, NOW - timedelta(hours=1))  # an earlier update's mark
        await uow.commit()


async def handle(sessionmaker, update_id: int, handler) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        uow.handling(BOT, update_id, NOW)
        await handler(uow)
        await uow.settle()


async def reads(uow: UnitOfWork) -> None:
    assert (await uow.branches.get(1)).name == "Chi bộ Khu phố 1"


async def adds_and_flushes(uow: UnitOfWork) -> None:
    uow.branches.add(Branch(id=2, name="Chi bộ Khu phố 2", created_at=NOW))
    await uow.flush()


async def adds(uow: UnitOfWork) -> None:
    uow.branches.add(Branch(id=2, name="Chi bộ Khu phố 2", created_at=NOW))


async def renames(uow: UnitOfWork) -> None:
    (await uow.branches.get(1)).name = "Đổi tên"


async def deletes_in_bulk(uow: UnitOfWork) -> None:
    await uow.runtime.forget_handled_before(NOW + timedelta(days=1))  # a DELETE statement, no ORM object


async def keeps_one_and_flushes_another(uow: UnitOfWork) -> None:
    uow.branches.add(Branch(id=3, name="Chi bộ Khu phố 3", created_at=NOW))
    await uow.commit()  # kept
    await adds_and_flushes(uow)  # not kept


@pytest.mark.parametrize("handler", [reads, adds_and_flushes, adds, renames, deletes_in_bulk,
                                     keeps_one_and_flushes_another])
async def test_the_mark_and_what_was_kept_are_stored_and_nothing_else(sessionmaker, handler):
    await seeded(sessionmaker)
    await handle(sessionmaker, 2, handler)
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.runtime.was_handled(BOT, 2)
        assert await uow.runtime.was_handled(BOT, 1)  # the bulk DELETE was not kept
        assert (await uow.branches.get(1)).name == "Chi bộ Khu phố 1"
        assert await uow.branches.get(2) is None
        assert (await uow.branches.get(3) is not None) == (handler is keeps_one_and_flushes_another)
