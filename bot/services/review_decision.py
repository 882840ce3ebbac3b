"""The superior decides what the branch proposed (QĐ 366 Điều 12 §1 Bước 3, Điều 13).

Once a branch's review meeting has ended, its outcomes — each member's level and the branch's own — are
proposals (đề xuất). The supervisor in charge of the branch, or an administrator of its superior unit, confirms
each one or changes it; a change needs a reason, a confirmation may have one. Only then is a level final, and the
secretary and the member are told through the reminder outbox (delivered like any notice: paced, retried, held
over quiet hours). Who may decide is settled in one place: `actor.require_superior`.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.domain.reminders.features import DECISIONS, Kind
from bot.domain.reminders.planning import at_once, reminder
from bot.domain.review.decision import BRANCH_SUBJECT, MEMBER_PREFIX, Standing
from bot.domain.review.levels import MEMBER_LEVELS
from bot.domain.roster import Role
from bot.domain.text import squeeze
from bot.services.actor import Actor, require_superior
from bot.services.errors import ServiceError
from bot.services.reminders import outbox_row, recipient
from bot.services.review_progress import Progress, progress_of
from bot.services.review_record import superior_decides
from bot.services.rule_options import rules_for
from bot.texts import plain, render
from storage.decision_models import ReviewDecision
from storage.models import Person
from storage.review_models import Review
from storage.uow import UnitOfWork

MAX_REASON_CHARS = 500
ADOPTION = "adoption"  # the vote that adopted the branch's result: not a reason for its level


def subject_of(membership_id: int) -> str:
    """Button data carries a membership id, 0 for the branch (a subject's ":" cannot travel in callback data)."""
    return f"{MEMBER_PREFIX}{membership_id}" if membership_id else BRANCH_SUBJECT


def membership_of(subject: str) -> int:
    return 0 if subject == BRANCH_SUBJECT else int(subject.removeprefix(MEMBER_PREFIX))


@dataclass(frozen=True)
class Proposal:
    standing: Standing
    reasons: tuple[dict, ...]  # the rules' reasons recorded with the outcome, for the one-line explanation
    choices: tuple[str, ...]  # the levels the superior may decide, highest first

    @property
    def membership_id(self) -> int:
        return membership_of(self.standing.subject)

    def needs_reason(self, level: str) -> bool:
        """Deciding another level than the proposed one takes a reason; a level not open to it is refused."""
        if level not in self.choices:
            raise ServiceError("bad_subject")
        return level != self.standing.proposed


@dataclass(frozen=True)
class Board:
    branch_id: int
    branch_name: str
    year: int
    proposals: tuple[Proposal, ...]

    @property
    def awaiting(self) -> list[Proposal]:
        return [p for p in self.proposals if not p.standing.final]

    def get(self, membership_id: int) -> Proposal:
        found = next((p for p in self.proposals if p.membership_id == membership_id), None)
        if found is None:
            raise ServiceError("no_proposal")
        return found


async def _review(uow: UnitOfWork, actor: Actor, branch_id: int) -> Review:
    await require_superior(uow, actor, branch_id)
    review = await uow.reviews.latest(branch_id)
    if review is None:
        raise ServiceError("no_review")
    if review.meeting_ended_at is None:
        raise ServiceError("decision_before_meeting_end")
    rules = await rules_for(uow, review)
    if not superior_decides(rules):
        raise ServiceError("decision_not_needed", rule_set=rules.name)
    return review


async def _board(uow: UnitOfWork, review: Review) -> Board:
    p: Progress = await progress_of(uow, review)
    votes = await uow.reviews.votes(review.id)
    member_choices = tuple(str(level) for level in MEMBER_LEVELS)
    branch_choices = tuple(str(band.level) for band in (await rules_for(uow, review)).branch_bands)
    return Board(review.branch_id, p.branch_name, review.year, tuple(
        Proposal(s, tuple(r for r in json.loads(votes[s.subject].reasons) if r["code"] != ADOPTION),
                 branch_choices if s.is_branch else member_choices)
        for s in p.decisions))


async def board(uow: UnitOfWork, actor: Actor, branch_id: int) -> Board:
    """The branch's proposals, each decided or awaiting, for the superior."""
    return await _board(uow, await _review(uow, actor, branch_id))


async def awaiting_board(uow: UnitOfWork, actor: Actor, branch_id: int) -> Board:
    """The board, to confirm every proposal still awaiting at once; refused when none awaits."""
    b = await board(uow, actor, branch_id)
    if not b.awaiting:
        raise ServiceError("nothing_awaits")
    return b


@dataclass(frozen=True)
class Decision:
    branch_name: str
    year: int
    standing: Standing  # as decided
    told: int  # messages queued (the secretary, the member)


async def decide(uow: UnitOfWork, actor: Actor, branch_id: int, membership_id: int, level: str, reason: str | None,
                 now: datetime, settings: Settings) -> Decision:
    """The superior's level for one proposal: the proposed one (confirmed) or another, with a reason."""
    review = await _review(uow, actor, branch_id)
    found = (await _board(uow, review)).get(membership_id)
    needs_reason = found.needs_reason(level)
    reason = squeeze(reason) if reason and squeeze(reason) else None
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        raise ServiceError("decision_reason_too_long", limit=MAX_REASON_CHARS, length=len(reason))
    if needs_reason and reason is None:
        raise ServiceError("decision_reason_needed")
    decision = await _store(uow, actor, review, found.standing, level, reason, now)
    told = await _tell(uow, review, [decision], now, settings)
    await uow.commit()
    return Decision(await _branch_name(uow, review), review.year, decision, told)


async def confirm_rest(uow: UnitOfWork, actor: Actor, branch_id: int, now: datetime,
                       settings: Settings) -> list[Decision]:
    """Every proposal still awaiting, confirmed as proposed, in one go."""
    review = await _review(uow, actor, branch_id)
    rest = (await _board(uow, review)).awaiting
    if not rest:
        raise ServiceError("nothing_awaits")
    decided = [await _store(uow, actor, review, p.standing, p.standing.proposed, None, now) for p in rest]
    await _tell(uow, review, decided, now, settings)
    await uow.commit()
    name = await _branch_name(uow, review)
    return [Decision(name, review.year, d, 0) for d in decided]


async def _store(uow: UnitOfWork, actor: Actor, review: Review, standing: Standing, level: str, reason: str | None,
                 now: datetime) -> Standing:
    repo = uow.decisions
    row = (await repo.decisions(review.id)).get(standing.subject)
    if row is None:
        row = ReviewDecision(review_id=review.id, subject=standing.subject)
        repo.add(row)
    row.proposed, row.decided, row.reason, row.decided_by, row.decided_at = (
        standing.proposed, level, reason, actor.person_id, now)
    await uow.flush()
    uow.audit(now, actor.person_id, review.branch_id, "review.decision", subject=standing.subject,
              proposed=standing.proposed, decided=level, reason=reason)
    return Standing(standing.subject, standing.name, standing.proposed, level, reason)


async def _branch_name(uow: UnitOfWork, review: Review) -> str:
    return (await uow.branches.get(review.branch_id)).name


async def _tell(uow: UnitOfWork, review: Review, decided: list[Standing], now: datetime, settings: Settings) -> int:
    """The secretary gets every decided level in one message; each member, their own. Queued in the outbox in
    the decision's transaction, so a decision is never taken without its messages, nor told twice."""
    roster = {m.id: m for m in await uow.branches.roster(review.branch_id)}
    secretary = next((m.person for m in roster.values() if m.role == Role.SECRETARY), None)
    branch_name = await _branch_name(uow, review)
    messages: list[tuple[Person, str, str]] = []
    if secretary is not None:
        messages.append((secretary, render("decision", "to_secretary", items=decided, branch_name=branch_name,
                                           year=review.year),
                         plain("decision", "subject", branch_name=branch_name)))
    for d in decided:
        member = roster.get(membership_of(d.subject))
        if member is not None and member.person_id != (secretary.id if secretary else None):
            messages.append((member.person, render("decision", "to_member", d=d, year=review.year,
                                                   branch_name=branch_name),
                             plain("decision", "subject", branch_name=branch_name)))
    prefs = await uow.reminders.prefs(person.id for person, _, _ in messages)
    rows = []
    for person, text, subject in messages:
        reader = recipient(person, prefs.get(person.id), settings)
        if reader is None:
            continue
        # One event per person and decision (a confirmation of the rest: its first subject and how many).
        notice = reminder(feature=DECISIONS, kind=Kind.DECISION, branch_id=review.branch_id, recipient=reader,
                          when=at_once(reader, now),
                          key=(review.id, person.id, decided[0].subject, len(decided), f"{now:%Y%m%d%H%M%S%f}"))
        rows.append(outbox_row(notice, text, subject, now))
    await uow.reminders.add_new(rows)
    return len(rows)
