"""The secret e-ballot on the phones: the secretary opens and closes it; each voter gets a private ballot."""

from datetime import timedelta

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.domain.review.levels import MEMBER_LEVELS, MemberLevel
from bot.services import review_ballot, review_meeting, review_progress
from bot.services.actor import Actor
from bot.services.errors import AccessDenied
from bot.services.review_ballot import Choice, Ticket
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import BallotAction, BallotAdmin, BallotCb, ProposeCb
from handlers.common import refuse_stale

DEFAULT_PROPOSAL = MemberLevel.HTTNV
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

    async def proposals(uow, actor: Actor, state: FSMContext) -> list[tuple[int, str, str]]:
        p = await review_progress.progress(uow, actor, manage=True)
        chosen = (await state.get_data()).get("proposals", {})
        return [(m.membership_id, m.full_name, chosen.get(str(m.membership_id), DEFAULT_PROPOSAL.value))
                for m in review_meeting.reviewed_here(list(p.members))]

    async def show_proposals(target: Message, uow, actor: Actor, state: FSMContext, *, edit: bool) -> None:
        items = await proposals(uow, actor, state)
        kb = keyboards.Keyboard()
        for membership_id, name, _level in items:
            kb.button(text=name, callback_data=ProposeCb(membership_id=membership_id))
        kb.button(text=label("open_ballot"), callback_data=BallotAdmin(act=BallotAction.OPEN))
        kb.button(text=label("open_ballot_for", minutes=BALLOT_MINUTES),
                  callback_data=BallotAdmin(act=BallotAction.OPEN, minutes=BALLOT_MINUTES))
        kb.adjust(*([2] * (-(-len(items) // 2))), 1, 1)
        text = render("ballot", "proposals", items=[(name, level) for _, name, level in items])
        await keyboards.show(target, text, kb.as_markup(), edit=edit)

    @router.callback_query(BallotAdmin.filter(F.act == BallotAction.SECRET))
    async def secret(query: CallbackQuery, uow, actor: Actor, state: FSMContext) -> None:
        await show_proposals(query.message, uow, actor, state, edit=False)
        await query.answer()

    async def proposed_for(uow, actor: Actor, state: FSMContext, membership_id: int) -> None:
        """Only a member classified at the secretary's own meeting has a level put to the ballot."""
        if membership_id not in {m for m, _, _ in await proposals(uow, actor, state)}:
            raise AccessDenied("foreign_member", membership_id=membership_id)

    @router.callback_query(ProposeCb.filter(F.level == ""))
    async def choose(query: CallbackQuery, callback_data: ProposeCb, uow, actor: Actor, state: FSMContext) -> None:
        await proposed_for(uow, actor, state, callback_data.membership_id)
        kb = keyboards.Keyboard()
        for level in MEMBER_LEVELS:
            kb.button(text=label("level", value=level.value),
                      callback_data=ProposeCb(membership_id=callback_data.membership_id, level=level.value))
        kb.adjust(2)
        await query.message.edit_reply_markup(reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(ProposeCb.filter(F.level != ""))
    async def chosen(query: CallbackQuery, callback_data: ProposeCb, uow, actor: Actor, state: FSMContext) -> None:
        if callback_data.level not in set(MemberLevel):
            await refuse_stale(query, "no such level")
            return
        await proposed_for(uow, actor, state, callback_data.membership_id)
        data = await state.get_data()
        await state.update_data(proposals={**data.get("proposals", {}),
                                           str(callback_data.membership_id): callback_data.level})
        await show_proposals(query.message, uow, actor, state, edit=True)
        await query.answer()

    @router.callback_query(BallotAdmin.filter(F.act == BallotAction.OPEN))
    async def open_ballot(query: CallbackQuery, callback_data: BallotAdmin, uow, actor: Actor, clock, bot: Bot,
                          state: FSMContext) -> None:
        items = await proposals(uow, actor, state)
        now = clock()
        minutes = callback_data.minutes if 0 < callback_data.minutes <= MAX_BALLOT_MINUTES else 0
        opened = await review_ballot.open_ballots(uow, actor, {m: MemberLevel(level) for m, _, level in items},
                                                  now, closes_at=now + timedelta(minutes=minutes) if minutes else None)
        await state.update_data(proposals={})
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
    async def close(query: CallbackQuery, uow, actor: Actor, clock, bot: Bot) -> None:
        closed = await review_ballot.close_ballots(uow, actor, clock())
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(render("ballot", "closed", c=closed))
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
