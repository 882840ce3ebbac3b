"""Queries of the superior's decisions on a review's proposals, and of a superior unit's rule-set options."""

from collections.abc import Iterable

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.decision_models import ReviewDecision, UnitOption
from storage.supervision_models import UnitBranch

# Read by every /buoc and /tinhhinh: built once, the values bound at each read (building a statement and its
# cache key cost about as much as running it on a review's few rows).
_DECIDED = (select(ReviewDecision.review_id, ReviewDecision.subject, ReviewDecision.proposed, ReviewDecision.decided,
                   ReviewDecision.reason)
            .where(ReviewDecision.review_id.in_(bindparam("ids", expanding=True))))
_BRANCH_OPTIONS = (select(UnitOption.key, UnitOption.value).join(UnitBranch, UnitBranch.unit_id == UnitOption.unit_id)
                   .where(UnitBranch.branch_id == bindparam("branch_id"), UnitOption.rule_set == bindparam("rule_set")))


class DecisionRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    def add(self, item: object) -> None:
        self.session.add(item)

    async def decisions(self, review_id: int) -> dict[str, ReviewDecision]:
        """The review's decisions by subject."""
        rows = await self.session.scalars(select(ReviewDecision).where(ReviewDecision.review_id == review_id))
        return {d.subject: d for d in rows}

    async def decided(self, review_ids: Iterable[int]) -> list[Row]:
        """(review_id, subject, proposed, decided, reason) of every decision of these reviews, loaded at once."""
        return list(await self.session.execute(_DECIDED, {"ids": list(review_ids)}))

    async def options(self, unit_id: int, rule_set: str) -> dict[str, UnitOption]:
        rows = await self.session.scalars(
            select(UnitOption).where(UnitOption.unit_id == unit_id, UnitOption.rule_set == rule_set))
        return {o.key: o for o in rows}

    async def branch_options(self, branch_id: int, rule_set: str) -> dict[str, str]:
        """The options the branch's superior unit set for this rule set; none for a branch outside any unit."""
        rows = await self.session.execute(_BRANCH_OPTIONS, {"branch_id": branch_id, "rule_set": rule_set})
        return dict(rows.all())
