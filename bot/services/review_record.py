"""Loads what is stored about a review and derives its record (bot/domain/review/record.py): the one place the
figures of the papers, `/buoc` and `/tinhhinh` come from. A fixed number of queries, whatever the branch's size."""

import json

from bot.domain.review.decision import Decided
from bot.domain.review.record import (
    BallotFact,
    FeedbackFact,
    MemberFact,
    Record,
    StoredReview,
    VoteFact,
    derive,
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


async def stored(uow: UnitOfWork, review: Review) -> StoredReview:
    """Everything a figure of this review is derived from."""
    repo = uow.reviews
    entries = await sync_roster(uow, review)
    decisions = {subject: Decided(proposed, level, reason)
                 for _, subject, proposed, level, reason in await uow.decisions.decided([review.id])}
    return StoredReview(
        members=tuple(member_fact(member_state(review, e), e.residence_comment) for e in entries),
        votes=tuple(vote_fact(v) for v in (await repo.votes(review.id)).values()),
        ballots=tuple(BallotFact(b.subject, b.closed_at is not None) for b in await repo.ballots(review.id)),
        feedback=tuple(feedback_fact(f) for f in await repo.feedback(review.id)),
        decisions=decisions,
        started_at=review.meeting_started_at,
        ended_at=review.meeting_ended_at,
        clerk=next((e.membership.person.full_name for e in entries if e.membership_id == review.meeting_secretary_id),
                   None),  # the meeting's secretary as picked at the meeting; none recorded: a blank, never invented
        superior_decides=superior_decides(await rules_for(uow, review)),
    )


async def record(uow: UnitOfWork, review: Review) -> Record:
    return derive(await stored(uow, review))

