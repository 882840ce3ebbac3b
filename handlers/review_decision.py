"""The superior's decision on a branch's proposed levels, from /tinhhinh's 🔎 branch view: the list, one
proposal's buttons (confirm, confirm with a typed reason, or another level and then a typed reason), and
«confirm all the rest» with a confirmation step. Every branch id in a button is checked by the service: forged
data is refused."""

from enum import StrEnum

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.domain.dates import Clock
from bot.services import review_decision
from bot.services.actor import Actor
from bot.services.review_decision import Board, Proposal
from bot.texts import plain, render
from handlers import keyboards
from handlers.paging import Page, nav, page_of
from handlers.registering import registrars
from storage.uow import UnitOfWork

BOARD_PAGE_SIZE = 8  # proposals a page of the list, each with its reasons: a big branch has 150


class DecisionAction(StrEnum):
    OPEN = "open"  # b: the branch — the list of proposals
    PAGE = "page"  # b, m: the page of the list, drawn in place
    PICK = "pick"  # b, m: one proposal (m: membership id, 0 for the branch)
    SET = "set"  # b, m, lv: decide that level (another than the proposed one asks for a reason first)
    NOTE = "note"  # b, m: confirm the proposed level with a reason, typed next
    ALL = "all"  # b: asks to confirm every proposal still awaiting
    ALL_OK = "all_ok"  # b: … confirmed


class DecisionCb(CallbackData, prefix="dq"):
    act: DecisionAction
    b: int
    m: int = 0
    lv: str = ""


class DecisionInput(StatesGroup):
    reason = State()


def _text(macro: str, /, **context: object) -> str:
    return render("decision", macro, **context)


def _label(macro: str, /, **context: object) -> str:
    return plain("decision", macro, **context)


def entry_button(kb: keyboards.Keyboard, branch_id: int, awaiting: int) -> None:
    """The «⚖️ Quyết định xếp loại» entry of the 🔎 branch view."""
    kb.button(text=_label("btn_entry", n=awaiting), callback_data=DecisionCb(act=DecisionAction.OPEN, b=branch_id))


def board_keyboard(b: Board, page: Page) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    shown = page.of(b.proposals)
    for n, p in enumerate(shown, start=page.start + 1):
        kb.button(text=_label("btn_item", n=n, p=p),
                  callback_data=DecisionCb(act=DecisionAction.PICK, b=b.branch_id, m=p.membership_id))
    moves = nav(kb, page, lambda n: DecisionCb(act=DecisionAction.PAGE, b=b.branch_id, m=n))
    if b.awaiting:
        kb.button(text=_label("btn_all"), callback_data=DecisionCb(act=DecisionAction.ALL, b=b.branch_id))
    kb.adjust(*[1] * len(shown), *([moves] if moves else []), 1)
    return kb.as_markup()


def pick_keyboard(b: Board, p: Proposal) -> InlineKeyboardMarkup:
    kb = keyboards.Keyboard()
    proposed = p.standing.proposed
    kb.button(text=_label("btn_confirm", p=p),
              callback_data=DecisionCb(act=DecisionAction.SET, b=b.branch_id, m=p.membership_id, lv=proposed))
    kb.button(text=_label("btn_confirm_note"), callback_data=DecisionCb(act=DecisionAction.NOTE, b=b.branch_id,
                                                                         m=p.membership_id))
    others = [level for level in p.choices if level != proposed]
    for level in others:
        kb.button(text=_label("btn_level", p=p, value=level),
                  callback_data=DecisionCb(act=DecisionAction.SET, b=b.branch_id, m=p.membership_id, lv=level))
    kb.button(text=_label("btn_back"), callback_data=DecisionCb(act=DecisionAction.OPEN, b=b.branch_id))
    kb.adjust(1, 1, *([2] * (-(-len(others) // 2))), 1)
    return kb.as_markup()


async def show_board(target: Message, uow: UnitOfWork, actor: Actor, branch_id: int, number: int = 0, *,
                     edit: bool = False) -> None:
    """The proposals, a page of a big branch's at a time."""
    b = await review_decision.board(uow, actor, branch_id)
    page = page_of(len(b.proposals), BOARD_PAGE_SIZE, number)
    await keyboards.show(target, _text("board", b=b, page=page), board_keyboard(b, page), edit=edit)


async def open_board(query: CallbackQuery, callback_data: DecisionCb, uow: UnitOfWork, actor: Actor,
                     state: FSMContext) -> None:
    await state.clear()
    await show_board(query.message, uow, actor, callback_data.b)
    await query.answer()


async def board_page(query: CallbackQuery, callback_data: DecisionCb, uow: UnitOfWork, actor: Actor) -> None:
    await show_board(query.message, uow, actor, callback_data.b, callback_data.m, edit=True)
    await query.answer()


async def pick(query: CallbackQuery, callback_data: DecisionCb, uow: UnitOfWork, actor: Actor,
               state: FSMContext) -> None:
    await state.clear()  # a reason asked for another proposal is not this one's
    b = await review_decision.board(uow, actor, callback_data.b)
    p = b.get(callback_data.m)
    await query.message.answer(_text("pick", p=p), reply_markup=pick_keyboard(b, p))
    await query.answer()


async def set_level(query: CallbackQuery, callback_data: DecisionCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                    settings: Settings, state: FSMContext) -> None:
    await state.clear()
    b = await review_decision.board(uow, actor, callback_data.b)
    p = b.get(callback_data.m)
    if p.needs_reason(callback_data.lv):
        await state.set_state(DecisionInput.reason)
        await state.update_data(b=b.branch_id, m=p.membership_id, lv=callback_data.lv)
        await query.message.answer(_text("ask_reason", p=p, value=callback_data.lv))
    else:
        decided = await review_decision.decide(uow, actor, b.branch_id, p.membership_id, callback_data.lv, None,
                                               clock(), settings)
        await query.message.answer(_text("decided", d=decided))
        await show_board(query.message, uow, actor, b.branch_id)
    await query.answer()


async def ask_note(query: CallbackQuery, callback_data: DecisionCb, uow: UnitOfWork, actor: Actor,
                   state: FSMContext) -> None:
    await state.clear()
    b = await review_decision.board(uow, actor, callback_data.b)
    p = b.get(callback_data.m)
    await state.set_state(DecisionInput.reason)
    await state.update_data(b=b.branch_id, m=p.membership_id, lv=p.standing.proposed)
    await query.message.answer(_text("ask_note", p=p))
    await query.answer()


async def got_reason(message: Message, uow: UnitOfWork, actor: Actor, clock: Clock, settings: Settings,
                     state: FSMContext) -> None:
    """The reason for a changed level, or a confirmation's; a refusal (too long, say) keeps the dialog so she can
    type again."""
    data = await state.get_data()
    decided = await review_decision.decide(uow, actor, data["b"], data["m"], data["lv"], message.text, clock(),
                                           settings)
    await state.clear()
    await message.answer(_text("decided", d=decided))
    await show_board(message, uow, actor, data["b"])


async def ask_all(query: CallbackQuery, callback_data: DecisionCb, uow: UnitOfWork, actor: Actor) -> None:
    b = await review_decision.awaiting_board(uow, actor, callback_data.b)
    kb = keyboards.Keyboard()
    kb.button(text=_label("btn_all_ok"), callback_data=DecisionCb(act=DecisionAction.ALL_OK, b=b.branch_id))
    kb.button(text=_label("btn_keep"), callback_data=DecisionCb(act=DecisionAction.OPEN, b=b.branch_id))
    kb.adjust(2)
    await query.message.answer(_text("ask_confirm_rest", b=b), reply_markup=kb.as_markup())
    await query.answer()


async def confirm_all(query: CallbackQuery, callback_data: DecisionCb, uow: UnitOfWork, actor: Actor, clock: Clock,
                      settings: Settings) -> None:
    confirmed = await review_decision.confirm_rest(uow, actor, callback_data.b, clock(), settings)
    await query.message.answer(_text("confirmed_rest", items=confirmed))
    await show_board(query.message, uow, actor, callback_data.b)
    await query.answer()


def setup() -> Router:
    router = Router(name="review_decision")
    on_button = registrars(router).button
    on_button(open_board, DecisionCb.filter(F.act == DecisionAction.OPEN))
    on_button(board_page, DecisionCb.filter(F.act == DecisionAction.PAGE))
    on_button(pick, DecisionCb.filter(F.act == DecisionAction.PICK))
    on_button(set_level, DecisionCb.filter(F.act == DecisionAction.SET))
    on_button(ask_note, DecisionCb.filter(F.act == DecisionAction.NOTE))
    registrars(router).message(got_reason, DecisionInput.reason, F.text, ~F.text.startswith("/"))
    on_button(ask_all, DecisionCb.filter(F.act == DecisionAction.ALL))
    on_button(confirm_all, DecisionCb.filter(F.act == DecisionAction.ALL_OK))
    return router
