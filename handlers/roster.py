"""The secretary's roster: list, add one by one or by pasting, edit, remove, invitation links."""

import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.domain.dates import Clock
from bot.domain.roster import (
    SINGLE_ROLES,
    RejectedLine,
    RosterEntry,
    RosterLineError,
    Status,
    parse_admission_date,
    parse_name,
    parse_roster,
)
from bot.services import invitations
from bot.services import roster as roster_service
from bot.services.actor import Actor
from bot.services.invitations import Invite
from bot.services.roster import AddResult
from bot.texts import label, render
from handlers import commands, keyboards
from handlers.callbacks import Go, MemberAction, MemberCb, MemberRole, Nav, NewRole, NewStatus, RosterPage
from handlers.common import MAX_TEXT, telegram_length
from handlers.registering import registrars
from storage.uow import UnitOfWork


class AddMember(StatesGroup):
    name = State()
    status = State()
    admitted_on = State()
    role = State()


class PasteRoster(StatesGroup):
    lines = State()


class EditMember(StatesGroup):
    name = State()
    admitted_on = State()


def invite_link(bot_username: str, invite: Invite) -> str:
    return f"https://t.me/{bot_username}?start={invite.token}"


# A long answer lists fewer lines, to fit one message (MAX_TEXT).
REPLY_LIMITS = (100, 30, 15, 5, 0)


def line_ranges(numbers: Iterable[int]) -> str:
    """`1, 3–5, 9` for lines 1, 3, 4, 5 and 9."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def visible(text: str) -> str:
    """A quoted line with its control, direction and unassigned characters shown as `·`: quoted back, a
    right-to-left override would otherwise turn the rest of the bot's answer around."""
    return "".join("·" if unicodedata.category(c) in _INVISIBLE else c for c in text)


def _quoted(r: RejectedLine) -> RejectedLine:
    return replace(r, text=visible(r.text), problem=replace(r.problem, value=visible(r.problem.value)))


def added_text(result: AddResult) -> str:
    """What was added and which lines were not, with their reasons, in one message: when all of it does not
    fit, fewer lines are listed in full and every other line not added is still named by its number."""
    too_many = [r.line_no for r in result.rejected if r.problem.code == "too_many_lines"]
    rejected = [_quoted(r) for r in result.rejected if r.problem.code != "too_many_lines"]
    for shown in REPLY_LIMITS:
        text = render("roster", "added", added=result.added, shown=shown, rejected=rejected,
                      hidden=line_ranges(r.line_no for r in rejected[shown:]), too_many=too_many)
        if telegram_length(text) <= MAX_TEXT:
            break
    return text


# A member card's buttons that flip one field (roster_service.toggle_member).
TOGGLED = {MemberAction.STATUS: "status", MemberAction.EXEMPT: "exempt", MemberAction.SUSPENDED: "suspended"}


async def show_roster(target: Message, uow: UnitOfWork, actor: Actor, page: int = 0, *, edit: bool = False) -> None:
    view = await roster_service.roster(uow, actor)
    shown = keyboards.roster_page(view, page)
    text = render("roster", "roster", view=view, page=shown.number, pages=shown.count, page_size=shown.size)
    markup = keyboards.roster(view, shown) if actor.is_secretary else None  # the deputy reads it
    await keyboards.show(target, text, markup, edit=edit)


async def roster_command(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    await show_roster(message, uow, actor)


async def roster_button(query: CallbackQuery, uow: UnitOfWork, actor: Actor) -> None:
    await show_roster(query.message, uow, actor)
    await query.answer()


async def roster_page(query: CallbackQuery, callback_data: RosterPage, uow: UnitOfWork, actor: Actor) -> None:
    await show_roster(query.message, uow, actor, callback_data.page, edit=True)
    await query.answer()


# --- adding one member, step by step -------------------------------------------------------------------------
async def start_add(target: Message, actor: Actor, state: FSMContext) -> None:
    actor.secretary_branch()
    await state.clear()
    await state.set_state(AddMember.name)
    await target.answer(render("roster", "ask_name"))


async def add_command(message: Message, actor: Actor, state: FSMContext) -> None:
    await start_add(message, actor, state)


async def add_button(query: CallbackQuery, actor: Actor, state: FSMContext) -> None:
    await start_add(query.message, actor, state)
    await query.answer()


async def add_name(message: Message, state: FSMContext) -> None:
    try:
        name = parse_name(message.text)
    except RosterLineError as error:
        await message.answer(render("roster", "line_problem", p=error.problem))
        return
    await state.update_data(full_name=name)
    await state.set_state(AddMember.status)
    await message.answer(render("roster", "ask_status", name=name), reply_markup=keyboards.new_status())


async def add_status(query: CallbackQuery, callback_data: NewStatus, state: FSMContext) -> None:
    data = await state.update_data(status=callback_data.status)
    await state.set_state(AddMember.admitted_on)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(render("roster", "ask_date", name=data["full_name"]),
                               reply_markup=keyboards.single(label("skip"), Nav(to=Go.SKIP)))
    await query.answer()


async def ask_role(target: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    data = await state.get_data()
    view = await roster_service.roster(uow, actor)
    taken = {m.role for m in view.members} & SINGLE_ROLES  # many members share the other roles
    await state.set_state(AddMember.role)
    await target.answer(render("roster", "ask_role", name=data["full_name"]), reply_markup=keyboards.new_role(taken))


async def add_date(message: Message, state: FSMContext, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    try:
        admitted_on = parse_admission_date(message.text, clock().date())
    except RosterLineError as error:
        await message.answer(render("roster", "line_problem", p=error.problem))
        return
    await state.update_data(admitted_on=admitted_on.isoformat())
    await ask_role(message, uow, actor, state)


async def add_date_skip(query: CallbackQuery, state: FSMContext, uow: UnitOfWork, actor: Actor) -> None:
    await query.message.edit_reply_markup(reply_markup=None)
    await ask_role(query.message, uow, actor, state)
    await query.answer()


async def add_role(query: CallbackQuery, callback_data: NewRole, state: FSMContext, uow: UnitOfWork, actor: Actor,
                   clock: Clock) -> None:
    data = await state.get_data()
    entry = RosterEntry(
        full_name=data["full_name"],
        status=Status(data["status"]),
        admitted_on=datetime.fromisoformat(data["admitted_on"]).date() if data.get("admitted_on") else None,
        role=callback_data.role,
    )
    result = await roster_service.add_members(uow, actor, [(1, entry)], clock())
    await state.clear()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(added_text(result), reply_markup=keyboards.single(label("roster"), Nav(to=Go.ROSTER)))
    await query.answer()


# --- pasting a list ------------------------------------------------------------------------------------------
async def start_paste(target: Message, actor: Actor, state: FSMContext) -> None:
    actor.secretary_branch()
    await state.set_state(PasteRoster.lines)
    await target.answer(render("roster", "ask_paste"))


async def paste_command(message: Message, actor: Actor, state: FSMContext) -> None:
    await start_paste(message, actor, state)


async def paste_button(query: CallbackQuery, actor: Actor, state: FSMContext) -> None:
    await start_paste(query.message, actor, state)
    await query.answer()


async def pasted(message: Message, state: FSMContext, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    now = clock()
    parsed = parse_roster(message.text, now.date())
    result = await roster_service.add_members(uow, actor, parsed.accepted, now)
    result.rejected = sorted(parsed.rejected + result.rejected, key=lambda r: r.line_no)
    if not result.rejected:
        await state.clear()
    await message.answer(added_text(result), reply_markup=keyboards.single(label("roster"), Nav(to=Go.ROSTER)))


async def pasted_not_text(message: Message) -> None:
    await message.answer(render("roster", "paste_text_only"))


# --- one member's card ---------------------------------------------------------------------------------------
async def show_member(target: Message, uow: UnitOfWork, actor: Actor, membership_id: int, *, edit: bool) -> None:
    m = await roster_service.member(uow, actor, membership_id)
    await keyboards.show(target, render("roster", "member_card", m=m), keyboards.member_card(m), edit=edit)


async def open_member(query: CallbackQuery, callback_data: MemberCb, uow: UnitOfWork, actor: Actor) -> None:
    await show_member(query.message, uow, actor, callback_data.id, edit=False)
    await query.answer()


async def toggle(query: CallbackQuery, callback_data: MemberCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    await roster_service.toggle_member(uow, actor, callback_data.id, TOGGLED[callback_data.act], clock())
    await show_member(query.message, uow, actor, callback_data.id, edit=True)
    await query.answer()


async def choose_role(query: CallbackQuery, callback_data: MemberCb, uow: UnitOfWork, actor: Actor) -> None:
    m = await roster_service.member(uow, actor, callback_data.id)
    await query.message.edit_reply_markup(reply_markup=keyboards.member_roles(m))
    await query.answer()


async def set_role(query: CallbackQuery, callback_data: MemberRole, uow: UnitOfWork, actor: Actor,
                   clock: Clock) -> None:
    await roster_service.update_member(uow, actor, callback_data.id, clock(), role=callback_data.role)
    await show_member(query.message, uow, actor, callback_data.id, edit=True)
    await query.answer()


async def ask_text_field(query: CallbackQuery, callback_data: MemberCb, uow: UnitOfWork, actor: Actor,
                         state: FSMContext) -> None:
    m = await roster_service.member(uow, actor, callback_data.id)
    is_name = callback_data.act == MemberAction.NAME
    await state.set_state(EditMember.name if is_name else EditMember.admitted_on)
    await state.update_data(membership_id=m.membership_id)
    await query.message.answer(render("roster", "ask_new_name" if is_name else "ask_new_date", m=m))
    await query.answer()


async def got_text_field(message: Message, state: FSMContext, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    now = clock()
    try:
        if await state.get_state() == EditMember.name.state:
            change = {"full_name": parse_name(message.text)}
        else:
            change = {"admitted_on": parse_admission_date(message.text, now.date())}
    except RosterLineError as error:
        await message.answer(render("roster", "line_problem", p=error.problem))
        return
    membership_id = (await state.get_data())["membership_id"]
    await roster_service.update_member(uow, actor, membership_id, now, **change)
    await state.clear()
    await show_member(message, uow, actor, membership_id, edit=False)


async def ask_remove(query: CallbackQuery, callback_data: MemberCb, uow: UnitOfWork, actor: Actor) -> None:
    m = await roster_service.member(uow, actor, callback_data.id)
    await query.message.edit_text(render("roster", "confirm_remove", m=m), reply_markup=keyboards.confirm_remove(m))
    await query.answer()


async def remove(query: CallbackQuery, callback_data: MemberCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    name = await roster_service.remove_member(uow, actor, callback_data.id, clock())
    await query.message.edit_text(render("roster", "removed", name=name),
                                  reply_markup=keyboards.single(label("back_to_roster"), RosterPage(page=0)))
    await query.answer()


# --- invitation links ----------------------------------------------------------------------------------------
async def answer_invite(target: Message, bot_username: str, invite: Invite) -> None:
    await target.answer(render("roster", "invite", invite=invite, link=invite_link(bot_username, invite)))


async def invite_member(query: CallbackQuery, callback_data: MemberCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                        settings: Settings, bot_username: str) -> None:
    invite = await invitations.invite_member(uow, actor, callback_data.id, clock(),
                                             timedelta(days=settings.invite_ttl_days))
    await answer_invite(query.message, bot_username, invite)
    await query.answer()


async def send_supervisor_invite(target: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                                 bot_username: str) -> None:
    invite = await invitations.invite_supervisor(uow, actor, clock(), timedelta(days=settings.invite_ttl_days))
    await answer_invite(target, bot_username, invite)


async def supervisor_command(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                             bot_username: str) -> None:
    await send_supervisor_invite(message, uow, actor, clock, settings, bot_username)


async def supervisor_button(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                            bot_username: str) -> None:
    await send_supervisor_invite(query.message, uow, actor, clock, settings, bot_username)
    await query.answer()


async def link_channel(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                       bot_username: str) -> None:
    invite = await invitations.link_channel(uow, actor, clock(), timedelta(days=settings.invite_ttl_days))
    await answer_invite(query.message, bot_username, invite)
    await query.answer()


# --- a member's own view -------------------------------------------------------------------------------------
async def me(message: Message, uow: UnitOfWork, actor: Actor) -> None:
    if actor.person_id is None:  # a stranger still gets the number the office links them by (chibo admin)
        await message.answer(render("roster", "me_stranger", actor=actor))
        return
    members = await roster_service.own_entries(uow, actor)
    await message.answer("\n\n".join((render("roster", "me", actor=actor, members=members),
                                      render("privacy", "me_footer"))),
                         reply_markup=keyboards.own_data())


def setup() -> Router:
    router = Router(name="roster")
    on_message, on_button = registrars(router)
    on_message(roster_command, commands.filter("doanvien"))
    on_button(roster_button, Nav.filter(F.to == Go.ROSTER))
    on_button(roster_page, RosterPage.filter())
    on_message(add_command, commands.filter("themdv"))
    on_button(add_button, Nav.filter(F.to == Go.ADD_MEMBER))
    on_message(add_name, AddMember.name, F.text)
    on_button(add_status, AddMember.status, NewStatus.filter())
    on_message(add_date, AddMember.admitted_on, F.text)
    on_button(add_date_skip, AddMember.admitted_on, Nav.filter(F.to == Go.SKIP))
    on_button(add_role, AddMember.role, NewRole.filter())
    on_message(paste_command, commands.filter("nhapds"))
    on_button(paste_button, Nav.filter(F.to == Go.PASTE_ROSTER))
    on_message(pasted, PasteRoster.lines, F.text)
    on_message(pasted_not_text, PasteRoster.lines, ~F.text)
    on_button(open_member, MemberCb.filter(F.act == MemberAction.OPEN))
    on_button(toggle, MemberCb.filter(F.act.in_(set(TOGGLED))))
    on_button(choose_role, MemberCb.filter(F.act == MemberAction.ROLE))
    on_button(set_role, MemberRole.filter())
    on_button(ask_text_field, MemberCb.filter(F.act.in_({MemberAction.NAME, MemberAction.DATE})))
    on_message(got_text_field, StateFilter(EditMember.name, EditMember.admitted_on), F.text)
    on_button(ask_remove, MemberCb.filter(F.act == MemberAction.REMOVE))
    on_button(remove, MemberCb.filter(F.act == MemberAction.REMOVE_CONFIRMED))
    on_button(invite_member, MemberCb.filter(F.act == MemberAction.INVITE))
    on_message(supervisor_command, commands.filter("moigiamsat"))
    on_button(supervisor_button, Nav.filter(F.to == Go.INVITE_SUPERVISOR))
    on_button(link_channel, Nav.filter(F.to == Go.LINK_CHANNEL))
    on_message(me, commands.filter("toi"))
    return router
