"""The supervisor's /tinhhinh — the summary worst first, one branch read-only, the nudge to its secretary, the
chart and the workbook — and the superior unit's /donvi: its branches and their secretaries' invitations."""

import asyncio
from datetime import date, datetime, timedelta
from enum import StrEnum

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, InputMediaPhoto, Message

from bot.config import Settings
from bot.domain.review.rules import load_rule_set
from bot.services import supervision, supervision_admin
from bot.services.actor import Actor
from bot.services.supervision import BranchView, Overview
from bot.services.supervision_files import chart_pages, workbook_xlsx
from bot.texts import plain, render
from handlers import keyboards
from handlers.calendar import GROUP_LIMITS
from handlers.common import MAX_TEXT
from handlers.review_decision import entry_button
from handlers.roster import invite_link
from handlers.unit_options import entry_button as options_button

PAGE_SIZE = 10


class SupervisorAction(StrEnum):
    PAGE = "page"  # n: the page
    OPEN = "open"  # b: the branch
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


class UnitCb(CallbackData, prefix="un"):
    act: UnitAction
    id: int


class UnitInput(StatesGroup):
    branch_name = State()


def _text(macro: str, /, **context: object) -> str:
    return render("supervisor", macro, **context)


def _label(macro: str, /, **context: object) -> str:
    return plain("supervisor", macro, **context)


def today_in(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.tz).date()


def pages(o: Overview) -> int:
    return max(1, -(-len(o.branches) // PAGE_SIZE))


def overview_keyboard(o: Overview, page: int) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    start = page * PAGE_SIZE
    shown = o.branches[start:start + PAGE_SIZE]
    for n, s in enumerate(shown, start=start + 1):
        kb.button(text=_label("btn_open", n=n, s=s),
                  callback_data=SupervisorCb(act=SupervisorAction.OPEN, b=s.branch_id))
        kb.button(text=_label("btn_nudge_short"), callback_data=SupervisorCb(act=SupervisorAction.NUDGE, b=s.branch_id))
    sizes = [2] * len(shown)
    nav = []
    if page > 0:
        nav.append((plain("buttons", "page_prev"), page - 1))
    if page + 1 < pages(o):
        nav.append((plain("buttons", "page_next"), page + 1))
    for text, target in nav:
        kb.button(text=text, callback_data=SupervisorCb(act=SupervisorAction.PAGE, n=target))
    if nav:
        sizes.append(len(nav))
    kb.button(text=_label("btn_chart"), callback_data=SupervisorCb(act=SupervisorAction.CHART))
    kb.button(text=_label("btn_workbook"), callback_data=SupervisorCb(act=SupervisorAction.WORKBOOK))
    kb.adjust(*sizes, 2)
    return kb.as_markup()


def overview_text(o: Overview, page: int) -> str:
    return _text("overview", o=o, start=page * PAGE_SIZE, size=PAGE_SIZE, page=page, pages=pages(o))


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
    return header[:MAX_TEXT], calendar


def branch_keyboard(v: BranchView) -> InlineKeyboardMarkup:
    """The nudge, the superior's decision on the proposed levels once the meeting has ended, and back."""
    branch_id = v.status.branch_id
    kb = keyboards.Keyboard()
    if v.progress is not None and v.progress.decisions:
        entry_button(kb, branch_id, v.status.awaiting_members + v.status.awaiting_branch)
    kb.button(text=_label("btn_nudge"), callback_data=SupervisorCb(act=SupervisorAction.NUDGE, b=branch_id))
    kb.button(text=_label("btn_back"), callback_data=SupervisorCb(act=SupervisorAction.PAGE, n=0))
    kb.adjust(*([1] if v.progress is not None and v.progress.decisions else []), 2)
    return kb.as_markup()


def setup() -> Router:
    router = Router(name="supervisor")

    async def load(uow, actor: Actor, clock, settings: Settings) -> Overview:
        return await supervision.overview(uow, actor, today_in(settings, clock()))

    @router.message(Command("tinhhinh"))
    async def summary(message: Message, uow, actor: Actor, clock, settings: Settings) -> None:
        o = await load(uow, actor, clock, settings)
        await message.answer(overview_text(o, 0), reply_markup=overview_keyboard(o, 0))

    @router.callback_query(SupervisorCb.filter(F.act == SupervisorAction.PAGE))
    async def page(query: CallbackQuery, callback_data: SupervisorCb, uow, actor: Actor, clock,
                   settings: Settings) -> None:
        o = await load(uow, actor, clock, settings)
        number = min(max(callback_data.n, 0), pages(o) - 1)
        await query.message.answer(overview_text(o, number), reply_markup=overview_keyboard(o, number))
        await query.answer()

    @router.callback_query(SupervisorCb.filter(F.act == SupervisorAction.OPEN))
    async def open_branch(query: CallbackQuery, callback_data: SupervisorCb, uow, actor: Actor, clock,
                          settings: Settings) -> None:
        today = today_in(settings, clock())
        view = await supervision.branch_view(uow, actor, callback_data.b, today)
        review, calendar = branch_texts(view, today, settings)
        await query.message.answer(review)
        await query.message.answer(calendar, reply_markup=branch_keyboard(view))
        await query.answer()

    @router.callback_query(SupervisorCb.filter(F.act == SupervisorAction.NUDGE))
    async def nudge(query: CallbackQuery, callback_data: SupervisorCb, uow, actor: Actor, clock,
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

    @router.callback_query(SupervisorCb.filter(F.act == SupervisorAction.CHART))
    async def chart(query: CallbackQuery, uow, actor: Actor, clock, settings: Settings) -> None:
        o = await load(uow, actor, clock, settings)
        pngs = await asyncio.to_thread(chart_pages, o.branches, o.totals)  # 2-10 pages: an album's size
        await query.message.answer_media_group([  # one album, a phone's screen a page
            InputMediaPhoto(media=BufferedInputFile(png, filename=f"tinh-hinh-{n}.png"),
                            caption=_text("chart_caption", t=o.totals, page=n, pages=len(pngs)))
            for n, png in enumerate(pngs, start=1)])
        await query.answer()

    @router.callback_query(SupervisorCb.filter(F.act == SupervisorAction.WORKBOOK))
    async def workbook(query: CallbackQuery, uow, actor: Actor, clock, settings: Settings) -> None:
        o = await load(uow, actor, clock, settings)
        content = await asyncio.to_thread(workbook_xlsx, o.branches, o.totals)
        name = f"tinh-hinh-{today_in(settings, clock()):%Y%m%d}.xlsx"
        await query.message.answer_document(BufferedInputFile(content, filename=name),
                                            caption=_text("workbook_caption", t=o.totals))
        await query.answer()

    # --- the superior unit's office --------------------------------------------------------------------
    async def show_units(target: Message, uow, actor: Actor) -> None:
        units = await supervision_admin.administered(uow, actor)
        kb = keyboards.Keyboard()
        for unit in units:
            kb.button(text=_label("btn_new_branch", u=unit),
                      callback_data=UnitCb(act=UnitAction.NEW_BRANCH, id=unit.unit_id))
            options_button(kb, unit.unit_id, unit.name)
            for b in unit.branches:
                if b.secretary is None:
                    kb.button(text=_label("btn_secretary_link", b=b),
                              callback_data=UnitCb(act=UnitAction.SECRETARY_LINK, id=b.branch_id))
        kb.adjust(1)
        await target.answer(_text("units", units=units), reply_markup=kb.as_markup())

    @router.message(Command("donvi"))
    async def units(message: Message, uow, actor: Actor, state: FSMContext) -> None:
        await state.clear()
        await show_units(message, uow, actor)

    @router.callback_query(UnitCb.filter(F.act == UnitAction.NEW_BRANCH))
    async def ask_branch_name(query: CallbackQuery, callback_data: UnitCb, uow, actor: Actor,
                              state: FSMContext) -> None:
        unit = await supervision_admin.own_unit(uow, actor, callback_data.id)
        await state.set_state(UnitInput.branch_name)
        await state.update_data(unit_id=unit.id)
        await query.message.answer(_text("ask_branch_name", unit_name=unit.name))
        await query.answer()

    @router.message(UnitInput.branch_name, F.text)
    async def create_branch(message: Message, uow, actor: Actor, clock, settings: Settings, state: FSMContext,
                            bot_username: str) -> None:
        unit_id = (await state.get_data())["unit_id"]
        created = await supervision_admin.admin_create_branch(uow, actor, unit_id, message.text, clock(),
                                                              timedelta(days=settings.invite_ttl_days))
        await state.clear()
        await message.answer(_text("secretary_link", b=created, link=invite_link(bot_username, created.invite)))

    @router.callback_query(UnitCb.filter(F.act == UnitAction.SECRETARY_LINK))
    async def secretary_link(query: CallbackQuery, callback_data: UnitCb, uow, actor: Actor, clock,
                             settings: Settings, bot_username: str) -> None:
        issued = await supervision_admin.admin_secretary_invitation(uow, actor, callback_data.id, clock(),
                                                                    timedelta(days=settings.invite_ttl_days))
        await query.message.answer(_text("secretary_link", b=issued, link=invite_link(bot_username, issued.invite)))
        await query.answer()

    return router
