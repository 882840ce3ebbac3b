"""The gate: Telegram's (and our Zalo) send limits held within one process, from the sends it has seen.

Telegram counts in sliding windows (more than 30 sends in any one second is a 429); the pace
(bot.domain.reminders.pacing) keeps below the limits, and the gate holds a send that the server could still
count over one, whatever the network delays.
"""

import math
from collections import Counter, deque
from datetime import datetime, timedelta

from bot.channels.ids import is_zalo
from bot.domain.reminders.pacing import Limits

WINDOW = timedelta(seconds=1)
PRUNE_AT = 10_000  # chats remembered by the gate before those free again are forgotten


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
        rate = self.limits.per_second_of(zalo=channel)
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
        chat_free = chat_ended + self.limits.chat_interval(chat_id, zalo=channel) - now if chat_ended else timedelta(0)
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
                           if at is None or at + self.limits.chat_interval(chat, zalo=is_zalo(chat)) > now}
