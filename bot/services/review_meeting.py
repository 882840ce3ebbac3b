"""Step 2: the review meeting — attendance, the prescribed order in a live mode, votes and the rules' outcome."""

import json
from dataclasses import dataclass
from datetime import datetime

from bot.domain.review.classification import (
    BranchFacts,
    MemberCase,
    Outcome,
    Reason,
    classify_branch,
    classify_members,
    validate_counts,
    validate_facts,
)
from bot.domain.review.levels import MemberLevel
from bot.domain.review.meeting import Attendee, ScheduledItem, meeting_order, precedence, schedule
from bot.domain.review.rules import load_rule_set
from bot.domain.roster import Role, Status
from bot.domain.text import squeeze
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review import open_review, reviews
from bot.services.review_collect import MemberState, member_states
from storage.review_models import Review, ReviewVote
from storage.uow import UnitOfWork

COMMITTEE_REPORT, BRANCH = "committee_report", "branch"
MAX_REASON_CHARS = 200


def member_subject(membership_id: int) -> str:
    return f"member:{membership_id}"


@dataclass(frozen=True)
class Counts:
    approve: int
    disapprove: int
    other: int

    @property
    def total(self) -> int:
        return self.approve + self.disapprove + self.other


def voters(members: list[MemberState]) -> list[MemberState]:
    """Who votes: full members present (probationary members are reviewed but do not vote)."""
    return [m for m in members if m.status == Status.FULL and m.present is not False and m.exemption != "suspended"]


def facts(members: list[MemberState]) -> BranchFacts:
    """The vote base is every full member of the branch, as the rule says ("số đảng viên chính thức")."""
    return BranchFacts(
        full_members=sum(1 for m in members if m.status == Status.FULL),
        members=len(members),
        present_voters=len(voters(members)),
    )


def reviewed_here(members: list[MemberState]) -> list[MemberState]:
    """Classified at this meeting: those who review this year and are present."""
    return [m for m in members if m.reviews and m.present is not False]


async def set_attendance(uow: UnitOfWork, actor: Actor, membership_id: int, *, present: bool,
                         reason: str | None, now: datetime) -> MemberState:
    review = await open_review(uow, actor)
    if review.meeting_ended_at is not None:
        raise ServiceError("review_meeting_ended")
    entry = await reviews(uow).member(review.id, membership_id)
    if entry is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    entry.present = present
    entry.absence_reason = None if present else (squeeze(reason)[:MAX_REASON_CHARS] if reason else None)
    uow.audit(now, actor.person_id, review.branch_id, "review.attendance", membership_id=membership_id,
              present=present)
    await uow.commit()
    return next(m for m in await member_states(uow, review) if m.membership_id == membership_id)


@dataclass(frozen=True)
class LiveMeeting:
    review_id: int
    items: tuple[ScheduledItem, ...]
    current: int  # index into items
    names: dict[int, str]  # membership id → full name, for the agenda's subjects, presenters and chairs
    ended: bool

    @property
    def end(self) -> datetime:
        return self.items[-1].end


def _attendees(members: list[MemberState]) -> list[Attendee]:
    return [Attendee(m.membership_id, m.full_name, Role(m.role), Status(m.status))
            for m in members if m.present is not False and m.exemption != "suspended"]


async def live(uow: UnitOfWork, actor: Actor, *, manage: bool = False) -> LiveMeeting:
    return await _live(uow, await open_review(uow, actor, manage=manage))


async def _live(uow: UnitOfWork, review: Review) -> LiveMeeting:
    if review.meeting_at is None:
        raise ServiceError("no_meeting_date")
    members = await member_states(uow, review)
    reviewed = {m.membership_id for m in reviewed_here(members)}
    items = meeting_order(_attendees(members), reviewed=reviewed)
    start = review.meeting_started_at or review.meeting_at
    keys = [i.key for i in items]
    current = keys.index(review.current_item) if review.current_item in keys else 0
    return LiveMeeting(review.id, tuple(schedule(items, start)), current,
                       {m.membership_id: m.full_name for m in members}, review.meeting_ended_at is not None)


async def start_meeting(uow: UnitOfWork, actor: Actor, now: datetime) -> LiveMeeting:
    review = await open_review(uow, actor)
    if review.meeting_at is None:
        raise ServiceError("no_meeting_date")
    if review.meeting_started_at is None:
        review.meeting_started_at = now
        for entry in await reviews(uow).members(review.id):
            entry.present = True if entry.present is None else entry.present
        uow.audit(now, actor.person_id, review.branch_id, "review.meeting.start", review_id=review.id)
        await uow.commit()
    return await _live(uow, review)


async def step(uow: UnitOfWork, actor: Actor, delta: int, now: datetime) -> LiveMeeting:
    """Moves the live meeting one item forward or back; past the last item the meeting ends."""
    review = await open_review(uow, actor)
    if review.meeting_started_at is None:
        raise ServiceError("meeting_not_started")
    meeting = await _live(uow, review)
    target = meeting.current + delta
    if target >= len(meeting.items):
        review.meeting_ended_at = review.meeting_ended_at or now
        uow.audit(now, actor.person_id, review.branch_id, "review.meeting.end", review_id=review.id)
    else:
        review.current_item = meeting.items[max(target, 0)].item.key
    await uow.commit()
    return await _live(uow, review)


def _check_counts(counts: Counts, voters: int) -> None:
    if min(counts.approve, counts.disapprove, counts.other) < 0:
        raise ServiceError("negative_counts")
    if counts.total > voters:
        raise ServiceError("counts_exceed_voters", total=counts.total, voters=voters)


async def record_collective(uow: UnitOfWork, actor: Actor, subject: str, counts: Counts, now: datetime, *,
                            score: int | None = None) -> ReviewVote:
    """The committee report's adoption, or the branch's classification from its self-score and the vote."""
    review = await _meeting_review(uow, actor)
    members = await member_states(uow, review)
    branch_facts = facts(members)
    _check_counts(counts, branch_facts.present_voters)
    # Adopted by more than half of the full members: the same strict, exact comparison as the rules use.
    adopted = counts.approve * 2 > branch_facts.full_members
    reasons: list[dict] = [{"code": "adoption", "params": {"approve": counts.approve,
                                                          "base": branch_facts.full_members, "adopted": adopted}}]
    proposed = outcome = None
    if subject == BRANCH:
        if score is None or not 0 <= score <= 100:
            raise ServiceError("bad_score")
        result = classify_branch(score, (), True, load_rule_set(review.rule_set))
        proposed = str(result.level)
        outcome = proposed if adopted else None
        reasons = [reason_json(r) for r in result.reasons] + reasons
        review.branch_score = score
    elif subject != COMMITTEE_REPORT:
        raise ServiceError("bad_subject")
    else:
        outcome = "adopted" if adopted else None
    vote = await _upsert_vote(uow, review, subject, proposed, counts, now)
    vote.outcome, vote.reasons = outcome, json.dumps(reasons, ensure_ascii=False)
    uow.audit(now, actor.person_id, review.branch_id, "review.vote", subject=subject, approve=counts.approve,
              disapprove=counts.disapprove, other=counts.other)
    await uow.commit()
    return vote


async def record_member(uow: UnitOfWork, actor: Actor, membership_id: int, proposed: MemberLevel, counts: Counts,
                        now: datetime) -> Outcome:
    """A member's proposed level and ballot counts; every member's outcome is recomputed (the quota is shared)."""
    review = await _meeting_review(uow, actor)
    members = await member_states(uow, review)
    state = next((m for m in members if m.membership_id == membership_id), None)
    if state is None or state not in reviewed_here(members):
        raise ServiceError("not_classified_here", reason=state.exemption or "absent" if state else "unknown")
    branch_facts = facts(members)
    _check_counts(counts, branch_facts.present_voters)
    rules = load_rule_set(review.rule_set)
    entries = {e.membership_id: e for e in await reviews(uow).members(review.id)}
    case = member_case(state, entries[membership_id], proposed, counts)
    if problems := validate_counts(case, branch_facts, rules):
        raise ServiceError("vote_refused", codes=tuple(p.code for p in problems),
                           problems=[reason_json(p) for p in problems])
    await _upsert_vote(uow, review, member_subject(membership_id), str(proposed), counts, now)
    uow.audit(now, actor.person_id, review.branch_id, "review.vote", subject=member_subject(membership_id),
              proposed=str(proposed), approve=counts.approve, disapprove=counts.disapprove, other=counts.other)
    outcomes = await _reclassify(uow, review, members, entries, branch_facts)
    await uow.commit()
    return outcomes[membership_id]


async def _reclassify(uow: UnitOfWork, review: Review, members: list[MemberState], entries, branch_facts) -> dict:
    votes = await reviews(uow).votes(review.id)
    cases = []
    for m in reviewed_here(members):
        vote = votes.get(member_subject(m.membership_id))
        if vote is not None:
            cases.append(member_case(m, entries[m.membership_id], MemberLevel(vote.proposed),
                               Counts(vote.approve, vote.disapprove, vote.other)))
    outcomes = {o.membership_id: o for o in classify_members(cases, branch_facts, load_rule_set(review.rule_set))}
    for membership_id, outcome in outcomes.items():
        vote = votes[member_subject(membership_id)]
        vote.outcome = str(outcome.level) if outcome.level else None
        vote.reasons = json.dumps([reason_json(r) for r in outcome.reasons], ensure_ascii=False)
    return outcomes


def member_case(state: MemberState, entry, proposed: MemberLevel, counts: Counts) -> MemberCase:
    return MemberCase(
        membership_id=state.membership_id, full_name=state.full_name, role=Role(state.role),
        status=Status(state.status), proposed=proposed, approve=counts.approve, disapprove=counts.disapprove,
        other=counts.other, absences=entry.meetings_missed, sick_leave_months=entry.sick_leave_months,
        disciplined=entry.disciplined, reviewed=True,
    )


def reason_json(reason: Reason) -> dict:
    return {"code": reason.code, "params": {k: list(v) if isinstance(v, tuple) else v
                                            for k, v in reason.params.items()}}


async def _meeting_review(uow: UnitOfWork, actor: Actor) -> Review:
    review = await open_review(uow, actor)
    if review.meeting_started_at is None:
        raise ServiceError("meeting_not_started")
    if review.meeting_ended_at is not None:
        raise ServiceError("review_meeting_ended")
    if problems := validate_facts(facts(await member_states(uow, review))):
        raise ServiceError("vote_refused", codes=tuple(p.code for p in problems), problems=[])
    return review


async def _upsert_vote(uow: UnitOfWork, review: Review, subject: str, proposed: str | None, counts: Counts,
                       now: datetime) -> ReviewVote:
    votes = await reviews(uow).votes(review.id)
    vote = votes.get(subject)
    if vote is None:
        vote = ReviewVote(review_id=review.id, subject=subject, reasons="[]")
        reviews(uow).add(vote)
    vote.proposed, vote.approve, vote.disapprove, vote.other, vote.recorded_at = (
        proposed, counts.approve, counts.disapprove, counts.other, now)
    await uow.flush()
    return vote


async def voted_subjects(uow: UnitOfWork, actor: Actor) -> set[str]:
    review = await open_review(uow, actor)
    return set(await reviews(uow).votes(review.id))


@dataclass(frozen=True)
class ResultRow:
    membership_id: int
    name: str
    proposed: str
    approve: int
    disapprove: int
    other: int
    base: int
    outcome: str | None
    reasons: list[dict]


async def results(uow: UnitOfWork, actor: Actor, *, manage: bool = True) -> list[ResultRow]:
    """Each member's vote and outcome, in the meeting's order (leaders first)."""
    review = await open_review(uow, actor, manage=manage)
    members = await member_states(uow, review)
    votes = await reviews(uow).votes(review.id)
    base = facts(members).full_members
    order = {a.membership_id: n for n, a in enumerate(sorted(_attendees(members), key=precedence))}
    rows = []
    for m in sorted(reviewed_here(members), key=lambda m: order.get(m.membership_id, len(order))):
        vote = votes.get(member_subject(m.membership_id))
        if vote is not None:
            rows.append(ResultRow(m.membership_id, m.full_name, vote.proposed, vote.approve, vote.disapprove,
                                  vote.other, base, vote.outcome, json.loads(vote.reasons)))
    return rows
