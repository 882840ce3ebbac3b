"""The secret e-ballot on the phones: the secretary opens and closes it; each voter gets a private ballot."""

from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.domain.review.levels import MemberLevel
from bot.services import review_ballot, review_progress
from bot.services.actor import Actor
from bot.services.errors import AccessDenied
from bot.services.review_ballot import Candidate, Choice, Ticket
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import BallotAction, BallotAdmin, BallotCb, ProposeCb, ReviewAction, ReviewCb
from handlers.common import refuse_stale
from handlers.review_meeting import changes_text

BALLOT_MINUTES = 10
MAX_BALLOT_MINUTES = 24 * 60


def ticket_keyboard(t: Ticket) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for choice in Choice:
        kb.button(text=label("ballot_choice", value=choice.value, current=t.current),
                  callback_data=BallotCb(b=t.ballot_id, c=choice.value, p=t.current, v=t.version, s=t.seal))
    kb.adjust(1)
    return kb.as_markup()


def setup() -> Router:
    router = Router(name="review_ballot")

    async def ballot_plan(uow, actor: Actor, state: FSMContext) -> list[tuple[Candidate, bool, MemberLevel]]:
        """Each member classified here, whether the ballot covers them (by default: those without a result; the
        secretary toggles), and the level put to it (by default HTTNV or the highest open below it)."""
        data = (await state.get_data()).get("ballot", {})
        toggled, levels = set(data.get("toggled", [])), data.get("levels", {})
        plan = []
        for c in await review_ballot.candidates(uow, actor):
            chosen = levels.get(str(c.membership_id))
            level = MemberLevel(chosen) if chosen in c.levels else c.default_level
            plan.append((c, (c.result is None) != (c.membership_id in toggled), level))
        return plan

    async def show_proposals(target: Message, uow, actor: Actor, state: FSMContext, *, edit: bool) -> None:
        plan = await ballot_plan(uow, actor, state)
        kb = keyboards.Keyboard()
        for c, included, level in plan:
            kb.button(text=label("ballot_level", name=c.name, level=level.value, on=included),
                      callback_data=ProposeCb(membership_id=c.membership_id))
            kb.button(text=label("ballot_pick", name=c.name, on=included),
                      callback_data=BallotAdmin(act=BallotAction.PICK, m=c.membership_id))
        kb.button(text=label("open_ballot"), callback_data=BallotAdmin(act=BallotAction.OPEN))
        kb.button(text=label("open_ballot_for", minutes=BALLOT_MINUTES),
                  callback_data=BallotAdmin(act=BallotAction.OPEN, minutes=BALLOT_MINUTES))
        kb.adjust(*([2] * len(plan)), 1, 1)
        await keyboards.show(target, render("ballot", "proposals", plan=plan), kb.as_markup(), edit=edit)

    async def remember(state: FSMContext, **changes) -> None:
        data = await state.get_data()
        await state.update_data(ballot={**data.get("ballot", {}), **changes})

    @router.callback_query(BallotAdmin.filter(F.act == BallotAction.SECRET))
    async def secret(query: CallbackQuery, uow, actor: Actor, state: FSMContext) -> None:
        await state.clear()  # a new ballot screen starts from the defaults
        await show_proposals(query.message, uow, actor, state, edit=False)
        await query.answer()

    async def candidate(uow, actor: Actor, state: FSMContext, membership_id: int) -> Candidate:
        """Only a member classified at the secretary's own meeting has a level put to the ballot."""
        found = next((c for c, _, _ in await ballot_plan(uow, actor, state) if c.membership_id == membership_id), None)
        if found is None:
            raise AccessDenied("foreign_member", membership_id=membership_id)
        return found

    @router.callback_query(BallotAdmin.filter(F.act == BallotAction.PICK))
    async def pick(query: CallbackQuery, callback_data: BallotAdmin, uow, actor: Actor, state: FSMContext) -> None:
        await candidate(uow, actor, state, callback_data.m)
        toggled = set((await state.get_data()).get("ballot", {}).get("toggled", [])) ^ {callback_data.m}
        await remember(state, toggled=sorted(toggled))
        await show_proposals(query.message, uow, actor, state, edit=True)
        await query.answer()

    @router.callback_query(ProposeCb.filter(F.level == ""))
    async def choose(query: CallbackQuery, callback_data: ProposeCb, uow, actor: Actor, state: FSMContext) -> None:
        c = await candidate(uow, actor, state, callback_data.membership_id)
        kb = keyboards.Keyboard()
        for level in c.levels:  # only the levels the rules allow this member
            kb.button(text=label("level", value=level.value),
                      callback_data=ProposeCb(membership_id=c.membership_id, level=level.value))
        kb.adjust(2)
        await query.message.edit_reply_markup(reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(ProposeCb.filter(F.level != ""))
    async def chosen(query: CallbackQuery, callback_data: ProposeCb, uow, actor: Actor, state: FSMContext) -> None:
        c = await candidate(uow, actor, state, callback_data.membership_id)
        if callback_data.level not in c.levels:
            await refuse_stale(query, "a level the rules do not allow this member")
            return
        levels = (await state.get_data()).get("ballot", {}).get("levels", {})
        toggled = set((await state.get_data()).get("ballot", {}).get("toggled", []))
        if c.result is not None:  # choosing a level for a member puts them on the ballot
            toggled.add(c.membership_id)
        else:
            toggled.discard(c.membership_id)
        await remember(state, levels={**levels, str(c.membership_id): callback_data.level}, toggled=sorted(toggled))
        await show_proposals(query.message, uow, actor, state, edit=True)
        await query.answer()

    @router.callback_query(BallotAdmin.filter(F.act.in_({BallotAction.OPEN, BallotAction.OPEN_CONFIRMED})))
    async def open_ballot(query: CallbackQuery, callback_data: BallotAdmin, uow, actor: Actor, clock, bot: Bot,
                          state: FSMContext) -> None:
        plan = [(c, level) for c, included, level in await ballot_plan(uow, actor, state) if included]
        minutes = callback_data.minutes if 0 < callback_data.minutes <= MAX_BALLOT_MINUTES else 0
        if not plan:
            await query.answer(render("ballot", "nobody"), show_alert=True)
            return
        replaced = [(c, level) for c, level in plan if c.result is not None]
        if replaced and callback_data.act == BallotAction.OPEN:
            kb = keyboards.Keyboard()
            kb.button(text=label("open_ballot_anyway"),
                      callback_data=BallotAdmin(act=BallotAction.OPEN_CONFIRMED, minutes=minutes))
            kb.button(text=label("not_yet"), callback_data=ReviewCb(act=ReviewAction.DISMISS))
            kb.adjust(1)
            await query.message.answer(render("ballot", "replaces", replaced=replaced), reply_markup=kb.as_markup())
            await query.answer()
            return
        now = clock()
        opened = await review_ballot.open_ballots(uow, actor, {c.membership_id: level for c, level in plan}, now,
                                                  closes_at=now + timedelta(minutes=minutes) if minutes else None,
                                                  replace=callback_data.act == BallotAction.OPEN_CONFIRMED)
        await state.clear()
        reached: set[int] = set()
        for user_id, ticket in opened.tickets:
            try:
                await bot.send_message(user_id, render("ballot", "ticket", t=ticket),
                                       reply_markup=ticket_keyboard(ticket))
                reached.add(user_id)
            except TelegramAPIError:
                continue  # blocked or gone: they are not counted as reached
        kb = keyboards.Keyboard()
        kb.button(text=label("close_ballot"), callback_data=BallotAdmin(act=BallotAction.CLOSE))
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(render("ballot", "opened", sent=len(reached), unreachable=opened.unreachable,
                                          minutes=minutes), reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(BallotCb.filter())
    async def cast(query: CallbackQuery, callback_data: BallotCb, uow, actor: Actor, clock) -> None:
        if callback_data.c not in set(Choice):
            await refuse_stale(query, "no such choice")
            return
        ticket = await review_ballot.cast(uow, actor, callback_data.b, Choice(callback_data.c), callback_data.p,
                                          callback_data.v, callback_data.s, clock())
        await query.message.edit_text(render("ballot", "ticket", t=ticket), reply_markup=ticket_keyboard(ticket))
        await query.answer()

    @router.callback_query(BallotAdmin.filter(F.act == BallotAction.CLOSE))
    async def ask_close(query: CallbackQuery, uow, actor: Actor) -> None:
        kb = keyboards.Keyboard()
        kb.button(text=label("close_ballot_confirmed"), callback_data=BallotAdmin(act=BallotAction.CLOSE_CONFIRMED))
        kb.button(text=label("not_yet"), callback_data=ReviewCb(act=ReviewAction.DISMISS))
        kb.adjust(1)
        await query.message.answer(render("ballot", "confirm_close", t=await review_ballot.turnout(uow, actor)),
                                   reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(BallotAdmin.filter(F.act == BallotAction.CLOSE_CONFIRMED))
    async def close(query: CallbackQuery, uow, actor: Actor, clock, bot: Bot) -> None:
        closed = await review_ballot.close_ballots(uow, actor, clock())
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(render("ballot", "closed", c=closed, changes=changes_text(closed.changes)))
        p = await review_progress.progress(uow, actor, manage=True)
        for m in p.members:
            if m.telegram_user_id is not None and m.telegram_user_id != query.from_user.id:
                try:
                    await bot.send_message(m.telegram_user_id, render("ballot", "announced",
                                                                      branch_name=p.branch_name, c=closed))
                except TelegramAPIError:
                    continue  # an unreachable member misses the announcement, not the result
        await query.answer()

    return router
