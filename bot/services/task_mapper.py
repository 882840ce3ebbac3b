"""One mapper carries a plan item to the calendar: the reader's Item (a DraftItem while the secretary reviews it)
becomes a stored Task, and a Task is shown as a CalendarTask. What they share is what the calendar shows, named
once by CalendarTask's fields: a new field is added to Item, to the Task table and to CalendarTask, and each copy
here carries it by its name (tests/unit/test_task_mapper.py checks that the three agree)."""

from dataclasses import fields
from operator import attrgetter

from bot.domain.calendar.model import CalendarTask
from bot.domain.plans.model import Item
from bot.domain.plans.revision import Entry
from storage.models import Task
from storage.uow import UnitOfWork

# CalendarTask's fields: the stored row's id, what it shares with a plan item and a task, then what the calendar
# adds (the done mark, the plan's number). calendar_task fills them by position: it runs for every task of a branch
# each time its reminders are planned, and passing them by keyword measured 1.5 times as slow.
SHARED = tuple(f.name for f in fields(CalendarTask))[1:-2]
_shared = attrgetter(*SHARED)
_ENTRY = tuple(f.name for f in fields(Entry))


def task_columns(item: Item) -> dict[str, object]:
    """A plan item's values for its Task row: a new one, or a revised plan's task changed in place."""
    return dict(zip(SHARED, _shared(item), strict=True)) | {"source_line": item.line}


def calendar_task(task: Task) -> CalendarTask:
    return CalendarTask(task.id, *_shared(task), task.done_at is not None, task.plan.number if task.plan else None)


async def calendar_tasks(uow: UnitOfWork, branch_id: int) -> list[CalendarTask]:
    """The branch's calendar, as calendar_task shows each task, read as plain rows in CalendarTask's order of
    fields (no ORM objects: a branch has dozens of tasks, and every calendar answer reads them all)."""
    return [CalendarTask(*row) for row in await uow.calendar.task_rows(branch_id, SHARED)]


def entry(task: Item | Task) -> Entry:
    """A task as a revised plan is compared by: its text and its time."""
    return Entry(**{name: getattr(task, name) for name in _ENTRY})
