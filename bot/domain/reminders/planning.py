"""Reminder planning, pure: which reminders the sources call for, to whom, and when.

Inputs are plain data, so any feature can feed the planner without changing it:
- ReminderSource — something with a due date and the people to remind: a calendar task today, the review's
  steps later. Its schedule decides the reminders: "deadline" gives 7, 3 and 1 days before (due_soon), on
  the day (due_today) and the day after while still open (overdue); "closing" gives 1 day before and on
  the day (closing), and its caller lists only the people who have not acted yet.
- DigestSource — a branch calendar: on the 1st of each month its leaders get "việc tháng này".
- Recipient — a reachable person with a time zone, quiet hours and the kinds they opted out of.
(The weekly supervisor summary is not planned here: bot/services/weekly.py queues it itself, timed by `soonest`.)

Each reminder is due at the configured time of day (08:00) in the recipient's zone, moved out of their quiet
hours, and has a deterministic key, so planning twice yields the same keys and a changed due date new ones.
A reminder whose time had passed when planned is `late`: callers do not create it, but one already waiting
in the outbox (the bot was down) still goes out as soon as quiet hours allow, on the day it was meant for
only; after that day it is stale and left out, and the next reminder of its series says it better.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.calendar.agenda import Agenda, build_agenda
from bot.domain.calendar.model import CalendarTask
from bot.domain.calendar.periods import month_period
from bot.domain.reminders.quiet import QuietHours


class Kind(StrEnum):
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    DIGEST = "digest"
    CLOSING = "closing"


Schedule = Literal["deadline", "closing"]
# (days before the due date, kind); a negative lead is after the due date.
SCHEDULES: dict[Schedule, tuple[tuple[int, Kind], ...]] = {
    "deadline": ((7, Kind.DUE_SOON), (3, Kind.DUE_SOON), (1, Kind.DUE_SOON), (0, Kind.DUE_TODAY), (-1, Kind.OVERDUE)),
    "closing": ((1, Kind.CLOSING), (0, Kind.CLOSING)),
}
DIGEST_SOURCE = "digest"


@dataclass(frozen=True)
class ReminderSource:
    source: str  # the key namespace of the feature that feeds it: "task"; the review adds its own
    source_id: int
    branch_id: int
    title: str
    due: date
    recipients: tuple[int, ...]  # person ids
    schedule: Schedule = "deadline"


@dataclass(frozen=True)
class DigestSource:
    branch_id: int
    tasks: tuple[CalendarTask, ...]
    recipients: tuple[int, ...]


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    tz: ZoneInfo
    quiet: QuietHours
    opted_out: frozenset[Kind] = frozenset()


@dataclass(frozen=True)
class Rules:
    send_time: time = time(8)
    horizon: timedelta = timedelta(days=8)  # a little more than the longest lead, re-planned hourly


@dataclass(frozen=True)
class Planned:
    key: str
    kind: Kind | str  # notices (not planned) bring their own kinds
    source: str
    source_id: int
    branch_id: int
    recipient: Recipient
    send_at: datetime  # UTC
    late: bool
    local_day: date  # the recipient's date when it goes out
    subject: ReminderSource | None = None  # what a deadline or closing reminder is about
    agenda: Agenda | None = None  # what a digest lists

    @property
    def days_left(self) -> int:
        return (self.subject.due - self.local_day).days if self.subject else 0


def plan(sources: Iterable[ReminderSource], digests: Iterable[DigestSource], recipients: Mapping[int, Recipient],
         now: datetime, rules: Rules) -> list[Planned]:
    """Every reminder due before now + horizon; people missing from `recipients` get none."""
    planned = [p for s in sources for p in _for_source(s, recipients, now, rules)]
    planned += [p for d in digests for p in _for_digest(d, recipients, now, rules)]
    return planned


def soonest(recipient: Recipient, now: datetime) -> datetime:
    """When something generated now (a notice) may reach the recipient: now, or when quiet hours end."""
    return recipient.quiet.shift(now.astimezone(recipient.tz)).astimezone(UTC)


def _for_source(s: ReminderSource, recipients: Mapping[int, Recipient], now: datetime,
                rules: Rules) -> Iterable[Planned]:
    for lead, kind in SCHEDULES[s.schedule]:
        for person_id in s.recipients:
            r = recipients.get(person_id)
            if r is None or kind in r.opted_out:
                continue
            timing = _timing(r, s.due - timedelta(days=lead), now, rules)
            if timing is not None:
                key = f"{kind}:{s.source}:{s.source_id}:{person_id}:{s.due:%Y%m%d}:{lead}"
                yield Planned(key, kind, s.source, s.source_id, s.branch_id, r, *timing, subject=s)


def _for_digest(d: DigestSource, recipients: Mapping[int, Recipient], now: datetime,
                rules: Rules) -> Iterable[Planned]:
    for person_id in d.recipients:
        r = recipients.get(person_id)
        if r is None or Kind.DIGEST in r.opted_out:
            continue
        this_month = now.astimezone(r.tz).date().replace(day=1)
        next_month = (this_month + timedelta(days=31)).replace(day=1)
        for first in (this_month, next_month):
            timing = _timing(r, first, now, rules)
            agenda = build_agenda(d.tasks, month_period(first.year, first.month), first)
            if timing is not None and (agenda.overdue or agenda.due or agenda.open_windows):
                key = f"{Kind.DIGEST}:branch:{d.branch_id}:{person_id}:{first:%Y%m}"
                yield Planned(key, Kind.DIGEST, DIGEST_SOURCE, d.branch_id, d.branch_id, r, *timing, agenda=agenda)


def _timing(r: Recipient, day: date, now: datetime, rules: Rules) -> tuple[datetime, bool, date] | None:
    """(send_at in UTC, late, local day) for a reminder meant for `day`, or None when not planned now."""
    wanted = r.quiet.shift(datetime.combine(day, rules.send_time, tzinfo=r.tz))
    if wanted >= now + rules.horizon:
        return None
    if wanted >= now:
        return wanted.astimezone(UTC), False, wanted.date()
    possible = r.quiet.shift(now.astimezone(r.tz))
    if possible.date() != wanted.date():
        return None
    return possible.astimezone(UTC), True, possible.date()
