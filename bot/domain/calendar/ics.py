"""The branch calendar as an iCalendar file that a phone's calendar app can import or subscribe to.

Every dated task becomes one all-day event (DTEND is the day after the due date, as iCalendar ends are
exclusive; a task with an open start is shown on its first day). Recurring tasks with a start repeat by
RRULE. Tasks without dates (continuous duties, tasks waiting on a condition) have no day to sit on and
are left out. The DESCRIPTION labels are Vietnamese because the file goes straight to the user's phone.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from bot.domain.calendar.model import CalendarTask

SUMMARY_LIMIT = 120
_DONE_MARK = "✓ "
_RRULES: dict[str, dict[str, str | int]] = {
    "yearly": {"freq": "yearly"},
    "semiannual": {"freq": "monthly", "interval": 6},
    "quarterly": {"freq": "monthly", "interval": 3},
    "monthly": {"freq": "monthly"},
}


def to_ics(
    tasks: Iterable[CalendarTask], *, calendar_name: str, tz_name: str = "Asia/Ho_Chi_Minh", now: datetime
) -> bytes:
    """`now` must be timezone-aware: DTSTAMP is written in UTC."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    stamp = now.astimezone(UTC)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//chibo//calendar//VI")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    # All-day events are floating; the zone only tells the app which one the branch lives in.
    calendar.add("x-wr-timezone", tz_name)
    for task in tasks:
        if event := _event(task, stamp):
            calendar.add_component(event)
    return calendar.to_ical()


def _event(task: CalendarTask, stamp: datetime) -> Event | None:
    first_day = task.start or task.due
    last_day = task.due or task.start
    if first_day is None or last_day is None:
        return None
    event = Event.new(
        uid=f"task-{task.id}@chibo",
        stamp=stamp,
        start=first_day,
        end=last_day + timedelta(days=1),
        summary=(_DONE_MARK if task.done else "") + _shorten(task.text),
        description=_description(task) or None,
    )
    if task.start is not None and task.recurrence in _RRULES:
        event.add("rrule", _RRULES[task.recurrence])
    return event


def _description(task: CalendarTask) -> str:
    lines = [
        f"Thời gian: {task.time_text}" if task.time_text else "",
        f"Thực hiện: {task.owner}" if task.owner else "",
        f"Kế hoạch số {task.plan_number}" if task.plan_number else "",
    ]
    return "\n".join(line for line in lines if line)


def _shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """At most `limit` characters, cut at a word boundary and marked with an ellipsis."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"
