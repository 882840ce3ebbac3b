"""Reminder features, one record each: everything the planner, the outbox and /nhacviec need to know about
a kind of reminder, named once.

- namespace: the outbox's `source` column (and a planned key's second part); a re-plan of a branch
  reconciles exactly the namespaces of the planned features.
- kinds: the outbox's `kind` values it writes; those of planned features are what a person may switch off.
- schedule: "deadline" and "closing" are lead times before a due date (planning.SCHEDULES), "monthly" the
  digest on the 1st, "weekly" a Monday morning (bot/services/weekly.py), "at_once" a notice written when
  something happens (as soon as quiet hours allow).
- template: the templates/messages module its texts come from; a planned feature's has the `message` and
  `subject` macros, which get the Planned reminder.
- replan_on: the changes after which its branch is planned again. Every use case making one asks for the
  re-plan itself, in its own transaction and with its own clock (`uow.reminders.request_replan`); empty for
  what is written once and never re-planned.

What produces a planned feature's sources reads storage, so it lives in the services:
bot/services/reminders.COLLECTORS, keyed by these records.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    DIGEST = "digest"
    CLOSING = "closing"
    UNREACHABLE = "unreachable"  # to a leader: a member has blocked the bot
    DECISION = "decision"  # a level decided by the superior, to the member and the secretary
    WEEKLY = "weekly"  # the supervisors' summary


class Change(StrEnum):
    TASKS = "tasks"  # a branch task added, moved, done or removed: calendar, plans, the review's procedure
    ROSTER = "roster"  # a membership added, changed or removed; a member's chat linked, their name erased
    REVIEW = "review"  # the review's records: self-reviews, assessment sheets, the meeting
    BALLOTS = "ballots"  # a secret ballot opened, cast or closed


Schedule = Literal["deadline", "closing", "monthly", "weekly", "at_once"]


@dataclass(frozen=True)
class Feature:
    namespace: str
    kinds: tuple[Kind, ...]
    schedule: Schedule
    template: str
    replan_on: frozenset[Change] = frozenset()

    @property
    def planned(self) -> bool:
        """Planned per branch from what is stored, and reconciled when that changes (not written once)."""
        return bool(self.replan_on)


_DATED = frozenset({Change.TASKS, Change.ROSTER})  # deadlines and the digest: the tasks, to the leaders
NOTICE = "notice"  # notices share one namespace: nothing re-plans them

TASKS = Feature("task", (Kind.DUE_SOON, Kind.DUE_TODAY, Kind.OVERDUE), "deadline", "reminders", _DATED)
DIGEST = Feature("digest", (Kind.DIGEST,), "monthly", "reminders", _DATED)
# "Closing soon" to the members who still owe something; the procedure's deadline is a task.
SELF_REVIEWS = Feature("review", (Kind.CLOSING,), "closing", "reminders", _DATED | {Change.REVIEW})
SHEETS = Feature("sheet", (Kind.CLOSING,), "closing", "reminders", _DATED | {Change.REVIEW})
BALLOTS = Feature("ballot", (Kind.CLOSING,), "closing", "reminders",
                  frozenset({Change.ROSTER, Change.REVIEW, Change.BALLOTS}))
DIGEST_NOW = Feature(NOTICE, (Kind.DIGEST,), "at_once", "reminders")  # this month's digest, asked for
UNREACHABLE = Feature(NOTICE, (Kind.UNREACHABLE,), "at_once", "reminders")
DECISIONS = Feature(NOTICE, (Kind.DECISION,), "at_once", "decision")
WEEKLY = Feature("weekly", (Kind.WEEKLY,), "weekly", "supervisor")

FEATURES = (TASKS, DIGEST, SELF_REVIEWS, SHEETS, BALLOTS, DIGEST_NOW, UNREACHABLE, DECISIONS, WEEKLY)
PLANNED = tuple(f for f in FEATURES if f.planned)
# What /nhacviec lets a person switch off, in its order; notices and the weekly summary always come.
OPTIONAL_KINDS = tuple(dict.fromkeys(k for f in PLANNED for k in f.kinds))
