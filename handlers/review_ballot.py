"""The secret e-ballot on the phones: the secretary opens and closes it; each voter gets a private ballot."""

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.domain.dates import Clock
from bot.services import review_ballot, review_ballot_plan
from bot.services.actor import Actor
from bot.services.review_ballot import Choice, Ticket
from bot.services.review_ballot_plan import BALLOT_MINUTES, BallotLine
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import BallotAction, BallotAdmin, BallotCb, ProposeCb, ReviewAction, ReviewCb
from handlers.common import refuse_stale
from handlers.paging import answer_long, nav, page_of, pieces
from handlers.registering import registrars
from handlers.review_meeting import changes_text
from storage.uow import UnitOfWork

BALLOT_PAGE_SIZE = 10  # members a page of the ballot screen, two buttons each


def ticket_keyboard(t: Ticket) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for choice in Choice:
        kb.button(text=label("ballot_choice", value=choice.value, current=t.current),
                  callback_data=BallotCb(b=t.ballot_id, c=choice.value, p=t.current, v=t.version, s=t.seal))
    kb.adjust(1)
    return kb.as_markup()


# --- the secretary's picks, kept in her dialog until the ballot opens -------------------------------------------
async def picks(state: FSMContext) -> tuple[set[int], dict[str, str]]:
    """The members she switched on or off the ballot, and the level she chose for each (by membership id)."""
    data = (await state.get_data()).get("ballot", {})
    return set(data.get("toggled", [])), data.get("levels", {})


async def remember(state: FSMContext, **changes) -> None:
    data = await state.get_data()
    await state.update_data(ballot={**data.get("ballot", {}), **changes})


async def ballot_lines(uow: UnitOfWork, actor: Actor, state: FSMContext) -> list[BallotLine]:
    return await review_ballot_plan.lines(uow, actor, *await picks(state))


async def show_proposals(target: Message, uow: UnitOfWork, actor: Actor, state: FSMContext, *, edit: bool,
                         page: int | None = None) -> None:
    """The screen, a page of a big branch's members at a time: the page shown is kept in the dialog, so a pick
    redraws the page it was made on."""
    lines = await ballot_lines(uow, actor, state)
    number = page if page is not None else (await state.get_data()).get("ballot", {}).get("page", 0)
    shown = page_of(len(lines), BALLOT_PAGE_SIZE, number)
    await remember(state, page=shown.number)
    kb = keyboards.Keyboard()
    for c, included, level in shown.of(lines):
        kb.button(text=label("ballot_level", name=c.name, level=level.value, on=included),
                  callback_data=ProposeCb(membership_id=c.membership_id))
        kb.button(text=label("ballot_pick", name=c.name, on=included),
                  callback_data=BallotAdmin(act=BallotAction.PICK, m=c.membership_id))
    moves = nav(kb, shown, lambda n: BallotAdmin(act=BallotAction.PAGE, m=n))
    kb.button(text=label("open_ballot"), callback_data=BallotAdmin(act=BallotAction.OPEN))
    kb.button(text=label("open_ballot_for", minutes=BALLOT_MINUTES),
              callback_data=BallotAdmin(act=BallotAction.OPEN, minutes=BALLOT_MINUTES))
    kb.adjust(*([2] * len(shown.of(lines))), *([moves] if moves else []), 1, 1)
    await keyboards.show(target, render("ballot", "proposals", plan=lines, page=shown), kb.as_markup(), edit=edit)


async def secret(query: CallbackQuery, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await state.clear()  # a new ballot screen starts from the defaults
    await show_proposals(query.message, uow, actor, state, edit=False)
    await query.answer()


async def turn_page(query: CallbackQuery, callback_data: BallotAdmin, uow: UnitOfWork, actor: Actor,
                    state: FSMContext) -> None:
    await show_proposals(query.message, uow, actor, state, edit=True, page=callback_data.m)
    await query.answer()


async def pick(query: CallbackQuery, callback_data: BallotAdmin, uow: UnitOfWork, actor: Actor,
               state: FSMContext) -> None:
    review_ballot_plan.line_of(await ballot_lines(uow, actor, state), callback_data.m)
    toggled, _ = await picks(state)
    await remember(state, toggled=sorted(toggled ^ {callback_data.m}))
    await show_proposals(query.message, uow, actor, state, edit=True)
    await query.answer()


async def choose(query: CallbackQuery, callback_data: ProposeCb, uow: UnitOfWork, actor: Actor,
                 state: FSMContext) -> None:
    c = review_ballot_plan.line_of(await ballot_lines(uow, actor, state), callback_data.membership_id).candidate
    kb = keyboards.Keyboard()
    for level in c.levels:  # only the levels the rules allow this member
        kb.button(text=label("level", value=level.value),
                  callback_data=ProposeCb(membership_id=c.membership_id, level=level.value))
    kb.adjust(2)
    await query.message.edit_reply_markup(reply_markup=kb.as_markup())
    await query.answer()


async def chosen(query: CallbackQuery, callback_data: ProposeCb, uow: UnitOfWork, actor: Actor,
                 state: FSMContext) -> None:
    c = review_ballot_plan.line_of(await ballot_lines(uow, actor, state), callback_data.membership_id).candidate
    if callback_data.level not in c.levels:
        await refuse_stale(query, "a level the rules do not allow this member")
        return
    toggled, levels = await picks(state)
    await remember(state, levels={**levels, str(c.membership_id): callback_data.level},
                   toggled=sorted(review_ballot_plan.including(c, toggled)))
    await show_proposals(query.message, uow, actor, state, edit=True)
    await query.answer()


# --- opening, casting, closing ----------------------------------------------------------------------------------
async def open_ballot(query: CallbackQuery, callback_data: BallotAdmin, uow: UnitOfWork, actor: Actor, clock: Clock,
                      bot: Bot, state: FSMContext) -> None:
    lines = [line for line in await ballot_lines(uow, actor, state) if line.included]
    minutes = review_ballot_plan.ballot_minutes(callback_data.minutes)
    if not lines:
        await query.answer(render("ballot", "nobody"), show_alert=True)
        return
    replaced = review_ballot_plan.replaced(lines)
    if replaced and callback_data.act == BallotAction.OPEN:
        kb = keyboards.Keyboard()
        kb.button(text=label("open_ballot_anyway"),
                  callback_data=BallotAdmin(act=BallotAction.OPEN_CONFIRMED, minutes=minutes))
        kb.button(text=label("not_yet"), callback_data=ReviewCb(act=ReviewAction.DISMISS))
        kb.adjust(1)
        await answer_long(query.message, render("ballot", "replaces", replaced=replaced), kb.as_markup())
        await query.answer()
        return
    now = clock()
    opened = await review_ballot.open_ballots(
        uow, actor, {line.candidate.membership_id: line.level for line in lines}, now,
        closes_at=review_ballot_plan.closes_at(now, minutes), replace=callback_data.act == BallotAction.OPEN_CONFIRMED)
    await state.clear()
    reached: set[int] = set()
    for user_id, ticket in opened.tickets:
        try:
            await bot.send_message(user_id, render("ballot", "ticket", t=ticket), reply_markup=ticket_keyboard(ticket))
            reached.add(user_id)
        except TelegramAPIError:
            continue  # blocked or gone: they are not counted as reached
    kb = keyboards.Keyboard()
    kb.button(text=label("close_ballot"), callback_data=BallotAdmin(act=BallotAction.CLOSE))
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(render("ballot", "opened", sent=len(reached), unreachable=opened.unreachable,
                                      minutes=minutes), reply_markup=kb.as_markup())
    await query.answer()


async def cast(query: CallbackQuery, callback_data: BallotCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    if callback_data.c not in set(Choice):
        await refuse_stale(query, "no such choice")
        return
    ticket = await review_ballot.cast(uow, actor, callback_data.b, Choice(callback_data.c), callback_data.p,
                                      callback_data.v, callback_data.s, clock())
    await query.message.edit_text(render("ballot", "ticket", t=ticket), reply_markup=ticket_keyboard(ticket))
    await query.answer()


async def ask_close(query: CallbackQuery, uow: UnitOfWork, actor: Actor) -> None:
    kb = keyboards.Keyboard()
    kb.button(text=label("close_ballot_confirmed"), callback_data=BallotAdmin(act=BallotAction.CLOSE_CONFIRMED))
    kb.button(text=label("not_yet"), callback_data=ReviewCb(act=ReviewAction.DISMISS))
    kb.adjust(1)
    await query.message.answer(render("ballot", "confirm_close", t=await review_ballot.turnout(uow, actor)),
                               reply_markup=kb.as_markup())
    await query.answer()


async def close(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, bot: Bot) -> None:
    closed = await review_ballot.close_ballots(uow, actor, clock())
    await query.message.edit_reply_markup(reply_markup=None)
    await answer_long(query.message, render("ballot", "closed", c=closed, changes=changes_text(closed.changes)))
    branch_name, chats = await review_ballot.announced_to(uow, actor)
    announced = pieces(render("ballot", "announced", branch_name=branch_name, c=closed))
    for chat in chats:
        try:
            for part in announced:
                await bot.send_message(chat, part)
        except TelegramAPIError:
            continue  # an unreachable member misses the announcement, not the result
    await query.answer()


def setup() -> Router:
    router = Router(name="review_ballot")
    on_button = registrars(router).button
    on_button(secret, BallotAdmin.filter(F.act == BallotAction.SECRET))
    on_button(pick, BallotAdmin.filter(F.act == BallotAction.PICK))
    on_button(turn_page, BallotAdmin.filter(F.act == BallotAction.PAGE))
    on_button(choose, ProposeCb.filter(F.level == ""))
    on_button(chosen, ProposeCb.filter(F.level != ""))
    on_button(open_ballot, BallotAdmin.filter(F.act.in_({BallotAction.OPEN, BallotAction.OPEN_CONFIRMED})))
    on_button(cast, BallotCb.filter())
    on_button(ask_close, BallotAdmin.filter(F.act == BallotAction.CLOSE))
    on_button(close, BallotAdmin.filter(F.act == BallotAction.CLOSE_CONFIRMED))
    return router
