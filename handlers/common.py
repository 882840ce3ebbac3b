"""Commands that work for everyone and from any state: /help, /huy; the fallbacks; and how a refusal is logged.

A refusal is logged with the user's id and what they tried: the command, or the button's kind — the prefix of
its data, never the rest (a ballot button carries a sealed choice). A button nobody handles is refused as
stale, and the log says why: an unknown kind, a cut or padded payload, a value of the wrong shape, or a
well-formed button pressed outside the screen or dialog it belongs to.
"""

import logging
import re
from functools import cache

from aiogram import F, Router
from aiogram.filters import ExceptionTypeFilter, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message, Update

from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.texts import render
from handlers import commands
from handlers.commands import Who
from handlers.registering import registrars

log = logging.getLogger(__name__)


# Telegram takes at most 4096 characters (UTF-16 code units) a message.
MAX_TEXT = 4096
MAX_KIND = 16  # characters of a button's prefix or a command that go into the log
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
_NUMBER = re.compile(r"[+-]?\d+")


def telegram_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def button_kind(data: str | None) -> str:
    return repr((data or "").split(":", 1)[0][:MAX_KIND])


def attempt(update: Update) -> tuple[int | None, str]:
    """Who tried, and what: "button 'm'", "command /doanvien", or "message"."""
    if query := update.callback_query:
        return query.from_user.id, f"button {button_kind(query.data)}"
    if message := update.message:
        user = message.from_user.id if message.from_user else None
        words = (message.text or "").split(maxsplit=1)
        if words and words[0].startswith("/"):
            return user, f"command {words[0][:MAX_KIND]}"
        return user, "message"
    return None, "update"


@cache  # every button kind is defined once the routers are imported; asked on every tap
def _button_types() -> dict[str, type[CallbackData]]:
    found: dict[str, type[CallbackData]] = {}
    todo = list(CallbackData.__subclasses__())
    while todo:
        kind = todo.pop()
        todo += kind.__subclasses__()
        found.setdefault(kind.__prefix__, kind)
    return found


def why_unhandled(data: str | None) -> str:
    """Why no handler took a button's data."""
    data = data or ""
    prefix, separator, rest = data.partition(":")
    kind = _button_types().get(prefix)
    if kind is None:
        return "unknown kind"
    fields = len(kind.model_fields)
    given = len(rest.split(kind.__separator__)) if separator else 0
    if given < fields:
        return "cut payload"
    if given > fields:
        return "padded payload"
    try:
        kind.unpack(data)
    except (TypeError, ValueError):
        return "bad value"
    return "not for this screen or dialog"


def number_out_of_range(data: str | None) -> bool:
    """Button data whose numeric field no id could ever have: refused before any handler takes it to the
    database, which would fail on it."""
    prefix, separator, rest = (data or "").partition(":")
    kind = _button_types().get(prefix)
    if kind is None or not separator:
        return False
    for (_, field), part in zip(kind.model_fields.items(), rest.split(kind.__separator__), strict=False):
        if field.annotation is int and _NUMBER.fullmatch(part.strip()) and abs(int(part)) > MAX_ID:
            return True
    return False


async def refuse_stale(query: CallbackQuery, why: str) -> None:
    """Answers a button that no longer fits (or never did) as stale, and logs it."""
    log.warning("refused button %s to user %s: %s", button_kind(query.data), query.from_user.id, why)
    await query.answer(render("common", "stale_button"), show_alert=True)


def help_text(actor: Actor) -> str:
    return render("common", "help", sections=commands.help_sections(actor), stranger=not Who.KNOWN.runs(actor))


async def out_of_range(query: CallbackQuery) -> bool:
    """Filter: button data no id could have (number_out_of_range)."""
    return number_out_of_range(query.data)


async def refuse_out_of_range(query: CallbackQuery) -> None:
    await refuse_stale(query, "bad value: a number out of range")


async def cancel(message: Message, state: FSMContext) -> None:
    had_state = await state.get_state() is not None
    await state.clear()
    await message.answer(render("common", "cancelled", had_state=had_state))


async def show_help(message: Message, actor: Actor) -> None:
    await message.answer(help_text(actor))


async def service_error(event: ErrorEvent) -> None:
    error: ServiceError = event.exception  # type: ignore[assignment]
    if isinstance(error, AccessDenied):
        user, what = attempt(event.update)
        log.warning("refused %s to user %s: %s %s", what, user, error.code, error.params)
    text = render("errors", "error", code=error.code, params=error.params)
    if query := event.update.callback_query:
        await query.answer(text, show_alert=True)
    elif event.update.message:
        await event.update.message.answer(text)


async def stale_button(query: CallbackQuery) -> None:
    await refuse_stale(query, why_unhandled(query.data))


async def unknown(message: Message, raw_state: str | None) -> None:
    # Inside a dialog, the step wants something else (usually a button): say so, not "not understood".
    await message.answer(render("common", "unknown_input", in_dialog=raw_state is not None))


def setup_first() -> Router:
    """Included before every feature router, so /huy and /help win over any state."""
    router = Router(name="common")
    on_message, on_button = registrars(router)
    on_button(refuse_out_of_range, out_of_range)
    on_message(cancel, commands.filter("huy"), StateFilter("*"))
    on_message(show_help, commands.filter("help"), StateFilter("*"))
    router.errors.register(service_error, ExceptionTypeFilter(ServiceError))
    return router


def setup_last() -> Router:
    """Included after every feature router: whatever nobody handled gets a helpful answer."""
    router = Router(name="fallback")
    on_message, on_button = registrars(router)
    on_button(stale_button)
    on_message(unknown, F.text | F.document | F.photo)
    return router
