"""The review meeting on the secretary's phone: the live order, the votes with the rules' outcome (the papers:
handlers/review_papers.py)."""

import json

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.dates import Clock
from bot.domain.review.levels import MemberLevel
from bot.services import review_live, review_meeting
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.services.review_live import Ask
from bot.services.review_meeting import BRANCH, LiveMeeting
from bot.texts import label, plain, render
from handlers import keyboards
from handlers.callbacks import AssessAction, AssessCb, BallotAction, BallotAdmin, LevelCb, ReviewAction, ReviewCb
from handlers.commands import TYPED
from handlers.common import refuse_stale
from handlers.paging import answer_long, nav, page_of
from handlers.registering import registrars
from storage.uow import UnitOfWork

# What a dialog step takes as typed input: any text but a command, which runs (and leaves the dialog, see
# handlers/review.py `leave_dialog`).
PICKER_PAGE_SIZE = 20  # people a page of a picker, two a row: a big branch has 150, a keyboard takes about 100


class VoteInput(StatesGroup):
    score = State()
    counts = State()


def live_keyboard(m: LiveMeeting) -> InlineKeyboardMarkup:
    """The vote buttons of the item, then back / next, then the results; ending sits alone on the last row of the
    last item, under another callback than "next", and asks first."""
    c = review_live.controls(m)
    kb = keyboards.Keyboard()
    sizes = []
    if c.vote:
        kb.button(text=label("review_vote"), callback_data=ReviewCb(act=ReviewAction.VOTE))
        sizes.append(1)
    if c.secret_ballot:
        kb.button(text=label("secret_ballot"), callback_data=BallotAdmin(act=BallotAction.SECRET))
        sizes.append(1)
    if c.close_votes:
        kb.button(text=label("close_votes", pending=c.close_votes),
                  callback_data=ReviewCb(act=ReviewAction.CLOSE_VOTES))
        sizes.append(1)
    moves = [(label("review_prev"), ReviewAction.BACK)] if c.back else []
    moves += [(label("review_next"), ReviewAction.NEXT)] if c.next else []
    for text, act in moves:
        kb.button(text=text, callback_data=ReviewCb(act=act))
    sizes.append(len(moves))
    kb.button(text=label("review_results"), callback_data=ReviewCb(act=ReviewAction.RESULTS))
    kb.button(text=label("meeting_secretary", name=m.secretary), callback_data=ReviewCb(act=ReviewAction.SECRETARY))
    sizes.append(2)
    if c.end:
        kb.button(text=label("review_end"), callback_data=ReviewCb(act=ReviewAction.END))
        sizes.append(1)
    kb.adjust(*[n for n in sizes if n])
    return kb.as_markup()


def changes_text(changes) -> str:
    """Every announced result another vote or the quota changed, said with the reason ("" when none)."""
    return render("review", "changes", changes=changes) if changes else ""


def confirm_keyboard(yes: str, act: ReviewAction, no: str) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    kb.button(text=label(yes), callback_data=ReviewCb(act=act))
    kb.button(text=label(no), callback_data=ReviewCb(act=ReviewAction.DISMISS))
    kb.adjust(1)
    return kb.as_markup()


def levels_keyboard(membership_id: int, levels: list[MemberLevel], *, sheet: bool = False) -> InlineKeyboardMarkup:
    """The levels to vote on; with a sheet (QĐ 366), its proposal, and recording it without a vote."""
    kb = keyboards.Keyboard()
    for level in levels:
        kb.button(text=label("level", value=level.value),
                  callback_data=LevelCb(membership_id=membership_id, level=level.value))
    if sheet:
        kb.button(text=label("sheet_propose"), callback_data=AssessCb(act=AssessAction.PROPOSE, n=membership_id))
    kb.adjust(2 if not sheet else 1)
    return kb.as_markup()


async def show_live(target: Message, m: LiveMeeting, settings: Settings, *, edit: bool) -> None:
    await keyboards.show(target, render("review", "live", m=m, tz=settings.tz), live_keyboard(m), edit=edit)


async def after_end(target: Message, changes=()) -> None:
    kb = keyboards.Keyboard()
    kb.button(text=label("review_documents"), callback_data=ReviewCb(act=ReviewAction.DOCUMENTS))
    kb.button(text=label("review_progress"), callback_data=ReviewCb(act=ReviewAction.PROGRESS))
    kb.button(text=label("review_reopen"), callback_data=ReviewCb(act=ReviewAction.REOPEN))
    kb.adjust(1)
    await answer_long(target, render("review", "meeting_ended", changes=changes_text(changes)), kb.as_markup())


# --- the live order ----------------------------------------------------------------------------------------------
async def start(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                settings: Settings) -> None:
    check = await review_meeting.start_check(uow, actor, clock())
    if check is not None and check.risky and callback_data.act == ReviewAction.START_MEETING:
        await query.message.answer(render("review", "start_warning", c=check, tz=settings.tz),
                                   reply_markup=confirm_keyboard("start_anyway", ReviewAction.START_CONFIRMED,
                                                                 "not_yet"))
        await query.answer()
        return
    m = await review_meeting.start_meeting(uow, actor, clock())
    if check is not None and callback_data.act == ReviewAction.START_CONFIRMED:
        await query.message.edit_reply_markup(reply_markup=None)
    if m.ended:
        await after_end(query.message)
    else:
        await show_live(query.message, m, settings, edit=False)
    await query.answer()


async def dismiss(query: CallbackQuery, actor: Actor) -> None:
    actor.secretary_branch()  # the questions it answers are the secretary's
    await query.message.edit_reply_markup(reply_markup=None)
    await query.answer(render("review", "dismissed"))


async def move(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock,
               settings: Settings) -> None:
    m = await review_meeting.step(uow, actor, 1 if callback_data.act == ReviewAction.NEXT else -1, clock())
    await show_live(query.message, m, settings, edit=True)
    await query.answer()


# --- the meeting's secretary, its end and its reopening ----------------------------------------------------------
async def secretary(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                    settings: Settings) -> None:
    if callback_data.n:
        m = await review_meeting.set_secretary(uow, actor, callback_data.n, clock())
        await query.message.edit_text(render("review", "secretary_set", name=m.secretary))
        await show_live(query.message, m, settings, edit=False)
    else:
        await ask_secretary(query.message, uow, actor)
    await query.answer()


async def ask_secretary(target: Message, uow: UnitOfWork, actor: Actor, number: int = 0, *, edit: bool = False) -> None:
    """Those present, a page of a big branch's at a time."""
    attendees = await review_meeting.attendees(uow, actor)
    page = page_of(len(attendees), PICKER_PAGE_SIZE, number)
    kb = keyboards.Keyboard()
    for a in page.of(attendees):
        kb.button(text=a.full_name, callback_data=ReviewCb(act=ReviewAction.SECRETARY, n=a.membership_id))
    moves = nav(kb, page, lambda n: ReviewCb(act=ReviewAction.SECRETARY_PAGE, n=n))
    kb.adjust(*[2] * (-(-len(page.of(attendees)) // 2)), *([moves] if moves else []))
    await keyboards.show(target, render("review", "ask_secretary", page=page), kb.as_markup(), edit=edit)


async def secretary_page(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor) -> None:
    await ask_secretary(query.message, uow, actor, callback_data.n, edit=True)
    await query.answer()


async def ask_end(query: CallbackQuery, uow: UnitOfWork, actor: Actor) -> None:
    missing = await review_meeting.still_missing(uow, actor)
    await query.message.answer(render("review", "confirm_end", s=missing),
                               reply_markup=confirm_keyboard("review_end_confirmed", ReviewAction.END_CONFIRMED,
                                                             "review_end_not_yet"))
    await query.answer()


async def end(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    ended = await review_meeting.end_meeting(uow, actor, clock())
    await query.message.edit_reply_markup(reply_markup=None)
    await after_end(query.message, ended.changes)
    await query.answer()


async def reopen(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    m = await review_meeting.reopen_meeting(uow, actor, clock())
    await query.message.answer(render("review", "meeting_reopened"))
    await show_live(query.message, m, settings, edit=False)
    await query.answer()


async def close_votes(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    changes = await review_meeting.close_votes(uow, actor, clock())
    await answer_long(query.message, render("review", "votes_closed", changes=changes_text(changes)))
    await show_live(query.message, await review_meeting.live(uow, actor, manage=True), settings, edit=False)
    await query.answer()


# --- votes -------------------------------------------------------------------------------------------------------
async def ask_counts(target: Message, state: FSMContext, uow: UnitOfWork, actor: Actor, title: str, **data) -> None:
    """Every vote starts from a clean dialog: nothing of an earlier (or refused) vote is carried over."""
    voters = await review_live.present_voters(uow, actor)
    await state.set_state(VoteInput.counts)
    await state.set_data({**data, "title": title})
    text = render("review", "ask_counts", title=title, voters=voters, name=data.get("name"), level=data.get("level"))
    if offer := data.get("offer"):  # the branch's sheet proposes its level; a vote is only its opinion
        kb = keyboards.Keyboard()
        kb.button(text=label("sheet_propose"), callback_data=AssessCb(act=AssessAction.PROPOSE, n=0))
        await target.answer(f"{render('assessment', 'branch_offer', line=offer)}\n{text}", reply_markup=kb.as_markup())
        return
    await target.answer(text)


async def choose_member(target: Message, uow: UnitOfWork, actor: Actor, number: int = 0, *, near: int | None = None,
                        edit: bool = False) -> None:
    """The members to record a vote for, a page of a big branch's at a time: the page `number`, or the one with
    the member `near` (the vote just recorded: the next ones are beside it)."""
    choices = await review_live.member_choices(uow, actor)
    if near is not None:
        number = next((n for n, (m, _) in enumerate(choices) if m.membership_id == near), 0) // PICKER_PAGE_SIZE
    page = page_of(len(choices), PICKER_PAGE_SIZE, number)
    kb = keyboards.Keyboard()
    for m, done in page.of(choices):
        kb.button(text=label("voted_member", name=m.full_name, done=done),
                  callback_data=LevelCb(membership_id=m.membership_id, level=""))
    moves = nav(kb, page, lambda n: ReviewCb(act=ReviewAction.VOTE_PAGE, n=n))
    kb.adjust(*[2] * (-(-len(page.of(choices)) // 2)), *([moves] if moves else []))
    await keyboards.show(target, render("review", "choose_member", page=page), kb.as_markup(), edit=edit)


async def vote_page(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor) -> None:
    await choose_member(query.message, uow, actor, callback_data.n, edit=True)
    await query.answer()


async def vote(query: CallbackQuery, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    step = await review_live.vote_step(uow, actor)
    if step.ask == Ask.COUNTS:
        await ask_counts(query.message, state, uow, actor, plain("review", "item_title", i=step.item, names=step.names),
                         subject=step.subject, offer=step.offer)
    elif step.ask == Ask.SCORE:
        await state.set_state(VoteInput.score)
        await query.message.answer(render("review", "ask_score"))
    else:
        await choose_member(query.message, uow, actor)
    await query.answer()


async def got_score(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    try:
        score = review_live.parse_score(message.text)
    except ValueError:
        await message.answer(render("errors", "error", code="bad_score", params={}))
        return
    m = await review_meeting.live(uow, actor, manage=True)
    title = plain("review", "item_title", i=m.items[m.current].item, names=m.names)
    await ask_counts(message, state, uow, actor, title, subject=BRANCH, score=score)


async def choose_level(query: CallbackQuery, callback_data: LevelCb, uow: UnitOfWork, actor: Actor,
                       state: FSMContext) -> None:
    await state.clear()
    choice = await review_live.level_choice(uow, actor, callback_data.membership_id)
    text = render("review", "choose_level", name=choice.name)
    if choice.offer:  # the sheet's proposal is the level; a vote on it is the branch's opinion
        text = f"{text}\n{render('assessment', 'offer', o=choice.offer)}"
    await query.message.answer(text, reply_markup=levels_keyboard(callback_data.membership_id, choice.levels,
                                                                  sheet=choice.offer is not None))
    await query.answer()


async def level_chosen(query: CallbackQuery, callback_data: LevelCb, uow: UnitOfWork, actor: Actor,
                       state: FSMContext) -> None:
    if callback_data.level not in set(MemberLevel):
        await refuse_stale(query, "no such level")
        return
    name = await review_live.member_name(uow, actor, callback_data.membership_id)
    await ask_counts(query.message, state, uow, actor, name,
                     subject=review_meeting.member_subject(callback_data.membership_id),
                     membership_id=callback_data.membership_id, level=callback_data.level, name=name)
    await query.answer()


async def got_counts(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                     state: FSMContext) -> None:
    data = await state.get_data()
    try:
        counts = review_live.parse_counts(message.text)
    except ValueError:
        await message.answer(render("review", "bad_counts", text=message.text[:50], title=data.get("title", "")))
        return
    if counts.total == 0:  # no ballot cast is no vote; 0/0/0 is how a proposal recorded without a vote is stored
        await message.answer(render("review", "no_ballots", title=data.get("title", ""), offer=data.get("offer")))
        return
    if "membership_id" in data:
        level = MemberLevel(data["level"])
        try:
            outcome = await review_meeting.record_member(uow, actor, data["membership_id"], level, counts, clock())
        except ServiceError as refused:
            if refused.code != "vote_refused":
                raise
            # The level is what the rules refuse: the dialog ends, and the levels open to the member are offered.
            await state.clear()
            _, levels = await review_meeting.open_levels(uow, actor, data["membership_id"])
            await message.answer(render("errors", "error", code=refused.code, params=refused.params),
                                 reply_markup=levels_keyboard(data["membership_id"], levels))
            return
        await state.clear()
        await answer_long(message, render("review", "member_recorded", name=data["name"], level=level, counts=counts,
                                          outcome=outcome, changes=changes_text(outcome.changes)))
        await choose_member(message, uow, actor, near=data["membership_id"])
        return
    vote = await review_meeting.record_collective(uow, actor, data["subject"], counts, clock(), score=data.get("score"))
    await state.clear()
    await message.answer(render("review", "collective_recorded", vote=vote, reasons=json.loads(vote.reasons),
                                title=data["title"], offer=data.get("offer")))
    await show_live(message, await review_meeting.live(uow, actor, manage=True), settings, edit=False)


async def results(query: CallbackQuery, uow: UnitOfWork, actor: Actor) -> None:
    rows = await review_meeting.results(uow, actor)
    await answer_long(query.message, render("review", "results", rows=rows))  # a big branch's: several messages
    await query.answer()


def setup() -> Router:
    router = Router(name="review_meeting")
    on_message, on_button = registrars(router)
    on_button(start, ReviewCb.filter(F.act.in_({ReviewAction.START_MEETING, ReviewAction.START_CONFIRMED})))
    on_button(dismiss, ReviewCb.filter(F.act == ReviewAction.DISMISS))
    on_button(move, ReviewCb.filter(F.act.in_({ReviewAction.NEXT, ReviewAction.BACK})))
    on_button(secretary, ReviewCb.filter(F.act == ReviewAction.SECRETARY))
    on_button(secretary_page, ReviewCb.filter(F.act == ReviewAction.SECRETARY_PAGE))
    on_button(ask_end, ReviewCb.filter(F.act == ReviewAction.END))
    on_button(end, ReviewCb.filter(F.act == ReviewAction.END_CONFIRMED))
    on_button(reopen, ReviewCb.filter(F.act == ReviewAction.REOPEN))
    on_button(close_votes, ReviewCb.filter(F.act == ReviewAction.CLOSE_VOTES))
    on_button(vote, ReviewCb.filter(F.act == ReviewAction.VOTE))
    on_button(vote_page, ReviewCb.filter(F.act == ReviewAction.VOTE_PAGE))
    on_message(got_score, VoteInput.score, TYPED)
    on_button(choose_level, LevelCb.filter(F.level == ""))
    on_button(level_chosen, LevelCb.filter(F.level != ""))
    on_message(got_counts, VoteInput.counts, TYPED)
    on_button(results, ReviewCb.filter(F.act == ReviewAction.RESULTS))
    return router
