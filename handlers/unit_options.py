"""The superior unit's rule-set options in /donvi: each option with the sentence it comes from and its value for
the unit, and buttons to change it. Only the unit's administrator: the service checks the unit (forged data
for another unit is refused)."""

from enum import StrEnum

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.domain.dates import Clock
from bot.services import rule_options
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.services.rule_options import RuleSetOptions
from bot.texts import plain, render
from handlers import keyboards
from handlers.registering import registrars
from storage.uow import UnitOfWork


class OptionAction(StrEnum):
    LIST = "list"  # u: the unit
    SET = "set"  # u, r: the rule set, k: the option, v: the choice (indexes in the lists shown)


class OptionCb(CallbackData, prefix="uo"):
    act: OptionAction
    u: int
    r: int = 0
    k: int = 0
    v: int = 0


def entry_button(kb: keyboards.Keyboard, unit_id: int, unit_name: str) -> None:
    """The «⚙️ Tùy chọn quy định» entry of /donvi."""
    kb.button(text=plain("decision", "btn_options", unit_name=unit_name),
              callback_data=OptionCb(act=OptionAction.LIST, u=unit_id))


def options_keyboard(unit_id: int, found: list[RuleSetOptions]) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for r, rules in enumerate(found):
        for k, option in enumerate(rules.options):
            for v, choice in enumerate(option.choices):
                if choice != option.value:
                    kb.button(text=plain("decision", "btn_option_value", n=k + 1, option=option, value=choice),
                              callback_data=OptionCb(act=OptionAction.SET, u=unit_id, r=r, k=k, v=v))
    kb.adjust(1)
    return kb.as_markup()


async def show_options(target: Message, uow: UnitOfWork, actor: Actor, unit_id: int) -> list[RuleSetOptions]:
    found = await rule_options.admin_options(uow, actor, unit_id)
    await target.answer(render("decision", "options", found=found), reply_markup=options_keyboard(unit_id, found))
    return found


async def show(query: CallbackQuery, callback_data: OptionCb, uow: UnitOfWork, actor: Actor) -> None:
    await show_options(query.message, uow, actor, callback_data.u)
    await query.answer()


async def change(query: CallbackQuery, callback_data: OptionCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    found = await rule_options.admin_options(uow, actor, callback_data.u)
    try:  # the indexes of the list the button was drawn from
        rules = found[callback_data.r]
        option = rules.options[callback_data.k]
        value = option.choices[callback_data.v]
    except IndexError:
        raise ServiceError("bad_subject") from None
    changed = await rule_options.admin_set_option(uow, actor, callback_data.u, rules.rule_set, option.key, value,
                                                  clock())
    await query.message.answer(render("decision", "option_set", option=changed, unit_name=rules.unit_name))
    await show_options(query.message, uow, actor, callback_data.u)
    await query.answer()


def setup() -> Router:
    router = Router(name="unit_options")
    on_button = registrars(router).button
    on_button(show, OptionCb.filter(F.act == OptionAction.LIST))
    on_button(change, OptionCb.filter(F.act == OptionAction.SET))
    return router
