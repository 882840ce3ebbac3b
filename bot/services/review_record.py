"""Loads what is stored about a review and derives its record (bot/domain/review/record.py): the one place the
figures of the papers, `/buoc` and `/tinhhinh` come from. A fixed number of queries, whatever the branch's size."""

import json
from dataclasses import dataclass

from bot.domain.review.decision import Decided
from bot.domain.review.record import (
    BallotFact,
    FeedbackFact,
    MemberFact,
    Record,
    StoredReview,
    VoteFact,
    derive,
    member_subject,
    vote_held,
)
from bot.domain.review.rules import RuleSet
from bot.services.review import sync_roster
from bot.services.review_collect import MemberState, member_state
from bot.services.rule_options import rules_for
from storage.review_models import Review, ReviewFeedback, ReviewVote
from storage.uow import UnitOfWork


def superior_decides(rules: RuleSet) -> bool:
    """The rule set's own rule (`superior_decides` in its data): under QĐ 366 the branch proposes and the superior
    decides (Điều 12 §1 Bước 3; Điều 13); under the 2014 plan the branch's vote classifies its members."""
    return rules.superior_decides


def member_fact(state: MemberState, residence_comment: str | None = None) -> MemberFact:
    return MemberFact(
        membership_id=state.membership_id, name=state.full_name, role=state.role, status=state.status,
        exemption=state.exemption, present=state.present, absence_reason=state.absence_reason,
        self_review=state.self_review is not None, residence_requested=state.residence_requested,
        residence_received=state.residence_received, residence_comment=residence_comment,
    )


def vote_fact(vote: ReviewVote) -> VoteFact:
    reasons = tuple(json.loads(vote.reasons or "[]"))
    return VoteFact(vote.subject, vote.proposed, vote.approve, vote.disapprove, vote.other, vote.outcome, reasons,
                    held=vote_held(reasons))


def feedback_fact(f: ReviewFeedback) -> FeedbackFact:
    return FeedbackFact(f.id, f.kind, bool(f.answer), f.source, f.about_membership_id, f.content, f.answer,
                        f.received_at)


@dataclass(frozen=True)
class Loaded:
    """One review's stored facts, each read once: every roster entry's state (its assessment sheet included) and
    everything a figure is derived from."""

    members: tuple[MemberState, ...]
    stored: StoredReview


async def load(uow: UnitOfWork, review: Review) -> Loaded:
    """What /buoc and the papers read of a review, in a fixed number of queries (lists, not generators, under
    tuple(): one call each, not one per row)."""
    repo = uow.reviews
    entries = await sync_roster(uow, review)
    sheets = {subject: checked for _, subject, checked in await repo.assessment_checks([review.id])}
    members = tuple([member_state(review, e, sheets.get(member_subject(e.membership_id))) for e in entries])
    decisions = {subject: Decided(proposed, level, reason)
                 for _, subject, proposed, level, reason in await uow.decisions.decided([review.id])}
    return Loaded(
        members=members,
        stored=StoredReview(
            members=tuple([member_fact(m, e.residence_comment) for m, e in zip(members, entries, strict=True)]),
            votes=tuple([vote_fact(v) for v in (await repo.votes(review.id)).values()]),
            ballots=tuple([BallotFact(b.subject, b.closed_at is not None) for b in await repo.ballots(review.id)]),
            feedback=tuple([feedback_fact(f) for f in await repo.feedback(review.id)]),
            decisions=decisions,
            started_at=review.meeting_started_at,
            ended_at=review.meeting_ended_at,
            # the meeting's secretary as picked at the meeting; none recorded: a blank, never invented
            clerk=next((m.full_name for m in members if m.membership_id == review.meeting_secretary_id), None),
            superior_decides=superior_decides(await rules_for(uow, review)),
        ))


async def record(uow: UnitOfWork, review: Review) -> Record:
    return derive((await load(uow, review)).stored)
