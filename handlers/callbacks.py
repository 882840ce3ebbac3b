"""Callback data of every inline button. aiogram refuses payloads of the wrong shape; ids are
checked against the actor's branch by the services, so forged data changes nothing."""

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.domain.roster import Role, Status


class Go(StrEnum):
    CREATE_BRANCH = "create_branch"
    SKIP = "skip"
    ROSTER = "roster"
    ADD_MEMBER = "add"
    PASTE_ROSTER = "paste"
    INVITE_SUPERVISOR = "invite_sup"


class MemberAction(StrEnum):
    OPEN = "open"
    NAME = "name"
    STATUS = "status"
    DATE = "date"
    ROLE = "role"
    EXEMPT = "exempt"
    SUSPENDED = "suspended"
    INVITE = "invite"
    REMOVE = "remove"
    REMOVE_CONFIRMED = "remove_ok"


class Nav(CallbackData, prefix="go"):
    to: Go


class RosterPage(CallbackData, prefix="rp"):
    page: int


class MemberCb(CallbackData, prefix="m"):
    id: int
    act: MemberAction


class MemberRole(CallbackData, prefix="mr"):
    id: int
    role: Role


class NewStatus(CallbackData, prefix="ns"):
    status: Status


class NewRole(CallbackData, prefix="nr"):
    role: Role
