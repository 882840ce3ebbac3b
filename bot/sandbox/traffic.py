"""Telegram's send limits and failures, simulated for the messages the bot sends (sendMessage,
sendDocument, sendPhoto). Off by default; set through the control API:

- POST /sandbox/limits {"per_second": 30, "per_chat_per_second": 1} — token buckets: all chats together
  may take `per_second` messages a second (bursts up to that many), one chat `per_chat_per_second` (bursts
  up to that many, at least 1). Over a limit, the answer is Telegram's 429:
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
from collections import Counter
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


@dataclass
class Fault:
    kind: FaultKind
    count: int | None = None  # sends left; None = until cleared
    retry_after: int = 5
    seconds: float = 30.0
    delivered: bool = True


class Bucket:
    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.tokens = self.capacity
        self.at = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0 = one is there now), after refilling to `now`."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class Traffic:
    def __init__(self) -> None:
        self.limits = Limits()
        self.faults: dict[int, Fault] = {}
        self.stats: Counter[str] = Counter()
        self.first_accepted: float | None = None  # time.time() of the first and last accepted send
        self.last_accepted: float | None = None
        self._overall: Bucket | None = None
        self._chats: dict[int, Bucket] = {}

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
        buckets = []
        if self.limits.per_second is not None:
            self._overall = self._overall or Bucket(self.limits.per_second, now)
            buckets.append(self._overall)
        if self.limits.per_chat_per_second is not None:
            buckets.append(self._chats.setdefault(chat_id, Bucket(self.limits.per_chat_per_second, now)))
        wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
        if wait > 0:
            self.stats["rate_limited"] += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.tokens -= 1

    def view(self) -> dict[str, Any]:
        return {
            "limits": asdict(self.limits),
            "faults": {str(chat_id): asdict(fault) for chat_id, fault in self.faults.items()},
            "stats": {key: self.stats[key] for key in ("accepted", "rate_limited", "blocked", "timed_out")}
            | {"first_accepted": self.first_accepted, "last_accepted": self.last_accepted},
        }
