"""Lists that outgrow one message (Telegram takes 4,096 characters and about 100 buttons a message).

A list with a button per entry goes in pages of a fixed size: ◀️ / ▶️ carry the page number and the page is
redrawn in place; a page the list does not have (forged data, or a list that has shrunk since) is refused with
a Vietnamese message. A list without buttons per entry goes as several messages, cut between lines.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, Message

from bot.channels.render import split
from bot.services.errors import ServiceError
from bot.texts import label
from handlers.common import MAX_TEXT, telegram_length
from handlers.inline_keyboard import Keyboard

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    number: int  # from 0
    count: int  # pages in the list
    size: int  # entries a page

    @property
    def start(self) -> int:
        return self.number * self.size

    def of(self, entries: Sequence[T]) -> Sequence[T]:
        return entries[self.start:self.start + self.size]


def page_of(total: int, size: int, number: int = 0) -> Page:
    """Page `number` of a list of `total` entries; an empty list has one, empty, page."""
    count = max(1, -(-total // size))
    if not 0 <= number < count:
        raise ServiceError("page_gone", pages=count)
    return Page(number, count, size)


def nav(kb: Keyboard, page: Page, data: Callable[[int], CallbackData]) -> int:
    """◀️ Trước / Sau ▶️ onto the keyboard, each carrying its page; returns how many (a row's size)."""
    moves = [(label("page_prev"), page.number - 1)] if page.number > 0 else []
    moves += [(label("page_next"), page.number + 1)] if page.number + 1 < page.count else []
    for text, target in moves:
        kb.button(text=text, callback_data=data(target))
    return len(moves)


def pieces(text: str) -> list[str]:
    """A long text as messages Telegram takes, cut at line ends. The cut is by characters; an emoji counts
    twice in Telegram's measure, hence the margin when the text has them."""
    limit = MAX_TEXT - (telegram_length(text) - len(text))
    return split(text, max(limit, MAX_TEXT // 2))


async def answer_long(target: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A read-only list as one message or several; the buttons go under the last."""
    parts = pieces(text)
    for part in parts[:-1]:
        await target.answer(part)
    await target.answer(parts[-1], reply_markup=markup)
