"""The review meeting on the secretary's phone: the live order, the votes with the rules' outcome, the papers."""

import json
import re

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.review.levels import MEMBER_LEVELS, MemberLevel
from bot.domain.review.meeting import ItemKind
from bot.services import review_documents, review_meeting, review_progress
from bot.services.actor import Actor
from bot.services.errors import AccessDenied
from bot.services.review_meeting import BRANCH, COMMITTEE_REPORT, Counts, LiveMeeting
from bot.texts import label, plain, render
from handlers import keyboards
from handlers.callbacks import BallotAction, BallotAdmin, LevelCb, ReviewAction, ReviewCb
from handlers.common import refuse_stale

_COUNTS = re.compile(r"^\s*(\d{1,3})[\s,;/-]+(\d{1,3})[\s,;/-]+(\d{1,3})\s*$")
VOTE_ITEMS = {ItemKind.COMMITTEE_REPORT_VOTE, ItemKind.BRANCH_BALLOT, ItemKind.MEMBER_BALLOT}


class VoteInput(StatesGroup):
    score = State()
    counts = State()


def parse_counts(text: str) -> Counts:
    match = _COUNTS.match(text)
    if not match:
        raise ValueError(text)
    return Counts(*(int(n) for n in match.groups()))


def live_keyboard(m: LiveMeeting) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    kind = m.items[m.current].item.kind
    if kind in VOTE_ITEMS:
        kb.button(text=label("review_vote"), callback_data=ReviewCb(act=ReviewAction.VOTE))
    if kind == ItemKind.MEMBER_BALLOT:
        kb.button(text=label("secret_ballot"), callback_data=BallotAdmin(act=BallotAction.SECRET))
    if m.current > 0:
        kb.button(text=label("review_prev"), callback_data=ReviewCb(act=ReviewAction.BACK))
    last = m.current + 1 == len(m.items)
    kb.button(text=label("review_end" if last else "review_next"), callback_data=ReviewCb(act=ReviewAction.NEXT))
    kb.button(text=label("review_results"), callback_data=ReviewCb(act=ReviewAction.RESULTS))
    kb.adjust(*([1, 1] if kind == ItemKind.MEMBER_BALLOT else [1] if kind in VOTE_ITEMS else []), 2, 1)
    return kb.as_markup()


def setup() -> Router:
    router = Router(name="review_meeting")

    async def show_live(target: Message, m: LiveMeeting, settings: Settings, *, edit: bool) -> None:
        text, markup = render("review", "live", m=m, tz=settings.tz), live_keyboard(m)
        await keyboards.show(target, text, markup, edit=edit)

    async def after_end(target: Message) -> None:
        kb = keyboards.Keyboard()
        kb.button(text=label("review_documents"), callback_data=ReviewCb(act=ReviewAction.DOCUMENTS))
        kb.button(text=label("review_progress"), callback_data=ReviewCb(act=ReviewAction.PROGRESS))
        kb.adjust(1)
        await target.answer(render("review", "meeting_ended"), reply_markup=kb.as_markup())

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.START_MEETING))
    async def start(query: CallbackQuery, uow, actor: Actor, clock, settings: Settings) -> None:
        m = await review_meeting.start_meeting(uow, actor, clock())
        if m.ended:
            await after_end(query.message)
        else:
            await show_live(query.message, m, settings, edit=False)
        await query.answer()

    @router.callback_query(ReviewCb.filter(F.act.in_({ReviewAction.NEXT, ReviewAction.BACK})))
    async def move(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, clock,
                   settings: Settings) -> None:
        m = await review_meeting.step(uow, actor, 1 if callback_data.act == ReviewAction.NEXT else -1, clock())
        if m.ended:
            await query.message.edit_reply_markup(reply_markup=None)
            await after_end(query.message)
        else:
            await show_live(query.message, m, settings, edit=True)
        await query.answer()

    # --- votes ------------------------------------------------------------------------------------------
    async def ask_counts(target: Message, state: FSMContext, uow, actor: Actor, title: str, **data) -> None:
        p = await review_progress.progress(uow, actor, manage=True)
        voters = review_meeting.facts(list(p.members)).present_voters
        await state.set_state(VoteInput.counts)
        await state.update_data(**data, title=title)
        await target.answer(render("review", "ask_counts", title=title, voters=voters))

    async def choose_member(target: Message, uow, actor: Actor) -> None:
        p = await review_progress.progress(uow, actor, manage=True)
        voted = await review_meeting.voted_subjects(uow, actor)
        kb = keyboards.Keyboard()
        for m in review_meeting.reviewed_here(list(p.members)):
            kb.button(text=label("voted_member", name=m.full_name,
                                 done=review_meeting.member_subject(m.membership_id) in voted),
                      callback_data=LevelCb(membership_id=m.membership_id, level=""))
        kb.adjust(2)
        await target.answer(render("review", "choose_member"), reply_markup=kb.as_markup())

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.VOTE))
    async def vote(query: CallbackQuery, uow, actor: Actor, state: FSMContext) -> None:
        m = await review_meeting.live(uow, actor, manage=True)
        item = m.items[m.current].item
        if item.kind == ItemKind.COMMITTEE_REPORT_VOTE:
            await ask_counts(query.message, state, uow, actor, plain("review", "item_title", i=item, names=m.names),
                             subject=COMMITTEE_REPORT)
        elif item.kind == ItemKind.BRANCH_BALLOT:
            await state.set_state(VoteInput.score)
            await query.message.answer(render("review", "ask_score"))
        else:
            await choose_member(query.message, uow, actor)
        await query.answer()

    @router.message(VoteInput.score, F.text)
    async def got_score(message: Message, uow, actor: Actor, state: FSMContext) -> None:
        text = message.text.strip()
        if not text.isdigit() or int(text) > 100:
            await message.answer(render("errors", "error", code="bad_score", params={}))
            return
        m = await review_meeting.live(uow, actor, manage=True)
        item = m.items[m.current].item
        await ask_counts(message, state, uow, actor, plain("review", "item_title", i=item, names=m.names),
                         subject=BRANCH, score=int(text))

    @router.callback_query(LevelCb.filter(F.level == ""))
    async def choose_level(query: CallbackQuery, callback_data: LevelCb, uow, actor: Actor) -> None:
        m = await review_meeting.live(uow, actor, manage=True)
        name = m.names.get(callback_data.membership_id)
        if name is None:
            raise AccessDenied("foreign_member", membership_id=callback_data.membership_id)
        kb = keyboards.Keyboard()
        for level in MEMBER_LEVELS:
            kb.button(text=label("level", value=level.value),
                      callback_data=LevelCb(membership_id=callback_data.membership_id, level=level.value))
        kb.adjust(2)
        await query.message.answer(render("review", "choose_level", name=name), reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(LevelCb.filter(F.level != ""))
    async def level_chosen(query: CallbackQuery, callback_data: LevelCb, uow, actor: Actor,
                           state: FSMContext) -> None:
        if callback_data.level not in set(MemberLevel):
            await refuse_stale(query, "no such level")
            return
        m = await review_meeting.live(uow, actor, manage=True)
        name = m.names.get(callback_data.membership_id)
        if name is None:
            raise AccessDenied("foreign_member", membership_id=callback_data.membership_id)
        await ask_counts(query.message, state, uow, actor, plain("review", "choose_level", name=name),
                         subject=review_meeting.member_subject(callback_data.membership_id),
                         membership_id=callback_data.membership_id, level=callback_data.level, name=name)
        await query.answer()

    @router.message(VoteInput.counts, F.text)
    async def got_counts(message: Message, uow, actor: Actor, clock, settings: Settings,
                         state: FSMContext) -> None:
        try:
            counts = parse_counts(message.text)
        except ValueError:
            await message.answer(render("review", "bad_counts", text=message.text[:50]))
            return
        data = await state.get_data()
        if "membership_id" in data:
            level = MemberLevel(data["level"])
            outcome = await review_meeting.record_member(uow, actor, data["membership_id"], level, counts, clock())
            await state.clear()
            await message.answer(render("review", "member_recorded", name=data["name"], level=level, counts=counts,
                                        outcome=outcome))
            await choose_member(message, uow, actor)
            return
        vote = await review_meeting.record_collective(uow, actor, data["subject"], counts, clock(),
                                                      score=data.get("score"))
        await state.clear()
        await message.answer(render("review", "collective_recorded", vote=vote, reasons=json.loads(vote.reasons),
                                    title=data["title"]))
        await show_live(message, await review_meeting.live(uow, actor, manage=True), settings, edit=False)

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.RESULTS))
    async def results(query: CallbackQuery, uow, actor: Actor) -> None:
        rows = await review_meeting.results(uow, actor)
        await query.message.answer(render("review", "results", rows=rows))
        await query.answer()

    # --- the papers ---------------------------------------------------------------------------------------
    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.DOCUMENTS))
    async def documents(query: CallbackQuery, uow, actor: Actor, clock, settings: Settings) -> None:
        papers = await review_documents.documents(uow, actor, clock(), settings.tz)  # a refusal answers the tap
        await query.answer()
        for kind, name, content in papers.files:
            await query.message.answer_document(BufferedInputFile(content, filename=name),
                                                caption=render("review", "docs_caption", kind=kind))
        if papers.withheld:
            await query.message.answer(render("review_papers", "withheld", sources=papers.withheld))

    return router
