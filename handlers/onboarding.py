"""/start: a new user creates a branch; an invitation link links its opener; others are greeted."""

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.domain.dates import Clock
from bot.domain.roster import RosterLineError
from bot.services import invitations, onboarding, roster
from bot.services.actor import Actor
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import Go, Nav
from handlers.registering import registrars
from storage.uow import UnitOfWork


class CreateBranch(StatesGroup):
    branch_name = State()
    superior_unit = State()
    full_name = State()


async def open_invitation(message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, bot: Bot,
                          state: FSMContext) -> None:
    await state.clear()
    accepted = await invitations.accept(
        uow, telegram_user_id=message.from_user.id, display_name=message.from_user.full_name,
        token=command.args, now=clock(),
    )
    await message.answer(render("onboarding", "joined", accepted=accepted))
    if accepted.inviter_telegram_id and accepted.inviter_telegram_id != message.from_user.id:
        await bot.send_message(accepted.inviter_telegram_id, render("onboarding", "member_joined", accepted=accepted))


async def start(message: Message, actor: Actor, uow: UnitOfWork, state: FSMContext) -> None:
    await state.clear()
    if actor.is_secretary:
        view = await roster.roster(uow, actor)
        await message.answer(
            render("onboarding", "welcome_back_secretary", actor=actor, roster=view),
            reply_markup=keyboards.single(label("roster"), Nav(to=Go.ROSTER)),
        )
    elif actor.roles or actor.supervised:
        await message.answer(render("onboarding", "welcome_back_member", actor=actor))
    else:
        await message.answer(
            render("onboarding", "welcome_new", first_name=message.from_user.first_name),
            reply_markup=keyboards.single(label("create_branch"), Nav(to=Go.CREATE_BRANCH)),
        )


async def ask_branch_name(query: CallbackQuery, actor: Actor, state: FSMContext) -> None:
    await query.answer()
    if actor.roles:  # said here, before the dialog; create_branch refuses it again at its end
        await query.message.answer(render("errors", "error", code="already_in_branch", params={}))
        return
    await state.set_state(CreateBranch.branch_name)
    await query.message.answer(render("onboarding", "ask_branch_name"))


async def got_branch_name(message: Message, state: FSMContext) -> None:
    await state.update_data(branch_name=onboarding.clean_unit_name(message.text))
    await state.set_state(CreateBranch.superior_unit)
    await message.answer(render("onboarding", "ask_superior_unit"),
                         reply_markup=keyboards.single(label("skip"), Nav(to=Go.SKIP)))


async def ask_full_name(message: Message, state: FSMContext, suggestion: str) -> None:
    await state.set_state(CreateBranch.full_name)
    await message.answer(render("onboarding", "ask_full_name", suggestion=suggestion))


async def got_superior_unit(message: Message, state: FSMContext) -> None:
    await state.update_data(superior_unit=onboarding.clean_unit_name(message.text))
    await ask_full_name(message, state, message.from_user.full_name)


async def skip_superior_unit(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    await state.update_data(superior_unit=None)
    await ask_full_name(query.message, state, query.from_user.full_name)


async def got_full_name(message: Message, state: FSMContext, uow: UnitOfWork, clock: Clock) -> None:
    data = await state.get_data()
    try:
        created = await onboarding.create_branch(
            uow, telegram_user_id=message.from_user.id, full_name=message.text,
            branch_name=data["branch_name"], superior_unit=data.get("superior_unit"), now=clock(),
        )
    except RosterLineError as error:
        await message.answer(render("roster", "line_problem", p=error.problem))
        return
    await state.clear()
    await message.answer(
        render("onboarding", "branch_created", branch=created),
        reply_markup=keyboards.single(label("paste_roster"), Nav(to=Go.PASTE_ROSTER)),
    )


def setup() -> Router:
    router = Router(name="onboarding")
    on_message, on_button = registrars(router)
    on_message(open_invitation, CommandStart(deep_link=True), StateFilter("*"))
    on_message(start, CommandStart(), StateFilter("*"))
    on_button(ask_branch_name, Nav.filter(F.to == Go.CREATE_BRANCH))
    on_message(got_branch_name, CreateBranch.branch_name, F.text)
    on_message(got_superior_unit, CreateBranch.superior_unit, F.text)
    on_button(skip_superior_unit, CreateBranch.superior_unit, Nav.filter(F.to == Go.SKIP))
    on_message(got_full_name, CreateBranch.full_name, F.text)
    return router
