"""Step 2: the review meeting — attendance, the prescribed order in a live mode, votes and the rules' outcome."""

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.review.classification import (
    BranchFacts,
    MemberCase,
    Outcome,
    Reason,
    allowed_levels,
    classify_branch,
    classify_members,
    validate_counts,
    validate_facts,
    vote_opinion,
)
from bot.domain.review.exemptions import EXEMPT, SUSPENDED
from bot.domain.review.levels import MemberLevel
from bot.domain.review.meeting import Attendee, ScheduledItem, meeting_order, precedence, schedule
from bot.domain.review.record import BRANCH, COMMITTEE_REPORT, Record, StoredReview, derive, member_subject
from bot.domain.roster import Role, Status
from bot.domain.text import squeeze
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review import open_review
from bot.services.review_assessment import grave_of, member_sheets, proposal_of, require_sheet, sheet_of
from bot.services.review_collect import MemberState, member_states, records_changed
from bot.services.review_reasons import explain
from bot.services.review_record import member_fact
from bot.services.rule_options import rules_for
from storage.review_models import Review, ReviewAssessment, ReviewVote
from storage.uow import UnitOfWork

MAX_REASON_CHARS = 200
MAX_SCORE = 100  # the branch's self-score under the 2014 plan


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
    present = {m.membership_id for m in _record(*members).full_present}
    return [m for m in members if m.membership_id in present]


def facts(members: list[MemberState], *, outstanding: bool = False) -> BranchFacts:
    """The figures the rules read, from the record's one derivation: the vote base is the full members less those
    exempt from activity and the suspended (record.vote_base says why, with its sources); `outstanding` is the
    secretary's flag for the branch's outstanding results (the larger quota)."""
    record = _record(*members)
    return BranchFacts(full_members=len(record.vote_base), members=len(record.members),
                       present_voters=len(record.full_present), outstanding=outstanding)


def _record(*members: MemberState) -> Record:
    return derive(StoredReview(members=tuple(member_fact(m) for m in members)))


def reviewed_here(members: list[MemberState]) -> list[MemberState]:
    """Classified at this meeting: those who review this year and are present."""
    return [m for m in members if m.reviews and m.present is not False]


async def set_attendance(uow: UnitOfWork, actor: Actor, membership_id: int, *, present: bool,
                         reason: str | None, now: datetime) -> MemberState:
    review = await open_review(uow, actor)
    if review.meeting_ended_at is not None:
        raise ServiceError("review_meeting_ended")
    entry = await uow.reviews.member(review.id, membership_id)
    if entry is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    entry.present = present
    entry.absence_reason = None if present else (squeeze(reason)[:MAX_REASON_CHARS] if reason else None)
    uow.audit(now, actor.person_id, review.branch_id, "review.attendance", membership_id=membership_id,
              present=present)
    await records_changed(uow, review, now)
    await uow.commit()
    return next(m for m in await member_states(uow, review) if m.membership_id == membership_id)


@dataclass(frozen=True)
class LiveMeeting:
    review_id: int
    items: tuple[ScheduledItem, ...]
    current: int  # index into items
    names: dict[int, str]  # membership id → full name, for the agenda's subjects, presenters and chairs
    ended: bool
    secretary: str | None = None  # the meeting's secretary (thư ký), once picked
    pending_quota: int = 0  # HTXSNV results waiting for the quota to be judged

    @property
    def end(self) -> datetime:
        return self.items[-1].end


def _attendees(members: list[MemberState]) -> list[Attendee]:
    """Those the record counts present: not marked absent, and neither exempt from activity nor suspended."""
    present = {m.membership_id for m in _record(*members).present}
    return [Attendee(m.membership_id, m.full_name, Role(m.role), Status(m.status)) for m in members
            if m.membership_id in present]


async def live(uow: UnitOfWork, actor: Actor, *, manage: bool = False) -> LiveMeeting:
    return await _live(uow, await open_review(uow, actor, manage=manage))


async def _live(uow: UnitOfWork, review: Review) -> LiveMeeting:
    if review.meeting_at is None:
        raise ServiceError("no_meeting_date")
    members = await member_states(uow, review)
    reviewed = {m.membership_id for m in reviewed_here(members)}
    items = meeting_order(_attendees(members), reviewed=reviewed,
                          branch_last=(await rules_for(uow, review)).branch_last)  # QĐ 366 Điều 12 §2(3)
    start = review.meeting_started_at or review.meeting_at
    keys = [i.key for i in items]
    current = keys.index(review.current_item) if review.current_item in keys else 0
    names = {m.membership_id: m.full_name for m in members}
    pending = sum(1 for v in (await uow.reviews.votes(review.id)).values() if standing(v) == PENDING)
    return LiveMeeting(review.id, tuple(schedule(items, start)), current, names, review.meeting_ended_at is not None,
                       names.get(review.meeting_secretary_id), pending)


async def start_meeting(uow: UnitOfWork, actor: Actor, now: datetime) -> LiveMeeting:
    review = await open_review(uow, actor)
    if review.meeting_at is None:
        raise ServiceError("no_meeting_date")
    if review.meeting_started_at is None:
        review.meeting_started_at = now
        states = {m.membership_id: m for m in await member_states(uow, review)}
        for entry in await uow.reviews.members(review.id):
            if states[entry.membership_id].exemption in (EXEMPT, SUSPENDED):  # they do not attend (record.py)
                entry.present = False
            elif entry.present is None:
                entry.present = True
        uow.audit(now, actor.person_id, review.branch_id, "review.meeting.start", review_id=review.id)
        await records_changed(uow, review, now)
        await uow.commit()
    return await _live(uow, review)


# "Starting the meeting well before its date": more than a day before the day and time set.
EARLY_START = timedelta(days=1)


@dataclass(frozen=True)
class StartCheck:
    """What makes opening the meeting now a risky move, to be said before it is done."""

    meeting_at: datetime
    early: bool  # more than a day before the meeting's date and time
    missing_self_reviews: tuple[str, ...]  # members who review and have handed in nothing

    @property
    def risky(self) -> bool:
        return self.early or bool(self.missing_self_reviews)


async def start_check(uow: UnitOfWork, actor: Actor, now: datetime) -> StartCheck | None:
    """None when the meeting has already started (continuing it needs no word)."""
    review = await open_review(uow, actor)
    if review.meeting_at is None:
        raise ServiceError("no_meeting_date")
    if review.meeting_started_at is not None:
        return None
    members = await member_states(uow, review)
    return StartCheck(review.meeting_at, review.meeting_at - now > EARLY_START,
                      tuple(m.full_name for m in members if m.reviews and m.self_review is None))


async def set_secretary(uow: UnitOfWork, actor: Actor, membership_id: int, now: datetime) -> LiveMeeting:
    """The meeting's secretary (thư ký hội nghị): one of the members present."""
    review = await _running(uow, actor)
    if membership_id not in {a.membership_id for a in _attendees(await member_states(uow, review))}:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    review.meeting_secretary_id = membership_id
    uow.audit(now, actor.person_id, review.branch_id, "review.meeting.secretary", membership_id=membership_id)
    await uow.commit()
    return await _live(uow, review)


async def attendees(uow: UnitOfWork, actor: Actor) -> list[Attendee]:
    """Who is at the meeting, leaders first: the choice of its secretary."""
    review = await _running(uow, actor)
    return sorted(_attendees(await member_states(uow, review)), key=precedence)


async def step(uow: UnitOfWork, actor: Actor, delta: int, now: datetime) -> LiveMeeting:
    """Moves the live meeting forward or back, within its items: ending it is `end_meeting`'s, once confirmed."""
    review = await _running(uow, actor)
    meeting = await _live(uow, review)
    review.current_item = meeting.items[min(max(meeting.current + delta, 0), len(meeting.items) - 1)].item.key
    await uow.commit()
    return await _live(uow, review)


async def _running(uow: UnitOfWork, actor: Actor) -> Review:
    review = await open_review(uow, actor)
    if review.meeting_started_at is None:
        raise ServiceError("meeting_not_started")
    if review.meeting_ended_at is not None:
        raise ServiceError("review_meeting_ended")
    return review


@dataclass(frozen=True)
class StillMissing:
    """What the meeting has not done yet, said before it ends."""

    unclassified: tuple[str, ...]  # present, reviewed, and without a result (no vote, or no level reached)
    pending: tuple[str, ...]  # HTXSNV reached, waiting for the quota (judged when the meeting ends)
    votes: tuple[str, ...]  # the collective votes not held: "committee_report", "branch"
    no_secretary: bool
    open_ballots: int


async def still_missing(uow: UnitOfWork, actor: Actor) -> StillMissing:
    review = await _running(uow, actor)
    members = await member_states(uow, review)
    repo = uow.reviews
    votes = await repo.votes(review.id)
    standings = {m.full_name: standing(votes.get(member_subject(m.membership_id))) for m in reviewed_here(members)}
    return StillMissing(
        unclassified=tuple(name for name, st in standings.items() if st is None),
        pending=tuple(name for name, st in standings.items() if st == PENDING),
        votes=tuple(subject for subject in (COMMITTEE_REPORT, BRANCH) if subject not in votes),
        no_secretary=review.meeting_secretary_id is None,
        open_ballots=sum(1 for b in await repo.ballots(review.id) if b.closed_at is None),
    )


@dataclass(frozen=True)
class Ended:
    meeting: LiveMeeting
    changes: tuple["Change", ...]  # results the quota changed as the vote round closed with the meeting


async def end_meeting(uow: UnitOfWork, actor: Actor, now: datetime) -> Ended:
    """Ends the meeting (the secretary has confirmed): the vote round closes, so the quota is judged."""
    review = await _running(uow, actor)
    changes = await _close_round(uow, review, now)
    review.meeting_ended_at = now
    uow.audit(now, actor.person_id, review.branch_id, "review.meeting.end", review_id=review.id)
    await records_changed(uow, review, now)
    await uow.commit()
    return Ended(await _live(uow, review), changes)


async def close_votes(uow: UnitOfWork, actor: Actor, now: datetime) -> tuple["Change", ...]:
    """The secretary closes the member vote round before every member has a vote: the quota is judged now."""
    review = await _running(uow, actor)
    changes = await _close_round(uow, review, now)
    uow.audit(now, actor.person_id, review.branch_id, "review.votes.close", review_id=review.id)
    await uow.commit()
    return changes


async def _close_round(uow: UnitOfWork, review: Review, now: datetime) -> tuple["Change", ...]:
    review.votes_closed_at = review.votes_closed_at or now
    members = await member_states(uow, review)
    entries = {e.membership_id: e for e in await uow.reviews.members(review.id)}
    _, changes = await _reclassify(uow, review, members, entries, facts(members, outstanding=review.outstanding))
    return changes


async def reopen_meeting(uow: UnitOfWork, actor: Actor, now: datetime) -> LiveMeeting:
    """A meeting ended by mistake opens again, until its papers are filed or the superior has decided. Its start
    stays; its end will be the last one; each reopening is counted, timed and audited."""
    review = await open_review(uow, actor)
    if review.meeting_ended_at is None:
        raise ServiceError("meeting_not_ended")
    if review.reported_at is not None or await uow.decisions.decisions(review.id):
        raise ServiceError("meeting_filed")
    review.meeting_ended_at = None
    review.meeting_reopened += 1
    review.meeting_reopened_at = now
    uow.audit(now, actor.person_id, review.branch_id, "review.meeting.reopen", review_id=review.id,
              times=review.meeting_reopened)
    await records_changed(uow, review, now)
    await uow.commit()
    return await _live(uow, review)


def _check_counts(counts: Counts, voters: int) -> None:
    if min(counts.approve, counts.disapprove, counts.other) < 0:
        raise ServiceError("negative_counts")
    if counts.total > voters:
        raise ServiceError("counts_exceed_voters", total=counts.total, voters=voters)


async def record_collective(uow: UnitOfWork, actor: Actor, subject: str, counts: Counts | None, now: datetime, *,
                            score: int | None = None) -> ReviewVote:
    """The committee report's adoption vote ("trên 1/2"), or the branch's level. Under a score-based rule set
    (QĐ 366 Điều 11, Điều 12 §1 Bước 1: the collective assesses itself by score and conditions) the level is the
    proposal of the branch's own sheet and a vote, if one is held (`counts`), only the branch's opinion beside
    it; under the 2014 plan the typed self-score's band and the "trên 1/2" vote classify the branch."""
    review = await _meeting_review(uow, actor)
    members = await member_states(uow, review)
    branch_facts = facts(members, outstanding=review.outstanding)
    rules = await rules_for(uow, review)
    from_sheet = subject == BRANCH and rules.uses_scores
    if subject not in (BRANCH, COMMITTEE_REPORT) or (counts is None and not from_sheet):
        raise ServiceError("bad_subject")
    _check_counts(counts or Counts(0, 0, 0), branch_facts.present_voters)
    if from_sheet:
        proposed, reasons = await _branch_proposal(uow, review, rules, counts, branch_facts.full_members)
        outcome = proposed
    else:
        # Adopted by more than half of the full members: the same strict, exact comparison as the rules use.
        adopted = counts.approve * 2 > branch_facts.full_members
        reasons = [{"code": "adoption", "params": {"approve": counts.approve, "base": branch_facts.full_members,
                                                   "adopted": adopted}}]
        proposed = None
        outcome = "adopted" if adopted else None
        if subject == BRANCH:
            if score is None or not 0 <= score <= MAX_SCORE:
                raise ServiceError("bad_score")
            result = classify_branch(score, (), True, rules)
            proposed = str(result.level)
            outcome = proposed if adopted else None
            reasons = [reason_json(r) for r in result.reasons] + reasons
            review.branch_score = score
    vote = await _upsert_vote(uow, review, subject, proposed, counts or Counts(0, 0, 0), now)
    vote.outcome, vote.reasons = outcome, json.dumps(reasons, ensure_ascii=False)
    uow.audit(now, actor.person_id, review.branch_id, "review.vote", subject=subject,
              **(vars(counts) if counts else {"vote": False}))
    await records_changed(uow, review, now)
    await uow.commit()
    return vote


async def _branch_proposal(uow: UnitOfWork, review: Review, rules, counts: Counts | None,
                           base: int) -> tuple[str, list[dict]]:
    """The level the branch's own sheet proposes, its reasons, and the vote as the branch's opinion (if held).
    No sheet: the secretary is told to fill it (the meeting cannot make the branch's level up)."""
    row = await uow.reviews.assessment(review.id, BRANCH)
    if row is None:
        raise ServiceError("sheet_missing", name=(await uow.branches.get(review.branch_id)).name, linked=False,
                           branch=True)
    proposal = proposal_of(row, rules)
    reasons = [reason_json(r) for r in proposal.reasons]
    if counts is not None:
        reasons.append(reason_json(vote_opinion(str(proposal.level), counts.approve, base, rules)))
    review.branch_score = row.common + row.results
    return str(proposal.level), reasons


async def branch_offer(uow: UnitOfWork, actor: Actor) -> str | None:
    """At the branch's item, under a score-based rule set: its sheet's proposal in one line (None under a
    vote-based set, where the self-score is typed); no sheet is refused with what to fill."""
    review = await _meeting_review(uow, actor)
    rules = await rules_for(uow, review)
    if not rules.uses_scores:
        return None
    row = await uow.reviews.assessment(review.id, BRANCH)
    if row is None:
        raise ServiceError("sheet_missing", name=(await uow.branches.get(review.branch_id)).name, linked=False,
                           branch=True)
    return explain(proposal_of(row, rules))


PENDING = "pending"  # a member vote's standing: HTXSNV reached, waiting for the quota
QUOTA_PENDING = "quota_pending"  # the reason that says so (review_reasons.j2)


def standing(vote: ReviewVote | None) -> str | None:
    """A member vote's result as announced: a level, PENDING, or None (no vote, or no level reached)."""
    if vote is None:
        return None
    if vote.outcome:
        return vote.outcome
    return PENDING if any(r["code"] == QUOTA_PENDING for r in json.loads(vote.reasons)) else None


@dataclass(frozen=True)
class Change:
    """An announced result that another vote (or the quota) changed: whose, from what, to what, and why."""

    name: str
    before: str | None  # a level, PENDING or None
    after: str | None
    reasons: list[dict]


@dataclass(frozen=True)
class Recorded:
    """One member's vote as recorded: the result (a level, or none yet), and the other results it changed."""

    level: str | None
    pending: bool  # HTXSNV reached; the quota is judged once every vote it depends on is in
    reasons: list[dict]
    changes: tuple[Change, ...]


async def record_member(uow: UnitOfWork, actor: Actor, membership_id: int, proposed: MemberLevel, counts: Counts,
                        now: datetime) -> Recorded:
    """A member's proposed level and ballot counts; every member's outcome is recomputed (the quota is shared)."""
    [recorded] = await record_members(uow, actor, [(membership_id, proposed, counts)], now)
    return recorded


async def record_members(uow: UnitOfWork, actor: Actor, votes: Sequence[tuple[int, MemberLevel, Counts]],
                         now: datetime) -> list[Recorded]:
    """Members' proposed levels and counts at once (a closed secret ballot brings a whole branch's), each checked
    as one typed vote would be, then every member's outcome recomputed once: recomputing after each of a big
    branch's 150 votes took seconds a vote. A refused vote records none of them."""
    review = await _meeting_review(uow, actor)
    members = await member_states(uow, review)
    here = {m.membership_id: m for m in reviewed_here(members)}
    known = {m.membership_id: m for m in members}
    branch_facts = facts(members, outstanding=review.outstanding)
    rules = await rules_for(uow, review)
    entries = {e.membership_id: e for e in await uow.reviews.members(review.id)}
    sheets = await member_sheets(uow, review)
    subjects = []
    for membership_id, proposed, counts in votes:
        state = here.get(membership_id)
        if state is None:
            state = known.get(membership_id)
            raise ServiceError("not_classified_here", reason=state.exemption or "absent" if state else "unknown")
        _check_counts(counts, branch_facts.present_voters)
        require_sheet(state.full_name, state.telegram_user_id is not None, sheets.get(membership_id), rules)
        case = member_case(state, entries[membership_id], proposed, counts, sheets.get(membership_id))
        if problems := validate_counts(case, branch_facts, rules):
            raise ServiceError("vote_refused", codes=tuple(p.code for p in problems),
                               problems=[reason_json(p) for p in problems])
        subjects.append(member_subject(membership_id))
    for (_, proposed, counts), subject in zip(votes, subjects, strict=True):
        await _upsert_vote(uow, review, subject, str(proposed), counts, now)
        uow.audit(now, actor.person_id, review.branch_id, "review.vote", subject=subject, proposed=str(proposed),
                  approve=counts.approve, disapprove=counts.disapprove, other=counts.other)
    _, changes = await _reclassify(uow, review, members, entries, branch_facts, recorded=set(subjects))
    stored = await uow.reviews.votes(review.id)
    await records_changed(uow, review, now)
    await uow.commit()
    return [Recorded(stored[s].outcome, standing(stored[s]) == PENDING, json.loads(stored[s].reasons), changes)
            for s in subjects]


async def _reclassify(uow: UnitOfWork, review: Review, members: list[MemberState], entries, branch_facts, *,
                      recorded: Collection[str] = ()) -> tuple[dict[int, Outcome], tuple[Change, ...]]:
    """Every member's outcome again. The quota is judged only once the votes it depends on are in: every member
    classified here has a vote, or the secretary closed the round. Until then a member who reaches HTXSNV stands
    "đạt, chờ xét tỷ lệ". Any announced result this changes (other than the ones just `recorded`) is returned."""
    votes = await uow.reviews.votes(review.id)
    sheets = await member_sheets(uow, review)
    here = reviewed_here(members)
    waiting = sum(1 for m in here if member_subject(m.membership_id) not in votes)
    rules = await rules_for(uow, review)
    judged = rules.quota is None or review.votes_closed_at is not None or not waiting
    cases = []
    for m in here:
        vote = votes.get(member_subject(m.membership_id))
        if vote is not None:
            cases.append(member_case(m, entries[m.membership_id], MemberLevel(vote.proposed),
                                     Counts(vote.approve, vote.disapprove, vote.other), sheets.get(m.membership_id)))
    before = {subject: standing(vote) for subject, vote in votes.items()}
    engine_rules = rules if judged else replace(rules, quota=None)
    outcomes = {o.membership_id: o for o in classify_members(cases, branch_facts, engine_rules)}
    names = {m.membership_id: m.full_name for m in members}
    changes = []
    for membership_id, outcome in outcomes.items():
        subject = member_subject(membership_id)
        vote = votes[subject]
        reasons = [reason_json(r) for r in outcome.reasons]
        pending = not judged and outcome.level == rules.quota.level
        if pending:
            reasons.append({"code": QUOTA_PENDING, "params": {"waiting": waiting}})
        vote.outcome = str(outcome.level) if outcome.level and not pending else None
        vote.reasons = json.dumps(reasons, ensure_ascii=False)
        if subject not in recorded and standing(vote) != before[subject]:
            changes.append(Change(names[membership_id], before[subject], standing(vote), reasons))
    return outcomes, tuple(changes)


async def open_levels(uow: UnitOfWork, actor: Actor, membership_id: int) -> tuple[str, list[MemberLevel]]:
    """A member classified at this meeting, and the levels the rules leave open to them, highest first."""
    review = await open_review(uow, actor)
    members = await member_states(uow, review)
    state = next((m for m in members if m.membership_id == membership_id), None)
    if state is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    if state not in reviewed_here(members):
        raise ServiceError("not_classified_here", reason=state.exemption or "absent")
    entry = await uow.reviews.member(review.id, membership_id)
    case = member_case(state, entry, MemberLevel.HTNV, Counts(0, 0, 0), (await member_sheets(uow, review)).get(
        membership_id))
    return state.full_name, allowed_levels(case, await rules_for(uow, review))


def member_case(state: MemberState, entry, proposed: MemberLevel, counts: Counts,
                sheet: ReviewAssessment | None = None) -> MemberCase:
    """The rules' input for one member; under a score-based rule set the sheet (and its grave facts) decide."""
    return MemberCase(
        membership_id=state.membership_id, full_name=state.full_name, role=Role(state.role),
        status=Status(state.status), proposed=proposed, approve=counts.approve, disapprove=counts.disapprove,
        other=counts.other, absences=entry.meetings_missed, sick_leave_months=entry.sick_leave_months,
        disciplined=entry.disciplined, reviewed=True,
        score=sheet.common + sheet.results if sheet else None, sheet=sheet_of(sheet) if sheet else None,
        grave=grave_of(sheet, entry.meetings_missed) if sheet else None,
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
    votes = await uow.reviews.votes(review.id)
    vote = votes.get(subject)
    if vote is None:
        vote = ReviewVote(review_id=review.id, subject=subject, reasons="[]")
        uow.reviews.add(vote)
    vote.proposed, vote.approve, vote.disapprove, vote.other, vote.recorded_at = (
        proposed, counts.approve, counts.disapprove, counts.other, now)
    await uow.flush()
    return vote


async def voted_subjects(uow: UnitOfWork, actor: Actor) -> set[str]:
    review = await open_review(uow, actor)
    return set(await uow.reviews.votes(review.id))


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

    @property
    def voted(self) -> bool:
        """A ballot was held; False: the sheet's proposal recorded without a vote (không biểu quyết)."""
        return self.approve + self.disapprove + self.other > 0

    @property
    def standing(self) -> str | None:
        """The outcome, or PENDING while an HTXSNV waits for the quota."""
        return self.outcome or (PENDING if any(r["code"] == QUOTA_PENDING for r in self.reasons) else None)


async def results(uow: UnitOfWork, actor: Actor, *, manage: bool = True) -> list[ResultRow]:
    """Each member's vote and outcome, in the meeting's order (leaders first)."""
    review = await open_review(uow, actor, manage=manage)
    members = await member_states(uow, review)
    votes = await uow.reviews.votes(review.id)
    base = facts(members).full_members
    order = {a.membership_id: n for n, a in enumerate(sorted(_attendees(members), key=precedence))}
    rows = []
    for m in sorted(reviewed_here(members), key=lambda m: order.get(m.membership_id, len(order))):
        vote = votes.get(member_subject(m.membership_id))
        if vote is not None:
            rows.append(ResultRow(m.membership_id, m.full_name, vote.proposed, vote.approve, vote.disapprove,
                                  vote.other, base, vote.outcome, json.loads(vote.reasons)))
    return rows
