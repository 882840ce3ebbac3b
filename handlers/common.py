"""Commands that work for everyone and from any state: /help, /huy; and the fallbacks."""

import logging

from aiogram import F, Router
from aiogram.filters import Command, ExceptionTypeFilter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message

from bot.domain.roster import Role
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.texts import render

log = logging.getLogger(__name__)


def help_text(actor: Actor) -> str:
    return render(
        "common", "help",
        is_secretary=actor.home is not None and actor.home.role == Role.SECRETARY,
        is_member=bool(actor.roles),
        is_supervisor=bool(actor.supervised),
    )


def setup_first() -> Router:
    """Included before every feature router, so /huy and /help win over any state."""
    router = Router(name="common")

    @router.message(Command("huy", "cancel"), StateFilter("*"))
    async def cancel(message: Message, state: FSMContext) -> None:
        had_state = await state.get_state() is not None
        await state.clear()
        await message.answer(render("common", "cancelled", had_state=had_state))

    @router.message(Command("help"), StateFilter("*"))
    async def show_help(message: Message, actor: Actor) -> None:
        await message.answer(help_text(actor))

    @router.error(ExceptionTypeFilter(ServiceError))
    async def service_error(event: ErrorEvent) -> None:
        error: ServiceError = event.exception  # type: ignore[assignment]
        if isinstance(error, AccessDenied):
            log.warning("refused %s for update %s: %s", error.code, event.update.update_id, error.params)
        text = render("errors", "error", code=error.code, params=error.params)
        if query := event.update.callback_query:
            await query.answer(text, show_alert=True)
        elif event.update.message:
            await event.update.message.answer(text)

    return router


def setup_last() -> Router:
    """Included after every feature router: whatever nobody handled gets a helpful answer."""
    router = Router(name="fallback")

    @router.callback_query()
    async def stale_button(query: CallbackQuery) -> None:
        # Only the prefix: a ballot button's data carries a sealed choice, which must never reach a log.
        log.warning("unhandled callback %r from %s", (query.data or "").split(":", 1)[0], query.from_user.id)
        await query.answer(render("common", "stale_button"), show_alert=True)

    @router.message(F.text | F.document | F.photo)
    async def unknown(message: Message) -> None:
        await message.answer(render("common", "unknown_input"))

    return router
