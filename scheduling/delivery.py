"""The delivery worker: claims due outbox rows, sends each at its paced slot, and settles the outcomes.

A row is committed as "sending" before its send and as "sent" right after (outcomes are written every
FLUSH_EVERY), so after a crash the only rows whose fate is unknown are those still "sending": they are sent
again and counted, and a duplicate can only come from them — the sends in flight at the crash.
Claims are made ahead, half a batch before the current one runs out, so the pace never waits for the
database. Every send passes the gate (scheduling.gate): it never starts a send the server could count over a
limit. On PostgreSQL several processes deliver at once (chats are claimed with SKIP LOCKED, the overall pace is
one locked row), and a process that falls behind its slots gives them back rather than catch up in a burst
over the others' slots; on SQLite one process delivers (`alone`), its gate sees every send, so it catches up
at the gate's pace.
"""

import asyncio
import logging
import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from bot.channels.ids import is_zalo
from bot.domain.dates import Clock
from bot.domain.reminders.pacing import MAX_ATTEMPTS, Limits, backoff, slots
from scheduling.gate import Gate
from scheduling.sender import Outcome, Result, Sender
from storage.reminder_models import FAILED, PENDING
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

CLAIM_AHEAD = timedelta(milliseconds=200)  # one claim covers this much of the overall pace
FLUSH_EVERY = timedelta(milliseconds=50)
LATE_AFTER = CLAIM_AHEAD / 2  # a send this far behind its slot is not made late, but re-slotted
ORPHAN_AFTER = timedelta(minutes=2)  # far longer than a claim waits plus a send's timeout


@dataclass
class DrainReport:
    sent: int = 0
    rate_limited: int = 0
    blocked: int = 0
    rejected: int = 0
    unknown: int = 0

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    text: str
    attempts: int
    slot: datetime


class DeliveryWorker:
    def __init__(
        self,
        uows: Callable[[], UnitOfWork],
        sender: Sender,
        limits: Limits,
        *,
        clock: Clock,
        on_blocked: Callable[[int, datetime], Awaitable[None]],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        alone: bool = False,
    ) -> None:
        self.uows = uows
        self.sender = sender
        self.limits = limits
        self.gate = Gate(limits)
        self._send_ended = asyncio.Event()
        self.clock = clock
        self.sleep = sleep
        self.on_blocked = on_blocked
        self.alone = alone
        self.id = uuid.uuid4().hex  # marks this process's claims
        self.batch = max(1, math.ceil(limits.per_second * CLAIM_AHEAD.total_seconds()))
        self.draining = False
        self._stopping = False
        # One write transaction at a time per process: two would make SQLite's busy handler sleep in steps
        # of milliseconds, and the pace with it.
        self._writing = asyncio.Lock()
        self._outcomes: list[tuple[Claimed, Result, datetime]] = []
        self._flushed_at = clock()

    async def recover(self, *, everything: bool = False) -> int:
        """Puts rows orphaned "sending" by a dead process back to pending. `everything`: all such rows —
        right at start-up on SQLite, where no other process delivers."""
        async with self._writing, self.uows() as uow:
            count = await uow.reminders.recover(None if everything else self.clock() - ORPHAN_AFTER)
            await uow.commit()
        if count:
            log.warning("reminders: %d sends were in flight when a delivery process stopped; sending again", count)
        return count

    async def drain(self) -> DrainReport:
        """Sends everything that is due and whose chat may get a message now; returns when nothing is."""
        self.draining = True
        report = DrainReport()
        in_flight: set[asyncio.Task] = set()
        try:
            await self.recover()
            claim: asyncio.Task | None = asyncio.create_task(self._claim())
            while batch := await claim:
                claim, started = None, 0
                for row in batch:
                    if self._stopping:
                        break
                    if claim is None and started >= len(batch) // 2:  # the next batch, before this runs out
                        claim = asyncio.create_task(self._claim())
                    await self._sleep_until(row.slot)
                    await self._pass_gate(row.chat_id)
                    if not self.alone and self.clock() - row.slot > LATE_AFTER:
                        # This process fell behind (a busy CPU): sending the backlog now would burst past the
                        # limit, so it goes back to the queue and the next claim takes fresh slots.
                        await self._release(batch[started:])
                        break
                    self.gate.start(row.chat_id)
                    task = asyncio.create_task(self._send(row))
                    in_flight.add(task)
                    task.add_done_callback(in_flight.discard)
                    started += 1
                    if self._outcomes and self.clock() - self._flushed_at >= FLUSH_EVERY:
                        await self._flush(report)
                if self._stopping:  # claimed but not started: back to the queue, not "in flight"
                    await self._release(batch[started:] + (await claim if claim else []))
                    break
                claim = claim or asyncio.create_task(self._claim())
            await asyncio.gather(*in_flight)
            await self._flush(report)
        finally:
            self.draining = self._stopping = False
        if report:
            log.info("reminders: %s", report)
        return report

    async def stop(self) -> None:
        """Ends a running drain: sends already started finish and are settled, claimed ones go back."""
        if self.draining:
            self._stopping = True
            while self.draining:
                await asyncio.sleep(0.01)

    async def _release(self, rows: list[Claimed]) -> None:
        async with self._writing, self.uows() as uow:
            await uow.reminders.settle([{"id": row.id, "status": PENDING, "attempts": row.attempts - 1}
                                        for row in rows])
            await uow.commit()

    async def _claim(self) -> list[Claimed]:
        now = self.clock()
        async with self._writing, self.uows() as uow:
            rows = await uow.reminders.claim(now, self.batch, self.id)
            if not rows:
                return []
            pace = await uow.reminders.reserve(now)
            intervals = [self.limits.interval(zalo=is_zalo(row.chat_id)) for row in rows]
            times = slots(pace.next_at, now, intervals)
            pace.next_at = times[-1] + intervals[-1]
            await uow.reminders.pace_chats({
                row.chat_id: at + self.limits.chat_interval(row.chat_id, zalo=is_zalo(row.chat_id))
                for row, at in zip(rows, times, strict=True)})
            await uow.commit()
        return [Claimed(row.id, row.chat_id, row.text, row.attempts, at) for row, at in zip(rows, times, strict=True)]

    async def _sleep_until(self, moment: datetime) -> None:
        delay = (moment - self.clock()).total_seconds()
        if delay > 0:
            await self.sleep(delay)

    async def _pass_gate(self, chat_id: int) -> None:
        """Waits until the gate lets a send to this chat start (see scheduling.gate)."""
        while (wait := self.gate.wait(chat_id, self.clock())) != timedelta(0):
            if wait is None:
                self._send_ended.clear()
                await self._send_ended.wait()
            else:
                await self.sleep(wait.total_seconds())

    async def _send(self, row: Claimed) -> None:
        try:
            result = await self.sender.send(row.chat_id, row.text)
        finally:
            self.gate.end(row.chat_id, self.clock())
            self._send_ended.set()
        self._outcomes.append((row, result, self.clock()))

    async def _flush(self, report: DrainReport) -> None:
        outcomes, self._outcomes = self._outcomes, []
        now = self._flushed_at = self.clock()
        if not outcomes:
            return
        sent, changes, paused, blocked = [], [], {}, []
        for row, result, at in outcomes:
            if result.outcome == Outcome.SENT:
                sent.append(row.id)
                report.sent += 1
            elif result.outcome == Outcome.RETRY_AFTER:
                # Only this chat waits; the rest of the queue goes on.
                paused[row.chat_id] = at + timedelta(seconds=result.retry_after)
                changes.append(_retry(row, paused[row.chat_id], result))
                report.rate_limited += 1
            elif result.outcome == Outcome.UNKNOWN and row.attempts < MAX_ATTEMPTS:
                changes.append(_retry(row, at + backoff(row.attempts), result))
                report.unknown += 1
            elif result.outcome == Outcome.BLOCKED:
                blocked.append(row.id)
                report.blocked += 1
            else:
                changes.append({"id": row.id, "status": FAILED, "last_error": result.error[:200]})
                report.rejected += 1
        async with self._writing, self.uows() as uow:
            await uow.reminders.mark_sent(sent, now, self.id)
            await uow.reminders.settle(changes)
            await uow.reminders.pace_chats(paused)
            await uow.commit()
        for reminder_id in blocked:
            await self.on_blocked(reminder_id, now)


def _retry(row: Claimed, at: datetime, result: Result) -> dict:
    return {"id": row.id, "status": PENDING, "send_at": at, "last_error": result.error[:200]}
