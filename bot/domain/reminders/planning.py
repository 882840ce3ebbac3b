"""Reminder planning, pure: which reminders the sources call for, to whom, and when.

Inputs are plain data, so any feature can feed the planner without changing it:
- ReminderSource — something with a due date and the people to remind: a calendar task, a review step that
  members still owe. Its feature's schedule decides the reminders: "deadline" gives 7, 3 and 1 days before
  (due_soon), on the day (due_today) and the day after while still open (overdue); "closing" gives 1 day
  before and on the day (closing), and its collector lists only the people who have not acted yet.
- DigestSource — a branch calendar: on the 1st of each month its leaders get "việc tháng này".
- Recipient — a reachable person with a time zone, quiet hours and the kinds they opted out of.
The features themselves (namespaces, kinds, schedules) are the records of features.py; what is written once
(notices, the weekly summary) is built with `reminder` and `at_once` too, by the service that writes it.

Each reminder is due at the configured time of day (08:00) in the recipient's zone, moved out of their quiet
hours, and has a deterministic key, so planning twice yields the same keys and a changed due date new ones.
A reminder whose time had passed when planned is `late`: callers do not create it, but one already waiting
in the outbox (the bot was down) still goes out as soon as quiet hours allow, on the day it was meant for
only; after that day it is stale and left out, and the next reminder of its series says it better.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar.agenda import Agenda, build_agenda
from bot.domain.calendar.model import CalendarTask
from bot.domain.calendar.periods import month_period
from bot.domain.reminders.features import DIGEST, Feature, Kind, Schedule
from bot.domain.reminders.quiet import QuietHours

# (days before the due date, kind); a negative lead is after the due date.
SCHEDULES: dict[Schedule, tuple[tuple[int, Kind], ...]] = {
    "deadline": ((7, Kind.DUE_SOON), (3, Kind.DUE_SOON), (1, Kind.DUE_SOON), (0, Kind.DUE_TODAY), (-1, Kind.OVERDUE)),
    "closing": ((1, Kind.CLOSING), (0, Kind.CLOSING)),
}


@dataclass(frozen=True)
class ReminderSource:
    feature: Feature  # whose it is: its namespace and schedule
    source_id: int
    branch_id: int
    title: str
    due: date
    recipients: tuple[int, ...]  # person ids


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
class When:
    send_at: datetime  # UTC
    local_day: date  # the recipient's date when it goes out
    late: bool = False  # its time had passed when planned (see the module's docstring)


@dataclass(frozen=True, kw_only=True)
class Planned:
    """One reminder to one person, as the outbox stores it; built by `reminder`."""

    key: str
    kind: Kind
    feature: Feature
    branch_id: int
    recipient: Recipient
    when: When
    subject: ReminderSource | None = None  # what a deadline or closing reminder is about
    agenda: Agenda | None = None  # what a digest lists

    @property
    def source(self) -> str:
        return self.feature.namespace

    @property
    def send_at(self) -> datetime:
        return self.when.send_at

    @property
    def late(self) -> bool:
        return self.when.late

    @property
    def days_left(self) -> int:
        return (self.subject.due - self.when.local_day).days if self.subject else 0


def reminder(*, feature: Feature, kind: Kind, key: tuple[object, ...], branch_id: int, recipient: Recipient,
             when: When, subject: ReminderSource | None = None, agenda: Agenda | None = None) -> Planned:
    """The one way to build a Planned: its key is its kind, then `key`'s parts (what makes it unique), all
    joined by ':'; the kind must be one of its feature's."""
    if kind not in feature.kinds:
        raise ValueError(f"{kind} is not a kind of the {feature.namespace!r} reminders")
    return Planned(key=":".join(map(str, (kind, *key))), kind=kind, feature=feature, branch_id=branch_id,
                   recipient=recipient, when=when, subject=subject, agenda=agenda)


def plan(sources: Iterable[ReminderSource | DigestSource], recipients: Mapping[int, Recipient],
         now: datetime, rules: Rules) -> list[Planned]:
    """Every reminder due before now + horizon; people missing from `recipients` get none."""
    return [p for s in sources
            for p in (_for_digest(s, recipients, now, rules) if isinstance(s, DigestSource)
                      else _for_source(s, recipients, now, rules))]


def soonest(recipient: Recipient, now: datetime) -> datetime:
    """When something generated now (a notice) may reach the recipient: now, or when quiet hours end."""
    return recipient.quiet.shift(now.astimezone(recipient.tz)).astimezone(UTC)


def at_once(recipient: Recipient, now: datetime) -> When:
    """A notice written now: it goes out at `soonest`."""
    send_at = soonest(recipient, now)
    return When(send_at, send_at.astimezone(recipient.tz).date())


def _for_source(s: ReminderSource, recipients: Mapping[int, Recipient], now: datetime,
                rules: Rules) -> Iterable[Planned]:
    for lead, kind in SCHEDULES[s.feature.schedule]:
        for person_id in s.recipients:
            r = recipients.get(person_id)
            if r is None or kind in r.opted_out:
                continue
            when = _when(r, s.due - timedelta(days=lead), now, rules)
            if when is not None:
                yield reminder(feature=s.feature, kind=kind, branch_id=s.branch_id, recipient=r, when=when,
                               key=(s.feature.namespace, s.source_id, person_id, f"{s.due:%Y%m%d}", lead), subject=s)


def _for_digest(d: DigestSource, recipients: Mapping[int, Recipient], now: datetime,
                rules: Rules) -> Iterable[Planned]:
    for person_id in d.recipients:
        r = recipients.get(person_id)
        if r is None or Kind.DIGEST in r.opted_out:
            continue
        this_month = now.astimezone(r.tz).date().replace(day=1)
        next_month = (this_month + timedelta(days=31)).replace(day=1)
        for first in (this_month, next_month):
            when = _when(r, first, now, rules)
            agenda = build_agenda(d.tasks, month_period(first.year, first.month), first)
            if when is not None and (agenda.overdue or agenda.due or agenda.open_windows):
                yield reminder(feature=DIGEST, kind=Kind.DIGEST, branch_id=d.branch_id, recipient=r, when=when,
                               key=("branch", d.branch_id, person_id, f"{first:%Y%m}"), agenda=agenda)


def _when(r: Recipient, day: date, now: datetime, rules: Rules) -> When | None:
    """When a reminder meant for `day` goes out, or None when it is not planned now."""
    wanted = r.quiet.shift(datetime.combine(day, rules.send_time, tzinfo=r.tz))
    if wanted >= now + rules.horizon:
        return None
    if wanted >= now:
        return When(wanted.astimezone(UTC), wanted.date())
    possible = r.quiet.shift(now.astimezone(r.tz))
    if possible.date() != wanted.date():
        return None
    return When(possible.astimezone(UTC), possible.date(), late=True)
