"""One reminder through the Bot API, and what Telegram's answer means for its outbox row."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429: this chat waits retry_after seconds
    BLOCKED = "blocked"  # 403: the user blocked the bot
    REJECTED = "rejected"  # 400/404: sending again would fail the same way
    UNKNOWN = "unknown"  # timeout, network or server error: it may or may not have arrived


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    retry_after: float = 0.0
    error: str = ""


class Sender(Protocol):
    async def send(self, chat_id: int, text: str) -> Result: ...


class BotSender:
    def __init__(self, bot: Bot, timeout: float) -> None:
        self.bot = bot
        self.timeout = timeout

    async def send(self, chat_id: int, text: str) -> Result:
        try:
            await self.bot.send_message(chat_id, text, request_timeout=self.timeout)
        except TelegramRetryAfter as error:
            return Result(Outcome.RETRY_AFTER, retry_after=error.retry_after,
                          error=f"429: retry after {error.retry_after} s")
        except TelegramForbiddenError as error:
            return Result(Outcome.BLOCKED, error=error.message)
        except (TelegramBadRequest, TelegramNotFound) as error:
            if "chat not found" in error.message:
                # The person has not opened the bot (yet): it did not arrive, so trying later is safe.
                return Result(Outcome.UNKNOWN, error=error.message)
            return Result(Outcome.REJECTED, error=error.message)
        except TelegramAPIError as error:  # network errors and timeouts included (TelegramNetworkError)
            return Result(Outcome.UNKNOWN, error=f"{type(error).__name__}: {error.message}")
        return Result(Outcome.SENT)
