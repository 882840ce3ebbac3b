"""The answer to "what do I need to do in this period?": the branch's tasks in five groups.

A task lands in the first group whose rule it meets, so it appears at most once:
1. overdue — not done, not recurring, due < today. For a period that ends before today only those due
   inside it; otherwise all of them, since they are what the secretary must catch up on. By due date.
2. due — due date inside the period (done ones too: the answer shows them ticked). By due, then start.
3. waiting — a condition ("sau khi có văn bản của Trung ương") and no dates. By id (plan order).
4. standing — recurring ("continuous", "yearly", …) with no start or a start on or before the period's
   end. By id.
5. open_windows — not recurring, with dates, whose window overlaps the period while its due date lies
   after it, or which has an open start ("từ tháng 5/2012") on or before the period's end. A deadline with
   no start ("trước ngày 30/11/2014") is open from today: it shows in the current and coming periods up to
   its due date, not in past ones. By start.
Recurring tasks are never overdue: their due date is the first round, and the task comes round again.
Tasks with neither dates, recurrence nor condition have no place on a calendar and appear nowhere.

Periods of kind "overdue" show only the overdue group; "upcoming" shows overdue and due.
With only_branch, tasks of other owners are left out and hidden_count says how many of them would have
appeared, so the answer can offer to show everything in the plan.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.domain.calendar.model import CalendarTask
from bot.domain.calendar.periods import Period

Group = Literal["overdue", "due", "waiting", "standing", "open_windows"]

_ALL_GROUPS: frozenset[Group] = frozenset({"overdue", "due", "waiting", "standing", "open_windows"})
_GROUPS_SHOWN: dict[str, frozenset[Group]] = {
    "overdue": frozenset({"overdue"}),
    "upcoming": frozenset({"overdue", "due"}),
}


@dataclass(frozen=True)
class Agenda:
    period: Period
    overdue: tuple[CalendarTask, ...]
    due: tuple[CalendarTask, ...]
    open_windows: tuple[CalendarTask, ...]
    standing: tuple[CalendarTask, ...]
    waiting: tuple[CalendarTask, ...]
    hidden_count: int


def _group_of(task: CalendarTask, period: Period, today: date) -> Group | None:
    """The group `task` belongs to for `period`, before the period kind picks the groups it shows."""
    if (
        task.due is not None
        and task.due < today
        and not task.done
        and not task.is_recurring
        and (period.end >= today or period.contains(task.due))
    ):
        return "overdue"
    if task.due is not None and period.contains(task.due):
        return "due"
    if task.condition and not task.has_dates:
        return "waiting"
    if task.is_recurring:
        return "standing" if task.start is None or task.start <= period.end else None
    if task.has_dates and _window_overlaps(task, period, today):
        return "open_windows"
    return None


def _window_overlaps(task: CalendarTask, period: Period, today: date) -> bool:
    opens = task.start or today
    closes = task.due or date.max
    return opens <= closes and opens <= period.end and closes >= period.start


def build_agenda(
    tasks: Iterable[CalendarTask], period: Period, today: date, *, only_branch: bool = True
) -> Agenda:
    shown = _GROUPS_SHOWN.get(period.kind, _ALL_GROUPS)
    groups: dict[Group, list[CalendarTask]] = {group: [] for group in _ALL_GROUPS}
    hidden_count = 0
    for task in tasks:
        group = _group_of(task, period, today)
        if group not in shown:
            continue
        if only_branch and not task.is_branch_task:
            hidden_count += 1
        else:
            groups[group].append(task)
    return Agenda(
        period=period,
        overdue=tuple(sorted(groups["overdue"], key=lambda t: (t.due, t.id))),
        due=tuple(sorted(groups["due"], key=lambda t: (t.due, t.start or t.due, t.id))),
        open_windows=tuple(sorted(groups["open_windows"], key=lambda t: (t.start or today, t.due or date.max, t.id))),
        standing=tuple(sorted(groups["standing"], key=lambda t: t.id)),
        waiting=tuple(sorted(groups["waiting"], key=lambda t: t.id)),
        hidden_count=hidden_count,
    )
