"""The assessment sheet in the bot: a member fills their own (/tudanhgia, or from /tukiemdiem) step by step, the
secretary fills one for a member without a phone and the branch's own, the committee checks and corrects it,
the secretary records discipline and suy thoái; at the meeting, a sheet's proposal is recorded without a vote."""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.domain.dates import Clock
from bot.services import review_assessment, review_live
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.services.review_assessment import BRANCH, DISCIPLINES, FIGURES, FLAGS, SheetView
from bot.texts import label, render
from handlers import commands, keyboards
from handlers.callbacks import AssessAction, AssessCb, ReviewAction, ReviewCb
from handlers.common import refuse_stale
from handlers.paging import nav, page_of
from handlers.registering import registrars
from handlers.review_meeting import TYPED
from storage.uow import UnitOfWork

REMEDIED = {1: True, 0: False, 2: None}  # the last question's buttons
SHEETS_PAGE_SIZE = 20  # sheets a page of the list: a big branch has 150


class SheetInput(StatesGroup):
    figure = State()  # data: subject, own, step, figures
    remedied = State()
    correction = State()  # data: subject, field
    correction_reason = State()  # data: subject, field, value


def subject_of(n: int) -> str:
    return BRANCH if n == 0 else review_assessment.member_subject(n)


def number_of(subject: str) -> int:
    return review_assessment.membership_of(subject) or 0


def sheet_keyboard(v: SheetView) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    n = number_of(v.subject)
    if v.correctable:
        if not v.checked:
            kb.button(text=label("sheet_accept"), callback_data=AssessCb(act=AssessAction.ACCEPT, n=n))
        kb.button(text=label("sheet_correct"), callback_data=AssessCb(act=AssessAction.CORRECT, n=n))
        if v.is_branch:
            kb.button(text=label("sheet_flag", flag="leadership_disciplined", on=v.leadership_disciplined),
                      callback_data=AssessCb(act=AssessAction.FLAG, n=n, v=FLAGS.index("leadership_disciplined")))
        else:
            kb.button(text=label("sheet_grave"), callback_data=AssessCb(act=AssessAction.GRAVE, n=n))
    if v.fillable:
        kb.button(text=label("sheet_fill", again=v.sheet is not None), callback_data=AssessCb(act=AssessAction.FILL,
                                                                                              n=n))
    kb.button(text=label("sheet_list"), callback_data=AssessCb(act=AssessAction.LIST))
    kb.adjust(1)
    return kb.as_markup()


def grave_keyboard(v: SheetView) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    n = number_of(v.subject)
    for k, code in enumerate((None, *DISCIPLINES)):
        kb.button(text=label("sheet_discipline", code=code, current=v.grave.discipline == code),
                  callback_data=AssessCb(act=AssessAction.DISCIPLINE, n=n, v=k))
    for flag in ("degradation", "self_admitted"):
        kb.button(text=label("sheet_flag", flag=flag, on=getattr(v.grave, flag)),
                  callback_data=AssessCb(act=AssessAction.FLAG, n=n, v=FLAGS.index(flag)))
    kb.button(text=label("sheet_back"), callback_data=AssessCb(act=AssessAction.OPEN, n=n))
    kb.adjust(3, 2, 1, 1, 1)
    return kb.as_markup()


def remedied_keyboard() -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    for v in REMEDIED:
        kb.button(text=label("sheet_remedied", v=v), callback_data=AssessCb(act=AssessAction.REMEDIED, v=v))
    kb.adjust(1)
    return kb.as_markup()


async def show_sheet(target: Message, v: SheetView, *, edit: bool = False) -> None:
    await keyboards.show(target, render("assessment", "sheet", v=v), sheet_keyboard(v), edit=edit)


async def show_grave(target: Message, v: SheetView) -> None:
    await keyboards.show(target, render("assessment", "grave", v=v), grave_keyboard(v), edit=True)


# --- filling, step by step -----------------------------------------------------------------------------------------
async def ask(target: Message, state: FSMContext, step: int, figures: dict, *, branch: bool, error: str = "") -> None:
    data = await state.get_data()
    prefix = f"{error}\n\n" if error else ""
    if step < len(FIGURES):
        await target.answer(prefix + render("assessment", "ask_figure", field=FIGURES[step], step=step + 1,
                                            figures=figures, branch=branch, name=data.get("name", "")))
    else:
        await state.set_state(SheetInput.remedied)
        await target.answer(prefix + render("assessment", "ask_remedied", step=step + 1, branch=branch),
                            reply_markup=remedied_keyboard())


async def begin(target: Message, state: FSMContext, v: SheetView, *, own: bool) -> None:
    await state.set_state(SheetInput.figure)
    await state.set_data({"subject": v.subject, "own": own, "step": 0, "figures": {}, "name": v.name})
    await target.answer(render("assessment", "intro", v=v, own=own))
    await ask(target, state, 0, {}, branch=v.is_branch)


async def own_command(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    await begin(message, state, await review_assessment.own_view(uow, actor), own=True)


async def own_button(query: CallbackQuery, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    await state.clear()
    await begin(query.message, state, await review_assessment.own_view(uow, actor), own=True)
    await query.answer()


async def fill_for(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor,
                   state: FSMContext) -> None:
    v = await review_assessment.begin_for(uow, actor, subject_of(callback_data.n))
    await state.clear()
    await begin(query.message, state, v, own=False)
    await query.answer()


async def figure(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    step, figures, branch = data["step"], data["figures"], data["subject"] == BRANCH
    try:
        figures[FIGURES[step]] = review_assessment.parse_figure(FIGURES[step], message.text, figures)
    except ServiceError as error:
        await ask(message, state, step, figures, branch=branch,
                  error=render("errors", "error", code=error.code, params=error.params))
        return
    await state.update_data(step=step + 1, figures=figures)
    await ask(message, state, step + 1, figures, branch=branch)


async def remedied(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                   state: FSMContext) -> None:
    if callback_data.v not in REMEDIED:
        await refuse_stale(query, "no such answer")
        return
    data = await state.get_data()
    answer = REMEDIED[callback_data.v]
    if data["own"]:
        v = await review_assessment.save_own(uow, actor, data["figures"], answer, clock())
    else:
        v = await review_assessment.save_for(uow, actor, data["subject"], data["figures"], answer, clock())
    await state.clear()
    await query.message.edit_reply_markup(reply_markup=None)
    if data["own"]:
        await query.message.answer(render("assessment", "saved_own", v=v))
    else:
        await show_sheet(query.message, v)
    await query.answer()


# --- the secretary: the list, one sheet, the committee's check ------------------------------------------------------
async def sheets(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor) -> None:
    """The branch's sheet, then the members' (a page of a big branch at a time): ◀️ / ▶️ draw their page in place."""
    rows = await review_assessment.sheet_list(uow, actor)
    page = page_of(len(rows), SHEETS_PAGE_SIZE, callback_data.n)
    shown = page.of(rows)
    kb = keyboards.Keyboard()
    for row in shown:
        kb.button(text=label("sheet_row", row=row),
                  callback_data=AssessCb(act=AssessAction.OPEN, n=number_of(row.subject)))
    moves = nav(kb, page, lambda n: AssessCb(act=AssessAction.PAGE, n=n))
    kb.button(text=label("review_progress"), callback_data=ReviewCb(act=ReviewAction.PROGRESS))
    alone = int(page.number == 0)  # the branch's own sheet, on a row of its own
    kb.adjust(*[1] * alone, *[2] * (-(-(len(shown) - alone) // 2)), *([moves] if moves else []), 1)
    await keyboards.show(query.message, render("assessment", "sheets", rows=rows, page=page), kb.as_markup(),
                         edit=callback_data.act == AssessAction.PAGE)
    await query.answer()


async def open_sheet(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor) -> None:
    await show_sheet(query.message, await review_assessment.view(uow, actor, subject_of(callback_data.n)))
    await query.answer()


async def accept(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    v = await review_assessment.accept(uow, actor, subject_of(callback_data.n), clock())
    await show_sheet(query.message, v, edit=True)
    await query.answer()


async def correct(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor,
                  state: FSMContext) -> None:
    subject = subject_of(callback_data.n)
    v = await review_assessment.view(uow, actor, subject)
    if not v.correctable:
        await refuse_stale(query, "no sheet to correct")
        return
    if callback_data.v == 0:
        kb = keyboards.Keyboard()
        for k, field in enumerate(FIGURES, start=1):
            kb.button(text=label("sheet_figure", field=field, value=getattr(v.sheet, field)),
                      callback_data=AssessCb(act=AssessAction.CORRECT, n=callback_data.n, v=k))
        kb.button(text=label("sheet_back"), callback_data=AssessCb(act=AssessAction.OPEN, n=callback_data.n))
        kb.adjust(2)
        await query.message.answer(render("assessment", "choose_figure", v=v), reply_markup=kb.as_markup())
    elif 1 <= callback_data.v <= len(FIGURES):
        field = FIGURES[callback_data.v - 1]
        await state.set_state(SheetInput.correction)
        await state.set_data({"subject": subject, "field": field})
        await query.message.answer(render("assessment", "ask_correction", v=v, field=field,
                                          value=getattr(v.sheet, field)))
    else:
        await refuse_stale(query, "no such figure")
        return
    await query.answer()


async def correction(message: Message, uow: UnitOfWork, actor: Actor, state: FSMContext) -> None:
    data = await state.get_data()
    v = await review_assessment.view(uow, actor, data["subject"])
    try:
        value = v.correction(data["field"], message.text)
    except ServiceError as error:
        await message.answer(render("errors", "error", code=error.code, params=error.params) + "\n\n"
                             + render("assessment", "ask_correction", v=v, field=data["field"],
                                      value=getattr(v.sheet, data["field"])))
        return
    await state.set_state(SheetInput.correction_reason)
    await state.update_data(value=value)
    await message.answer(render("assessment", "ask_reason", field=data["field"], value=value))


async def correction_reason(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, state: FSMContext) -> None:
    data = await state.get_data()
    v = await review_assessment.correct(uow, actor, data["subject"], data["field"], data["value"], message.text,
                                        clock())
    await state.clear()
    await show_sheet(message, v)


# --- the facts that make KHTNV regardless of score -------------------------------------------------------------------
async def grave(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor) -> None:
    v = await review_assessment.view(uow, actor, subject_of(callback_data.n))
    if not v.takes_facts:
        await refuse_stale(query, "no member sheet to record facts on")
        return
    await show_grave(query.message, v)
    await query.answer()


async def discipline(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor,
                     clock: Clock) -> None:
    if not 0 <= callback_data.v <= len(DISCIPLINES):
        await refuse_stale(query, "no such discipline")
        return
    code = (None, *DISCIPLINES)[callback_data.v]
    await show_grave(query.message, await review_assessment.set_discipline(uow, actor, subject_of(callback_data.n),
                                                                            code, clock()))
    await query.answer()


async def flag(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor, clock: Clock) -> None:
    if not 0 <= callback_data.v < len(FLAGS):
        await refuse_stale(query, "no such flag")
        return
    v = await review_assessment.toggle(uow, actor, subject_of(callback_data.n), FLAGS[callback_data.v], clock())
    if v.is_branch:
        await show_sheet(query.message, v, edit=True)
    else:
        await show_grave(query.message, v)
    await query.answer()


# --- the meeting: the proposal recorded without a vote ---------------------------------------------------------------
async def propose(query: CallbackQuery, callback_data: AssessCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                  state: FSMContext) -> None:
    if callback_data.n == 0:  # the branch's own level, from its sheet
        line = await review_live.record_branch_sheet(uow, actor, clock())
        text = None if line is None else render("assessment", "branch_proposal_recorded", line=line)
    else:
        recorded = await review_live.record_member_sheet(uow, actor, callback_data.n, clock())
        text = None if recorded is None else render("assessment", "proposal_recorded", offer=recorded[0],
                                                    outcome=recorded[1])
    if text is None:
        await refuse_stale(query, "the rule set takes votes, not sheets")
        return
    await state.clear()
    await query.message.answer(text)
    await query.answer()


def setup() -> Router:
    router = Router(name="review_assessment")
    on_message, on_button = registrars(router)
    on_message(own_command, commands.filter("tudanhgia"))
    on_button(own_button, AssessCb.filter(F.act == AssessAction.SELF))
    on_button(fill_for, AssessCb.filter(F.act == AssessAction.FILL))
    on_message(figure, SheetInput.figure, TYPED)
    on_button(remedied, SheetInput.remedied, AssessCb.filter(F.act == AssessAction.REMEDIED))
    on_button(sheets, AssessCb.filter(F.act.in_({AssessAction.LIST, AssessAction.PAGE})))
    on_button(open_sheet, AssessCb.filter(F.act == AssessAction.OPEN))
    on_button(accept, AssessCb.filter(F.act == AssessAction.ACCEPT))
    on_button(correct, AssessCb.filter(F.act == AssessAction.CORRECT))
    on_message(correction, SheetInput.correction, TYPED)
    on_message(correction_reason, SheetInput.correction_reason, TYPED)
    on_button(grave, AssessCb.filter(F.act == AssessAction.GRAVE))
    on_button(discipline, AssessCb.filter(F.act == AssessAction.DISCIPLINE))
    on_button(flag, AssessCb.filter(F.act == AssessAction.FLAG))
    on_button(propose, AssessCb.filter(F.act == AssessAction.PROPOSE))
    return router
