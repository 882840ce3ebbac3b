"""The meeting's live order and its votes, decided for the secretary's phone: which controls the current item
has, what the vote button asks for, whom and which levels she chooses from, typed counts and scores read, and a
sheet's proposal recorded without a vote (handlers/review_meeting.py draws and asks)."""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.review.levels import MemberLevel
from bot.domain.review.meeting import AgendaItem, ItemKind
from bot.domain.review.record import BRANCH, COMMITTEE_REPORT, member_subject
from bot.services.actor import Actor
from bot.services.errors import AccessDenied
from bot.services.review_assessment import Offer, ballot_offer
from bot.services.review_collect import MemberState
from bot.services.review_meeting import (
    MAX_SCORE,
    Counts,
    LiveMeeting,
    Recorded,
    branch_offer,
    facts,
    live,
    open_levels,
    record_collective,
    record_member,
    reviewed_here,
    voted_subjects,
)
from bot.services.review_progress import progress
from storage.uow import UnitOfWork

VOTE_ITEMS = frozenset({ItemKind.COMMITTEE_REPORT_VOTE, ItemKind.BRANCH_BALLOT, ItemKind.MEMBER_BALLOT})
_COUNTS = re.compile(r"^\s*(\d{1,3})[\s,;/-]+(\d{1,3})[\s,;/-]+(\d{1,3})\s*$")


@dataclass(frozen=True)
class Controls:
    """What the current item of the live order offers, besides the results and the meeting's secretary."""

    vote: bool  # the item is voted on
    secret_ballot: bool  # the members' ballot: a secret e-ballot may be opened
    close_votes: int  # at the members' ballot, HTXSNV results waiting for the quota: they can be closed
    back: bool
    next: bool
    end: bool  # only the last item ends the meeting (asked first)


def controls(m: LiveMeeting) -> Controls:
    kind = m.items[m.current].item.kind
    last = m.current + 1 == len(m.items)
    members = kind == ItemKind.MEMBER_BALLOT
    return Controls(vote=kind in VOTE_ITEMS, secret_ballot=members, close_votes=m.pending_quota if members else 0,
                    back=m.current > 0, next=not last, end=last)


def parse_counts(text: str) -> Counts:
    """'9 1 0', '9/1/0', '9, 1, 0': approve, disapprove, other; ValueError otherwise."""
    match = _COUNTS.match(text)
    if not match:
        raise ValueError(text)
    return Counts(*(int(n) for n in match.groups()))


def parse_score(text: str) -> int:
    """The branch's self-score, 0 to 100; ValueError otherwise."""
    value = text.strip()
    if not value.isdigit() or int(value) > MAX_SCORE:
        raise ValueError(text)
    return int(value)


class Ask(StrEnum):
    COUNTS = "counts"  # the counts of the vote on `subject`
    SCORE = "score"  # the branch's self-score first (2014 plan), then the counts
    MEMBER = "member"  # whom the members' ballot is about


@dataclass(frozen=True)
class VoteStep:
    ask: Ask
    item: AgendaItem
    names: dict[int, str]  # the meeting's names, for the item's title
    subject: str | None = None
    offer: str | None = None  # the branch's sheet proposal (QĐ 366): a vote held on it is only an opinion


async def vote_step(uow: UnitOfWork, actor: Actor) -> VoteStep:
    """What the vote button asks at the current item."""
    m = await live(uow, actor, manage=True)
    item = m.items[m.current].item
    if item.kind == ItemKind.COMMITTEE_REPORT_VOTE:
        return VoteStep(Ask.COUNTS, item, m.names, COMMITTEE_REPORT)
    if item.kind == ItemKind.BRANCH_BALLOT:
        if offer := await branch_offer(uow, actor):
            return VoteStep(Ask.COUNTS, item, m.names, BRANCH, offer)
        return VoteStep(Ask.SCORE, item, m.names, BRANCH)
    return VoteStep(Ask.MEMBER, item, m.names)


async def present_voters(uow: UnitOfWork, actor: Actor) -> int:
    """How many may vote now: the full members present."""
    p = await progress(uow, actor, manage=True)
    return facts(list(p.members)).present_voters


async def member_choices(uow: UnitOfWork, actor: Actor) -> list[tuple[MemberState, bool]]:
    """The members classified at this meeting, each with whether their vote is recorded."""
    p = await progress(uow, actor, manage=True)
    voted = await voted_subjects(uow, actor)
    return [(m, member_subject(m.membership_id) in voted) for m in reviewed_here(list(p.members))]


@dataclass(frozen=True)
class LevelChoice:
    name: str
    levels: list[MemberLevel]  # the levels to vote on, highest first
    offer: Offer | None  # under a score-based rule set the sheet's proposal: the one level, voted as an opinion


async def level_choice(uow: UnitOfWork, actor: Actor, membership_id: int) -> LevelChoice:
    name, levels = await open_levels(uow, actor, membership_id)
    offer = await ballot_offer(uow, actor, membership_id)
    return LevelChoice(name, [offer.level] if offer else levels, offer)


async def member_name(uow: UnitOfWork, actor: Actor, membership_id: int) -> str:
    """The name of a member of this meeting; another branch's id is refused."""
    name = (await live(uow, actor, manage=True)).names.get(membership_id)
    if name is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    return name


async def record_branch_sheet(uow: UnitOfWork, actor: Actor, now: datetime) -> str | None:
    """The branch's level recorded from its sheet, without a vote: its proposal's line (None under a rule set
    that takes votes, not sheets)."""
    line = await branch_offer(uow, actor)
    if line is not None:
        await record_collective(uow, actor, BRANCH, None, now)
    return line


async def record_member_sheet(uow: UnitOfWork, actor: Actor, membership_id: int,
                              now: datetime) -> tuple[Offer, Recorded] | None:
    """A member's level recorded from their sheet, without a vote (no counts); None under a vote-based rule set."""
    offer = await ballot_offer(uow, actor, membership_id)
    if offer is None:
        return None
    return offer, await record_member(uow, actor, membership_id, offer.level, Counts(0, 0, 0), now)
