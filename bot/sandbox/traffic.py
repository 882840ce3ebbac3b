"""Telegram's send limits and failures, simulated for the messages the bot sends (sendMessage,
sendDocument, sendPhoto). Off by default; set through the control API:

- POST /sandbox/limits {"per_second": 30, "per_chat_per_second": 1, "per_group_per_minute": 20} — strict
  sliding windows that start empty, as Telegram's: all chats together may take `per_second` messages in any
  one second, a private chat `per_chat_per_second`, a group (negative id) `per_group_per_minute` in any
  minute (a rate below one per window is one per 1/rate of a window). Over a limit, the answer is Telegram's 429:
  {"ok": false, "error_code": 429, "description": "Too Many Requests: retry after N",
   "parameters": {"retry_after": N}}, N whole seconds until the send would be accepted. A null or missing
  value lifts that limit.
- POST /sandbox/faults {"chat_id": 1001, "fault": "blocked"} — every send to the chat answers
  403 "Forbidden: bot was blocked by the user" until the fault is cleared with "fault": "none".
  "fault": "retry_after" answers 429 with "retry_after" seconds (default 5); "fault": "timeout" holds the
  answer "seconds" (default 30) so the client times out, having delivered the message unless
  "delivered": false. "count" limits a fault to that many sends (default: 1, or unlimited for "blocked").
- GET /sandbox/traffic — the limits, the faults and counts of what was accepted and refused.
"""

import math
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any, Literal

from bot.sandbox.params import ApiError

FaultKind = Literal["blocked", "retry_after", "timeout"]
FAULT_KINDS: tuple[FaultKind, ...] = ("blocked", "retry_after", "timeout")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


@dataclass
class Limits:
    per_second: float | None = None
    per_chat_per_second: float | None = None
    per_group_per_minute: float | None = None


@dataclass
class Fault:
    kind: FaultKind
    count: int | None = None  # sends left; None = until cleared
    retry_after: int = 5
    seconds: float = 30.0
    delivered: bool = True


class Window:
    """`rate` accepted sends in any `span` seconds (one in span / rate when the rate is below one); the sends
    of the last span are kept, none at first."""

    def __init__(self, rate: float, span: float) -> None:
        self.span = span * max(1.0, 1 / rate)
        self.limit = max(1, math.floor(rate * self.span / span))
        self.accepted: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until a send would be accepted (0 = now)."""
        while self.accepted and self.accepted[0] <= now - self.span:
            self.accepted.popleft()
        return 0.0 if len(self.accepted) < self.limit else self.accepted[-self.limit] + self.span - now


class Traffic:
    def __init__(self) -> None:
        self.limits = Limits()
        self.faults: dict[int, Fault] = {}
        self.stats: Counter[str] = Counter()
        self.first_accepted: float | None = None  # time.time() of the first and last accepted send
        self.last_accepted: float | None = None
        self._overall: Window | None = None
        self._chats: dict[int, Window] = {}

    def set_limits(self, limits: Limits) -> None:
        self.limits = limits
        self._overall, self._chats = None, {}

    def set_fault(self, chat_id: int, fault: Fault | None) -> None:
        if fault is None:
            self.faults.pop(chat_id, None)
        else:
            self.faults[chat_id] = fault

    def admit(self, chat_id: int) -> Fault | None:
        """Raises the ApiError Telegram would answer with; returns a timeout fault to act out, if any."""
        fault = self._take_fault(chat_id)
        if fault is not None and fault.kind == "blocked":
            self.stats["blocked"] += 1
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if fault is not None and fault.kind == "retry_after":
            self.stats["rate_limited"] += 1
            raise too_many_requests(fault.retry_after)
        self._check_limits(chat_id)
        self.stats["timed_out" if fault is not None else "accepted"] += 1
        if fault is None or fault.delivered:
            self.last_accepted = time.time()
            self.first_accepted = self.first_accepted or self.last_accepted
        return fault

    def _take_fault(self, chat_id: int) -> Fault | None:
        fault = self.faults.get(chat_id)
        if fault is not None and fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                del self.faults[chat_id]
        return fault

    def _check_limits(self, chat_id: int) -> None:
        now = time.monotonic()
        windows = []
        if self.limits.per_second is not None:
            self._overall = self._overall or Window(self.limits.per_second, 1.0)
            windows.append(self._overall)
        # Telegram's group ids are negative, a private chat's is its user's.
        rate, span = (self.limits.per_group_per_minute, 60.0) if chat_id < 0 else (self.limits.per_chat_per_second, 1.0)
        if rate is not None:
            if chat_id not in self._chats:
                self._chats[chat_id] = Window(rate, span)
            windows.append(self._chats[chat_id])
        wait = max((window.wait(now) for window in windows), default=0.0)
        if wait > 0:
            self.stats["rate_limited"] += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        for window in windows:
            window.accepted.append(now)

    def view(self) -> dict[str, Any]:
        return {
            "limits": asdict(self.limits),
            "faults": {str(chat_id): asdict(fault) for chat_id, fault in self.faults.items()},
            "stats": {key: self.stats[key] for key in ("accepted", "rate_limited", "blocked", "timed_out")}
            | {"first_accepted": self.first_accepted, "last_accepted": self.last_accepted},
        }
