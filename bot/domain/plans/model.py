"""What a plan (Kế hoạch) says once read: its header and its dated items."""

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Literal, Self

from bot.domain.plans.owners import is_branch_owner

Recurrence = Literal["continuous", "yearly", "semiannual", "quarterly", "monthly"]

# The longest header fields and item notes a plan may give; the calendar stores them in columns of these sizes.
# Real values are far shorter: only a malformed or hostile text reaches them, and is cut (see `clip`).
MAX_NUMBER = 60
MAX_ISSUER = 200
MAX_TITLE = 500
MAX_OWNER = 200
MAX_CONDITION = 300
MAX_TIME_TEXT = 300


def clip(text: str | None, limit: int) -> str | None:
    """`text` in at most `limit` characters: cut at a space when one is near the end, then marked with `…`."""
    if text is None or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"

# When two recurrence words govern one task ("thường xuyên hằng năm"), the more specific wins.
_RECURRENCE_RANK: dict[str, int] = {
    "continuous": 0,
    "yearly": 1,
    "semiannual": 2,
    "quarterly": 3,
    "monthly": 4,
}


@dataclass(frozen=True, slots=True)
class When:
    """The meaning of a time expression: a window, a recurrence and/or a condition."""

    start: date | None = None
    due: date | None = None
    recurrence: Recurrence | None = None
    condition: str | None = None

    def __post_init__(self) -> None:
        if self.start and self.due and self.start > self.due:
            raise ValueError(f"window starts after it ends: {self.start} > {self.due}")

    @property
    def has_window(self) -> bool:
        return self.start is not None or self.due is not None

    @property
    def is_open_start(self) -> bool:
        return self.start is not None and self.due is None

    def can_merge(self, other: "When") -> bool:
        """One task has at most one window and one condition; recurrences may stack."""
        return not (self.has_window and other.has_window) and not (self.condition and other.condition)

    def merged(self, other: "When") -> "When":
        recurrence = max(
            (r for r in (self.recurrence, other.recurrence) if r),
            key=_RECURRENCE_RANK.__getitem__,
            default=None,
        )
        return When(
            start=self.start or other.start,
            due=self.due or other.due,
            recurrence=recurrence,
            condition=self.condition or other.condition,
        )


@dataclass(frozen=True, slots=True)
class PlanHeader:
    number: str | None = None  # "146-KH/ĐU"
    issuer: str | None = None
    issued_on: date | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A clause or bullet that a time expression governs."""

    text: str
    owner: str | None
    start: date | None
    due: date | None
    recurrence: Recurrence | None
    condition: str | None
    time_text: str
    line: int  # 1-based line of the governed clause in the source text
    kind: Literal["task", "target"] = "task"  # a target ("chỉ tiêu") is shown apart, not done

    @classmethod
    def governed(
        cls, *, text: str, owner: str | None, when: When, time_text: str, line: int,
        kind: Literal["task", "target"] = "task",
    ) -> "Item":  # fmt: skip
        return cls(
            text=text,
            owner=owner,
            start=when.start,
            due=when.due,
            recurrence=when.recurrence,
            condition=when.condition,
            time_text=time_text,
            line=line,
            kind=kind,
        )

    @property
    def is_branch_task(self) -> bool:
        """Owned by the branch, its secretary, committee or members — shown first by the bot."""
        return is_branch_owner(self.owner)

    def to_json(self) -> dict:
        """Its fields (a subclass's too) as JSON values, and whether the branch owns it."""
        return asdict(self) | {"start": self.start.isoformat() if self.start else None,
                               "due": self.due.isoformat() if self.due else None,
                               "is_branch_task": self.is_branch_task}

    @classmethod
    def from_json(cls, data: dict) -> Self:
        """The item `to_json` gave; what is worked out from the fields (is_branch_task) is worked out again."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: date.fromisoformat(v) if k in ("start", "due") and v else v
                      for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class Plan:
    header: PlanHeader
    items: tuple[Item, ...]
