"""Telegram's send limits as our side enforces them, and the pacing arithmetic (pure).

Sends are paced, not burst: the n-th send of a claim goes out at `base + n / (PACE_SHARE * per_second)`,
where `base` is where the previous claim (of any process: the position lives in the database) left off; a
chat's next send waits one chat interval (1 s for a private chat, 3 s for a group at 20 per minute).
Telegram counts in sliding windows (more than 30 sends in any one second is a 429), so a pace sitting exactly
on the limit meets a 429 whenever the network delays one send and not the next: the pace keeps PACE_SHARE of
the limit, and the Gate holds a send that the server could count over a limit (within one process).
"""

import math
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.channels.ids import is_zalo

BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_MAX = timedelta(minutes=5)
MAX_ATTEMPTS = 10  # network errors in a row before a reminder is given up as failed
PACE_SHARE = 0.98  # of the limit: 20 ms of a second's 30 sends left for the network's jitter
WINDOW = timedelta(seconds=1)
PRUNE_AT = 10_000  # chats remembered by the gate before those free again are forgotten


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0
    zalo_per_second: float = 10.0  # Zalo publishes no limits: ours, as settings
    zalo_per_chat_per_second: float = 1.0

    def __post_init__(self) -> None:
        if min(self.per_second, self.per_chat_per_second, self.per_group_per_minute, self.zalo_per_second,
               self.zalo_per_chat_per_second) <= 0:
            raise ValueError("send limits must be positive")

    def interval(self, chat_id: int) -> timedelta:
        """The share of the overall pace one send to this chat takes: a Zalo send takes 1/zalo_per_second of
        it, a Telegram send 1/per_second, so neither channel goes faster than its own limit, mixed or alone."""
        return timedelta(seconds=1 / (PACE_SHARE * self.per_second_of(chat_id)))

    def per_second_of(self, chat_id: int) -> float:
        return self.zalo_per_second if is_zalo(chat_id) else self.per_second

    def chat_interval(self, chat_id: int) -> timedelta:
        if is_zalo(chat_id):
            return timedelta(seconds=1 / self.zalo_per_chat_per_second)
        # Telegram's group and channel ids are negative, private chats are the user's (positive) id.
        if chat_id < 0:
            return timedelta(seconds=60 / self.per_group_per_minute)
        return timedelta(seconds=1 / self.per_chat_per_second)


class Gate:
    """The servers' sliding windows, seen from one process. The server counts a send at some moment between
    its start and its end here; so when fewer than the window's limit of sends are in flight or ended less
    than a window ago, the server cannot have counted that many in the window before this one, whatever the
    network delays. A chat's next send starts one chat interval after its last one ended."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._ended: dict[bool, deque[datetime]] = {False: deque(), True: deque()}  # by is_zalo
        self._in_flight: Counter[bool] = Counter()
        self._chats: dict[int, datetime | None] = {}  # when the chat's last send ended; None: in flight

    def wait(self, chat_id: int, now: datetime) -> timedelta | None:
        """How long a send to this chat must wait (zero: it may start now); None: until a send in flight ends."""
        channel = is_zalo(chat_id)
        rate = self.limits.per_second_of(chat_id)
        span = WINDOW * max(1.0, 1 / rate)
        limit = max(1, math.floor(rate * span.total_seconds()))
        ended = self._ended[channel]
        while ended and ended[0] <= now - span:
            ended.popleft()
        over = self._in_flight[channel] + len(ended) - limit  # this many must leave the window first
        if over >= len(ended) or self._chats.get(chat_id, now) is None:
            return None
        window_free = ended[over] + span - now if over >= 0 else timedelta(0)
        chat_ended = self._chats.get(chat_id)
        chat_free = chat_ended + self.limits.chat_interval(chat_id) - now if chat_ended else timedelta(0)
        return max(window_free, chat_free, timedelta(0))

    def start(self, chat_id: int) -> None:
        self._in_flight[is_zalo(chat_id)] += 1
        self._chats[chat_id] = None

    def end(self, chat_id: int, now: datetime) -> None:
        channel = is_zalo(chat_id)
        self._in_flight[channel] -= 1
        self._ended[channel].append(now)
        self._chats[chat_id] = now
        if len(self._chats) > PRUNE_AT:
            self._chats = {chat: at for chat, at in self._chats.items()
                           if at is None or at + self.limits.chat_interval(chat) > now}


def slots(next_free: datetime, now: datetime, intervals: list[timedelta]) -> list[datetime]:
    """Send times for messages taking `intervals` of the pace each, from where the pace left off; a pace left
    in the past is not caught up in a burst."""
    at = max(next_free, now)
    times = []
    for interval in intervals:
        times.append(at)
        at += interval
    return times


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed ones: 2 s, 4 s, 8 s… capped at 5 minutes."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
