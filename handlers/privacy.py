"""A person's data: download it as .json or erase it — one's own under /toi, a member's from the secretary's
member card. The service decides who may; forged button data is refused there."""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery

from bot.domain.dates import Clock
from bot.services import privacy
from bot.services.actor import Actor
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import MemberAction, MemberCb, PrivacyAction, PrivacyCb
from handlers.registering import registrars
from storage.uow import UnitOfWork


def _whose(callback_data: PrivacyCb) -> dict:
    """The service's target: the presser's own data (m=0), or a roster entry of the secretary's branch."""
    return {"membership_id": callback_data.m} if callback_data.m else {}


async def export(query: CallbackQuery, callback_data: PrivacyCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    found = await privacy.export_data(uow, actor, clock(), **_whose(callback_data))
    await query.message.answer_document(BufferedInputFile(found.content, filename=found.file_name),
                                        caption=render("privacy", "export_caption", export=found))
    await query.answer()


async def ask_erase(query: CallbackQuery, callback_data: PrivacyCb, uow: UnitOfWork, actor: Actor) -> None:
    preview = await privacy.preview_erase(uow, actor, **_whose(callback_data))
    text = render("privacy", "confirm_self" if preview.by == "self" else "confirm_member", preview=preview)
    await query.message.answer(text, reply_markup=keyboards.confirm_erase(callback_data.m))
    await query.answer()


async def erase(query: CallbackQuery, callback_data: PrivacyCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                state: FSMContext) -> None:
    done = await privacy.erase(uow, actor, clock(), **_whose(callback_data))
    if done.by == "self":
        await state.clear()  # a dialog halfway through is the erased person's too
        await query.message.edit_text(render("privacy", "erased_self", done=done))
    else:
        await query.message.edit_text(
            render("privacy", "erased_member", done=done),
            reply_markup=keyboards.single(label("back_to_member"), MemberCb(id=callback_data.m, act=MemberAction.OPEN)))
    await query.answer()


async def keep(query: CallbackQuery) -> None:
    await query.message.edit_text(render("privacy", "kept"))
    await query.answer()


def setup() -> Router:
    router = Router(name="privacy")
    on_button = registrars(router).button
    on_button(export, PrivacyCb.filter(F.act == PrivacyAction.EXPORT))
    on_button(ask_erase, PrivacyCb.filter(F.act == PrivacyAction.ERASE))
    on_button(erase, PrivacyCb.filter(F.act == PrivacyAction.ERASE_CONFIRMED))
    on_button(keep, PrivacyCb.filter(F.act == PrivacyAction.KEEP))
    return router
