"""The branch proposes, the superior decides (QĐ 366 Điều 12 §1 "Bước 2: Thẩm định và đề xuất mức xếp loại",
"Bước 3: Cấp có thẩm quyền quyết định"; Điều 13 "Cấp uỷ cấp trên trực tiếp xem xét, quyết định việc đánh giá,
xếp loại các tập thể, cá nhân"). Pure: which proposals stand decided and which still await the superior.

A decision holds the proposal it was taken on. When the branch's proposal changes afterwards (a meeting
reopened, a vote recorded again), the old decision no longer answers it: the proposal awaits again.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

BRANCH_SUBJECT = "branch"
MEMBER_PREFIX = "member:"


def is_classified_subject(subject: str) -> bool:
    """The subjects the superior decides on: each member and the branch (not the committee report's adoption)."""
    return subject == BRANCH_SUBJECT or subject.startswith(MEMBER_PREFIX)


def proposals_of(outcomes: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """The branch's proposals among a review's recorded outcomes (subject, outcome): those with a level."""
    return {subject: outcome for subject, outcome in outcomes if outcome and is_classified_subject(subject)}


@dataclass(frozen=True)
class Decided:
    proposed: str  # the proposal the decision was taken on
    level: str
    reason: str | None = None


@dataclass(frozen=True)
class Standing:
    """One proposal and where it stands with the superior."""

    subject: str
    name: str | None  # the member's name; None for the branch
    proposed: str
    decided: str | None  # None while it awaits the superior
    reason: str | None = None

    @property
    def final(self) -> bool:
        return self.decided is not None

    @property
    def changed(self) -> bool:
        return self.decided is not None and self.decided != self.proposed

    @property
    def is_branch(self) -> bool:
        return self.subject == BRANCH_SUBJECT


def standings(proposals: Mapping[str, str], decisions: Mapping[str, Decided],
              names: Iterable[tuple[str, str]]) -> tuple[Standing, ...]:
    """Every proposal, members in the given order (subject, name) and the branch last (QĐ 366 Điều 12 §2 (3):
    those under the organisation are classified before it)."""
    found = []
    for subject, name in [*names, (BRANCH_SUBJECT, None)]:
        proposed = proposals.get(subject)
        if proposed is None:
            continue
        decision = decisions.get(subject)
        current = decision is not None and decision.proposed == proposed
        found.append(Standing(subject, name, proposed, decision.level if current else None,
                              decision.reason if current else None))
    return tuple(found)


def awaiting(items: Iterable[Standing]) -> list[Standing]:
    return [s for s in items if not s.final]
