"""The branch calendar: /thangnay, /thangsau, /lich, free-text questions, done marks, tasks by hand, .ics."""

from datetime import date, datetime

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.calendar.agenda import Agenda
from bot.domain.calendar.periods import (
    Period,
    PeriodProblem,
    next_month,
    overdue_period,
    parse_question,
    this_month,
    upcoming_period,
    week_period,
)
from bot.domain.dates import Clock, parse_window
from bot.services import calendar
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.texts import label, labels, render
from handlers import commands, keyboards
from handlers.callbacks import CalendarGo, CalendarNav, PeriodCb, TaskDone
from handlers.common import MAX_TEXT
from handlers.registering import registrars
from storage.uow import UnitOfWork

# Telegram caps a message at 4096 characters: long groups are cut to this many lines, then fewer.
GROUP_LIMITS = (15, 8, 4)
NUMBERED_BUTTONS = 30
MAX_QUESTION = 200


class AddTask(StatesGroup):
    text = State()
    dates = State()


def today_in(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.tz).date()


def _compact(day: date) -> str:
    # isoformat keeps four year digits even for date.min (the start of "quá hạn"); strftime does not.
    return day.isoformat().replace("-", "")


def _bounds(period: Period) -> dict[str, str]:
    return {"kind": period.kind, "start": _compact(period.start), "end": _compact(period.end)}


def _period(data: PeriodCb | TaskDone) -> Period:
    """The period a button carries; forged bounds fail here and the button is refused as stale."""
    try:
        start, end = (datetime.strptime(s, "%Y%m%d").date() for s in (data.start, data.end))
        return Period(kind=data.kind, start=start, end=end)
    except ValueError as error:
        raise ServiceError("stale_button") from error


def numbering(a: Agenda, limit: int | None = None) -> dict[int, int]:
    """Task id → the number shown in the answer, in the order the groups are read; with a limit, only the
    first `limit` of each group (the ones the text shows), so no button points at a task hidden behind
    "… và n việc nữa"."""
    groups = (a.overdue, a.due, a.open_windows, a.standing, a.waiting)
    ordered = [t for group in groups for t in group[:limit]]
    return {t.id: n for n, t in enumerate(ordered, start=1)}


def agenda_keyboard(a: Agenda, numbered: dict[int, int], only_branch: bool, *, can_mark: bool) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    done = {t.id: t.done for t in (*a.overdue, *a.due, *a.open_windows, *a.standing, *a.waiting)}
    shown = list(numbered.items())[:NUMBERED_BUTTONS] if can_mark else []
    bounds = _bounds(a.period)
    for (task_id, _), text in zip(shown, labels("task_numbers", tasks=[(n, done[i]) for i, n in shown]), strict=True):
        kb.button(text=text, callback_data=TaskDone(id=task_id, done=not done[task_id], all=not only_branch, **bounds))
    sizes = [5] * (-(-len(shown) // 5))
    if a.hidden_count and only_branch:
        kb.button(text=label("show_all", n=a.hidden_count), callback_data=PeriodCb(all=True, **bounds))
        sizes.append(1)
    elif not only_branch:
        kb.button(text=label("show_branch_only"), callback_data=PeriodCb(all=False, **bounds))
        sizes.append(1)
    kb.adjust(*sizes)
    return kb.as_markup()


def agenda_text(a: Agenda, branch_name: str, only_branch: bool) -> tuple[str, dict[int, int]]:
    """The answer's text and the numbering of the tasks it shows (the done buttons are drawn from it)."""
    for limit in GROUP_LIMITS:
        numbered = numbering(a, limit)
        text = render("calendar", "agenda", a=a, branch_name=branch_name, numbered=numbered,
                      only_branch=only_branch, limit=limit)
        if len(text) <= MAX_TEXT:
            return text, numbered
    # Very long task texts: whole lines up to Telegram's limit (lines hold their own tags), then an ellipsis;
    # only the numbers still on the page keep a button.
    text = text[:MAX_TEXT - 2].rsplit("\n", 1)[0] + "\n…"
    return text, {task_id: n for task_id, n in numbered.items() if f"\n{n}. " in text}


def menu_keyboard(*, can_add: bool) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for go in CalendarGo:
        if go != CalendarGo.ADD_TASK or can_add:
            kb.button(text=label(go.value), callback_data=CalendarNav(to=go))
    kb.adjust(2, 3, 2)
    return kb.as_markup()


async def calendar_question(message: Message, settings: Settings, clock: Clock) -> dict | bool:
    """Filter: a short free-text message that asks about a period; hands the period to the handler."""
    if not message.text or len(message.text) > MAX_QUESTION:
        return False
    parsed = parse_question(message.text, today_in(settings, clock()))
    return False if parsed is None else {"asked": parsed}


# The /lich menu's periods, from today.
PERIODS = {
    CalendarGo.THIS_MONTH: this_month, CalendarGo.NEXT_MONTH: next_month, CalendarGo.THIS_WEEK: week_period,
    CalendarGo.UPCOMING: upcoming_period, CalendarGo.OVERDUE: overdue_period,
}


async def answer(target: Message, period: Period, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                 *, only_branch: bool = True, edit: bool = False) -> None:
    a = await calendar.agenda(uow, actor, period, today_in(settings, clock()), only_branch=only_branch)
    _, branch_name = calendar.readable_branch(actor)
    text, numbered = agenda_text(a, branch_name, only_branch)
    markup = agenda_keyboard(a, numbered, only_branch, can_mark=actor.is_secretary)
    await keyboards.show(target, text, markup, edit=edit)


async def this_month_command(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock,
                             settings: Settings) -> None:
    await answer(message, this_month(today_in(settings, clock())), uow, actor, clock, settings)


async def next_month_command(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock,
                             settings: Settings) -> None:
    await answer(message, next_month(today_in(settings, clock())), uow, actor, clock, settings)


async def calendar_menu(message: Message, actor: Actor) -> None:
    calendar.readable_branch(actor)
    await message.answer(render("calendar", "lich_help"), reply_markup=menu_keyboard(can_add=actor.is_secretary))


async def send_ics(target: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    name, content = await calendar.export_ics(uow, actor, clock(), settings.timezone)
    await target.answer_document(BufferedInputFile(content, filename="lich-chi-bo.ics"),
                                 caption=render("calendar", "ics_caption", branch_name=name))


async def export_button(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock,
                        settings: Settings) -> None:
    await send_ics(query.message, uow, actor, clock, settings)
    await query.answer()


async def export_command(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    await send_ics(message, uow, actor, clock, settings)


async def start_add(target: Message, actor: Actor, state: FSMContext) -> None:
    actor.secretary_branch()
    await state.set_state(AddTask.text)
    await target.answer(render("calendar", "ask_task_text"))


async def add_button(query: CallbackQuery, actor: Actor, state: FSMContext) -> None:
    await start_add(query.message, actor, state)
    await query.answer()


async def add_command(message: Message, actor: Actor, state: FSMContext) -> None:
    await start_add(message, actor, state)


async def add_text(message: Message, state: FSMContext) -> None:
    await state.update_data(text=message.text[:1000])
    await state.set_state(AddTask.dates)
    await message.answer(render("calendar", "ask_task_dates"))


async def add_dates(message: Message, state: FSMContext, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    try:
        start, due = parse_window(message.text)
    except ValueError:
        await message.answer(render("plans", "bad_dates", text=message.text[:100]))
        return
    task = await calendar.add_task(uow, actor, text=(await state.get_data())["text"], start=start, due=due,
                                   now=clock())
    await state.clear()
    await message.answer(render("calendar", "task_added", t=task))


async def period_button(query: CallbackQuery, callback_data: CalendarNav, uow: UnitOfWork, actor: Actor,
                        clock: Clock, settings: Settings) -> None:
    period = PERIODS[callback_data.to](today_in(settings, clock()))
    await answer(query.message, period, uow, actor, clock, settings)
    await query.answer()


async def redraw(query: CallbackQuery, callback_data: PeriodCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                 settings: Settings) -> None:
    await answer(query.message, _period(callback_data), uow, actor, clock, settings,
                 only_branch=not callback_data.all, edit=True)
    await query.answer()


async def mark(query: CallbackQuery, callback_data: TaskDone, uow: UnitOfWork, actor: Actor, clock: Clock,
               settings: Settings) -> None:
    await calendar.set_done(uow, actor, callback_data.id, callback_data.done, clock())
    await answer(query.message, _period(callback_data), uow, actor, clock, settings,
                 only_branch=not callback_data.all, edit=True)
    await query.answer()


async def question(message: Message, asked: Period | PeriodProblem, uow: UnitOfWork, actor: Actor, clock: Clock,
                   settings: Settings) -> None:
    if isinstance(asked, PeriodProblem):
        await message.answer(render("calendar", "period_problem", problem=asked))
    else:
        await answer(message, asked, uow, actor, clock, settings)


def setup() -> Router:
    router = Router(name="calendar")
    on_message, on_button = registrars(router)
    on_message(this_month_command, commands.filter("thangnay"))
    on_message(next_month_command, commands.filter("thangsau"))
    on_message(calendar_menu, commands.filter("lich"))
    on_button(export_button, CalendarNav.filter(F.to == CalendarGo.EXPORT))
    on_message(export_command, commands.filter("xuatlich"))
    on_button(add_button, CalendarNav.filter(F.to == CalendarGo.ADD_TASK))
    on_message(add_command, commands.filter("themviec"))
    on_message(add_text, AddTask.text, F.text)
    on_message(add_dates, AddTask.dates, F.text)
    on_button(period_button, CalendarNav.filter(F.to.in_(set(PERIODS))))
    on_button(redraw, PeriodCb.filter())
    on_button(mark, TaskDone.filter())
    on_message(question, StateFilter(None), calendar_question)
    return router
