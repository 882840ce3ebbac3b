"""The annual review's walkthrough: /kiemdiem, /buoc, the meeting date, collecting self-reviews and feedback."""

import re
from datetime import datetime, time

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.dates import parse_date
from bot.domain.review.rules import load_rule_set, rule_sets
from bot.services import review as review_service
from bot.services import review_assessment, review_collect, review_progress
from bot.services.actor import Actor
from bot.services.calendar import set_done
from bot.services.errors import AccessDenied
from bot.services.review_collect import FeedbackKind, Mark, MemberState
from bot.services.review_meeting import set_attendance
from bot.services.review_progress import Progress
from bot.texts import label, render
from handlers import keyboards
from handlers.callbacks import (
    AssessAction,
    AssessCb,
    FeedbackAbout,
    FeedbackKindCb,
    Go,
    Nav,
    ReviewAction,
    ReviewCb,
    RuleSetCb,
)
from handlers.common import refuse_stale
from handlers.review_assessment import SheetInput
from handlers.review_meeting import TYPED, VoteInput

_MEETING = re.compile(r"^\s*(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})(?:\s+(\d{1,2})[:hg](\d{2})?)?\s*(?:,\s*(.+))?$")
DEFAULT_MEETING_TIME = time(8, 0)


class ReviewInput(StatesGroup):
    meeting = State()
    absence_reason = State()
    fact_number = State()
    self_review = State()
    feedback_source = State()
    feedback_kind = State()
    feedback_about = State()
    feedback_content = State()
    answer = State()


def parse_meeting(text: str, settings: Settings) -> tuple[datetime, str | None]:
    """'20/12/2026 08:00, Hội trường' → the local time as an aware datetime, and the place; ValueError."""
    match = _MEETING.match(text)
    if not match:
        raise ValueError(text)
    day, hour, minute, place = match.groups()
    at = time(int(hour), int(minute or 0)) if hour else DEFAULT_MEETING_TIME
    return datetime.combine(parse_date(day), at, tzinfo=settings.tz), place


def next_action(p: Progress) -> tuple[str, ReviewCb] | None:
    """The one thing to do now, as a button."""
    if p.phase == "no_meeting_date":
        return label("review_set_meeting"), ReviewCb(act=ReviewAction.SET_MEETING)
    if p.phase == "meeting":
        return label("review_continue"), ReviewCb(act=ReviewAction.START_MEETING)
    if p.phase == "report" and any(i.key == "feedback_answered" and not i.complete for i in p.current.items):
        return label("review_answers"), ReviewCb(act=ReviewAction.ANSWERS)
    if p.phase in ("report", "done"):
        return label("review_documents"), ReviewCb(act=ReviewAction.DOCUMENTS)
    for item in p.current.items:
        if item.complete or item.optional:
            continue
        if item.key in ("self_reviews", "assessment_sheets"):
            return label("review_remind"), ReviewCb(act=ReviewAction.REMIND)
        if item.key == "assessment_checked":
            return label("sheet_list"), AssessCb(act=AssessAction.LIST)
        if item.key in ("residence_forms_out", "residence_comments_in"):
            return label("review_members"), ReviewCb(act=ReviewAction.MEMBERS)
        if item.key == "named_feedback":
            return label("review_feedback"), ReviewCb(act=ReviewAction.FEEDBACK)
        if item.task_id is not None:
            return label("review_tick", title=item.title), ReviewCb(act=ReviewAction.TICK, n=item.task_id)
    return label("review_start_meeting"), ReviewCb(act=ReviewAction.START_MEETING)


def progress_keyboard(p: Progress) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    action = next_action(p)
    if action:
        kb.button(text=action[0], callback_data=action[1])
    if p.phase in ("prepare", "no_meeting_date"):
        kb.button(text=label("review_members"), callback_data=ReviewCb(act=ReviewAction.MEMBERS))
        kb.button(text=label("review_feedback"), callback_data=ReviewCb(act=ReviewAction.FEEDBACK))
        kb.button(text=label("review_remind"), callback_data=ReviewCb(act=ReviewAction.REMIND))
        kb.button(text=label("choose_rule_set"), callback_data=RuleSetCb(key=""))
        rules = load_rule_set(p.rule_set)
        if rules.uses_scores:
            kb.button(text=label("sheet_list"), callback_data=AssessCb(act=AssessAction.LIST))
        if rules.quota is not None and rules.quota.outstanding_percent:
            kb.button(text=label("outstanding", on=p.outstanding), callback_data=ReviewCb(act=ReviewAction.OUTSTANDING))
        if p.phase == "prepare":
            kb.button(text=label("review_set_meeting"), callback_data=ReviewCb(act=ReviewAction.SET_MEETING))
            # The day may come before every preparation is ticked: the meeting can always be opened.
            if action and action[1].act != ReviewAction.START_MEETING:
                kb.button(text=label("review_start_meeting"), callback_data=ReviewCb(act=ReviewAction.START_MEETING))
    if p.phase in ("report", "done"):
        kb.button(text=label("review_documents"), callback_data=ReviewCb(act=ReviewAction.DOCUMENTS))
        kb.button(text=label("review_answers"), callback_data=ReviewCb(act=ReviewAction.ANSWERS))
        for item in p.current.items if p.current else ():
            if item.task_id is not None and not item.complete:
                kb.button(text=label("review_tick", title=item.title),
                          callback_data=ReviewCb(act=ReviewAction.TICK, n=item.task_id))
    kb.adjust(1)
    return kb.as_markup()


def members_keyboard(p: Progress) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for m in p.members:
        kb.button(text=label("review_member", m=m), callback_data=ReviewCb(act=ReviewAction.MEMBER, n=m.membership_id))
    kb.button(text=label("review_progress"), callback_data=ReviewCb(act=ReviewAction.PROGRESS))
    kb.adjust(2)
    return kb.as_markup()


def member_keyboard(m: MemberState) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    if m.self_review == "bot":
        kb.button(text=label("review_read_self_review"),
                  callback_data=ReviewCb(act=ReviewAction.READ, n=m.membership_id))
    if m.reviews:
        for act, macro in ((ReviewAction.PAPER, "review_paper"), (ReviewAction.RESIDENCE_OUT, "review_residence_out"),
                           (ReviewAction.RESIDENCE_IN, "review_residence_in")):
            kb.button(text=label(macro, m=m), callback_data=ReviewCb(act=act, n=m.membership_id))
    if m.reviews:
        for act, macro in ((ReviewAction.MISSED, "review_missed"), (ReviewAction.SICK, "review_sick"),
                           (ReviewAction.DISCIPLINE, "review_discipline")):
            kb.button(text=label(macro, m=m), callback_data=ReviewCb(act=act, n=m.membership_id))
    if m.assessment is not None:
        kb.button(text=label("sheet_list"), callback_data=AssessCb(act=AssessAction.OPEN, n=m.membership_id))
    kb.button(text=label("review_absent", m=m),
              callback_data=ReviewCb(act=ReviewAction.PRESENT if m.present is False else ReviewAction.ABSENT,
                                     n=m.membership_id))
    kb.button(text=label("review_back_members"), callback_data=ReviewCb(act=ReviewAction.MEMBERS))
    kb.adjust(1)
    return kb.as_markup()


async def member_of(uow, actor: Actor, membership_id: int) -> MemberState:
    """One member of the secretary's own review; another branch's id is refused."""
    p = await review_progress.progress(uow, actor, manage=True)
    m = next((m for m in p.members if m.membership_id == membership_id), None)
    if m is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    return m


def setup() -> Router:
    router = Router(name="review")

    @router.message(StateFilter(ReviewInput, VoteInput, SheetInput), F.text.startswith("/"))
    async def leave_dialog(message: Message, state: FSMContext) -> None:
        """A command typed in the middle of a review dialog runs, and the dialog ends: it is never taken as
        the answer the step waits for (each step's text handler takes only TYPED text)."""
        await state.clear()
        raise SkipHandler

    async def show_progress(target: Message, uow, actor: Actor, clock, settings: Settings, *,
                            edit: bool = False) -> None:
        p = await review_progress.progress(uow, actor)
        today = clock().astimezone(settings.tz).date()
        rules = load_rule_set(p.rule_set)
        text = render("review", "progress", p=p, today=today, tz=settings.tz, rule_set_name=rules.name, rules=rules)
        is_secretary = actor.home is not None and actor.home.role == "secretary"
        markup = progress_keyboard(p) if is_secretary else None
        await keyboards.show(target, text, markup, edit=edit)

    @router.message(Command("kiemdiem"))
    async def start(message: Message, command: CommandObject, uow, actor: Actor, clock, settings: Settings,
                    state: FSMContext) -> None:
        await state.clear()
        now = clock()
        year = now.astimezone(settings.tz).year
        if command.args:
            if not command.args.strip().isdigit():
                await message.answer(render("errors", "error", code="bad_year", params={"year": command.args[:20]}))
                return
            year = int(command.args.strip())
        started = await review_service.start_review(uow, actor, year, now)
        await message.answer(render("review", "started", s=started), reply_markup=progress_keyboard(
            await review_progress.progress(uow, actor)))

    @router.message(Command("buoc"))
    async def progress_command(message: Message, uow, actor: Actor, clock, settings: Settings) -> None:
        await show_progress(message, uow, actor, clock, settings)

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.PROGRESS))
    async def progress_button(query: CallbackQuery, uow, actor: Actor, clock, settings: Settings) -> None:
        await show_progress(query.message, uow, actor, clock, settings)
        await query.answer()

    # --- the meeting date ------------------------------------------------------------------------------
    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.SET_MEETING))
    async def ask_meeting(query: CallbackQuery, uow, actor: Actor, state: FSMContext) -> None:
        planned = await review_service.planned_meeting_day(uow, actor)
        await state.set_state(ReviewInput.meeting)
        markup = None
        if planned is not None:
            markup = keyboards.single(label("planned_meeting", day=planned),
                                      ReviewCb(act=ReviewAction.PLANNED_MEETING, n=int(planned.strftime("%Y%m%d"))))
        await query.message.answer(render("review", "ask_meeting"), reply_markup=markup)
        await query.answer()

    @router.callback_query(ReviewInput.meeting, ReviewCb.filter(F.act == ReviewAction.PLANNED_MEETING))
    async def planned_meeting(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, clock,
                              settings: Settings, state: FSMContext) -> None:
        day = await review_service.planned_meeting_day(uow, actor)
        if day is None or int(day.strftime("%Y%m%d")) != callback_data.n:
            await refuse_stale(query, "not the planned meeting day")
            return
        await save_meeting(query.message, datetime.combine(day, DEFAULT_MEETING_TIME, tzinfo=settings.tz), None,
                           uow, actor, clock, settings, state)
        await query.answer()

    @router.callback_query(ReviewInput.meeting, ReviewCb.filter(F.act == ReviewAction.MEETING_CONFIRMED))
    async def meeting_confirmed(query: CallbackQuery, uow, actor: Actor, clock, settings: Settings,
                                state: FSMContext) -> None:
        asked = (await state.get_data()).get("asked")
        if asked is None:
            await refuse_stale(query, "no meeting date waits for confirmation")
            return
        await query.message.edit_reply_markup(reply_markup=None)
        await save_meeting(query.message, datetime.fromisoformat(asked["at"]), asked["place"], uow, actor, clock,
                           settings, state, confirmed=True)
        await query.answer()

    @router.message(ReviewInput.meeting, TYPED)
    async def got_meeting(message: Message, uow, actor: Actor, clock, settings: Settings,
                          state: FSMContext) -> None:
        try:
            at, place = parse_meeting(message.text, settings)
        except ValueError:
            await message.answer(render("review", "bad_meeting", text=message.text[:100]))
            return
        await save_meeting(message, at, place, uow, actor, clock, settings, state)

    async def save_meeting(target: Message, at: datetime, place: str | None, uow, actor: Actor, clock,
                           settings: Settings, state: FSMContext, *, confirmed: bool = False) -> None:
        warnings = [] if confirmed else await review_service.meeting_check(uow, actor, at, clock())
        if warnings:  # a word first, and a question: the dialog stays open for another date
            await state.set_data({"asked": {"at": at.isoformat(), "place": place}})
            kb = keyboards.Keyboard()
            kb.button(text=label("keep_meeting_date"), callback_data=ReviewCb(act=ReviewAction.MEETING_CONFIRMED))
            kb.button(text=label("not_yet"), callback_data=ReviewCb(act=ReviewAction.DISMISS))
            kb.adjust(1)
            await target.answer(render("review", "meeting_warnings", warnings=warnings, at=at),
                                reply_markup=kb.as_markup())
            return
        result = await review_service.set_meeting(uow, actor, at=at, place=place, now=clock())
        await state.clear()
        await target.answer(render("review", "meeting_set", m=result))
        await show_progress(target, uow, actor, clock, settings)

    # --- the rule set -----------------------------------------------------------------------------------
    @router.callback_query(RuleSetCb.filter(F.key == ""))
    async def list_rule_sets(query: CallbackQuery, uow, actor: Actor) -> None:
        review = await review_service.open_review(uow, actor)
        kb = keyboards.Keyboard()
        for rules in rule_sets():
            kb.button(text=label("rule_set", name=rules.name, current=rules.key == review.rule_set),
                      callback_data=RuleSetCb(key=rules.key))
        kb.adjust(1)
        await query.message.answer(render("review", "rule_sets", items=rule_sets()), reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(RuleSetCb.filter(F.key != ""))
    async def choose_rule_set(query: CallbackQuery, callback_data: RuleSetCb, uow, actor: Actor, clock) -> None:
        name = await review_service.set_rule_set(uow, actor, callback_data.key, clock())
        await query.message.edit_text(render("review", "rule_set_chosen", name=name))
        await query.answer()

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.OUTSTANDING))
    async def outstanding(query: CallbackQuery, uow, actor: Actor, clock, settings: Settings) -> None:
        await review_service.set_outstanding(uow, actor, clock())
        await show_progress(query.message, uow, actor, clock, settings, edit=True)
        await query.answer()

    # --- tasks done by hand ----------------------------------------------------------------------------
    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.TICK))
    async def tick(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, clock,
                   settings: Settings) -> None:
        await set_done(uow, actor, callback_data.n, True, clock())
        await show_progress(query.message, uow, actor, clock, settings, edit=True)
        await query.answer()

    # --- members: paper self-reviews, residence comments, attendance ----------------------------------
    async def show_members(target: Message, uow, actor: Actor, *, edit: bool) -> None:
        p = await review_progress.progress(uow, actor, manage=True)
        text, markup = render("review", "members", p=p), members_keyboard(p)
        await keyboards.show(target, text, markup, edit=edit)

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.MEMBERS))
    async def members(query: CallbackQuery, uow, actor: Actor) -> None:
        await show_members(query.message, uow, actor, edit=False)
        await query.answer()

    async def show_member(target: Message, m: MemberState) -> None:
        await target.edit_text(render("review", "member_card", m=m), reply_markup=member_keyboard(m))

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.MEMBER))
    async def member(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor) -> None:
        await show_member(query.message, await member_of(uow, actor, callback_data.n))
        await query.answer()

    marks = {ReviewAction.PAPER: Mark.PAPER, ReviewAction.RESIDENCE_OUT: Mark.RESIDENCE_REQUESTED,
             ReviewAction.RESIDENCE_IN: Mark.RESIDENCE_RECEIVED}

    @router.callback_query(ReviewCb.filter(F.act.in_(set(marks))))
    async def mark(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, clock) -> None:
        m = await review_collect.mark(uow, actor, callback_data.n, marks[callback_data.act], clock())
        await show_member(query.message, m)
        await query.answer()

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.PRESENT))
    async def present(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, clock) -> None:
        m = await set_attendance(uow, actor, callback_data.n, present=True, reason=None, now=clock())
        await show_member(query.message, m)
        await query.answer()

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.ABSENT))
    async def absent(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, clock,
                     state: FSMContext) -> None:
        m = await set_attendance(uow, actor, callback_data.n, present=False, reason=None, now=clock())
        await state.set_state(ReviewInput.absence_reason)
        await state.update_data(membership_id=m.membership_id)
        await query.message.answer(render("review", "ask_absence", m=m),
                                   reply_markup=keyboards.single(label("skip"), Nav(to=Go.SKIP)))
        await query.answer()

    @router.message(ReviewInput.absence_reason, TYPED)
    async def absence_reason(message: Message, uow, actor: Actor, clock, state: FSMContext) -> None:
        membership_id = (await state.get_data())["membership_id"]
        m = await set_attendance(uow, actor, membership_id, present=False, reason=message.text, now=clock())
        await state.clear()
        await message.answer(render("review", "member_card", m=m), reply_markup=member_keyboard(m))

    @router.callback_query(ReviewInput.absence_reason, Nav.filter(F.to == Go.SKIP))
    async def absence_skipped(query: CallbackQuery, state: FSMContext) -> None:
        await state.clear()
        await query.message.edit_reply_markup(reply_markup=None)
        await query.answer()

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.DISCIPLINE))
    async def discipline(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, clock) -> None:
        m = await member_of(uow, actor, callback_data.n)
        await review_collect.set_facts(uow, actor, m.membership_id, clock(), disciplined=not m.disciplined)
        await show_member(query.message, await member_of(uow, actor, m.membership_id))
        await query.answer()

    @router.callback_query(ReviewCb.filter(F.act.in_({ReviewAction.MISSED, ReviewAction.SICK})))
    async def ask_fact(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor, state: FSMContext) -> None:
        m = await member_of(uow, actor, callback_data.n)
        await state.set_state(ReviewInput.fact_number)
        await state.update_data(membership_id=m.membership_id, fact=callback_data.act.value)
        await query.message.answer(render("review", "ask_number", m=m, what=callback_data.act.value))
        await query.answer()

    @router.message(ReviewInput.fact_number, TYPED)
    async def got_fact(message: Message, uow, actor: Actor, clock, state: FSMContext) -> None:
        text = message.text.strip()
        if not text.isdigit():
            await message.answer(render("review", "bad_number", text=text[:30]))
            return
        data = await state.get_data()
        field = "meetings_missed" if data["fact"] == ReviewAction.MISSED else "sick_leave_months"
        await review_collect.set_facts(uow, actor, data["membership_id"], clock(), **{field: int(text)})
        await state.clear()
        m = await member_of(uow, actor, data["membership_id"])
        await message.answer(render("review", "member_card", m=m), reply_markup=member_keyboard(m))

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.READ))
    async def read_self_review(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor) -> None:
        handed_in = await review_collect.self_review(uow, actor, callback_data.n)
        caption = render("review", "self_review_of", s=handed_in)
        if handed_in.file_id:
            await query.message.answer_document(handed_in.file_id, caption=caption)
        else:
            await query.message.answer(caption + "\n\n" + render("review", "self_review_text", s=handed_in))
        await query.answer()

    # --- reminding exactly those who miss something ------------------------------------------------------
    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.REMIND))
    async def remind(query: CallbackQuery, uow, actor: Actor, bot: Bot) -> None:
        p = await review_progress.progress(uow, actor, manage=True)
        sent, unreachable = [], []
        for m in p.reviewing:
            if not m.missing:
                continue
            if m.telegram_user_id is None:
                unreachable.append(m.full_name)
                continue
            try:
                await bot.send_message(m.telegram_user_id, render("review", "reminder", branch_name=p.branch_name,
                                                                  year=p.year, gaps=m.missing))
                sent.append(m.full_name)
            except (TelegramForbiddenError, TelegramBadRequest):  # blocked, or never opened the chat
                unreachable.append(m.full_name)
        await query.message.answer(render("review", "reminded", sent=sent, unreachable=unreachable))
        await query.answer()

    # --- a member hands in the self-review -------------------------------------------------------------
    @router.message(Command("tukiemdiem"))
    async def ask_self_review(message: Message, uow, actor: Actor, state: FSMContext) -> None:
        if actor.home is None:
            raise AccessDenied("no_branch")
        await state.set_state(ReviewInput.self_review)
        sheet = await review_assessment.asks_sheet(uow, actor)
        await message.answer(render("review", "ask_self_review", sheet=sheet), reply_markup=keyboards.single(
            label("sheet_self"), AssessCb(act=AssessAction.SELF)) if sheet else None)

    @router.message(ReviewInput.self_review, F.document | F.photo)
    async def self_review_file(message: Message, uow, actor: Actor, clock, state: FSMContext) -> None:
        name = message.document.file_name if message.document else "anh-chup.jpg"
        file_id = message.document.file_id if message.document else message.photo[-1].file_id
        m = await review_collect.submit_self_review(uow, actor, text=message.caption, file_name=name,
                                                    file_id=file_id, now=clock())
        await state.clear()
        await message.answer(render("review", "self_review_received", m=m))

    @router.message(ReviewInput.self_review, TYPED)
    async def self_review_text(message: Message, uow, actor: Actor, clock, state: FSMContext) -> None:
        m = await review_collect.submit_self_review(uow, actor, text=message.text, file_name=None, now=clock())
        await state.clear()
        await message.answer(render("review", "self_review_received", m=m))

    # --- named feedback -----------------------------------------------------------------------------------
    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.FEEDBACK))
    async def ask_feedback(query: CallbackQuery, uow, actor: Actor, state: FSMContext) -> None:
        await review_service.open_review(uow, actor)
        await state.set_state(ReviewInput.feedback_source)
        await query.message.answer(render("review", "ask_feedback_source"))
        await query.answer()

    @router.message(ReviewInput.feedback_source, TYPED)
    async def feedback_source(message: Message, state: FSMContext) -> None:
        await state.update_data(source=message.text[:200])
        await state.set_state(ReviewInput.feedback_kind)
        kb = keyboards.Keyboard()
        for kind in FeedbackKind:
            kb.button(text=label("feedback_kind", kind=kind.value), callback_data=FeedbackKindCb(kind=kind.value))
        kb.adjust(1)
        await message.answer(render("review", "ask_feedback_kind", source=message.text[:200]),
                             reply_markup=kb.as_markup())

    @router.callback_query(ReviewInput.feedback_kind, FeedbackKindCb.filter())
    async def feedback_kind(query: CallbackQuery, callback_data: FeedbackKindCb, uow, actor: Actor,
                            state: FSMContext) -> None:
        kind = FeedbackKind(callback_data.kind) if callback_data.kind in set(FeedbackKind) else FeedbackKind.PERSON
        await state.update_data(kind=kind.value)
        await state.set_state(ReviewInput.feedback_about)
        p = await review_progress.progress(uow, actor, manage=True)
        kb = keyboards.Keyboard()
        kb.button(text=label("feedback_about_committee"), callback_data=FeedbackAbout(membership_id=0))
        for m in p.members:
            kb.button(text=m.full_name, callback_data=FeedbackAbout(membership_id=m.membership_id))
        kb.adjust(1, 2)
        await query.message.edit_text(render("review", "ask_feedback_about"), reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(ReviewInput.feedback_about, FeedbackAbout.filter())
    async def feedback_about(query: CallbackQuery, callback_data: FeedbackAbout, uow, actor: Actor,
                             state: FSMContext) -> None:
        if callback_data.membership_id:
            await member_of(uow, actor, callback_data.membership_id)  # another branch's member is refused now
        await state.update_data(about=callback_data.membership_id or None)
        await state.set_state(ReviewInput.feedback_content)
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(render("review", "ask_feedback_content"))
        await query.answer()

    @router.message(ReviewInput.feedback_content, TYPED)
    async def feedback_content(message: Message, uow, actor: Actor, clock, state: FSMContext) -> None:
        data = await state.get_data()
        feedback = await review_collect.add_feedback(
            uow, actor, source=data["source"], kind=FeedbackKind(data["kind"]), about_membership_id=data["about"],
            content=message.text, now=clock())
        await state.clear()
        await message.answer(render("review", "feedback_saved", f=feedback))

    # --- answering feedback (thông báo tiếp thu) --------------------------------------------------------
    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.ANSWERS))
    async def answers(query: CallbackQuery, uow, actor: Actor) -> None:
        items = await review_collect.feedback_list(uow, actor)
        kb = keyboards.Keyboard()
        for f in items:
            kb.button(text=label("feedback_item", f=f), callback_data=ReviewCb(act=ReviewAction.ANSWER, n=f.id))
        kb.adjust(1)
        await query.message.answer(render("review", "answers", items=items), reply_markup=kb.as_markup())
        await query.answer()

    @router.callback_query(ReviewCb.filter(F.act == ReviewAction.ANSWER))
    async def ask_answer(query: CallbackQuery, callback_data: ReviewCb, uow, actor: Actor,
                         state: FSMContext) -> None:
        feedback = next((f for f in await review_collect.feedback_list(uow, actor) if f.id == callback_data.n), None)
        if feedback is None:
            raise AccessDenied("foreign_feedback", feedback_id=callback_data.n)
        await state.set_state(ReviewInput.answer)
        await state.update_data(feedback_id=feedback.id)
        await query.message.answer(render("review", "ask_answer", f=feedback))
        await query.answer()

    @router.message(ReviewInput.answer, TYPED)
    async def got_answer(message: Message, uow, actor: Actor, clock, state: FSMContext) -> None:
        feedback = await review_collect.answer_feedback(uow, actor, (await state.get_data())["feedback_id"],
                                                        message.text, clock())
        await state.clear()
        await message.answer(render("review", "answer_saved", f=feedback))

    return router
