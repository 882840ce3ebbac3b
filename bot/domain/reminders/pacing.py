"""The send limits our side enforces (Telegram's, and ours for Zalo), and the pacing arithmetic.

Sends are paced, not burst: the n-th send of a claim goes out at `base + n / (PACE_SHARE * per_second)`,
where `base` is where the previous claim (of any process: the position lives in the database) left off; a
chat's next send waits one chat interval (1 s for a private chat, 3 s for a group at 20 per minute).
Telegram counts in sliding windows (more than 30 sends in any one second is a 429), so a pace sitting exactly
on the limit meets a 429 whenever the network delays one send and not the next: the pace keeps PACE_SHARE of
the limit, and the runtime's gate (scheduling.gate) holds a send that the server could count over a limit.
Which channel a chat number is on is the caller's to say (`zalo`: bot.channels.ids.is_zalo).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_MAX = timedelta(minutes=5)
MAX_ATTEMPTS = 10  # network errors in a row before a reminder is given up as failed
PACE_SHARE = 0.98  # of the limit: 20 ms of a second's 30 sends left for the network's jitter


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

    def interval(self, *, zalo: bool) -> timedelta:
        """The share of the overall pace one send takes: a Zalo send takes 1/zalo_per_second of it, a
        Telegram send 1/per_second, so neither channel goes faster than its own limit, mixed or alone."""
        return timedelta(seconds=1 / (PACE_SHARE * self.per_second_of(zalo=zalo)))

    def per_second_of(self, *, zalo: bool) -> float:
        return self.zalo_per_second if zalo else self.per_second

    def chat_interval(self, chat_id: int, *, zalo: bool) -> timedelta:
        if zalo:
            return timedelta(seconds=1 / self.zalo_per_chat_per_second)
        # Telegram's group and channel ids are negative, private chats are the user's (positive) id.
        if chat_id < 0:
            return timedelta(seconds=60 / self.per_group_per_minute)
        return timedelta(seconds=1 / self.per_chat_per_second)


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
