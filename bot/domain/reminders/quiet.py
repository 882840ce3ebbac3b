"""Quiet hours: a daily window of a person's local time in which no reminder goes out.

A window may wrap midnight (21:00–07:00, the default). A window whose start equals its end is "no quiet
hours". Typed forms accepted: "21:00-07:00", "21h-7h", "21:30 – 6:45", "22-6".
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

MINUTES_PER_DAY = 24 * 60
_CLOCK = r"([0-9]{1,2})(?:\s*[:hg.]\s*([0-9]{2})?)?"
_WINDOW = re.compile(rf"^\s*{_CLOCK}\s*(?:-|–|—|đến|den|to)\s*{_CLOCK}\s*$", re.IGNORECASE)
_TIME = re.compile(rf"^\s*{_CLOCK}\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class QuietHours:
    start: int  # minutes after local midnight
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < MINUTES_PER_DAY and 0 <= self.end < MINUTES_PER_DAY):
            raise ValueError(f"quiet hours out of range: {self.start}-{self.end}")

    @property
    def off(self) -> bool:
        return self.start == self.end

    def contains(self, moment: datetime) -> bool:
        minute = moment.hour * 60 + moment.minute
        if self.off:
            return False
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def shift(self, moment: datetime) -> datetime:
        """`moment` (aware, in the person's zone) if it is outside the window, else when the window ends."""
        if not self.contains(moment):
            return moment
        end = moment.replace(hour=self.end // 60, minute=self.end % 60, second=0, microsecond=0)
        # Aware datetimes add as wall-clock time: the zone's offset on the new day applies (DST-safe).
        return end if end > moment else end + timedelta(days=1)


def parse_clock(text: str) -> time:
    """ "08:00", "8h", "8" → 08:00; ValueError otherwise."""
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"not a time of day: {text!r}")
    return _clock(match.group(1), match.group(2))


def parse_quiet_hours(text: str) -> QuietHours:
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"not a window like 21:00-07:00: {text!r}")
    start, end = _clock(match.group(1), match.group(2)), _clock(match.group(3), match.group(4))
    return QuietHours(start.hour * 60 + start.minute, end.hour * 60 + end.minute)


def _clock(hours: str, minutes: str | None) -> time:
    return time(int(hours), int(minutes or 0))  # ValueError for 24:00, 7:75…
