"""Dates as Vietnamese users type and read them: dd/mm/yyyy; the clock every entry point is given."""

import re
from collections.abc import Callable
from datetime import date, datetime

# What the dispatcher and the scheduler are given to tell the time (an aware UTC datetime); tests pass a fake.
Clock = Callable[[], datetime]

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> date:
    """'12/03/2015', '12-3-2015', '12.03.2015' or '2015-03-12'; ValueError for anything else or 31/02."""
    value = text.strip()
    if match := _DMY.match(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(f"not a date: {text!r}")
    return date(year, month, day)


def looks_like_date(text: str) -> bool:
    value = text.strip()
    return bool(_DMY.match(value) or _ISO.match(value))


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# Tried only where a run of spaces begins (or at a non-space): inside the run `\s*` would make it quadratic.
_WINDOW_SEPARATOR = re.compile(r"(?<!\s)\s*(?:-|–|—|đến|den|tới|toi)\s*", re.IGNORECASE)


def parse_window(text: str) -> tuple[date | None, date]:
    """'30/11/2014' (a deadline) or '05/11/2014 - 07/11/2014' (a window); ValueError otherwise."""
    parts = [p for p in _WINDOW_SEPARATOR.split(text.strip(), maxsplit=1) if p]
    if not parts:  # "-", "đến": a separator and nothing else
        raise ValueError(f"not a date: {text!r}")
    if len(parts) == 1:
        return None, parse_date(parts[0])
    start, due = parse_date(parts[0]), parse_date(parts[1])
    if start > due:
        raise ValueError("window ends before it starts")
    return start, due
