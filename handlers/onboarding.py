"""/start: a new user creates a branch; an invitation link links its opener; others are greeted."""

from collections.abc import Callable
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.domain.roster import Role, RosterLineError
from bot.services import invitations, onboarding, roster
from bot.services.actor import Actor
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import Go, Nav


class CreateBranch(StatesGroup):
    branch_name = State()
    superior_unit = State()
    full_name = State()


def setup() -> Router:
    router = Router(name="onboarding")

    @router.message(CommandStart(deep_link=True), StateFilter("*"))
    async def open_invitation(
        message: Message, command: CommandObject, uow, clock: Callable[[], datetime], bot: Bot,
        state: FSMContext,
    ) -> None:
        await state.clear()
        accepted = await invitations.accept(
            uow, telegram_user_id=message.from_user.id, display_name=message.from_user.full_name,
            token=command.args, now=clock(),
        )
        await message.answer(render("onboarding", "joined", accepted=accepted))
        if accepted.inviter_telegram_id and accepted.inviter_telegram_id != message.from_user.id:
            await bot.send_message(accepted.inviter_telegram_id,
                                   render("onboarding", "member_joined", accepted=accepted))

    @router.message(CommandStart(), StateFilter("*"))
    async def start(message: Message, actor: Actor, uow, state: FSMContext) -> None:
        await state.clear()
        home = actor.home
        if home is not None and home.role == Role.SECRETARY:
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

    @router.callback_query(Nav.filter(F.to == Go.CREATE_BRANCH))
    async def ask_branch_name(query: CallbackQuery, actor: Actor, state: FSMContext) -> None:
        await query.answer()
        if actor.roles:
            await query.message.answer(render("errors", "error", code="already_in_branch", params={}))
            return
        await state.set_state(CreateBranch.branch_name)
        await query.message.answer(render("onboarding", "ask_branch_name"))

    @router.message(CreateBranch.branch_name, F.text)
    async def got_branch_name(message: Message, state: FSMContext) -> None:
        await state.update_data(branch_name=onboarding.clean_unit_name(message.text))
        await state.set_state(CreateBranch.superior_unit)
        await message.answer(render("onboarding", "ask_superior_unit"),
                             reply_markup=keyboards.single(label("skip"), Nav(to=Go.SKIP)))

    async def ask_full_name(message: Message, state: FSMContext, suggestion: str) -> None:
        await state.set_state(CreateBranch.full_name)
        await message.answer(render("onboarding", "ask_full_name", suggestion=suggestion))

    @router.message(CreateBranch.superior_unit, F.text)
    async def got_superior_unit(message: Message, state: FSMContext) -> None:
        await state.update_data(superior_unit=onboarding.clean_unit_name(message.text))
        await ask_full_name(message, state, message.from_user.full_name)

    @router.callback_query(CreateBranch.superior_unit, Nav.filter(F.to == Go.SKIP))
    async def skip_superior_unit(query: CallbackQuery, state: FSMContext) -> None:
        await query.answer()
        await state.update_data(superior_unit=None)
        await ask_full_name(query.message, state, query.from_user.full_name)

    @router.message(CreateBranch.full_name, F.text)
    async def got_full_name(
        message: Message, state: FSMContext, uow, clock: Callable[[], datetime]
    ) -> None:
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

    return router
