"""Telegram's send limits as our side enforces them, and the pacing arithmetic (pure).

Sends are paced, not burst: the n-th send of a claim goes out at `base + n / per_second`, where `base` is
where the previous claim (of any process: the position lives in the database) left off; a chat's next
send waits one chat interval (1 s for a private chat, 3 s for a group at 20 per minute).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_MAX = timedelta(minutes=5)
MAX_ATTEMPTS = 10  # network errors in a row before a reminder is given up as failed


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0

    def __post_init__(self) -> None:
        if min(self.per_second, self.per_chat_per_second, self.per_group_per_minute) <= 0:
            raise ValueError("send limits must be positive")

    @property
    def interval(self) -> timedelta:
        return timedelta(seconds=1 / self.per_second)

    def chat_interval(self, chat_id: int) -> timedelta:
        # Telegram's group and channel ids are negative, private chats are the user's (positive) id.
        if chat_id < 0:
            return timedelta(seconds=60 / self.per_group_per_minute)
        return timedelta(seconds=1 / self.per_chat_per_second)


def slots(next_free: datetime, now: datetime, count: int, interval: timedelta) -> list[datetime]:
    """Send times for `count` messages from where the pace left off; a pace left in the past is not
    caught up in a burst."""
    base = max(next_free, now)
    return [base + n * interval for n in range(count)]


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed ones: 2 s, 4 s, 8 s… capped at 5 minutes."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
