"""Updates take turns (handlers/middlewares.Turns): so many at work at once, the next in a freed turn, and one kept
waiting past the patience goes ahead without one."""

import asyncio

from handlers.middlewares import Turns


async def test_at_most_so_many_updates_are_at_work_and_the_others_take_freed_turns():
    turns = Turns(2, patience=60)
    at_work, most, finished = 0, 0, []
    go_on = asyncio.Event()

    async def update(n: int) -> None:
        nonlocal at_work, most
        async with turns.take():
            at_work += 1
            most = max(most, at_work)
            await go_on.wait()
            at_work -= 1
            finished.append(n)

    updates = [asyncio.create_task(update(n)) for n in range(5)]
    await asyncio.sleep(0.01)
    assert at_work == 2  # the other three wait their turn
    go_on.set()
    await asyncio.gather(*updates)
    assert most == 2 and finished == [0, 1, 2, 3, 4]  # in the order they came


async def test_an_update_kept_waiting_past_the_patience_goes_ahead_and_takes_no_turn_from_the_count():
    turns = Turns(1, patience=0.05)
    held, go_on = asyncio.Event(), asyncio.Event()

    async def long_one() -> None:
        async with turns.take():
            held.set()
            await go_on.wait()

    long_task = asyncio.create_task(long_one())
    await held.wait()
    async with turns.take():  # the only turn is held: this one goes ahead after its patience
        assert not go_on.is_set() and not long_task.done()
    go_on.set()
    await long_task
    # The one that went ahead gave back no turn it did not take: one turn still, one update at work.
    first, second = asyncio.Event(), asyncio.Event()

    async def after(entered: asyncio.Event, leave: asyncio.Event) -> None:
        async with turns.take():
            entered.set()
            await leave.wait()

    leave = asyncio.Event()
    a = asyncio.create_task(after(first, leave))
    b = asyncio.create_task(after(second, leave))
    await first.wait()
    await asyncio.sleep(0.01)
    assert not second.is_set()  # within the patience, the second waits for the turn
    leave.set()
    await asyncio.gather(a, b)
    assert second.is_set()
