"""Importing a plan: a file or pasted text → a preview → corrections → saved to the calendar."""

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.domain.dates import parse_window
from bot.domain.plans.readers import MAX_DOCX_BYTES, PlanReadError, read_plan_bytes
from bot.domain.plans.structure import split_lines
from bot.services import plan_import
from bot.services.actor import Actor
from bot.services.plan_import import DraftView
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import DraftAction, DraftCb

PAGE_SIZE = 10
# A pasted message this long, outside any dialog, is taken for a plan rather than a question.
PASTED_PLAN_MIN_CHARS = 400
MAX_SOURCE_NAME = 200  # the file name is kept with the plan (a column of this size)


class ImportPlan(StatesGroup):
    waiting = State()
    dates = State()
    owner = State()


def preview_keyboard(d: DraftView, page: int) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    shown = range(page * PAGE_SIZE, min(len(d.items), (page + 1) * PAGE_SIZE))
    for index in shown:
        kb.button(text=label("item_number", n=index + 1, keep=d.items[index].keep),
                  callback_data=DraftCb(id=d.id, act=DraftAction.ITEM, n=index))
    sizes = [5] * (-(-len(shown) // 5))
    pages = -(-len(d.items) // PAGE_SIZE)
    nav = [(label("page_prev"), page - 1)] if page > 0 else []
    nav += [(label("page_next"), page + 1)] if page + 1 < pages else []
    for text, target in nav:
        kb.button(text=text, callback_data=DraftCb(id=d.id, act=DraftAction.PAGE, n=target))
    if nav:
        sizes.append(len(nav))
    kb.button(text=label("save_plan", n=d.kept_count), callback_data=DraftCb(id=d.id, act=DraftAction.SAVE))
    kb.button(text=label("discard_plan"), callback_data=DraftCb(id=d.id, act=DraftAction.DISCARD))
    kb.adjust(*sizes, 1, 1)
    return kb.as_markup()


def item_keyboard(d: DraftView, index: int) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    kb.button(text=label("drop_item", keep=d.items[index].keep),
              callback_data=DraftCb(id=d.id, act=DraftAction.TOGGLE, n=index))
    kb.button(text=label("fix_dates"), callback_data=DraftCb(id=d.id, act=DraftAction.DATES, n=index))
    kb.button(text=label("fix_owner"), callback_data=DraftCb(id=d.id, act=DraftAction.OWNER, n=index))
    kb.button(text=label("back_to_preview"),
              callback_data=DraftCb(id=d.id, act=DraftAction.PAGE, n=index // PAGE_SIZE))
    kb.adjust(1, 2, 1)
    return kb.as_markup()


def setup() -> Router:
    router = Router(name="plans")

    async def show_preview(target: Message, d: DraftView, page: int = 0, *, edit: bool = False) -> None:
        text = render("plans", "preview", d=d, page=page, page_size=PAGE_SIZE)
        await keyboards.show(target, text, preview_keyboard(d, page), edit=edit)

    async def read(message: Message, lines: list[str], source_name: str | None, uow, actor: Actor, clock,
                   state: FSMContext) -> None:
        d = await plan_import.read_plan(uow, actor, lines=lines, source_name=source_name, now=clock())
        await state.clear()
        await show_preview(message, d)

    @router.message(Command("nhapkehoach"))
    async def ask_plan(message: Message, actor: Actor, state: FSMContext) -> None:
        actor.secretary_branch()
        await state.set_state(ImportPlan.waiting)
        await message.answer(render("plans", "ask_plan"))

    @router.message(F.document, StateFilter(None, ImportPlan.waiting))
    async def plan_file(message: Message, bot: Bot, uow, actor: Actor, clock, state: FSMContext) -> None:
        actor.secretary_branch()
        document = message.document
        name = (document.file_name or "")[:MAX_SOURCE_NAME]
        try:
            if document.file_size and document.file_size > MAX_DOCX_BYTES:
                raise PlanReadError("too_big", mb=MAX_DOCX_BYTES // 2**20)
            content = (await bot.download(document)).read()
            if len(content) > MAX_DOCX_BYTES:  # a file_size that was missing or wrong
                raise PlanReadError("too_big", mb=MAX_DOCX_BYTES // 2**20)
            # Unpacking and parsing a .docx takes a while: not on the loop that serves everyone else.
            lines = await asyncio.to_thread(read_plan_bytes, content, name)
        except PlanReadError as error:
            await message.answer(render("plans", "read_error", code=error.code, params=error.params))
            return
        await read(message, lines, name or None, uow, actor, clock, state)

    @router.message(ImportPlan.waiting, ~F.text, ~F.document)
    async def not_a_plan(message: Message) -> None:
        await message.answer(render("plans", "send_file_or_text"))

    @router.message(ImportPlan.waiting, F.text)
    @router.message(StateFilter(None), F.text.len() >= PASTED_PLAN_MIN_CHARS, ~F.text.startswith("/"))
    async def plan_text(message: Message, uow, actor: Actor, clock, state: FSMContext) -> None:
        await read(message, split_lines(message.text), None, uow, actor, clock, state)

    @router.callback_query(DraftCb.filter(F.act == DraftAction.PAGE))
    async def page(query: CallbackQuery, callback_data: DraftCb, uow, actor: Actor) -> None:
        d = await plan_import.draft(uow, actor, callback_data.id)
        await show_preview(query.message, d, max(0, callback_data.n), edit=True)
        await query.answer()

    async def show_item(query: CallbackQuery, d: DraftView, index: int) -> None:
        if not 0 <= index < len(d.items):
            await query.answer(render("errors", "error", code="draft_item_missing", params={}), show_alert=True)
            return
        await query.message.edit_text(render("plans", "item_card", d=d, index=index),
                                      reply_markup=item_keyboard(d, index))
        await query.answer()

    @router.callback_query(DraftCb.filter(F.act == DraftAction.ITEM))
    async def item(query: CallbackQuery, callback_data: DraftCb, uow, actor: Actor) -> None:
        await show_item(query, await plan_import.draft(uow, actor, callback_data.id), callback_data.n)

    @router.callback_query(DraftCb.filter(F.act == DraftAction.TOGGLE))
    async def toggle(query: CallbackQuery, callback_data: DraftCb, uow, actor: Actor) -> None:
        d = await plan_import.toggle_item(uow, actor, callback_data.id, callback_data.n)
        await show_item(query, d, callback_data.n)

    @router.callback_query(DraftCb.filter(F.act.in_({DraftAction.DATES, DraftAction.OWNER})))
    async def ask_correction(query: CallbackQuery, callback_data: DraftCb, uow, actor: Actor,
                             state: FSMContext) -> None:
        d = await plan_import.draft(uow, actor, callback_data.id)
        if not 0 <= callback_data.n < len(d.items):
            await query.answer(render("errors", "error", code="draft_item_missing", params={}), show_alert=True)
            return
        dates = callback_data.act == DraftAction.DATES
        await state.set_state(ImportPlan.dates if dates else ImportPlan.owner)
        await state.update_data(draft_id=d.id, index=callback_data.n)
        await query.message.answer(render("plans", "ask_dates" if dates else "ask_owner", index=callback_data.n))
        await query.answer()

    @router.message(ImportPlan.dates, F.text)
    async def got_dates(message: Message, uow, actor: Actor, state: FSMContext) -> None:
        data = await state.get_data()
        try:
            start, due = parse_window(message.text)
        except ValueError:
            await message.answer(render("plans", "bad_dates", text=message.text[:100]))
            return
        d = await plan_import.correct_dates(uow, actor, data["draft_id"], data["index"], start, due)
        await state.clear()
        await message.answer(render("plans", "item_card", d=d, index=data["index"]),
                             reply_markup=item_keyboard(d, data["index"]))

    @router.message(ImportPlan.owner, F.text)
    async def got_owner(message: Message, uow, actor: Actor, state: FSMContext) -> None:
        data = await state.get_data()
        d = await plan_import.correct_owner(uow, actor, data["draft_id"], data["index"], message.text)
        await state.clear()
        await message.answer(render("plans", "item_card", d=d, index=data["index"]),
                             reply_markup=item_keyboard(d, data["index"]))

    @router.callback_query(DraftCb.filter(F.act == DraftAction.SAVE))
    async def save(query: CallbackQuery, callback_data: DraftCb, uow, actor: Actor, clock) -> None:
        saved = await plan_import.confirm(uow, actor, callback_data.id, clock())
        await query.message.edit_text(render("plans", "saved", s=saved))
        await query.answer()

    @router.callback_query(DraftCb.filter(F.act == DraftAction.DISCARD))
    async def discard(query: CallbackQuery, callback_data: DraftCb, uow, actor: Actor) -> None:
        await plan_import.discard(uow, actor, callback_data.id)
        await query.message.edit_text(render("plans", "discarded"))
        await query.answer()

    return router
