"""What the annual review asks the reminder planner for: "closing soon" nudges to exactly those who have not
acted — members without a self-review before its deadline, members without an assessment sheet before its
deadline (under a rule set that reads scores, QĐ 366), full members who have not cast an open secret ballot that
closes at a set time."""

from bot.domain.reminders import features
from bot.domain.reminders.features import Feature
from bot.domain.reminders.planning import ReminderSource
from bot.services.review_collect import member_states
from bot.services.review_meeting import voters
from bot.texts import plain
from storage.models import Membership
from storage.review_models import Review
from storage.uow import UnitOfWork

SELF_REVIEW_TASK = "self_reviews"


async def _open_review(uow: UnitOfWork, branch_id: int) -> Review | None:
    review = await uow.reviews.latest(branch_id)
    return None if review is None or review.meeting_ended_at is not None else review


SHEET_TASK = "assessment_sheets"


async def self_review_sources(uow: UnitOfWork, branch_id: int,
                              roster: tuple[Membership, ...]) -> list[ReminderSource]:
    return await _owed(uow, branch_id, roster, SELF_REVIEW_TASK, features.SELF_REVIEWS, lambda m: m.self_review is None,
                       "closing_self_review")


async def sheet_sources(uow: UnitOfWork, branch_id: int, roster: tuple[Membership, ...]) -> list[ReminderSource]:
    """Members whose assessment sheet is not filled (member_states says "missing" only where the rules read it)."""
    return await _owed(uow, branch_id, roster, SHEET_TASK, features.SHEETS, lambda m: m.assessment == "missing",
                       "closing_sheet")


async def _owed(uow: UnitOfWork, branch_id: int, roster: tuple[Membership, ...], task_key: str,
                feature: Feature, owes, title: str) -> list[ReminderSource]:
    """"Closing soon" before the procedure task's deadline, to the members who review and still owe it."""
    review = await _open_review(uow, branch_id)
    if review is None or review.meeting_started_at is not None:
        return []
    deadline = next((rt.task for rt in await uow.reviews.tasks(review.id) if rt.procedure_key == task_key), None)
    person_of = {m.id: m.person_id for m in roster}
    missing = tuple(person_of[m.membership_id] for m in await member_states(uow, review)
                    if m.reviews and owes(m) and m.membership_id in person_of)
    if deadline is None or deadline.due is None or not missing:
        return []
    return [ReminderSource(feature, review.id, branch_id, plain("review", title), deadline.due, missing)]


async def ballot_sources(uow: UnitOfWork, branch_id: int, roster: tuple[Membership, ...]) -> list[ReminderSource]:
    review = await _open_review(uow, branch_id)
    if review is None:
        return []
    person_of = {m.id: m.person_id for m in roster}
    eligible = [person_of[m.membership_id] for m in voters(await member_states(uow, review))
                if m.membership_id in person_of]
    sources = []
    for ballot in await uow.reviews.ballots(review.id):
        if ballot.closed_at is not None or ballot.closes_at is None:
            continue
        voted = await uow.reviews.voters(ballot.id)
        if waiting := tuple(p for p in eligible if p not in voted):
            sources.append(ReminderSource(features.BALLOTS, ballot.id, branch_id, plain("review", "closing_ballot"),
                                          ballot.closes_at.date(), waiting))
    return sources
