"""The supervisor's /tinhhinh — the summary worst first, one branch read-only, the nudge to its secretary, the
chart and the workbook — and the superior unit's /donvi: its branches and their secretaries' invitations.

Both lists go in pages (handlers/paging.py): many branches fit no single message."""

import asyncio
from datetime import date, timedelta
from enum import StrEnum

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, InputMediaPhoto, Message

from bot.config import Settings
from bot.domain.dates import Clock
from bot.domain.review.rules import load_rule_set
from bot.services import supervision, supervision_admin
from bot.services.actor import Actor
from bot.services.supervision import BranchView, Overview
from bot.services.supervision_admin import BranchEntry, UnitEntry
from bot.services.supervision_files import chart_pages, workbook_xlsx
from bot.texts import plain, render
from handlers import commands, keyboards
from handlers.calendar import GROUP_LIMITS, today_in
from handlers.common import MAX_TEXT
from handlers.paging import Page, answer_long, nav, page_of
from handlers.registering import registrars
from handlers.review_decision import entry_button
from handlers.roster import invite_link
from handlers.unit_options import entry_button as options_button
from storage.uow import UnitOfWork

PAGE_SIZE = 10  # branches a page of /tinhhinh: at most ~330 characters each, with the totals well within 4096
UNIT_PAGE_SIZE = 10  # branches a page of /donvi


class SupervisorAction(StrEnum):
    PAGE = "page"  # n: the page
    OPEN = "open"  # b: the branch, n: the page it was opened from
    NUDGE = "nudge"  # b: the branch
    CHART = "chart"
    WORKBOOK = "xlsx"


class SupervisorCb(CallbackData, prefix="sv"):
    """Every branch id is checked against the actor's branches by the service: forged data is refused."""

    act: SupervisorAction
    b: int = 0
    n: int = 0


class UnitAction(StrEnum):
    NEW_BRANCH = "new"  # id: the unit
    SECRETARY_LINK = "link"  # id: the branch
    PAGE = "page"  # id: the page of /donvi


class UnitCb(CallbackData, prefix="un"):
    act: UnitAction
    id: int


class UnitInput(StatesGroup):
    branch_name = State()


def _text(macro: str, /, **context: object) -> str:
    return render("supervisor", macro, **context)


def _label(macro: str, /, **context: object) -> str:
    return plain("supervisor", macro, **context)


# --- /tinhhinh: the summary, a page of branches at a time --------------------------------------------------


def overview_page(o: Overview, number: int) -> Page:
    return page_of(len(o.branches), PAGE_SIZE, number)


def overview_keyboard(o: Overview, page: Page) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    shown = page.of(o.branches)
    nudge = _label("btn_nudge_short")
    for n, s in enumerate(shown, start=page.start + 1):
        kb.button(text=_label("btn_open", n=n, s=s),
                  callback_data=SupervisorCb(act=SupervisorAction.OPEN, b=s.branch_id, n=page.number))
        kb.button(text=nudge, callback_data=SupervisorCb(act=SupervisorAction.NUDGE, b=s.branch_id))
    moves = nav(kb, page, lambda target: SupervisorCb(act=SupervisorAction.PAGE, n=target))
    kb.button(text=_label("btn_chart"), callback_data=SupervisorCb(act=SupervisorAction.CHART))
    kb.button(text=_label("btn_workbook"), callback_data=SupervisorCb(act=SupervisorAction.WORKBOOK))
    kb.adjust(*[2] * len(shown), *([moves] if moves else []), 2)
    return kb.as_markup()


def overview_text(o: Overview, page: Page) -> str:
    return _text("overview", o=o, start=page.start, size=page.size, page=page.number, pages=page.count)


def branch_texts(v: BranchView, today: date, settings: Settings) -> tuple[str, str]:
    """The branch's review walkthrough as its secretary sees it in /buoc, and this month's calendar."""
    header = _text("branch_header", v=v)
    if v.progress is not None:
        header += "\n\n" + render("review", "progress", p=v.progress, today=today, tz=settings.tz,
                                  rule_set_name=load_rule_set(v.progress.rule_set).name)
    for limit in GROUP_LIMITS:
        calendar = _text("branch_calendar", v=v, limit=limit)
        if len(calendar) <= MAX_TEXT:
            break
    return header, calendar


def branch_keyboard(v: BranchView, page: int) -> InlineKeyboardMarkup:
    """The nudge, the superior's decision on the proposed levels once the meeting has ended, and back to the
    summary's page the branch was opened from."""
    branch_id = v.status.branch_id
    kb = keyboards.Keyboard()
    if v.progress is not None and v.progress.decisions:
        entry_button(kb, branch_id, v.status.awaiting_members + v.status.awaiting_branch)
    kb.button(text=_label("btn_nudge"), callback_data=SupervisorCb(act=SupervisorAction.NUDGE, b=branch_id))
    kb.button(text=_label("btn_back"), callback_data=SupervisorCb(act=SupervisorAction.PAGE, n=page))
    kb.adjust(*([1] if v.progress is not None and v.progress.decisions else []), 2)
    return kb.as_markup()


async def load(uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> Overview:
    return await supervision.overview(uow, actor, today_in(settings, clock()))


async def summary(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    o = await load(uow, actor, clock, settings)
    page = overview_page(o, 0)
    await message.answer(overview_text(o, page), reply_markup=overview_keyboard(o, page))


async def summary_page(query: CallbackQuery, callback_data: SupervisorCb, uow: UnitOfWork, actor: Actor,
                       clock: Clock, settings: Settings) -> None:
    """◀️ / ▶️, and back from a branch: the page drawn in place of the message the button was on."""
    o = await load(uow, actor, clock, settings)
    page = overview_page(o, callback_data.n)
    await keyboards.show(query.message, overview_text(o, page), overview_keyboard(o, page), edit=True)
    await query.answer()


async def open_branch(query: CallbackQuery, callback_data: SupervisorCb, uow: UnitOfWork, actor: Actor,
                      clock: Clock, settings: Settings) -> None:
    today = today_in(settings, clock())
    view = await supervision.branch_view(uow, actor, callback_data.b, today)
    review, calendar = branch_texts(view, today, settings)
    await answer_long(query.message, review)  # a big branch's walkthrough may take more than one message
    await query.message.answer(calendar, reply_markup=branch_keyboard(view, callback_data.n))
    await query.answer()


async def nudge(query: CallbackQuery, callback_data: SupervisorCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                settings: Settings, bot: Bot) -> None:
    sent = await supervision.nudge(uow, actor, callback_data.b, clock(), settings.tz)
    try:
        await bot.send_message(sent.secretary_chat, _text("nudge_to_secretary", n=sent))
        answer = _text("nudged", n=sent)
    except (TelegramForbiddenError, TelegramBadRequest):
        await supervision.nudge_undelivered(uow, actor, sent, clock())
        answer = _text("nudge_undelivered", n=sent)
    await query.message.answer(answer)
    await query.answer()


async def chart(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    o = await load(uow, actor, clock, settings)
    pngs = await asyncio.to_thread(chart_pages, o.branches, o.totals)  # 2-10 pages: an album's size
    await query.message.answer_media_group([  # one album, a phone's screen a page
        InputMediaPhoto(media=BufferedInputFile(png, filename=f"tinh-hinh-{n}.png"),
                        caption=_text("chart_caption", t=o.totals, page=n, pages=len(pngs)))
        for n, png in enumerate(pngs, start=1)])
    await query.answer()


async def workbook(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    o = await load(uow, actor, clock, settings)
    content = await asyncio.to_thread(workbook_xlsx, o.branches, o.totals)
    name = f"tinh-hinh-{today_in(settings, clock()):%Y%m%d}.xlsx"
    await query.message.answer_document(BufferedInputFile(content, filename=name),
                                        caption=_text("workbook_caption", t=o.totals))
    await query.answer()


# --- /donvi: the superior unit's office, a page of branches at a time ---------------------------------------


def units_page(units: list[UnitEntry], number: int) -> tuple[Page, set[int]]:
    """The page of the units' branches (numbered across the units), and the ids of the branches on it."""
    branches: list[BranchEntry] = [b for unit in units for b in unit.branches]
    page = page_of(len(branches), UNIT_PAGE_SIZE, number)
    return page, {b.branch_id for b in page.of(branches)}


def units_keyboard(units: list[UnitEntry], page: Page, shown: set[int]) -> InlineKeyboardMarkup:
    """Each unit's ➕ and ⚙️, a secretary's link for each branch on the page still without one, ◀️ / ▶️."""
    kb = keyboards.Keyboard()
    for unit in units:
        kb.button(text=_label("btn_new_branch", u=unit),
                  callback_data=UnitCb(act=UnitAction.NEW_BRANCH, id=unit.unit_id))
        options_button(kb, unit.unit_id, unit.name)
        for b in unit.branches:
            if b.branch_id in shown and b.secretary is None:
                kb.button(text=_label("btn_secretary_link", b=b),
                          callback_data=UnitCb(act=UnitAction.SECRETARY_LINK, id=b.branch_id))
    listed = sum(1 for _ in kb.buttons)
    moves = nav(kb, page, lambda target: UnitCb(act=UnitAction.PAGE, id=target))
    kb.adjust(*[1] * listed, *([moves] if moves else []))
    return kb.as_markup()


async def show_units(target: Message, uow: UnitOfWork, actor: Actor, number: int = 0, *, edit: bool = False) -> None:
    units = await supervision_admin.administered(uow, actor)
    page, shown = units_page(units, number)
    text = _text("units", units=units, shown=shown, page=page.number, pages=page.count)
    await keyboards.show(target, text, units_keyboard(units, page, shown), edit=edit)


async def units_command(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    await show_units(message, uow, actor)


async def units_page_button(query: CallbackQuery, callback_data: UnitCb, uow: UnitOfWork, actor: Actor) -> None:
    await show_units(query.message, uow, actor, callback_data.id, edit=True)
    await query.answer()


async def ask_branch_name(query: CallbackQuery, callback_data: UnitCb, uow: UnitOfWork, actor: Actor,
                          state: FSMContext) -> None:
    unit = await supervision_admin.own_unit(uow, actor, callback_data.id)
    await state.set_state(UnitInput.branch_name)
    await state.update_data(unit_id=unit.id)
    await query.message.answer(_text("ask_branch_name", unit_name=unit.name))
    await query.answer()


async def create_branch(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                        state: FSMContext, bot_username: str) -> None:
    unit_id = (await state.get_data())["unit_id"]
    created = await supervision_admin.admin_create_branch(uow, actor, unit_id, message.text, clock(),
                                                          timedelta(days=settings.invite_ttl_days))
    await state.clear()
    await message.answer(_text("secretary_link", b=created, link=invite_link(bot_username, created.invite)))


async def secretary_link(query: CallbackQuery, callback_data: UnitCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                         settings: Settings, bot_username: str) -> None:
    issued = await supervision_admin.admin_secretary_invitation(uow, actor, callback_data.id, clock(),
                                                                timedelta(days=settings.invite_ttl_days))
    await query.message.answer(_text("secretary_link", b=issued, link=invite_link(bot_username, issued.invite)))
    await query.answer()


def setup() -> Router:
    router = Router(name="supervisor")
    on_message, on_button = registrars(router)
    on_message(summary, commands.filter("tinhhinh"))
    on_button(summary_page, SupervisorCb.filter(F.act == SupervisorAction.PAGE))
    on_button(open_branch, SupervisorCb.filter(F.act == SupervisorAction.OPEN))
    on_button(nudge, SupervisorCb.filter(F.act == SupervisorAction.NUDGE))
    on_button(chart, SupervisorCb.filter(F.act == SupervisorAction.CHART))
    on_button(workbook, SupervisorCb.filter(F.act == SupervisorAction.WORKBOOK))
    on_message(units_command, commands.filter("donvi"))
    on_button(units_page_button, UnitCb.filter(F.act == UnitAction.PAGE))
    on_button(ask_branch_name, UnitCb.filter(F.act == UnitAction.NEW_BRANCH))
    on_message(create_branch, UnitInput.branch_name, F.text)
    on_button(secretary_link, UnitCb.filter(F.act == UnitAction.SECRETARY_LINK))
    return router
