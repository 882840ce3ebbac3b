"""Importing a plan: a file, photos of its pages or pasted text → a preview → corrections → saved.

A .docx, .txt, .pdf or .doc is read at once. Photos (one, or an album) and a paste the messenger split are
kept as pieces until the secretary taps "Xong"; then they are read together, in the order sent. OCR shows
its progress in one message edited in place, which becomes the preview.
"""

from collections.abc import Callable
from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.channels.uploads import UploadLink
from bot.domain.dates import Clock, parse_window
from bot.domain.plans.pasted import is_piece, may_continue
from bot.domain.plans.readers import MAX_DOCX_BYTES, PlanReadError, file_kind
from bot.services import plan_files, plan_import
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.services.plan_files import PlanText
from bot.services.plan_import import DraftView
from bot.texts import label, render
from handlers import commands, keyboards
from handlers.callbacks import DraftAction, DraftCb, PartsAction, PartsCb
from handlers.commands import TYPED
from handlers.registering import registrars
from storage.uow import UnitOfWork

PAGE_SIZE = 10
# A pasted message this long, outside any dialog, is taken for a plan rather than a question.
PASTED_PLAN_MIN_CHARS = 400
MAX_SOURCE_NAME = 200  # the file name is kept with the plan (a column of this size)
# What a step of the import takes as typed input: any text but a command, which runs instead (see setup_leave).


class ImportPlan(StatesGroup):
    waiting = State()
    collecting = State()  # pieces arriving; the data holds the id of the "đã nhận N phần" message
    dates = State()
    owner = State()


class Progress:
    """One message that says how far reading has got, edited in place, and then replaced by the preview."""

    def __init__(self, message: Message, shown: int | None = None) -> None:
        self.message, self.shown = message, shown  # the message answered, and the id of the one edited

    async def __call__(self, page: int, pages: int) -> None:
        await self.say(render("plans", "reading_page", page=page, pages=pages))

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        if self.shown is None:
            self.shown = (await self.message.answer(text, reply_markup=markup)).message_id
        else:
            await self.message.bot.edit_message_text(text, chat_id=self.message.chat.id, message_id=self.shown,
                                                     reply_markup=markup)


def parts_keyboard(*, held: bool = False) -> InlineKeyboardMarkup:
    """Read the pieces now, or drop them; `held`: also take the message held back as one more piece."""
    kb = keyboards.Keyboard()
    if held:
        kb.button(text=label("parts_add"), callback_data=PartsCb(act=PartsAction.ADD))
    kb.button(text=label("parts_done"), callback_data=PartsCb(act=PartsAction.DONE))
    kb.button(text=label("parts_cancel"), callback_data=PartsCb(act=PartsAction.CANCEL))
    kb.adjust(*([1] if held else []), 2)
    return kb.as_markup()


async def leave_import(message: Message, uow: UnitOfWork, actor: Actor, raw_state: str | None,
                       state: FSMContext) -> None:
    await state.clear()
    if raw_state == ImportPlan.collecting.state:
        count = len(await plan_import.parts(uow, actor))
        await message.answer(render("plans", "parts_paused", count=count))
    raise SkipHandler


def setup_leave() -> Router:
    """Included before the feature routers: a command typed while a plan is being imported runs, whichever
    router has it, and ends the import's dialog — it is never taken as a piece, a plan, a date or an owner.
    Pieces already received stay until the secretary taps Xong on them or sends another plan."""
    router = Router(name="plans-leave")
    registrars(router).message(leave_import, StateFilter(ImportPlan), F.text.startswith("/"))
    return router


async def _download(bot: Bot, file_id: str) -> bytes:
    return (await bot.download(file_id)).read()


def preview_keyboard(d: DraftView, page: int) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    shown = range(page * PAGE_SIZE, min(len(d.items), (page + 1) * PAGE_SIZE))
    for index in shown:
        kb.button(text=label("item_number", n=index + 1, keep=d.items[index].keep, target=d.items[index].is_target),
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
    back = DraftCb(id=d.id, act=DraftAction.PAGE, n=index // PAGE_SIZE)
    if d.items[index].is_target:  # a target is only shown, or made a task
        kb.button(text=label("make_task"), callback_data=DraftCb(id=d.id, act=DraftAction.TASK, n=index))
        kb.button(text=label("back_to_preview"), callback_data=back)
        kb.adjust(1, 1)
        return kb.as_markup()
    kb.button(text=label("drop_item", keep=d.items[index].keep),
              callback_data=DraftCb(id=d.id, act=DraftAction.TOGGLE, n=index))
    kb.button(text=label("fix_dates"), callback_data=DraftCb(id=d.id, act=DraftAction.DATES, n=index))
    kb.button(text=label("fix_owner"), callback_data=DraftCb(id=d.id, act=DraftAction.OWNER, n=index))
    kb.button(text=label("back_to_preview"), callback_data=back)
    kb.adjust(1, 2, 1)
    return kb.as_markup()


async def show_preview(target: Message, d: DraftView, page: int = 0, *, edit: bool = False) -> None:
    text = render("plans", "preview", d=d, page=page, page_size=PAGE_SIZE)
    await keyboards.show(target, text, preview_keyboard(d, page), edit=edit)


async def read(progress: Progress, found: PlanText, source_name: str | None, uow: UnitOfWork, actor: Actor,
               clock: Clock, state: FSMContext) -> None:
    d = await plan_import.read_plan(uow, actor, lines=found.lines, source_name=source_name, now=clock(),
                                    uncertain=found.uncertain)
    await state.clear()
    await progress.say(render("plans", "preview", d=d, page=0, page_size=PAGE_SIZE), preview_keyboard(d, 0))


async def refuse(progress: Progress, error: PlanReadError) -> None:
    await progress.say(render("plans", "read_error", code=error.code, params=error.params))


async def add_part(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext, *,
                   text: str | None = None, file_id: str | None = None, message_id: int | None = None) -> None:
    """One more piece (`message`'s, or the held one's `message_id`): kept, and the one "đã nhận N phần"
    message says how many."""
    first = await state.get_state() != ImportPlan.collecting.state
    count = await plan_import.add_part(uow, actor, message_id=message_id or message.message_id, now=clock(),
                                       text=text, file_id=file_id, first=first)
    progress = Progress(message, None if first else (await state.get_data()).get("status"))
    await progress.say(render("plans", "parts_received", count=count), parts_keyboard())
    await state.set_state(ImportPlan.collecting)
    cut_at = clock().timestamp() if text and may_continue(text) else None  # its tail may follow
    await state.update_data(status=progress.shown, cut_at=cut_at)


async def ask_plan(message: Message, actor: Actor, state: FSMContext,
                   plan_upload: Callable[[], UploadLink] | None = None) -> None:
    """`plan_upload`: on a channel that takes no documents (Zalo), a one-time link to send the file by."""
    actor.secretary_branch()
    await state.set_state(ImportPlan.waiting)
    await message.answer(render("plans", "ask_plan", upload=plan_upload() if plan_upload else None))


async def plan_photo(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    actor.secretary_branch()
    await add_part(message, uow, actor, clock, state, file_id=message.photo[-1].file_id)  # the largest size


async def plan_file(message: Message, bot: Bot, uow: UnitOfWork, actor: Actor, clock: Clock,
                    state: FSMContext) -> None:
    actor.secretary_branch()
    document = message.document
    name = (document.file_name or "")[:MAX_SOURCE_NAME]
    progress = Progress(message)
    try:
        if document.file_size and document.file_size > MAX_DOCX_BYTES:
            raise PlanReadError("too_big", mb=MAX_DOCX_BYTES // 2**20)
        content = await _download(bot, document.file_id)
        if file_kind(content, name) == "image":  # a photo sent as a file: one page among others
            await plan_files.check_image(content)
            await add_part(message, uow, actor, clock, state, file_id=document.file_id)
            return
        found = await plan_files.read_file(content, name, progress)
    except PlanReadError as error:
        await refuse(progress, error)
        return
    await read(progress, found, name or None, uow, actor, clock, state)


async def not_a_plan(message: Message) -> None:
    await message.answer(render("plans", "send_file_or_text"))


async def plan_piece(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    cut_at = (await state.get_data()).get("cut_at")
    after_cut = None if cut_at is None else timedelta(seconds=clock().timestamp() - cut_at)
    if not is_piece(message.text, after_cut=after_cut):  # "tháng này cần làm gì": asked, not silently taken
        await state.update_data(held=message.text, held_id=message.message_id)
        count = len(await plan_import.parts(uow, actor))
        await message.answer(render("plans", "not_a_piece", text=message.text, count=count),
                             reply_markup=parts_keyboard(held=True))
        return
    await add_part(message, uow, actor, clock, state, text=message.text)


async def add_held(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    actor.secretary_branch()
    data = await state.get_data()
    if await state.get_state() != ImportPlan.collecting.state or not data.get("held"):
        await query.answer(render("plans", "held_gone"), show_alert=True)
        return
    await add_part(query.message, uow, actor, clock, state, text=data["held"], message_id=data["held_id"])
    await state.update_data(held=None)
    await query.message.edit_text(render("plans", "held_added", text=data["held"]))
    await query.answer()


async def plan_text(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    if may_continue(message.text):  # the first piece of a paste the messenger split, maybe
        actor.secretary_branch()
        await add_part(message, uow, actor, clock, state, text=message.text)
        return
    progress = Progress(message)
    try:
        found = await plan_files.read_parts([message.text])
    except PlanReadError as error:
        await refuse(progress, error)
        return
    await read(progress, found, None, uow, actor, clock, state)


async def parts_done(query: CallbackQuery, bot: Bot, uow: UnitOfWork, actor: Actor, clock: Clock,
                     state: FSMContext) -> None:
    pieces = await plan_import.parts(uow, actor)
    await query.answer()
    progress = Progress(query.message, query.message.message_id)
    if not pieces:
        await progress.say(render("plans", "no_parts"))
        return
    try:
        parts = [p if isinstance(p, str) else await _download(bot, p[0]) for p in pieces]
        found = await plan_files.read_parts(parts, progress)
    except PlanReadError as error:
        await refuse(progress, error)
        return
    await plan_import.drop_parts(uow, actor)
    try:
        await read(progress, found, None, uow, actor, clock, state)
    except ServiceError as error:  # no dates, too many…: said, and the pieces go, so she starts afresh
        await state.clear()
        await progress.say(render("errors", "error", code=error.code, params=error.params))


async def parts_cancel(query: CallbackQuery, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    actor.secretary_branch()
    await plan_import.drop_parts(uow, actor)
    await state.clear()
    await query.message.edit_text(render("plans", "parts_dropped"))
    await query.answer()


async def page(query: CallbackQuery, callback_data: DraftCb, uow: UnitOfWork, actor: Actor) -> None:
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


async def item(query: CallbackQuery, callback_data: DraftCb, uow: UnitOfWork, actor: Actor) -> None:
    await show_item(query, await plan_import.draft(uow, actor, callback_data.id), callback_data.n)


async def toggle(query: CallbackQuery, callback_data: DraftCb, uow: UnitOfWork, actor: Actor) -> None:
    d = await plan_import.toggle_item(uow, actor, callback_data.id, callback_data.n)
    await show_item(query, d, callback_data.n)


async def make_task(query: CallbackQuery, callback_data: DraftCb, uow: UnitOfWork, actor: Actor) -> None:
    d, index = await plan_import.make_task(uow, actor, callback_data.id, callback_data.n)
    await show_item(query, d, index)


async def ask_correction(query: CallbackQuery, callback_data: DraftCb, uow: UnitOfWork, actor: Actor,
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


async def got_dates(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
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


async def got_owner(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    data = await state.get_data()
    d = await plan_import.correct_owner(uow, actor, data["draft_id"], data["index"], message.text)
    await state.clear()
    await message.answer(render("plans", "item_card", d=d, index=data["index"]),
                         reply_markup=item_keyboard(d, data["index"]))


async def save(query: CallbackQuery, callback_data: DraftCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    saved = await plan_import.confirm(uow, actor, callback_data.id, clock())
    await query.message.edit_text(render("plans", "saved", s=saved))
    await query.answer()


async def discard(query: CallbackQuery, callback_data: DraftCb, uow: UnitOfWork, actor: Actor) -> None:
    await plan_import.discard(uow, actor, callback_data.id)
    await query.message.edit_text(render("plans", "discarded"))
    await query.answer()


def setup() -> Router:
    router = Router(name="plans")
    on_message, on_button = registrars(router)
    on_message(ask_plan, commands.filter("nhapkehoach"))
    on_message(plan_photo, F.photo, StateFilter(None, ImportPlan.waiting, ImportPlan.collecting))
    on_message(plan_file, F.document, StateFilter(None, ImportPlan.waiting, ImportPlan.collecting))
    on_message(not_a_plan, StateFilter(ImportPlan.waiting, ImportPlan.collecting), ~F.text, ~F.document, ~F.photo)
    on_message(plan_piece, ImportPlan.collecting, TYPED)
    on_button(add_held, PartsCb.filter(F.act == PartsAction.ADD))
    on_message(plan_text, ImportPlan.waiting, TYPED)
    on_message(plan_text, StateFilter(None), TYPED, F.text.len() >= PASTED_PLAN_MIN_CHARS)
    on_button(parts_done, PartsCb.filter(F.act == PartsAction.DONE))
    on_button(parts_cancel, PartsCb.filter(F.act == PartsAction.CANCEL))
    on_button(page, DraftCb.filter(F.act == DraftAction.PAGE))
    on_button(item, DraftCb.filter(F.act == DraftAction.ITEM))
    on_button(toggle, DraftCb.filter(F.act == DraftAction.TOGGLE))
    on_button(make_task, DraftCb.filter(F.act == DraftAction.TASK))
    on_button(ask_correction, DraftCb.filter(F.act.in_({DraftAction.DATES, DraftAction.OWNER})))
    on_message(got_dates, ImportPlan.dates, TYPED)
    on_message(got_owner, ImportPlan.owner, TYPED)
    on_button(save, DraftCb.filter(F.act == DraftAction.SAVE))
    on_button(discard, DraftCb.filter(F.act == DraftAction.DISCARD))
    return router
