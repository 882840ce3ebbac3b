"""Where a branch stands in its review (/buoc): the current step, its checklist, what is late, the next action.

Progress is derived from the stored facts (self-reviews received, votes recorded, calendar ticks), never
kept as a separate counter that could drift.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from bot.domain.review.decision import MEMBER_PREFIX, Decided, Standing, proposals_of, standings
from bot.domain.review.procedure import Procedure, dated_tasks, load_procedure
from bot.domain.review.record import Record, StoredReview, derive
from bot.domain.review.rules import load_rule_set
from bot.services.actor import Actor
from bot.services.review import SCORE_TASKS, open_review
from bot.services.review_collect import MemberState
from bot.services.review_record import load
from storage.review_models import Review
from storage.uow import UnitOfWork

# Checklist keys whose progress comes from the review's own records; all others are calendar ticks.
COUNTED = frozenset({"self_reviews", "assessment_sheets", "assessment_checked", "residence_forms_out",
                     "residence_comments_in", "named_feedback", "committee_report_adopted", "branch_ballot",
                     "self_reviews_presented", "member_ballots", "feedback_answered"})


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    done: int
    total: int  # 0 when only a count makes sense (named feedback)
    due: date | None
    task_id: int | None  # the calendar task to tick, for items done by hand
    optional: bool

    @property
    def complete(self) -> bool:
        return self.done >= self.total if self.total else self.done > 0

    def late(self, today: date) -> bool:
        return not self.complete and not self.optional and self.due is not None and self.due < today


@dataclass(frozen=True)
class StepView:
    key: str
    title: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Progress:
    review_id: int
    year: int
    branch_name: str
    meeting_at: object
    meeting_place: str | None
    rule_set: str
    secret_ballot: bool
    outstanding: bool  # the branch's outstanding results: the larger HTXSNV quota
    phase: str  # "no_meeting_date", "prepare", "meeting", "report", "done"
    steps: tuple[StepView, ...]
    members: tuple[MemberState, ...]
    decisions: tuple[Standing, ...] = ()  # once the meeting has ended, where the superior decides: each proposal
    record: Record | None = None  # every figure of the review (bot/domain/review/record.py)

    @property
    def current(self) -> StepView | None:
        wanted = {"no_meeting_date": "prepare"}.get(self.phase, self.phase)
        return next((s for s in self.steps if s.key == wanted), None)

    def late(self, today: date) -> list[ChecklistItem]:
        return [i for s in self.steps for i in s.items if i.late(today)]

    @property
    def reviewing(self) -> list[MemberState]:
        return [m for m in self.members if m.reviews]


def _phase(review: Review, steps: tuple[StepView, ...]) -> str:
    if review.meeting_on is None:
        return "no_meeting_date"
    if review.meeting_started_at is None:
        return "prepare"
    if review.meeting_ended_at is None:
        return "meeting"
    report = next(s for s in steps if s.key == "report")
    return "done" if all(i.complete or i.optional for i in report.items) else "report"


class Tick(NamedTuple):
    """A procedure step's calendar task: its id and whether it is ticked."""

    task_id: int
    done: bool


@dataclass(frozen=True)
class ReviewFacts:
    """What a review's progress is derived from. /buoc loads it for one review (everything stored); a supervisor's
    summary loads it for many reviews at once (bot/services/supervision.py: what its figures need), so both show
    the same numbers."""

    review: Review
    branch_name: str
    members: tuple[MemberState, ...]
    ticks: Mapping[str, Tick]  # procedure key → its calendar task
    stored: StoredReview  # the record's facts (bot/domain/review/record.py)


def _counts(facts: ReviewFacts, record: Record) -> dict[str, tuple[int, int]]:
    reviewing = [m for m in facts.members if m.reviews]
    voted, reviewed = len(record.member_votes), len(record.reviewed)
    return {
        "self_reviews": (record.self_reviews.done, record.self_reviews.total),
        "assessment_sheets": (len([m for m in reviewing if m.assessment in ("filled", "checked")]), len(reviewing)),
        "assessment_checked": (len([m for m in reviewing if m.assessment == "checked"]), len(reviewing)),
        "residence_forms_out": (record.residence_requested.done, record.residence_requested.total),
        "residence_comments_in": (record.residence_received.done, record.residence_received.total),
        "named_feedback": (len(record.named_feedback), 0),
        "committee_report_adopted": (int(record.committee_report is not None), 1),
        "branch_ballot": (int(record.branch is not None), 1),
        "self_reviews_presented": (reviewed if record.ended_at else voted, reviewed),
        "member_ballots": (voted, reviewed),
        "feedback_answered": (len(record.answered), len(record.named_feedback)),
    }


@lru_cache(maxsize=1024)
def _due_dates(meeting_on: date) -> Mapping[str, date]:
    """Each task's due date for a meeting on that day, in the procedure (loaded once, never changed)."""
    return MappingProxyType({t.key: t.due for t in dated_tasks(load_procedure(), {"meeting": meeting_on})})


def assemble(facts: ReviewFacts) -> Progress:
    """The walkthrough of one review from its facts; pure."""
    review = facts.review
    procedure: Procedure = load_procedure()
    due = _due_dates(review.meeting_on) if review.meeting_on else {}
    record = derive(facts.stored)
    counts = _counts(facts, record)
    steps = []
    scored = load_rule_set(review.rule_set).uses_scores
    for step in procedure.steps:
        items = []
        for task in step.tasks:
            if task.key in SCORE_TASKS and not scored:
                continue
            tick = facts.ticks.get(task.key)
            done, total = counts.get(task.key) or (int(tick is not None and tick.done), 1)
            items.append(ChecklistItem(
                key=task.key, title=task.title, done=done, total=total,
                due=due.get(task.key),
                task_id=tick.task_id if tick is not None and task.key not in COUNTED else None,
                optional=task.optional,
            ))
        steps.append(StepView(step.key, step.title, tuple(items)))
    steps_t = tuple(steps)
    return Progress(
        review_id=review.id, year=review.year, branch_name=facts.branch_name, meeting_at=review.meeting_at,
        meeting_place=review.meeting_place, rule_set=review.rule_set, secret_ballot=review.secret_ballot,
        outstanding=review.outstanding,
        phase=_phase(review, steps_t), steps=steps_t, members=facts.members,
        decisions=standings(proposals_of((v.subject, v.outcome) for v in facts.stored.votes), facts.stored.decisions,
                            ((f"{MEMBER_PREFIX}{m.membership_id}", m.full_name) for m in facts.members))
        if review.meeting_ended_at and record.superior_decides else (),  # the 2014 vote is final: nothing awaits
        record=record,
    )


async def decisions_by_review(uow: UnitOfWork, review_ids: Iterable[int]) -> dict[int, dict[str, Decided]]:
    """The superior's decisions of these reviews (review id → subject → decision), loaded at once."""
    found: dict[int, dict[str, Decided]] = defaultdict(dict)
    for review_id, subject, proposed, level, reason in await uow.decisions.decided(review_ids):
        found[review_id][subject] = Decided(proposed, level, reason)
    return found


async def progress(uow: UnitOfWork, actor: Actor, *, manage: bool = False) -> Progress:
    return await progress_of(uow, await open_review(uow, actor, manage=manage))


async def progress_of(uow: UnitOfWork, review: Review) -> Progress:
    """One review's walkthrough, whoever reads it (access is the caller's)."""
    loaded = await load(uow, review)
    branch = await uow.branches.heading(review.branch_id)
    return assemble(ReviewFacts(
        review=review, branch_name=branch.name, members=loaded.members,
        ticks={key: Tick(task_id, done) for _, key, task_id, done in await uow.reviews.ticks([review.id])},
        stored=loaded.stored,
    ))
