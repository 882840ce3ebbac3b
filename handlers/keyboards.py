"""Inline keyboards, labels from templates/messages/buttons.j2."""

from aiogram.types import InlineKeyboardMarkup, Message

from bot.domain.roster import Role, Status
from bot.services.views import MemberView, RosterView
from bot.texts import label, plain
from handlers.callbacks import (
    Go,
    MemberAction,
    MemberCb,
    MemberRole,
    Nav,
    NewRole,
    NewStatus,
    PrivacyAction,
    PrivacyCb,
    RosterPage,
)
from handlers.inline_keyboard import Keyboard
from handlers.paging import Page, nav, page_of

ROSTER_PAGE_SIZE = 20
ASSIGNABLE_ROLES = (Role.DEPUTY, Role.COMMITTEE, Role.MEMBER)


def roster_page(view: RosterView, number: int) -> Page:
    return page_of(len(view.members), ROSTER_PAGE_SIZE, number)


def roster(view: RosterView, page: Page) -> InlineKeyboardMarkup:
    kb = Keyboard()
    shown = page.of(view.members)
    for m in shown:
        kb.button(text=label("member", m=m), callback_data=MemberCb(id=m.membership_id, act=MemberAction.OPEN))
    sizes = [2] * (-(-len(shown) // 2))
    sizes.append(nav(kb, page, lambda n: RosterPage(page=n)))
    kb.button(text=label("add_member"), callback_data=Nav(to=Go.ADD_MEMBER))
    kb.button(text=label("paste_roster"), callback_data=Nav(to=Go.PASTE_ROSTER))
    kb.button(text=label("invite_supervisor"), callback_data=Nav(to=Go.INVITE_SUPERVISOR))
    kb.adjust(*filter(None, sizes), 2, 1)
    return kb.as_markup()


def member_card(m: MemberView) -> InlineKeyboardMarkup:
    kb = Keyboard()

    def add(text: str, act: MemberAction) -> None:
        kb.button(text=text, callback_data=MemberCb(id=m.membership_id, act=act))

    add(label("edit_name"), MemberAction.NAME)
    add(label("edit_status", m=m), MemberAction.STATUS)
    add(label("edit_date"), MemberAction.DATE)
    if m.role != Role.SECRETARY:
        add(label("edit_role"), MemberAction.ROLE)
    add(label("toggle_exempt", m=m), MemberAction.EXEMPT)
    add(label("toggle_suspended", m=m), MemberAction.SUSPENDED)
    if not m.linked:
        add(label("invite_member"), MemberAction.INVITE)
    if m.role != Role.SECRETARY:
        add(label("remove"), MemberAction.REMOVE)
    kb.button(text=plain("privacy", "member_export_button"),
              callback_data=PrivacyCb(act=PrivacyAction.EXPORT, m=m.membership_id))
    if m.role != Role.SECRETARY:  # a branch keeps its secretary: her own data she erases once she hands over
        kb.button(text=plain("privacy", "member_erase_button"),
                  callback_data=PrivacyCb(act=PrivacyAction.ERASE, m=m.membership_id))
    kb.button(text=label("back_to_roster"), callback_data=RosterPage(page=0))
    kb.adjust(2)
    return kb.as_markup()


def member_roles(m: MemberView) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for role in ASSIGNABLE_ROLES:
        kb.button(text=label("role", value=role), callback_data=MemberRole(id=m.membership_id, role=role))
    kb.button(text=label("back_to_member"), callback_data=MemberCb(id=m.membership_id, act=MemberAction.OPEN))
    kb.adjust(3, 1)
    return kb.as_markup()


def confirm_remove(m: MemberView) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=label("confirm_remove"), callback_data=MemberCb(id=m.membership_id,
                                                                     act=MemberAction.REMOVE_CONFIRMED))
    kb.button(text=label("back_to_member"), callback_data=MemberCb(id=m.membership_id, act=MemberAction.OPEN))
    return kb.as_markup()


def own_data() -> InlineKeyboardMarkup:
    """Under /toi: download or erase one's own data."""
    kb = Keyboard()
    kb.button(text=plain("privacy", "link_channel_button"), callback_data=Nav(to=Go.LINK_CHANNEL))
    kb.button(text=plain("privacy", "export_button"), callback_data=PrivacyCb(act=PrivacyAction.EXPORT))
    kb.button(text=plain("privacy", "erase_button"), callback_data=PrivacyCb(act=PrivacyAction.ERASE))
    kb.adjust(1)
    return kb.as_markup()


def confirm_erase(membership_id: int) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=plain("privacy", "confirm_erase_button"),
              callback_data=PrivacyCb(act=PrivacyAction.ERASE_CONFIRMED, m=membership_id))
    kb.button(text=plain("privacy", "keep_button"), callback_data=PrivacyCb(act=PrivacyAction.KEEP, m=membership_id))
    kb.adjust(1)
    return kb.as_markup()


def single(text: str, data: Nav | RosterPage | MemberCb) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=text, callback_data=data)
    return kb.as_markup()


def new_status() -> InlineKeyboardMarkup:
    kb = Keyboard()
    for status in Status:
        kb.button(text=label("status", value=status), callback_data=NewStatus(status=status))
    return kb.as_markup()


def new_role(taken: set[Role]) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for role in ASSIGNABLE_ROLES:
        if role not in taken:
            kb.button(text=label("role", value=role), callback_data=NewRole(role=role))
    return kb.as_markup()


async def show(target: Message, text: str, markup: InlineKeyboardMarkup | None, *, edit: bool) -> None:
    """A screen either replaces the message its button was on, or comes as a new message."""
    if edit:
        await target.edit_text(text, reply_markup=markup)
    else:
        await target.answer(text, reply_markup=markup)
