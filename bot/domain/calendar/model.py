"""A task on the branch calendar, taken from a plan (Kế hoạch) or added by hand."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CalendarTask:
    id: int
    text: str
    owner: str | None
    is_branch_task: bool  # owner is the branch / its secretary / committee / members
    start: date | None
    due: date | None
    recurrence: str | None  # None, "continuous", "yearly", "semiannual", "quarterly", "monthly"
    condition: str | None  # e.g. "sau khi có văn bản của Trung ương" (no dates then)
    time_text: str  # the time words as written in the plan
    done: bool = False
    plan_number: str | None = None  # e.g. "146-KH/ĐU"

    def __post_init__(self) -> None:
        if self.start and self.due and self.start > self.due:
            raise ValueError(f"task {self.id} starts after it is due: {self.start} > {self.due}")

    @property
    def has_dates(self) -> bool:
        return self.start is not None or self.due is not None

    @property
    def is_recurring(self) -> bool:
        return self.recurrence is not None
