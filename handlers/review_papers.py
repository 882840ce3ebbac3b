"""The review's papers on the secretary's phone: the locality asked once, then the .docx files, the place changeable."""

from datetime import datetime

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.dates import Clock
from bot.services import review_documents
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import ReviewAction, ReviewCb
from handlers.commands import TYPED  # /huy leaves the question: asked again next time
from handlers.registering import registrars
from storage.uow import UnitOfWork


class PapersInput(StatesGroup):
    locality = State()


def locality_keyboard(*, change: bool) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    if change:
        kb.button(text=label("locality_change"), callback_data=ReviewCb(act=ReviewAction.LOCALITY))
    else:
        kb.button(text=label("locality_blank"), callback_data=ReviewCb(act=ReviewAction.LOCALITY_BLANK))
    return kb.as_markup()


async def ask_locality(message: Message, state: FSMContext, *, stored: str | None) -> None:
    await state.set_state(PapersInput.locality)
    await message.answer(render("review_papers", "ask_locality", stored=stored),
                         reply_markup=locality_keyboard(change=False))


async def send_papers(message: Message, state: FSMContext, uow: UnitOfWork, actor: Actor, now: datetime,
                      settings: Settings) -> None:
    """The papers; a branch never asked its locality is asked first (once: a blank chosen is kept too)."""
    try:
        papers = await review_documents.documents(uow, actor, now, settings.tz)
    except ServiceError as refused:
        if refused.code != "locality_missing":
            raise
        await ask_locality(message, state, stored=None)
        return
    for kind, name, content in papers.files:
        await message.answer_document(BufferedInputFile(content, filename=name),
                                      caption=render("review", "docs_caption", kind=kind))
    if papers.withheld:
        await message.answer(render("review_papers", "withheld", sources=papers.withheld))
    await message.answer(render("review_papers", "locality_line", locality=await review_documents.locality(uow, actor)),
                         reply_markup=locality_keyboard(change=True))


async def documents(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                    state: FSMContext) -> None:
    await send_papers(query.message, state, uow, actor, clock(), settings)  # a refusal answers the tap
    await query.answer()


async def change_locality(query: CallbackQuery, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await ask_locality(query.message, state, stored=await review_documents.locality(uow, actor))
    await query.answer()


async def blank_locality(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                         state: FSMContext) -> None:
    await review_documents.set_locality(uow, actor, None, clock())
    await state.clear()
    await send_papers(query.message, state, uow, actor, clock(), settings)  # a refusal answers the tap
    await query.answer()


async def got_locality(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                       state: FSMContext) -> None:
    await review_documents.set_locality(uow, actor, message.text, clock())  # bad text: said, still asked
    await state.clear()
    await send_papers(message, state, uow, actor, clock(), settings)


def setup() -> Router:
    router = Router(name="review_papers")
    on_message, on_button = registrars(router)
    on_button(documents, ReviewCb.filter(F.act == ReviewAction.DOCUMENTS))
    on_button(change_locality, ReviewCb.filter(F.act == ReviewAction.LOCALITY))
    on_button(blank_locality, ReviewCb.filter(F.act == ReviewAction.LOCALITY_BLANK))
    on_message(got_locality, PapersInput.locality, TYPED)
    return router
