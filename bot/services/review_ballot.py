"""The secret e-ballot: one private ballot per voter and subject, changeable until it closes, counts only.

Nothing stored links a voter to a choice: `ballot_voter` says who has voted (and a version number), and
`ballot_tally` holds counts per choice. To let a voter change their vote, the buttons of *their own* ballot
message carry their current choice sealed with the server's key (an HMAC over ballot, person, version and
choice); pressing one proves the previous choice without the server ever storing it. The version number makes
every older button stale, so a replay cannot take a vote away twice. Individual votes are not audited or logged.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.review.classification import allowed_levels, validate_counts
from bot.domain.review.levels import MemberLevel
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review import open_review
from bot.services.review_assessment import member_sheets, require_sheet
from bot.services.review_collect import member_states
from bot.services.review_meeting import (
    Change,
    Counts,
    facts,
    member_case,
    member_subject,
    reason_json,
    record_members,
    reviewed_here,
    standing,
    voters,
)
from bot.services.review_progress import progress
from bot.services.rule_options import rules_for
from storage.review_models import Ballot, BallotKey, BallotTally, BallotVoter, Review
from storage.uow import UnitOfWork

SEAL_CHARS = 16  # 64 bits of HMAC: ample against guessing, and short enough for Telegram's 64-byte button data
NO_CHOICE = "-"


class Choice(StrEnum):
    APPROVE = "a"
    DISAPPROVE = "d"
    OTHER = "o"


@dataclass(frozen=True)
class Ticket:
    """What one voter's ballot message shows and what its buttons carry."""

    ballot_id: int
    subject_name: str
    proposed: str
    current: str  # a Choice value, or NO_CHOICE
    version: int
    seal: str
    closed: bool


async def _key(uow: UnitOfWork, now: datetime) -> bytes:
    row = await uow.reviews.ballot_key()
    if row is None:
        row = BallotKey(id=1, key=secrets.token_hex(32), created_at=now)
        uow.reviews.add(row)
        await uow.flush()
    return bytes.fromhex(row.key)


def _seal(key: bytes, ballot_id: int, person_id: int, version: int, choice: str) -> str:
    message = f"{ballot_id}:{person_id}:{version}:{choice}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SEAL_CHARS]


def _is_closed(ballot: Ballot, now: datetime) -> bool:
    return ballot.closed_at is not None or (ballot.closes_at is not None and now >= ballot.closes_at)


@dataclass(frozen=True)
class Candidate:
    """A member the secret ballot may cover: their recorded result, if any, and the levels open to them."""

    membership_id: int
    name: str
    result: str | None  # the recorded vote's standing: a level, "pending", or None (no result)
    recorded: Counts | None
    levels: tuple[MemberLevel, ...]  # the levels the rules allow them, highest first

    @property
    def default_level(self) -> MemberLevel:
        """HTTNV, or the highest level open to them below it."""
        return next((lv for lv in self.levels if not lv.is_above(MemberLevel.HTTNV)), self.levels[-1])


async def candidates(uow: UnitOfWork, actor: Actor) -> list[Candidate]:
    """Every member classified at this meeting, for the secretary to pick whom the ballot covers."""
    review = await open_review(uow, actor)
    members = await member_states(uow, review)
    rules = await rules_for(uow, review)
    entries = {e.membership_id: e for e in await uow.reviews.members(review.id)}
    sheets = await member_sheets(uow, review)
    votes = await uow.reviews.votes(review.id)
    found = []
    for m in reviewed_here(members):
        case = member_case(m, entries[m.membership_id], MemberLevel.HTNV, Counts(0, 0, 0), sheets.get(m.membership_id))
        vote = votes.get(member_subject(m.membership_id))
        found.append(Candidate(m.membership_id, m.full_name, standing(vote),
                               Counts(vote.approve, vote.disapprove, vote.other) if vote else None,
                               tuple(allowed_levels(case, rules))))
    return found


@dataclass(frozen=True)
class Opened:
    tickets: list[tuple[int, Ticket]]  # (telegram user id, ticket): the private ballots to send
    unreachable: list[str]  # eligible voters without the bot: they cannot vote in this ballot


async def open_ballots(uow: UnitOfWork, actor: Actor, proposals: dict[int, MemberLevel], now: datetime, *,
                       closes_at: datetime | None = None, replace: bool = False) -> Opened:
    """Opens one ballot per member the secretary picked, each on the level the branch proposes for them. A
    ballot never replaces a recorded result unless the secretary was told whose and confirmed (`replace`)."""
    review = await open_review(uow, actor)
    if review.meeting_started_at is None or review.meeting_ended_at is not None:
        raise ServiceError("meeting_not_started")
    members = await member_states(uow, review)
    subjects = {m.membership_id: m for m in reviewed_here(members)}
    if not proposals or set(proposals) - set(subjects):
        raise ServiceError("not_classified_here", reason="unknown")
    replaced = [c.name for c in await candidates(uow, actor) if c.membership_id in proposals and c.result]
    if replaced and not replace:
        raise ServiceError("ballot_replaces", names=replaced)
    await _check_levels(uow, review, members, proposals)
    repo = uow.reviews
    if await repo.ballots(review.id):
        raise ServiceError("ballot_already_open")
    ballots = []
    for membership_id, level in proposals.items():
        ballot = Ballot(review_id=review.id, subject=member_subject(membership_id), proposed=str(level),
                        opened_at=now, closes_at=closes_at)
        repo.add(ballot)
        await uow.flush()
        for choice in Choice:
            repo.add(BallotTally(ballot_id=ballot.id, choice=choice.value, count=0))
        ballots.append((ballot, subjects[membership_id].full_name))
    review.secret_ballot = True
    key = await _key(uow, now)
    uow.audit(now, actor.person_id, review.branch_id, "ballot.open", ballots=len(ballots))
    uow.reminders.request_replan(review.branch_id, now)  # "closing soon" to who has not voted
    await uow.commit()
    tickets = []
    for m in voters(members):
        if m.telegram_user_id is None:
            continue
        person_id = (await uow.branches.membership(m.membership_id)).person_id
        for ballot, name in ballots:
            tickets.append((m.telegram_user_id, Ticket(
                ballot.id, name, ballot.proposed, NO_CHOICE, 0, _seal(key, ballot.id, person_id, 0, NO_CHOICE),
                False)))
    return Opened(tickets, [m.full_name for m in voters(members) if m.telegram_user_id is None])


async def _check_levels(uow: UnitOfWork, review: Review, members, proposals: dict[int, MemberLevel]) -> None:
    """A level the rule set forbids for a member (e.g. after 3 absences) cannot be put to the vote."""
    rules = await rules_for(uow, review)
    entries = {e.membership_id: e for e in await uow.reviews.members(review.id)}
    states = {m.membership_id: m for m in members}
    branch_facts = facts(members)
    sheets = await member_sheets(uow, review)
    for membership_id, level in proposals.items():
        state = states[membership_id]
        require_sheet(state.full_name, state.telegram_user_id is not None, sheets.get(membership_id), rules)
        case = member_case(state, entries[membership_id], level, Counts(0, 0, 0), sheets.get(membership_id))
        if problems := validate_counts(case, branch_facts, rules):
            raise ServiceError("vote_refused", problems=[reason_json(p) for p in problems])


async def _ballot_for_voter(uow: UnitOfWork, actor: Actor, ballot_id: int) -> Ballot:
    ballot = await uow.reviews.ballot(ballot_id, for_update=True)
    if ballot is None or actor.home is None:
        raise AccessDenied("ballot_not_yours")
    review = await uow.reviews.latest(actor.home.branch_id)
    if review is None or ballot.review_id != review.id:
        raise AccessDenied("ballot_not_yours")
    members = await member_states(uow, review)
    if actor.home.membership_id not in {m.membership_id for m in voters(members)}:
        raise AccessDenied("not_a_voter")
    return ballot


async def cast(uow: UnitOfWork, actor: Actor, ballot_id: int, choice: Choice, previous: str, version: int,
               seal: str, now: datetime) -> Ticket:
    """Casts or changes one vote. `previous`, `version` and `seal` come from the voter's own button."""
    ballot = await _ballot_for_voter(uow, actor, ballot_id)
    if _is_closed(ballot, now):
        raise ServiceError("ballot_closed")
    key = await _key(uow, now)
    if not hmac.compare_digest(seal, _seal(key, ballot_id, actor.person_id, version, previous)):
        # No button of this voter's ever carried it: forged, or another voter's. Refused, logged (not the choice).
        raise AccessDenied("ballot_stale", ballot_id=ballot_id)
    repo = uow.reviews
    voter = await repo.voter(ballot_id, actor.person_id)
    if (voter.version if voter else 0) != version:
        raise ServiceError("ballot_stale")
    if previous != NO_CHOICE:
        old = await repo.tally_row(ballot_id, previous)
        old.count -= 1
    new = await repo.tally_row(ballot_id, choice.value)
    new.count += 1
    if voter is None:
        voter = BallotVoter(ballot_id=ballot_id, person_id=actor.person_id, version=0)
        repo.add(voter)
    voter.version += 1
    uow.reminders.request_replan(actor.home.branch_id, now)  # no more "closing soon" to this voter
    await uow.commit()
    membership = await uow.branches.membership(int(ballot.subject.split(":")[1]))
    return Ticket(ballot.id, membership.person.full_name, ballot.proposed, choice.value, voter.version,
                  _seal(key, ballot.id, actor.person_id, voter.version, choice.value), False)


@dataclass(frozen=True)
class Turnout:
    voted: int  # voters who have cast at least one ballot
    voters: int
    ballots: int  # open ballots


async def turnout(uow: UnitOfWork, actor: Actor) -> Turnout:
    """How far the open ballots have got, said before they are closed."""
    review = await open_review(uow, actor)
    repo = uow.reviews
    voted: set[int] = set()
    open_ballots = [b for b in await repo.ballots(review.id) if b.closed_at is None]
    for ballot in open_ballots:
        voted |= await repo.voters(ballot.id)
    return Turnout(len(voted), len(voters(await member_states(uow, review))), len(open_ballots))


@dataclass(frozen=True)
class Closed:
    results: list[tuple[str, str, Counts, object]]  # (name, proposed, counts, outcome)
    voted: int
    voters: int
    changes: tuple[Change, ...] = ()  # recorded results the ballot (or the quota after it) changed


async def close_ballots(uow: UnitOfWork, actor: Actor, now: datetime) -> Closed:
    """Closes every open ballot and hands the counts to the rules, exactly as typed counts would be."""
    review = await open_review(uow, actor)
    repo = uow.reviews
    members = await member_states(uow, review)
    names = {m.membership_id: m.full_name for m in members}
    tallies = []
    voted: set[int] = set()
    for ballot in await repo.ballots(review.id):
        if ballot.closed_at is None:
            ballot.closed_at = now
        tally = await repo.tally(ballot.id)
        voted |= await repo.voters(ballot.id)
        tallies.append((ballot, Counts(tally.get("a", 0), tally.get("d", 0), tally.get("o", 0))))
    uow.audit(now, actor.person_id, review.branch_id, "ballot.close", ballots=len(tallies))
    uow.reminders.request_replan(review.branch_id, now)
    await uow.commit()
    results = []
    changes: dict[str, Change] = {}
    stood = {subject: standing(vote) for subject, vote in (await repo.votes(review.id)).items()}  # before
    votes = [(int(ballot.subject.split(":")[1]), MemberLevel(ballot.proposed), counts) for ballot, counts in tallies]
    outcomes = await record_members(uow, actor, votes, now)  # all at once: a big branch has 150 ballots
    for (ballot, counts), (membership_id, _, _), outcome in zip(tallies, votes, outcomes, strict=True):
        before = stood.get(ballot.subject)
        name = names.get(membership_id, "")
        results.append((name, ballot.proposed, counts, outcome))
        after = outcome.level or ("pending" if outcome.pending else None)
        for change in (Change(name, before, after, outcome.reasons), *outcome.changes):
            first = changes.get(change.name)  # from the first result before the ballot to the last one
            changes[change.name] = Change(change.name, first.before if first else change.before, change.after,
                                          change.reasons)
    kept = tuple(c for c in changes.values() if c.before is not None and c.before != c.after)
    return Closed(results, len(voted), len(voters(members)), kept)


async def announced_to(uow: UnitOfWork, actor: Actor) -> tuple[str, list[int]]:
    """Where the closed ballot's results are announced: the branch's name, and the chat of every member the bot
    reaches but the secretary's own (she has them already)."""
    p = await progress(uow, actor, manage=True)
    return p.branch_name, [m.telegram_user_id for m in p.members
                           if m.telegram_user_id is not None and m.telegram_user_id != actor.telegram_user_id]
