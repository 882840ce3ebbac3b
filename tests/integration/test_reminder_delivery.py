"""Delivery through the sandbox's Bot API, with a controllable clock: pacing, 429, 403, timeouts, a crash,
two delivery processes. SQLite and PostgreSQL."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from bot.app import SANDBOX_TOKEN, create_bot
from bot.config import Settings
from bot.domain.reminders.pacing import BACKOFF_MAX, MAX_ATTEMPTS
from bot.sandbox.server import start_sandbox
from bot.sandbox.traffic import Fault, Limits
from scheduling import runtime
from scheduling.sender import BotSender, Result
from storage.models import Branch, Membership, Person
from storage.reminder_models import CANCELLED, FAILED, PENDING, SENDING, SENT, Reminder, ReminderPrefs
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 25, 3, tzinfo=UTC)  # 10:00 in Hà Nội
SECRETARY, MEMBER_A, MEMBER_B, NEVER_STARTED = 601, 602, 603, 699


@dataclass
class FakeTime:
    """The worker's clock: it moves only when the worker sleeps, and only once the sends in flight have come back
    (a send takes no time on it), so pacing is exact and instant however long the sandbox takes to answer."""

    now: datetime = NOW
    sending: int = 0  # sends in flight (Recording counts them)

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        while self.sending:
            await asyncio.sleep(0.001)
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


@dataclass
class Recording:
    """A sender that notes when (on the fake clock) each send started."""

    inner: BotSender
    clock: FakeTime
    sends: list[tuple[float, int]] = field(default_factory=list)

    async def send(self, chat_id: int, text: str) -> Result:
        self.sends.append(((self.clock() - NOW).total_seconds(), chat_id))
        self.clock.sending += 1
        try:
            return await self.inner.send(chat_id, text)
        finally:
            self.clock.sending -= 1


@pytest.fixture
async def sandbox():
    server = await start_sandbox("127.0.0.1", 0)
    for user_id in (SECRETARY, MEMBER_A, MEMBER_B):  # they pressed /start once
        server.state.open_chat(server.state.user(user_id))
    yield server
    await server.stop()


@pytest.fixture
async def bot(sandbox):
    bot = create_bot(SANDBOX_TOKEN, sandbox.url)
    yield bot
    await bot.session.close()


@pytest.fixture
async def branch(uow_factory) -> int:
    async with uow_factory() as uow:
        branch = Branch(name="Chi bộ Khu phố 7", created_at=NOW)
        uow.branches.add(branch)
        for user_id, name, role in ((SECRETARY, "Nguyễn Thị Lan", "secretary"), (MEMBER_A, "Trần Văn Minh", "member"),
                                    (MEMBER_B, "Lê Thị Hà", "member"), (NEVER_STARTED, "Phạm Văn Đức", "member")):
            uow.branches.add(Membership(branch=branch, role=role, status="full", created_at=NOW,
                                        person=Person(full_name=name, telegram_user_id=user_id, created_at=NOW)))
        await uow.flush()
        uow.reminders.request_replan(branch.id, NOW)  # as every roster change does
        await uow.commit()
        return branch.id


def worker(sessionmaker, bot, clock: FakeTime, *, timeout=5.0, **limits):
    settings = Settings(_env_file=None, send_timeout=timeout, **limits)
    sender = Recording(BotSender(bot, settings.send_timeout), clock)
    built = runtime.build(settings, sessionmaker, sender, clock=clock, sleep=clock.sleep)
    return built.worker, sender


async def enqueue(uow_factory, branch_id: int, chats: list[int], *, at=NOW, first=0) -> None:
    async with uow_factory() as uow:
        people = {p.telegram_user_id: p.id for p in await uow.session.scalars(select(Person))}
        await uow.reminders.add_new([
            {"key": f"test:{n}", "source": "test", "kind": "due_soon", "branch_id": branch_id,
             "person_id": people[chat], "chat_id": chat, "send_at": at, "status": PENDING,
             "subject": f"Việc {n}", "text": f"Nhắc việc số {n}", "attempts": 0, "created_at": NOW}
            for n, chat in enumerate(chats, start=first)
        ])
        await uow.commit()


async def stored(uow_factory) -> dict[str, Reminder]:
    async with uow_factory() as uow:
        found = {r.key: r for r in await uow.session.scalars(select(Reminder))}
        uow.session.expunge_all()
        return found


def received(sandbox, user_id: int) -> list[str]:
    chat = sandbox.state.chat(user_id)
    return [m.text for m in chat.messages.values() if m.from_bot]


async def test_due_reminders_go_out_once_within_the_overall_and_per_chat_pace(sandbox, bot, sessionmaker,
                                                                           uow_factory, branch):
    clock = FakeTime()
    await enqueue(uow_factory, branch, [MEMBER_A, MEMBER_A, MEMBER_B, MEMBER_B, SECRETARY, SECRETARY])
    deliver, sender = worker(sessionmaker, bot, clock, send_rate=2, chat_rate=1)
    report = await deliver.drain()
    assert report.sent == 6
    assert received(sandbox, MEMBER_A) == ["Nhắc việc số 0", "Nhắc việc số 1"]
    assert received(sandbox, SECRETARY) == ["Nhắc việc số 4", "Nhắc việc số 5"]
    times = [t for t, _ in sender.sends]
    assert all(b - a >= 0.5 for a, b in pairwise(times))  # 2 per second overall
    for chat in (MEMBER_A, MEMBER_B, SECRETARY):
        first, second = [t for t, c in sender.sends if c == chat]
        assert second - first >= 1  # 1 per second per chat
    assert {r.status for r in (await stored(uow_factory)).values()} == {SENT}
    assert (await deliver.drain()).sent == 0  # nothing twice


async def test_a_reminder_not_yet_due_waits(sandbox, bot, sessionmaker, uow_factory, branch):
    clock = FakeTime()
    await enqueue(uow_factory, branch, [MEMBER_A], at=NOW + timedelta(hours=1))
    deliver, _ = worker(sessionmaker, bot, clock)
    assert (await deliver.drain()).sent == 0
    await enqueue(uow_factory, branch, [MEMBER_A], first=1)  # due now, for a chat planned for later
    assert (await deliver.drain()).sent == 1
    clock.now += timedelta(hours=1)
    assert (await deliver.drain()).sent == 1
    assert received(sandbox, MEMBER_A) == ["Nhắc việc số 1", "Nhắc việc số 0"]


async def test_429_delays_that_chat_only(sandbox, bot, sessionmaker, uow_factory, branch):
    clock = FakeTime()
    sandbox.state.traffic.set_fault(MEMBER_A, Fault("retry_after", count=1, retry_after=7))
    await enqueue(uow_factory, branch, [MEMBER_A, MEMBER_B, SECRETARY])
    deliver, _ = worker(sessionmaker, bot, clock)
    report = await deliver.drain()
    assert (report.sent, report.rate_limited) == (2, 1)
    assert received(sandbox, MEMBER_A) == [] and received(sandbox, MEMBER_B) == ["Nhắc việc số 1"]
    delayed = (await stored(uow_factory))["test:0"]
    assert (delayed.status, delayed.last_error) == (PENDING, "429: retry after 7 s")
    assert delayed.send_at >= NOW + timedelta(seconds=7)
    assert (await deliver.drain()).sent == 0  # still waiting
    clock.now = delayed.send_at
    assert (await deliver.drain()).sent == 1
    assert received(sandbox, MEMBER_A) == ["Nhắc việc số 0"]
    assert sandbox.state.traffic.stats["rate_limited"] == 1


async def test_403_marks_the_person_unreachable_and_tells_the_secretary_once(sandbox, bot, sessionmaker,
                                                                            uow_factory, branch):
    clock = FakeTime()
    sandbox.state.traffic.set_fault(MEMBER_A, Fault("blocked"))
    await enqueue(uow_factory, branch, [MEMBER_A, MEMBER_A, MEMBER_A, MEMBER_B])
    deliver, _ = worker(sessionmaker, bot, clock)
    report = await deliver.drain()
    assert (report.sent, report.blocked) == (1, 1)
    rows = await stored(uow_factory)
    assert [rows[f"test:{n}"].status for n in range(4)] == [FAILED, CANCELLED, CANCELLED, SENT]
    async with uow_factory() as uow:
        person_id = rows["test:0"].person_id
        assert (await uow.session.get(ReminderPrefs, person_id)).unreachable_since is not None
    await deliver.drain()
    [notice] = received(sandbox, SECRETARY)
    assert "Không gửi được nhắc việc cho đồng chí Trần Văn Minh (Chi bộ Khu phố 7): đồng chí ấy đã chặn bot." in notice
    assert sandbox.state.traffic.stats["blocked"] == 1


async def test_a_send_that_times_out_is_retried_and_may_arrive_twice(sandbox, bot, sessionmaker, uow_factory,
                                                                     branch):
    clock = FakeTime()
    sandbox.state.traffic.set_fault(MEMBER_A, Fault("timeout", count=1, seconds=5, delivered=True))
    sandbox.state.traffic.set_fault(MEMBER_B, Fault("timeout", count=1, seconds=5, delivered=False))
    await enqueue(uow_factory, branch, [MEMBER_A, MEMBER_B])
    deliver, _ = worker(sessionmaker, bot, clock, timeout=0.3)
    report = await deliver.drain()
    assert (report.sent, report.unknown) == (0, 2)
    rows = await stored(uow_factory)
    assert {r.status for r in rows.values()} == {PENDING}
    assert all(timedelta(seconds=2) <= r.send_at - NOW < timedelta(seconds=3) for r in rows.values())  # backoff
    clock.now += timedelta(seconds=3)
    assert (await deliver.drain()).sent == 2
    # The outcome of a timed-out send is unknown: the one that had arrived arrives twice — the only duplicate.
    assert received(sandbox, MEMBER_A) == ["Nhắc việc số 0", "Nhắc việc số 0"]
    assert received(sandbox, MEMBER_B) == ["Nhắc việc số 1"]
    assert {(r.status, r.attempts) for r in (await stored(uow_factory)).values()} == {(SENT, 2)}


async def test_a_reminder_to_someone_who_never_opened_the_bot_waits_for_them(sandbox, bot, sessionmaker,
                                                                          uow_factory, branch):
    clock = FakeTime()
    await enqueue(uow_factory, branch, [NEVER_STARTED])
    deliver, _ = worker(sessionmaker, bot, clock)
    assert (await deliver.drain()).unknown == 1
    row = (await stored(uow_factory))["test:0"]
    assert (row.status, row.last_error) == (PENDING, "Bad Request: chat not found")
    sandbox.state.open_chat(sandbox.state.user(NEVER_STARTED))  # opens the bot
    clock.now = row.send_at
    assert (await deliver.drain()).sent == 1
    assert received(sandbox, NEVER_STARTED) == ["Nhắc việc số 0"]


async def test_retries_end_in_failure(sandbox, bot, sessionmaker, uow_factory, branch):
    clock = FakeTime()
    await enqueue(uow_factory, branch, [NEVER_STARTED])
    deliver, _ = worker(sessionmaker, bot, clock)
    for _ in range(MAX_ATTEMPTS):
        await deliver.drain()
        clock.now += BACKOFF_MAX
    row = (await stored(uow_factory))["test:0"]
    assert (row.status, row.attempts, row.last_error) == (FAILED, MAX_ATTEMPTS, "Bad Request: chat not found")


async def test_sends_in_flight_at_a_crash_are_sent_again(sandbox, bot, sessionmaker, uow_factory, branch):
    clock = FakeTime()
    await enqueue(uow_factory, branch, [MEMBER_A, MEMBER_B, SECRETARY])
    async with UnitOfWork(sessionmaker) as uow:  # a process claims two rows, then dies before settling them
        await uow.reminders.claim(NOW, 2, "dead-process")
        await uow.commit()
    assert sorted(r.status for r in (await stored(uow_factory)).values()) == [PENDING, SENDING, SENDING]
    deliver, _ = worker(sessionmaker, bot, clock)
    assert await deliver.recover(everything=True) == 2
    assert (await deliver.drain()).sent == 3
    assert [received(sandbox, chat) for chat in (MEMBER_A, MEMBER_B, SECRETARY)] == [
        ["Nhắc việc số 0"], ["Nhắc việc số 1"], ["Nhắc việc số 2"]]


async def test_two_delivery_processes_share_the_queue_without_duplicates(sandbox, bot, sessionmaker, uow_factory,
                                                                        branch):
    clock = FakeTime()
    chats = [MEMBER_A, MEMBER_B, SECRETARY] * 10
    await enqueue(uow_factory, branch, chats)
    one, _ = worker(sessionmaker, bot, clock, send_rate=1000, chat_rate=1000)
    two, _ = worker(sessionmaker, bot, clock, send_rate=1000, chat_rate=1000)
    reports = list(await asyncio.gather(one.drain(), two.drain()))
    while sum(r.sent for r in reports) < len(chats):  # a chat paced by the other process may wait a round
        clock.now += timedelta(seconds=1)
        reports += await asyncio.gather(one.drain(), two.drain())
    assert sum(r.sent for r in reports) == len(chats)
    assert sorted(len(received(sandbox, chat)) for chat in (MEMBER_A, MEMBER_B, SECRETARY)) == [10, 10, 10]
    assert {r.status for r in (await stored(uow_factory)).values()} == {SENT}


async def test_a_stop_settles_started_sends_and_puts_claimed_ones_back(sandbox, bot, sessionmaker, uow_factory,
                                                                      branch):
    clock = FakeTime()
    await enqueue(uow_factory, branch, [MEMBER_A, MEMBER_B, SECRETARY] * 4)
    deliver, sender = worker(sessionmaker, bot, clock, send_rate=10, chat_rate=10)
    draining = asyncio.create_task(deliver.drain())
    while len(sender.sends) < 3:
        await asyncio.sleep(0.01)
    await deliver.stop()
    first = await draining
    statuses = sorted(r.status for r in (await stored(uow_factory)).values())
    assert SENDING not in statuses and statuses.count(SENT) == first.sent >= 3
    clock.now += timedelta(seconds=2)  # the chats' pace, reserved for the claims given back
    assert (await deliver.drain()).sent == 12 - first.sent
    assert sum(len(received(sandbox, chat)) for chat in (MEMBER_A, MEMBER_B, SECRETARY)) == 12


@pytest.mark.parametrize("alone", [False, True])
async def test_a_process_that_falls_behind_never_bursts_past_the_limit(sandbox, bot, sessionmaker, uow_factory,
                                                                      branch, alone):
    """Beside other delivery processes (PostgreSQL) it gives its late slots back; the only one (SQLite) catches
    up at its gate's pace. Never more than 10 sends in any second either way."""
    clock = FakeTime()
    await enqueue(uow_factory, branch, [MEMBER_A, MEMBER_B, SECRETARY] * 3)
    deliver, sender = worker(sessionmaker, bot, clock, send_rate=10, chat_rate=10)
    deliver.alone = alone
    inner = sender.inner.send

    async def stalls_once(chat_id: int, text: str) -> Result:
        if len(sender.sends) == 1:
            clock.now += timedelta(seconds=2)  # the process is starved of CPU for two seconds
        return await inner(chat_id, text)

    sender.inner.send = stalls_once
    sent = 0
    while sent < 9:
        sent += (await deliver.drain()).sent
        clock.now += timedelta(seconds=1)
    times = [t for t, _ in sender.sends]
    assert all(len([t for t in times if start <= t < start + 1 - 1e-6]) <= 10 for start in times)
    assert alone or all(b - a >= 0.1 - 1e-6 for a, b in pairwise(times))  # given back: the pace goes on evenly
    assert {r.status for r in (await stored(uow_factory)).values()} == {SENT}


async def test_a_fan_out_at_the_limit_meets_no_429_from_a_strict_limiter(sandbox, bot, sessionmaker, uow_factory,
                                                                        branch):
    """Real time: the sandbox counts as Telegram does (sliding windows that start empty) while the worker sends
    40 reminders to 20 chats, two each, at 10 a second overall and 1 a second per chat."""
    chats = list(range(700, 720))
    async with uow_factory() as uow:
        for chat in chats:
            sandbox.state.open_chat(sandbox.state.user(chat))
            uow.branches.add(Membership(branch_id=branch, role="member", status="full", created_at=NOW,
                                        person=Person(full_name=f"Đảng viên {chat}", telegram_user_id=chat,
                                                      created_at=NOW)))
        uow.reminders.request_replan(branch, NOW)
        await uow.commit()
    sandbox.state.traffic.set_limits(Limits(per_second=10, per_chat_per_second=1))
    start = datetime.now(UTC)
    await enqueue(uow_factory, branch, chats * 2, at=start)
    settings = Settings(_env_file=None, send_rate=10, chat_rate=1)
    deliver = runtime.build(settings, sessionmaker, BotSender(bot, 5.0), clock=lambda: datetime.now(UTC)).worker
    sent = 0
    while sent < 40 and datetime.now(UTC) - start < timedelta(seconds=30):
        sent += (await deliver.drain()).sent
        await asyncio.sleep(0.05)  # a chat's second reminder waits for its pace
    assert sent == 40
    assert all(received(sandbox, chat) == [f"Nhắc việc số {n}", f"Nhắc việc số {n + 20}"]
               for n, chat in enumerate(chats))
    assert sandbox.state.traffic.stats["rate_limited"] == 0
