"""The annual review's walkthrough: /kiemdiem, /buoc, the meeting date, collecting self-reviews and feedback."""

from datetime import date, datetime

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.dates import Clock
from bot.domain.review.rules import load_rule_set, rule_sets
from bot.services import review as review_service
from bot.services import review_assessment, review_collect, review_progress
from bot.services.actor import Actor
from bot.services.calendar import set_done
from bot.services.errors import AccessDenied
from bot.services.review_actions import Act, Action, actions, to_remind
from bot.services.review_collect import FeedbackKind, Mark, MemberState
from bot.services.review_meeting import set_attendance
from bot.services.review_progress import Progress
from bot.texts import label, render
from handlers import commands, keyboards
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
from handlers.paging import Page, nav, page_of
from handlers.registering import registrars
from handlers.review_assessment import SheetInput
from handlers.review_meeting import TYPED, VoteInput
from storage.uow import UnitOfWork

MEMBERS_PAGE_SIZE = 20  # members a page of the list: a big branch has 150


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


# --- the walkthrough's buttons ---------------------------------------------------------------------------------
_BUTTONS: dict[Act, tuple[str, CallbackData]] = {
    Act.SET_MEETING: ("review_set_meeting", ReviewCb(act=ReviewAction.SET_MEETING)),
    Act.START_MEETING: ("review_start_meeting", ReviewCb(act=ReviewAction.START_MEETING)),
    Act.CONTINUE_MEETING: ("review_continue", ReviewCb(act=ReviewAction.START_MEETING)),
    Act.MEMBERS: ("review_members", ReviewCb(act=ReviewAction.MEMBERS)),
    Act.FEEDBACK: ("review_feedback", ReviewCb(act=ReviewAction.FEEDBACK)),
    Act.REMIND: ("review_remind", ReviewCb(act=ReviewAction.REMIND)),
    Act.RULE_SET: ("choose_rule_set", RuleSetCb(key="")),
    Act.SHEETS: ("sheet_list", AssessCb(act=AssessAction.LIST)),
    Act.DOCUMENTS: ("review_documents", ReviewCb(act=ReviewAction.DOCUMENTS)),
    Act.ANSWERS: ("review_answers", ReviewCb(act=ReviewAction.ANSWERS)),
}


def action_button(a: Action, p: Progress) -> tuple[str, CallbackData]:
    if a.act == Act.TICK:
        return label("review_tick", title=a.title), ReviewCb(act=ReviewAction.TICK, n=a.task_id)
    if a.act == Act.OUTSTANDING:
        return label("outstanding", on=p.outstanding), ReviewCb(act=ReviewAction.OUTSTANDING)
    macro, data = _BUTTONS[a.act]
    return label(macro), data


def progress_keyboard(p: Progress) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for a in actions(p):
        text, data = action_button(a, p)
        kb.button(text=text, callback_data=data)
    kb.adjust(1)
    return kb.as_markup()


def members_keyboard(p: Progress, page: Page) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    shown = page.of(p.members)
    for m in shown:
        kb.button(text=label("review_member", m=m), callback_data=ReviewCb(act=ReviewAction.MEMBER, n=m.membership_id))
    moves = nav(kb, page, lambda n: ReviewCb(act=ReviewAction.MEMBERS_PAGE, n=n))
    kb.button(text=label("review_progress"), callback_data=ReviewCb(act=ReviewAction.PROGRESS))
    kb.adjust(*[2] * (-(-len(shown) // 2)), *([moves] if moves else []), 1)
    return kb.as_markup()


def member_keyboard(m: MemberState) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    if m.self_review == "bot":
        kb.button(text=label("review_read_self_review"),
                  callback_data=ReviewCb(act=ReviewAction.READ, n=m.membership_id))
    if m.reviews:
        for act, macro in ((ReviewAction.PAPER, "review_paper"), (ReviewAction.RESIDENCE_OUT, "review_residence_out"),
                           (ReviewAction.RESIDENCE_IN, "review_residence_in"), (ReviewAction.MISSED, "review_missed"),
                           (ReviewAction.SICK, "review_sick"), (ReviewAction.DISCIPLINE, "review_discipline")):
            kb.button(text=label(macro, m=m), callback_data=ReviewCb(act=act, n=m.membership_id))
    if m.assessment is not None:
        kb.button(text=label("sheet_list"), callback_data=AssessCb(act=AssessAction.OPEN, n=m.membership_id))
    kb.button(text=label("review_absent", m=m),
              callback_data=ReviewCb(act=ReviewAction.PRESENT if m.present is False else ReviewAction.ABSENT,
                                     n=m.membership_id))
    kb.button(text=label("review_back_members"), callback_data=ReviewCb(act=ReviewAction.MEMBERS))
    kb.adjust(1)
    return kb.as_markup()


# --- /kiemdiem, /buoc --------------------------------------------------------------------------------------------
async def leave_dialog(message: Message, state: FSMContext) -> None:
    """A command typed in the middle of a review dialog runs, and the dialog ends: it is never taken as the answer
    the step waits for (each step's text handler takes only TYPED text)."""
    await state.clear()
    raise SkipHandler


async def show_progress(target: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings, *,
                        edit: bool = False) -> None:
    p = await review_progress.progress(uow, actor)
    today = clock().astimezone(settings.tz).date()
    rules = load_rule_set(p.rule_set)
    text = render("review", "progress", p=p, today=today, tz=settings.tz, rule_set_name=rules.name, rules=rules)
    await keyboards.show(target, text, progress_keyboard(p) if actor.is_secretary else None, edit=edit)


async def start(message: Message, command: CommandObject, uow: UnitOfWork, actor: Actor, clock: Clock,
                settings: Settings, state: FSMContext) -> None:
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


async def progress_command(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    await show_progress(message, uow, actor, clock, settings)


async def progress_button(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock,
                          settings: Settings) -> None:
    await show_progress(query.message, uow, actor, clock, settings)
    await query.answer()


# --- the meeting date --------------------------------------------------------------------------------------------
def day_number(day: date) -> int:
    """A day in button data: 20261220."""
    return int(day.strftime("%Y%m%d"))


async def ask_meeting(query: CallbackQuery, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    planned = await review_service.planned_meeting_day(uow, actor)
    await state.set_state(ReviewInput.meeting)
    markup = None
    if planned is not None:
        markup = keyboards.single(label("planned_meeting", day=planned),
                                  ReviewCb(act=ReviewAction.PLANNED_MEETING, n=day_number(planned)))
    await query.message.answer(render("review", "ask_meeting"), reply_markup=markup)
    await query.answer()


async def planned_meeting(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                          settings: Settings, state: FSMContext) -> None:
    day = await review_service.planned_meeting_day(uow, actor)
    if day is None or day_number(day) != callback_data.n:
        await refuse_stale(query, "not the planned meeting day")
        return
    await save_meeting(query.message, review_service.meeting_time(day, settings.tz), None, uow, actor, clock,
                       settings, state)
    await query.answer()


async def meeting_confirmed(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                            state: FSMContext) -> None:
    asked = (await state.get_data()).get("asked")
    if asked is None:
        await refuse_stale(query, "no meeting date waits for confirmation")
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await save_meeting(query.message, datetime.fromisoformat(asked["at"]), asked["place"], uow, actor, clock,
                       settings, state, confirmed=True)
    await query.answer()


async def got_meeting(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                      state: FSMContext) -> None:
    try:
        at, place = review_service.parse_meeting(message.text, settings.tz)
    except ValueError:
        await message.answer(render("review", "bad_meeting", text=message.text[:100]))
        return
    await save_meeting(message, at, place, uow, actor, clock, settings, state)


async def save_meeting(target: Message, at: datetime, place: str | None, uow: UnitOfWork, actor: Actor, clock: Clock,
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


# --- the rule set ------------------------------------------------------------------------------------------------
async def list_rule_sets(query: CallbackQuery, uow: UnitOfWork, actor: Actor) -> None:
    review = await review_service.open_review(uow, actor)
    kb = keyboards.Keyboard()
    for rules in rule_sets():
        kb.button(text=label("rule_set", name=rules.name, current=rules.key == review.rule_set),
                  callback_data=RuleSetCb(key=rules.key))
    kb.adjust(1)
    await query.message.answer(render("review", "rule_sets", items=rule_sets()), reply_markup=kb.as_markup())
    await query.answer()


async def choose_rule_set(query: CallbackQuery, callback_data: RuleSetCb, uow: UnitOfWork, actor: Actor,
                          clock: Clock, settings: Settings) -> None:
    """The list becomes the choice made, and the steps come again under it (their criteria follow the rule set),
    so the secretary goes on from there without typing /buoc."""
    name = await review_service.set_rule_set(uow, actor, callback_data.key, clock())
    await query.message.edit_text(render("review", "rule_set_chosen", name=name))
    await show_progress(query.message, uow, actor, clock, settings)
    await query.answer()


async def outstanding(query: CallbackQuery, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings) -> None:
    await review_service.set_outstanding(uow, actor, clock())
    await show_progress(query.message, uow, actor, clock, settings, edit=True)
    await query.answer()


# --- tasks done by hand ------------------------------------------------------------------------------------------
async def tick(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock,
               settings: Settings) -> None:
    await set_done(uow, actor, callback_data.n, True, clock())
    await show_progress(query.message, uow, actor, clock, settings, edit=True)
    await query.answer()


# --- members: paper self-reviews, residence comments, attendance --------------------------------------------------
async def members(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor) -> None:
    """The list (a page of a big branch's members at a time): ◀️ / ▶️ draw their page in place."""
    p = await review_progress.progress(uow, actor, manage=True)
    page = page_of(len(p.members), MEMBERS_PAGE_SIZE, callback_data.n)
    await keyboards.show(query.message, render("review", "members", p=p, page=page), members_keyboard(p, page),
                         edit=callback_data.act == ReviewAction.MEMBERS_PAGE)
    await query.answer()


async def show_member(target: Message, m: MemberState) -> None:
    await target.edit_text(render("review", "member_card", m=m), reply_markup=member_keyboard(m))


async def answer_member(target: Message, m: MemberState) -> None:
    await target.answer(render("review", "member_card", m=m), reply_markup=member_keyboard(m))


async def member(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor) -> None:
    await show_member(query.message, await review_collect.member_of(uow, actor, callback_data.n))
    await query.answer()


MARKS = {ReviewAction.PAPER: Mark.PAPER, ReviewAction.RESIDENCE_OUT: Mark.RESIDENCE_REQUESTED,
         ReviewAction.RESIDENCE_IN: Mark.RESIDENCE_RECEIVED}


async def mark(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    m = await review_collect.mark(uow, actor, callback_data.n, MARKS[callback_data.act], clock())
    await show_member(query.message, m)
    await query.answer()


async def present(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    m = await set_attendance(uow, actor, callback_data.n, present=True, reason=None, now=clock())
    await show_member(query.message, m)
    await query.answer()


async def absent(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                 state: FSMContext) -> None:
    m = await set_attendance(uow, actor, callback_data.n, present=False, reason=None, now=clock())
    await state.set_state(ReviewInput.absence_reason)
    await state.update_data(membership_id=m.membership_id)
    await query.message.answer(render("review", "ask_absence", m=m),
                               reply_markup=keyboards.single(label("skip"), Nav(to=Go.SKIP)))
    await query.answer()


async def absence_reason(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    membership_id = (await state.get_data())["membership_id"]
    m = await set_attendance(uow, actor, membership_id, present=False, reason=message.text, now=clock())
    await state.clear()
    await answer_member(message, m)


async def absence_skipped(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.message.edit_reply_markup(reply_markup=None)
    await query.answer()


async def discipline(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor,
                     clock: Clock) -> None:
    await show_member(query.message, await review_collect.toggle_discipline(uow, actor, callback_data.n, clock()))
    await query.answer()


async def ask_fact(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor,
                   state: FSMContext) -> None:
    m = await review_collect.member_of(uow, actor, callback_data.n)
    await state.set_state(ReviewInput.fact_number)
    await state.update_data(membership_id=m.membership_id, fact=callback_data.act.value)
    await query.message.answer(render("review", "ask_number", m=m, what=callback_data.act.value))
    await query.answer()


async def got_fact(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    text = message.text.strip()
    if not text.isdigit():
        await message.answer(render("review", "bad_number", text=text[:30]))
        return
    data = await state.get_data()
    field = "meetings_missed" if data["fact"] == ReviewAction.MISSED else "sick_leave_months"
    await review_collect.set_facts(uow, actor, data["membership_id"], clock(), **{field: int(text)})
    await state.clear()
    await answer_member(message, await review_collect.member_of(uow, actor, data["membership_id"]))


async def read_self_review(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor) -> None:
    handed_in = await review_collect.self_review(uow, actor, callback_data.n)
    caption = render("review", "self_review_of", s=handed_in)
    if handed_in.file_id:
        await query.message.answer_document(handed_in.file_id, caption=caption)
    else:
        await query.message.answer(caption + "\n\n" + render("review", "self_review_text", s=handed_in))
    await query.answer()


# --- reminding exactly those who miss something ------------------------------------------------------------------
async def remind(query: CallbackQuery, uow: UnitOfWork, actor: Actor, bot: Bot) -> None:
    p = await review_progress.progress(uow, actor, manage=True)
    sent, unreachable = [], []
    for m in to_remind(p):
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


# --- a member hands in the self-review ---------------------------------------------------------------------------
async def ask_self_review(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    if actor.home is None:
        raise AccessDenied("no_branch")
    await state.set_state(ReviewInput.self_review)
    sheet = await review_assessment.asks_sheet(uow, actor)
    await message.answer(render("review", "ask_self_review", sheet=sheet), reply_markup=keyboards.single(
        label("sheet_self"), AssessCb(act=AssessAction.SELF)) if sheet else None)


async def self_review_file(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    name = message.document.file_name if message.document else "anh-chup.jpg"
    file_id = message.document.file_id if message.document else message.photo[-1].file_id
    m = await review_collect.submit_self_review(uow, actor, text=message.caption, file_name=name, file_id=file_id,
                                                now=clock())
    await state.clear()
    await message.answer(render("review", "self_review_received", m=m))


async def self_review_text(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    m = await review_collect.submit_self_review(uow, actor, text=message.text, file_name=None, now=clock())
    await state.clear()
    await message.answer(render("review", "self_review_received", m=m))


# --- named feedback ----------------------------------------------------------------------------------------------
async def ask_feedback(query: CallbackQuery, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await review_service.open_review(uow, actor)
    await state.set_state(ReviewInput.feedback_source)
    await query.message.answer(render("review", "ask_feedback_source"))
    await query.answer()


async def feedback_source(message: Message, state: FSMContext) -> None:
    await state.update_data(source=message.text[:200])
    await state.set_state(ReviewInput.feedback_kind)
    kb = keyboards.Keyboard()
    for kind in FeedbackKind:
        kb.button(text=label("feedback_kind", kind=kind.value), callback_data=FeedbackKindCb(kind=kind.value))
    kb.adjust(1)
    await message.answer(render("review", "ask_feedback_kind", source=message.text[:200]),
                         reply_markup=kb.as_markup())


async def feedback_kind(query: CallbackQuery, callback_data: FeedbackKindCb, uow: UnitOfWork, actor: Actor,
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


async def feedback_about(query: CallbackQuery, callback_data: FeedbackAbout, uow: UnitOfWork, actor: Actor,
                         state: FSMContext) -> None:
    if callback_data.membership_id:
        await review_collect.member_of(uow, actor, callback_data.membership_id)  # another branch's: refused now
    await state.update_data(about=callback_data.membership_id or None)
    await state.set_state(ReviewInput.feedback_content)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(render("review", "ask_feedback_content"))
    await query.answer()


async def feedback_content(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    data = await state.get_data()
    feedback = await review_collect.add_feedback(
        uow, actor, source=data["source"], kind=FeedbackKind(data["kind"]), about_membership_id=data["about"],
        content=message.text, now=clock())
    await state.clear()
    await message.answer(render("review", "feedback_saved", f=feedback))


# --- answering feedback (thông báo tiếp thu) ---------------------------------------------------------------------
async def answers(query: CallbackQuery, uow: UnitOfWork, actor: Actor) -> None:
    items = await review_collect.feedback_list(uow, actor)
    kb = keyboards.Keyboard()
    for f in items:
        kb.button(text=label("feedback_item", f=f), callback_data=ReviewCb(act=ReviewAction.ANSWER, n=f.id))
    kb.adjust(1)
    await query.message.answer(render("review", "answers", items=items), reply_markup=kb.as_markup())
    await query.answer()


async def ask_answer(query: CallbackQuery, callback_data: ReviewCb, uow: UnitOfWork, actor: Actor,
                     state: FSMContext) -> None:
    feedback = await review_collect.feedback_item(uow, actor, callback_data.n)
    await state.set_state(ReviewInput.answer)
    await state.update_data(feedback_id=feedback.id)
    await query.message.answer(render("review", "ask_answer", f=feedback))
    await query.answer()


async def got_answer(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    feedback = await review_collect.answer_feedback(uow, actor, (await state.get_data())["feedback_id"], message.text,
                                                    clock())
    await state.clear()
    await message.answer(render("review", "answer_saved", f=feedback))


def setup() -> Router:
    router = Router(name="review")
    on_message, on_button = registrars(router)
    on_message(leave_dialog, StateFilter(ReviewInput, VoteInput, SheetInput), F.text.startswith("/"))
    on_message(start, commands.filter("kiemdiem"))
    on_message(progress_command, commands.filter("buoc"))
    on_button(progress_button, ReviewCb.filter(F.act == ReviewAction.PROGRESS))
    on_button(ask_meeting, ReviewCb.filter(F.act == ReviewAction.SET_MEETING))
    on_button(planned_meeting, ReviewInput.meeting, ReviewCb.filter(F.act == ReviewAction.PLANNED_MEETING))
    on_button(meeting_confirmed, ReviewInput.meeting, ReviewCb.filter(F.act == ReviewAction.MEETING_CONFIRMED))
    on_message(got_meeting, ReviewInput.meeting, TYPED)
    on_button(list_rule_sets, RuleSetCb.filter(F.key == ""))
    on_button(choose_rule_set, RuleSetCb.filter(F.key != ""))
    on_button(outstanding, ReviewCb.filter(F.act == ReviewAction.OUTSTANDING))
    on_button(tick, ReviewCb.filter(F.act == ReviewAction.TICK))
    on_button(members, ReviewCb.filter(F.act.in_({ReviewAction.MEMBERS, ReviewAction.MEMBERS_PAGE})))
    on_button(member, ReviewCb.filter(F.act == ReviewAction.MEMBER))
    on_button(mark, ReviewCb.filter(F.act.in_(set(MARKS))))
    on_button(present, ReviewCb.filter(F.act == ReviewAction.PRESENT))
    on_button(absent, ReviewCb.filter(F.act == ReviewAction.ABSENT))
    on_message(absence_reason, ReviewInput.absence_reason, TYPED)
    on_button(absence_skipped, ReviewInput.absence_reason, Nav.filter(F.to == Go.SKIP))
    on_button(discipline, ReviewCb.filter(F.act == ReviewAction.DISCIPLINE))
    on_button(ask_fact, ReviewCb.filter(F.act.in_({ReviewAction.MISSED, ReviewAction.SICK})))
    on_message(got_fact, ReviewInput.fact_number, TYPED)
    on_button(read_self_review, ReviewCb.filter(F.act == ReviewAction.READ))
    on_button(remind, ReviewCb.filter(F.act == ReviewAction.REMIND))
    on_message(ask_self_review, commands.filter("tukiemdiem"))
    on_message(self_review_file, ReviewInput.self_review, F.document | F.photo)
    on_message(self_review_text, ReviewInput.self_review, TYPED)
    on_button(ask_feedback, ReviewCb.filter(F.act == ReviewAction.FEEDBACK))
    on_message(feedback_source, ReviewInput.feedback_source, TYPED)
    on_button(feedback_kind, ReviewInput.feedback_kind, FeedbackKindCb.filter())
    on_button(feedback_about, ReviewInput.feedback_about, FeedbackAbout.filter())
    on_message(feedback_content, ReviewInput.feedback_content, TYPED)
    on_button(answers, ReviewCb.filter(F.act == ReviewAction.ANSWERS))
    on_button(ask_answer, ReviewCb.filter(F.act == ReviewAction.ANSWER))
    on_message(got_answer, ReviewInput.answer, TYPED)
    return router
