"""The review's dates against Hướng dẫn 43-HD/BTCTW: warnings for a meeting date that breaks them.

- HD 43 §4.1: "tiến hành vào dịp cuối năm và kết thúc trước ngày 31/12 hằng năm"; units of a special nature
  "hoàn thành trước ngày 15/01 năm sau". A meeting on or after that day is warned ("trước" is read strictly).
- HD 43 §2: "Dự thảo báo cáo kiểm điểm … gửi trước cho các thành viên tham gia hội nghị kiểm điểm ít nhất 03
  ngày làm việc": the draft must go out on or before the third working day (Monday to Friday) before the
  meeting; the draft's sending day (today when not yet sent) later than that is warned.
- A meeting date in the past is warned.
Public holidays are not known here: working days are Monday to Friday.
Each warning is a code and params; review_reasons.j2 (`timeline_warning`) says it in Vietnamese.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

DRAFT_WORKING_DAYS = 3


@dataclass(frozen=True)
class Warning:  # shadows the builtin inside this module only; callers import it by name
    code: str  # "after_deadline", "in_past", "draft_short_notice"
    params: dict[str, object] = field(default_factory=dict)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    """The working day `count` working days after `day` (before it when negative); 0 gives `day` itself."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def deadline(year: int, *, special_unit: bool = False) -> date:
    """The day the review must end before: 31/12 of the year, or 15/01 of the next for a special unit."""
    return date(year + 1, 1, 15) if special_unit else date(year, 12, 31)


def latest_draft_day(meeting_on: date) -> date:
    """The last day the draft report may go out: three working days before the meeting."""
    return add_working_days(meeting_on, -DRAFT_WORKING_DAYS)


def meeting_warnings(meeting_on: date, year: int, today: date, *, special_unit: bool = False,
                     draft_sent_on: date | None = None) -> list[Warning]:
    """Everything wrong with a meeting date, in the order a secretary should read it; empty when none."""
    warnings = []
    end = deadline(year, special_unit=special_unit)
    if meeting_on >= end:
        warnings.append(Warning("after_deadline", {"meeting": meeting_on, "deadline": end, "special": special_unit}))
    if meeting_on < today:
        warnings.append(Warning("in_past", {"meeting": meeting_on, "today": today}))
    sent = draft_sent_on or today
    latest = latest_draft_day(meeting_on)
    if meeting_on >= today and sent > latest:
        warnings.append(Warning("draft_short_notice", {
            "meeting": meeting_on, "latest": latest, "sent": sent, "sent_already": draft_sent_on is not None,
            "days": DRAFT_WORKING_DAYS}))
    return warnings
