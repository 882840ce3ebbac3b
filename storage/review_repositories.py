"""Queries of the annual review."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Task
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


class ReviewRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: object) -> None:
        self.session.add(item)

    async def latest(self, branch_id: int) -> Review | None:
        return await self.session.scalar(
            select(Review).where(Review.branch_id == branch_id).order_by(Review.year.desc()).limit(1)
        )

    async def for_year(self, branch_id: int, year: int) -> Review | None:
        return await self.session.scalar(select(Review).where(Review.branch_id == branch_id, Review.year == year))

    async def members(self, review_id: int) -> list[ReviewMember]:
        rows = await self.session.scalars(
            select(ReviewMember).where(ReviewMember.review_id == review_id).order_by(ReviewMember.id)
        )
        return list(rows)

    async def member(self, review_id: int, membership_id: int) -> ReviewMember | None:
        return await self.session.scalar(
            select(ReviewMember).where(ReviewMember.review_id == review_id,
                                       ReviewMember.membership_id == membership_id)
        )

    async def feedback(self, review_id: int) -> list[ReviewFeedback]:
        rows = await self.session.scalars(
            select(ReviewFeedback).where(ReviewFeedback.review_id == review_id).order_by(ReviewFeedback.id)
        )
        return list(rows)

    async def feedback_item(self, feedback_id: int) -> ReviewFeedback | None:
        return await self.session.get(ReviewFeedback, feedback_id)

    async def votes(self, review_id: int) -> dict[str, ReviewVote]:
        rows = await self.session.scalars(select(ReviewVote).where(ReviewVote.review_id == review_id))
        return {v.subject: v for v in rows}

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
        rows = await self.session.scalars(select(Ballot).where(Ballot.review_id == review_id).order_by(Ballot.id))
        return list(rows)

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
        rows = await self.session.execute(
            select(ReviewAssessment.review_id, ReviewAssessment.subject, ReviewAssessment.reviewed_at)
            .where(ReviewAssessment.review_id.in_(list(review_ids)))
        )
        return [(review_id, subject, reviewed_at is not None) for review_id, subject, reviewed_at in rows]

    async def ticks(self, review_ids: Iterable[int]) -> list[tuple[int, str, int, bool]]:
        """(review id, procedure key, task id, ticked) of the calendar tasks of these reviews' steps, in one query."""
        rows = await self.session.execute(
            select(ReviewTask.review_id, ReviewTask.procedure_key, Task.id, Task.done_at.is_not(None))
            .join(Task, Task.id == ReviewTask.task_id).where(ReviewTask.review_id.in_(list(review_ids))))
        return [tuple(row) for row in rows]
