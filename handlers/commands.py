"""The bot's commands, one record each, in the order of Telegram's command menu.

The menu (bot/app.set_menu), /help, the handlers' Command filters (`filter`) and the access matrix
(tests/handler/test_access_matrix.py, docs/access.md) read this table. A new command is one record here, its menu
description and help line in templates/messages/commands.j2 (`<name>` and `<name>_help`), its handler, and
its row in docs/access.md and the matrix (both checked against `who`).
"""

from dataclasses import dataclass
from enum import StrEnum

from aiogram import F
from aiogram.filters import Command

from bot.services.actor import Actor


class Who(StrEnum):
    """Who may use a command. The services refuse the others (AccessDenied); this says it for the help and
    the matrix."""

    ANYONE = "anyone"  # strangers included
    KNOWN = "known"  # anyone the bot knows (a branch's member, a supervisor): their own data, a calendar they read
    MEMBER = "member"  # a branch's member, whatever their role
    LEADERS = "leaders"  # the secretary; the deputy secretary reads
    SECRETARY = "secretary"
    SUPERVISOR = "supervisor"
    UNIT_ADMIN = "unit_admin"  # a superior unit's administrator

    def runs(self, actor: Actor) -> bool:
        """The command does its whole job for this actor, not only a read: /help lists it for them. A unit's
        administrator is not told apart in the actor, so /help lists /donvi for nobody."""
        known = bool(actor.roles or actor.supervised)
        return {
            Who.ANYONE: True,
            Who.KNOWN: known,
            Who.MEMBER: bool(actor.roles),
            Who.LEADERS: actor.is_secretary,
            Who.SECRETARY: actor.is_secretary,
            Who.SUPERVISOR: bool(actor.supervised),
            Who.UNIT_ADMIN: False,
        }[self]


class Section(StrEnum):
    """Where /help lists a command (templates/messages/common.j2 `help` writes the headings)."""

    CALENDAR = "calendar"
    REVIEW = "review"
    SECRETARY = "secretary"
    OTHER = "other"


@dataclass(frozen=True)
class ChatCommand:
    name: str
    who: Who
    section: Section | None  # None: /help does not list it
    aliases: tuple[str, ...] = ()  # also understood, not in the menu

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


COMMANDS = (
    ChatCommand("start", Who.ANYONE, None),  # /help tells a stranger about it in its own words
    ChatCommand("buoc", Who.LEADERS, Section.REVIEW),
    ChatCommand("thangnay", Who.KNOWN, Section.CALENDAR),
    ChatCommand("thangsau", Who.KNOWN, Section.CALENDAR),
    ChatCommand("lich", Who.KNOWN, Section.CALENDAR),
    ChatCommand("kiemdiem", Who.SECRETARY, Section.REVIEW),
    ChatCommand("tukiemdiem", Who.MEMBER, Section.REVIEW),
    ChatCommand("tudanhgia", Who.MEMBER, Section.REVIEW),
    ChatCommand("nhapkehoach", Who.SECRETARY, Section.SECRETARY),
    ChatCommand("themviec", Who.SECRETARY, Section.SECRETARY),
    ChatCommand("xuatlich", Who.KNOWN, Section.CALENDAR),
    ChatCommand("nhacviec", Who.KNOWN, Section.CALENDAR),
    ChatCommand("doanvien", Who.LEADERS, Section.SECRETARY),
    ChatCommand("themdv", Who.SECRETARY, Section.SECRETARY),
    ChatCommand("nhapds", Who.SECRETARY, Section.SECRETARY),
    ChatCommand("moigiamsat", Who.SECRETARY, Section.SECRETARY),
    ChatCommand("tinhhinh", Who.SUPERVISOR, Section.OTHER),
    ChatCommand("donvi", Who.UNIT_ADMIN, None),
    ChatCommand("toi", Who.ANYONE, Section.OTHER),  # a stranger reads the account number the operator asks for
    ChatCommand("huy", Who.ANYONE, Section.OTHER, aliases=("cancel",)),
    ChatCommand("help", Who.ANYONE, Section.OTHER),
)
BY_NAME = {c.name: c for c in COMMANDS}
MENU = tuple(c.name for c in COMMANDS)


def filter(name: str) -> Command:
    """The Command filter of a command of the table (and its aliases); a name not in the table fails here."""
    return Command(*BY_NAME[name].names)


def help_sections(actor: Actor) -> list[tuple[Section, list[str]]]:
    """The commands /help lists for this actor, by section, in the table's order; empty sections left out."""
    listed = [c for c in COMMANDS if c.section is not None and c.who.runs(actor)]
    return [(s, names) for s in Section if (names := [c.name for c in listed if c.section == s])]


# Text the user typed that is not a command: a command typed during a question runs instead.
TYPED = F.text & ~F.text.startswith("/")
