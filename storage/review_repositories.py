"""Queries of the annual review."""

from collections.abc import Iterable

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Membership, Task
from storage.review_models import (
    Ballot,
    BallotKey,
    BallotTally,
    BallotVoter,
    Review,
    ReviewAssessment,
    ReviewFeedback,
    ReviewMember,
    ReviewTask,
    ReviewVote,
)

# The walkthrough's statements (/buoc), built once with the review bound at each read: building a statement and
# its cache key costs more than running it on a branch's dozen rows.
_REVIEW = bindparam("review_id")
_IDS = bindparam("ids", expanding=True)
_LATEST = select(Review).where(Review.branch_id == bindparam("branch_id")).order_by(Review.year.desc()).limit(1)
_MEMBERS = select(ReviewMember).where(ReviewMember.review_id == _REVIEW).order_by(ReviewMember.id)
# The roster's entries the review has no record of yet (added after it started): ids only, none at almost every read.
_UNRECORDED = (select(Membership.id)
               .where(Membership.branch_id == bindparam("branch_id"),
                      ~exists().where(ReviewMember.review_id == _REVIEW, ReviewMember.membership_id == Membership.id))
               .order_by(Membership.id))
_FEEDBACK = select(ReviewFeedback).where(ReviewFeedback.review_id == _REVIEW).order_by(ReviewFeedback.id)
_VOTES = select(ReviewVote).where(ReviewVote.review_id == _REVIEW)
_BALLOTS = select(Ballot).where(Ballot.review_id == _REVIEW).order_by(Ballot.id)
_CHECKS = (select(ReviewAssessment.review_id, ReviewAssessment.subject, ReviewAssessment.reviewed_at.is_not(None))
           .where(ReviewAssessment.review_id.in_(_IDS)))
# Each step's task read by its key (a subquery per row): joined, PostgreSQL hashed the whole task table for a
# summary's few hundred steps (9 ms at 1,000 branches, 0.8 ms so). A step's task exists (its foreign key cascades).
_TICKS = select(ReviewTask.review_id, ReviewTask.procedure_key, ReviewTask.task_id,
                select(Task.done_at.is_not(None)).where(Task.id == ReviewTask.task_id).scalar_subquery()
                ).where(ReviewTask.review_id.in_(_IDS))


class ReviewRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: object) -> None:
        self.session.add(item)

    async def latest(self, branch_id: int) -> Review | None:
        return await self.session.scalar(_LATEST, {"branch_id": branch_id})

    async def for_year(self, branch_id: int, year: int) -> Review | None:
        return await self.session.scalar(select(Review).where(Review.branch_id == branch_id, Review.year == year))

    async def members(self, review_id: int) -> list[ReviewMember]:
        return list(await self.session.scalars(_MEMBERS, {"review_id": review_id}))

    async def unrecorded(self, review_id: int, branch_id: int) -> list[int]:
        """The ids of the branch's roster entries this review has no member record of, in roster order."""
        return list(await self.session.scalars(_UNRECORDED, {"review_id": review_id, "branch_id": branch_id}))

    async def member(self, review_id: int, membership_id: int) -> ReviewMember | None:
        return await self.session.scalar(
            select(ReviewMember).where(ReviewMember.review_id == review_id,
                                       ReviewMember.membership_id == membership_id)
        )

    async def feedback(self, review_id: int) -> list[ReviewFeedback]:
        return list(await self.session.scalars(_FEEDBACK, {"review_id": review_id}))

    async def feedback_item(self, feedback_id: int) -> ReviewFeedback | None:
        return await self.session.get(ReviewFeedback, feedback_id)

    async def votes(self, review_id: int) -> dict[str, ReviewVote]:
        return {v.subject: v for v in await self.session.scalars(_VOTES, {"review_id": review_id})}

    async def tasks(self, review_id: int) -> list[ReviewTask]:
        rows = await self.session.scalars(select(ReviewTask).where(ReviewTask.review_id == review_id))
        return list(rows)

    async def ballot(self, ballot_id: int, *, for_update: bool = False) -> Ballot | None:
        query = select(Ballot).where(Ballot.id == ballot_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def ballot_key(self) -> BallotKey | None:
        """The one key that seals the ballots (row 1), or None before the first ballot."""
        return await self.session.get(BallotKey, 1)

    async def ballots(self, review_id: int) -> list[Ballot]:
        return list(await self.session.scalars(_BALLOTS, {"review_id": review_id}))

    async def voter(self, ballot_id: int, person_id: int) -> BallotVoter | None:
        return await self.session.scalar(
            select(BallotVoter).where(BallotVoter.ballot_id == ballot_id, BallotVoter.person_id == person_id)
            .with_for_update()
        )

    async def voters(self, ballot_id: int) -> set[int]:
        return set(await self.session.scalars(select(BallotVoter.person_id).where(BallotVoter.ballot_id == ballot_id)))

    async def tally(self, ballot_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(BallotTally.choice, BallotTally.count).where(BallotTally.ballot_id == ballot_id)
        )
        return dict(rows.all())

    async def tally_row(self, ballot_id: int, choice: str) -> BallotTally | None:
        return await self.session.scalar(
            select(BallotTally).where(BallotTally.ballot_id == ballot_id, BallotTally.choice == choice)
            .with_for_update()
        )

    async def assessments(self, review_id: int) -> dict[str, ReviewAssessment]:
        rows = await self.session.scalars(select(ReviewAssessment).where(ReviewAssessment.review_id == review_id))
        return {a.subject: a for a in rows}

    async def assessment(self, review_id: int, subject: str) -> ReviewAssessment | None:
        return await self.session.scalar(
            select(ReviewAssessment).where(ReviewAssessment.review_id == review_id,
                                           ReviewAssessment.subject == subject)
        )

    async def assessment_checks(self, review_ids: Iterable[int]) -> list[tuple[int, str, bool]]:
        """(review id, subject, checked by the committee) of every sheet of these reviews, in one query."""
        return [tuple(row) for row in await self.session.execute(_CHECKS, {"ids": list(review_ids)})]

    async def ticks(self, review_ids: Iterable[int]) -> list[tuple[int, str, int, bool]]:
        """(review id, procedure key, task id, ticked) of the calendar tasks of these reviews' steps, in one query."""
        return [tuple(row) for row in await self.session.execute(_TICKS, {"ids": list(review_ids)})]
