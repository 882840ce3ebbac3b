"""A supervisor's view of many branches, pure: where each branch stands, worst first, the totals, and what
changed since the last weekly summary.

"Worst first" means, in this order:
1. the most things late — the review's late checklist items plus the calendar's overdue tasks;
2. the least advanced review (not started, no meeting date, preparing, meeting, report, done);
3. the smallest share of required checklist items complete;
4. the name, as Vietnamese is sorted (without diacritics first).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache

from bot.domain.text import fold

# The review's phases, least advanced first ("no_review": the branch has not started one).
PHASES = ("no_review", "no_meeting_date", "prepare", "meeting", "report", "done")
# The step a phase belongs to: 0 before the review starts, then 1, 2 or 3; 4 once everything is done.
STEP_OF = {"no_review": 0, "no_meeting_date": 1, "prepare": 1, "meeting": 2, "report": 3, "done": 4}


@dataclass(frozen=True)
class BranchStatus:
    branch_id: int
    name: str
    phase: str  # one of PHASES
    year: int | None = None
    self_reviews: tuple[int, int] = (0, 0)  # handed in / members who review this year
    meeting_on: date | None = None  # planned, or held
    meeting_held: bool = False  # the meeting has started
    votes: tuple[int, int] = (0, 0)  # members whose vote is recorded / members classified at the meeting
    report_filed: bool = False  # the report to the superior is ticked
    overdue_tasks: int = 0  # the branch's own calendar tasks past their due date
    late_items: tuple[str, ...] = ()  # titles of the review's required checklist items past their date
    checklist: tuple[int, int] = (0, 0)  # required checklist items complete / required items
    member_levels: Mapping[str, int] = field(default_factory=dict)  # level code → members classified so
    branch_level: str | None = None  # the branch's own classification, once voted
    branch_score: int | None = None
    secretary: str | None = None  # the secretary's name, None when the branch has none yet
    awaiting_members: int = 0  # members whose proposed level awaits the superior's decision
    awaiting_branch: bool = False  # the branch's own proposed level awaits it
    decided: int = 0  # proposals (members' and the branch's) the superior has decided

    @property
    def awaits_decision(self) -> bool:
        return bool(self.awaiting_members) or self.awaiting_branch

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"unknown phase {self.phase!r}")

    @property
    def late(self) -> int:
        return len(self.late_items) + self.overdue_tasks

    @property
    def completion(self) -> Fraction:
        done, total = self.checklist
        return Fraction(done, total) if total else Fraction(0)

    @property
    def step(self) -> int:
        """0 before the review starts, then 1, 2 or 3; 4 once everything is done."""
        return STEP_OF[self.phase]


# Branch names folded for the sort, kept: every /tinhhinh sorts the same names (folding 30: 4% of its CPU).
_folded_name = lru_cache(maxsize=16_384)(fold)


def severity(status: BranchStatus) -> tuple:
    """The sort key of "worst first" (see the module's docstring)."""
    return (-status.late, PHASES.index(status.phase), status.completion, _folded_name(status.name),
            status.branch_id)


def worst_first(statuses: Iterable[BranchStatus]) -> list[BranchStatus]:
    return sorted(statuses, key=severity)


@dataclass(frozen=True)
class Totals:
    branches: int
    by_phase: Mapping[str, int]
    behind: int  # branches with something late
    self_reviews: tuple[int, int]
    meetings_held: int
    votes: tuple[int, int]
    reports_filed: int
    overdue_tasks: int
    late_items: int
    member_levels: Mapping[str, int]
    branch_levels: Mapping[str, int]
    year: int | None  # the year most branches are reviewing
    awaiting: tuple[int, int] = (0, 0)  # members awaiting the superior's decision / branches with anything awaiting
    awaiting_member_branches: int = 0  # branches with members awaiting it
    awaiting_branch_levels: int = 0  # branches whose own level awaits it


def totals(statuses: Iterable[BranchStatus]) -> Totals:
    items = list(statuses)
    members: Counter[str] = Counter()
    for s in items:
        members.update(s.member_levels)
    years = Counter(s.year for s in items if s.year is not None)
    return Totals(
        branches=len(items),
        by_phase={phase: sum(1 for s in items if s.phase == phase) for phase in PHASES},
        behind=sum(1 for s in items if s.late),
        self_reviews=(sum(s.self_reviews[0] for s in items), sum(s.self_reviews[1] for s in items)),
        meetings_held=sum(1 for s in items if s.meeting_held),
        votes=(sum(s.votes[0] for s in items), sum(s.votes[1] for s in items)),
        reports_filed=sum(1 for s in items if s.report_filed),
        overdue_tasks=sum(s.overdue_tasks for s in items),
        late_items=sum(len(s.late_items) for s in items),
        member_levels=dict(members),
        branch_levels=dict(Counter(s.branch_level for s in items if s.branch_level)),
        year=max(years, key=lambda y: (years[y], y)) if years else None,
        awaiting=(sum(s.awaiting_members for s in items), sum(1 for s in items if s.awaits_decision)),
        awaiting_member_branches=sum(1 for s in items if s.awaiting_members),
        awaiting_branch_levels=sum(1 for s in items if s.awaiting_branch),
    )


# -- the weekly summary: a snapshot per supervisor, and what changed since the last one -------------------


def snapshot(statuses: Iterable[BranchStatus]) -> dict[str, dict]:
    """What the next summary compares against; JSON-ready, keyed by the branch id as text."""
    return {
        str(s.branch_id): {
            "name": s.name, "phase": s.phase, "self_reviews": list(s.self_reviews), "meeting_held": s.meeting_held,
            "votes": list(s.votes), "report_filed": s.report_filed, "overdue": s.overdue_tasks, "late": s.late,
            "branch_level": s.branch_level, "decided": s.decided,
        }
        for s in statuses
    }


@dataclass(frozen=True)
class Change:
    branch_id: int
    name: str
    code: str  # see CHANGE_CODES
    before: object = None
    after: object = None


# In the order a branch's changes are told.
CHANGE_CODES = ("new_branch", "gone", "phase", "meeting_held", "self_reviews", "votes", "branch_level",
                "decided", "report_filed", "late_more", "late_fewer")


def _branch_changes(branch_id: int, old: Mapping, new: Mapping) -> list[Change]:
    name = new["name"]
    found: list[Change] = []

    def add(code: str, before: object = None, after: object = None) -> None:
        found.append(Change(branch_id, name, code, before, after))

    if old["phase"] != new["phase"]:
        add("phase", old["phase"], new["phase"])
    if new["meeting_held"] and not old["meeting_held"]:
        add("meeting_held")
    if new["self_reviews"][0] > old["self_reviews"][0]:
        add("self_reviews", tuple(old["self_reviews"]), tuple(new["self_reviews"]))
    if new["votes"][0] > old["votes"][0]:
        add("votes", tuple(old["votes"]), tuple(new["votes"]))
    if new["branch_level"] and new["branch_level"] != old["branch_level"]:
        add("branch_level", old["branch_level"], new["branch_level"])
    if new["decided"] > old.get("decided", 0):  # a snapshot stored before decisions were counted has none
        add("decided", old.get("decided", 0), new["decided"])
    if new["report_filed"] and not old["report_filed"]:
        add("report_filed")
    if new["late"] > old["late"]:
        add("late_more", old["late"], new["late"])
    elif new["late"] < old["late"]:
        add("late_fewer", old["late"], new["late"])
    return found


def changes(previous: Mapping[str, Mapping] | None, current: Mapping[str, Mapping]) -> list[Change]:
    """What changed from one snapshot to the next, branch by branch in the current snapshot's order; branches
    no longer in it come last. With no previous snapshot there is nothing to compare: no changes."""
    if previous is None:
        return []
    found: list[Change] = []
    for key, new in current.items():
        old = previous.get(key)
        if old is None:
            found.append(Change(int(key), new["name"], "new_branch"))
        else:
            found.extend(_branch_changes(int(key), old, new))
    found.extend(Change(int(key), old["name"], "gone") for key, old in previous.items() if key not in current)
    return found
