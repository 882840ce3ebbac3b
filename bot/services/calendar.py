"""The branch calendar: the agenda for a period, done/undone, tasks added by hand, .ics export."""

from datetime import date, datetime

from bot.domain.calendar.agenda import Agenda, build_agenda
from bot.domain.calendar.ics import to_ics
from bot.domain.calendar.model import CalendarTask
from bot.domain.calendar.periods import Period
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.task_mapper import calendar_task, calendar_tasks
from storage.models import Task
from storage.uow import UnitOfWork

MAX_TASK_TEXT = 1000


def readable_branch(actor: Actor) -> tuple[int, str]:
    """The branch whose calendar the actor sees: their own, or the one they supervise."""
    if actor.home is not None:
        return actor.home.branch_id, actor.home.branch_name
    if actor.supervised:
        return actor.supervised[0].branch_id, actor.supervised[0].branch_name
    raise AccessDenied("no_branch")


async def agenda(uow: UnitOfWork, actor: Actor, period: Period, today: date, *, only_branch: bool) -> Agenda:
    branch_id, _ = readable_branch(actor)
    tasks = await calendar_tasks(uow, branch_id)
    return build_agenda(tasks, period, today, only_branch=only_branch)


async def set_done(uow: UnitOfWork, actor: Actor, task_id: int, done: bool, now: datetime) -> CalendarTask:
    home = actor.secretary_branch()
    task = await uow.calendar.task(task_id)
    if task is None or task.branch_id != home.branch_id:
        raise AccessDenied("foreign_task", task_id=task_id)
    task.done_at, task.done_by = (now, actor.person_id) if done else (None, None)
    uow.audit(now, actor.person_id, home.branch_id, "task.done" if done else "task.undone", task_id=task_id)
    uow.reminders.request_replan(home.branch_id, now)  # a done task is reminded of no more
    await uow.commit()
    return calendar_task(task)


async def add_task(uow: UnitOfWork, actor: Actor, *, text: str, start: date | None, due: date,
                   now: datetime) -> CalendarTask:
    home = actor.secretary_branch()
    text = " ".join(text.split())
    if not text or len(text) > MAX_TASK_TEXT:
        raise ServiceError("bad_task_text", limit=MAX_TASK_TEXT)
    task = Task(branch_id=home.branch_id, text=text, owner=home.branch_name, is_branch_task=True, start=start,
                due=due, time_text="", created_at=now)
    uow.calendar.add(task)
    await uow.flush()
    uow.audit(now, actor.person_id, home.branch_id, "task.add", task_id=task.id)
    uow.reminders.request_replan(home.branch_id, now)
    await uow.commit()
    return calendar_task(task)


async def export_ics(uow: UnitOfWork, actor: Actor, now: datetime, tz_name: str) -> tuple[str, bytes]:
    branch_id, name = readable_branch(actor)
    tasks = await calendar_tasks(uow, branch_id)
    return name, to_ics(tasks, calendar_name=name, tz_name=tz_name, now=now)
