"""/nhacviec: a person's upcoming reminders and their settings — kinds, quiet hours, time zone."""

from enum import StrEnum

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.dates import Clock
from bot.domain.reminders.features import OPTIONAL_KINDS, Kind
from bot.domain.reminders.quiet import QuietHours, parse_quiet_hours
from bot.services import reminders
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.texts import plain, render
from handlers import commands, keyboards
from handlers.registering import registrars
from storage.uow import UnitOfWork

# Offered besides the configured default; (0, 0) is "no quiet hours".
QUIET_PRESETS = ((22 * 60, 6 * 60), (20 * 60, 8 * 60), (23 * 60, 5 * 60), (0, 0))
MAX_INPUT = 100


class ReminderGo(StrEnum):
    OVERVIEW = "o"
    QUIET = "q"
    TYPE_QUIET = "tq"
    TIMEZONE = "tz"
    HOME_ZONE = "hz"


class ReminderNav(CallbackData, prefix="rn"):
    to: ReminderGo


class KindToggle(CallbackData, prefix="rk"):
    kind: Kind


class QuietChoice(CallbackData, prefix="rq"):
    start: int
    end: int
    default: bool = False


class ReminderInput(StatesGroup):
    quiet = State()
    timezone = State()


def overview_keyboard(o: reminders.Overview) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for kind in OPTIONAL_KINDS:
        kb.button(text=plain("reminders", "kind_button", kind=kind, on=kind not in o.opted_out),
                  callback_data=KindToggle(kind=kind))
    kb.button(text=plain("reminders", "quiet_button"), callback_data=ReminderNav(to=ReminderGo.QUIET))
    kb.button(text=plain("reminders", "timezone_button"), callback_data=ReminderNav(to=ReminderGo.TIMEZONE))
    kb.adjust(*[1] * len(OPTIONAL_KINDS), 2)
    return kb.as_markup()


def quiet_keyboard(default: QuietHours) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    kb.button(text=plain("reminders", "quiet_choice", q=default, is_default=True),
              callback_data=QuietChoice(start=default.start, end=default.end, default=True))
    for start, end in QUIET_PRESETS:
        if (start, end) != (default.start, default.end):
            kb.button(text=plain("reminders", "quiet_choice", q=QuietHours(start, end), is_default=False),
                      callback_data=QuietChoice(start=start, end=end))
    kb.button(text=plain("reminders", "type_quiet_button"), callback_data=ReminderNav(to=ReminderGo.TYPE_QUIET))
    kb.button(text=plain("reminders", "back_button"), callback_data=ReminderNav(to=ReminderGo.OVERVIEW))
    kb.adjust(1)
    return kb.as_markup()


def zone_keyboard(home: str) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    kb.button(text=plain("reminders", "home_zone_button", name=home),
              callback_data=ReminderNav(to=ReminderGo.HOME_ZONE))
    kb.button(text=plain("reminders", "back_button"), callback_data=ReminderNav(to=ReminderGo.OVERVIEW))
    kb.adjust(1)
    return kb.as_markup()


async def show(target: Message, o: reminders.Overview, *, edit: bool) -> None:
    await keyboards.show(target, render("reminders", "overview", o=o), overview_keyboard(o), edit=edit)


async def open_overview(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                        state: FSMContext) -> None:
    await state.clear()
    await show(message, await reminders.overview(uow, actor, clock(), settings), edit=False)


async def toggle(query: CallbackQuery, callback_data: KindToggle, uow: UnitOfWork, actor: Actor, clock: Clock,
                 settings: Settings) -> None:
    await show(query.message, await reminders.toggle_kind(uow, actor, callback_data.kind, clock(), settings),
               edit=True)
    await query.answer()


async def choose_quiet(query: CallbackQuery, callback_data: QuietChoice, uow: UnitOfWork, actor: Actor, clock: Clock,
                       settings: Settings) -> None:
    try:
        quiet = None if callback_data.default else QuietHours(callback_data.start, callback_data.end)
    except ValueError as error:  # forged minutes
        raise ServiceError("stale_button") from error
    await show(query.message, await reminders.set_quiet(uow, actor, quiet, clock(), settings), edit=True)
    await query.answer()


async def back_to_overview(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                           state: FSMContext) -> None:
    await state.clear()
    await show(query.message, await reminders.overview(uow, actor, clock(), settings), edit=True)
    await query.answer()


async def quiet_choices(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    await reminders.overview(uow, actor, clock(), settings)  # refuses strangers
    await query.message.edit_text(render("reminders", "choose_quiet"),
                                  reply_markup=quiet_keyboard(settings.default_quiet))
    await query.answer()


async def ask_quiet(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                    state: FSMContext) -> None:
    await reminders.overview(uow, actor, clock(), settings)  # refuses strangers
    await state.set_state(ReminderInput.quiet)
    await query.message.answer(render("reminders", "ask_quiet"))
    await query.answer()


async def ask_timezone(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                       state: FSMContext) -> None:
    o = await reminders.overview(uow, actor, clock(), settings)
    await state.set_state(ReminderInput.timezone)
    await query.message.answer(render("reminders", "ask_timezone", current=o.timezone),
                               reply_markup=zone_keyboard(settings.timezone))
    await query.answer()


async def home_zone(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                    state: FSMContext) -> None:
    await state.clear()
    await show(query.message, await reminders.set_timezone(uow, actor, settings.timezone, clock(), settings),
               edit=False)
    await query.answer()


async def typed_quiet(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                      state: FSMContext) -> None:
    try:
        quiet = parse_quiet_hours(message.text[:MAX_INPUT])
    except ValueError:
        await message.answer(render("reminders", "bad_quiet", text=message.text[:MAX_INPUT]))
        return
    await state.clear()
    await show(message, await reminders.set_quiet(uow, actor, quiet, clock(), settings), edit=False)


async def typed_zone(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                     state: FSMContext) -> None:
    try:
        zone = reminders.parse_timezone(message.text[:MAX_INPUT])
    except ValueError:
        await message.answer(render("reminders", "bad_timezone", text=message.text[:MAX_INPUT]))
        return
    await state.clear()
    await show(message, await reminders.set_timezone(uow, actor, zone, clock(), settings), edit=False)


def setup() -> Router:
    router = Router(name="reminders")
    on_message, on_button = registrars(router)
    on_message(open_overview, commands.filter("nhacviec"), StateFilter("*"))
    on_button(toggle, KindToggle.filter())
    on_button(choose_quiet, QuietChoice.filter())
    on_button(back_to_overview, ReminderNav.filter(F.to == ReminderGo.OVERVIEW))
    on_button(quiet_choices, ReminderNav.filter(F.to == ReminderGo.QUIET))
    on_button(ask_quiet, ReminderNav.filter(F.to == ReminderGo.TYPE_QUIET))
    on_button(ask_timezone, ReminderNav.filter(F.to == ReminderGo.TIMEZONE))
    on_button(home_zone, ReminderNav.filter(F.to == ReminderGo.HOME_ZONE))
    on_message(typed_quiet, ReminderInput.quiet, F.text)
    on_message(typed_zone, ReminderInput.timezone, F.text)
    return router
