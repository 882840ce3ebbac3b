"""A supervisor's read-only view of their branches: /tinhhinh's summary, one branch's drill-down, the nudge to a
secretary (once a day per branch), and the weekly summary with what changed since the last one.

Who reads what: a supervisor reads the branches linked to them (SupervisorLink); a superior unit's
administrator reads every branch of the unit. Nothing here changes a branch's data. The numbers come from
the same derivation as the secretary's /buoc (`review_progress.assemble`), loaded for all branches at once.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.domain.calendar.agenda import Agenda, build_agenda
from bot.domain.calendar.periods import this_month
from bot.domain.review.decision import Decided, proposals_of
from bot.domain.review.record import FeedbackFact, Record, StoredReview, VoteFact
from bot.domain.review.rules import load_rule_set
from bot.domain.supervision import BranchStatus, Totals, changes, snapshot, totals, worst_first
from bot.services.actor import Actor, superior_scope
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review_collect import member_state
from bot.services.review_progress import ChecklistItem, Progress, ReviewFacts, Tick, assemble, decisions_by_review
from bot.services.review_record import member_fact, superior_decides
from bot.services.task_mapper import calendar_tasks
from bot.texts import render
from storage.supervision_models import SupervisorSnapshot
from storage.supervision_repositories import BranchRow, EntryRow, ReviewRow
from storage.uow import UnitOfWork

WORST_IN_WEEKLY = 5
MESSAGE_LIMIT = 4096  # Telegram's longest text message, in UTF-16 code units
# The weekly summary is one message: its lists (what awaits, what changed) are cut to this many lines, then fewer.
WEEKLY_LIMITS = (40, 12, 5)
# Walkthroughs kept by the rows they were derived from: a superior unit's branches many times over.
WALKTHROUGHS_KEPT = 1024


async def _scope(uow: UnitOfWork, actor: Actor) -> set[int]:
    ids = await superior_scope(uow, actor.person_id) if actor.person_id is not None else set()
    if not ids:
        raise AccessDenied("not_supervisor")
    return ids


async def _readable(uow: UnitOfWork, actor: Actor, branch_id: int) -> None:
    """A branch outside the actor's scope is refused — forged button data included."""
    if branch_id not in await _scope(uow, actor):
        raise AccessDenied("foreign_branch", branch_id=branch_id)


# -- where many branches stand, loaded at once ------------------------------------------------------------


Outcomes = dict[str, str | None]  # a review's votes: subject → outcome


async def _progress(uow: UnitOfWork, reviews: list[ReviewRow],
                    names: dict[int, str]) -> dict[int, Progress]:
    """Each review's walkthrough, with its record (bot/domain/review/record.py)."""
    supervision = uow.supervision
    ids = [r.id for r in reviews]
    decisions = await decisions_by_review(uow, ids)
    entries: dict[int, list[EntryRow]] = defaultdict(list)
    for entry in await supervision.review_entries({r.branch_id: r.id for r in reviews}):
        entries[entry.review_id].append(entry)
    votes: dict[int, Outcomes] = defaultdict(dict)
    for review_id, subject, outcome in await supervision.votes(ids):
        votes[review_id][subject] = outcome
    answered: dict[int, list[bool]] = defaultdict(list)
    for review_id, answer in await supervision.feedback(ids):
        answered[review_id].append(bool(answer))
    sheets = {(review_id, subject): checked
              for review_id, subject, checked in await uow.reviews.assessment_checks(ids)}
    ticks: dict[int, dict[str, Tick]] = defaultdict(dict)
    for review_id, key, task_id, done in await uow.reviews.ticks(ids):
        ticks[review_id][key] = Tick(task_id, done)
    return {review.id: _walkthrough(
        review, names[review.branch_id],
        tuple([(e, sheets.get((review.id, f"member:{e.membership_id}"))) for e in entries[review.id]]),
        tuple(sorted(votes[review.id].items())), tuple(answered[review.id]), tuple(ticks[review.id].items()),
        tuple(decisions.get(review.id, {}).items()),
    ) for review in reviews}


@lru_cache(maxsize=WALKTHROUGHS_KEPT)
def _walkthrough(review: ReviewRow, branch_name: str, entries: tuple[tuple[EntryRow, bool | None], ...],
                 votes: tuple[tuple[str, str | None], ...], answered: tuple[bool, ...],
                 ticks: tuple[tuple[str, Tick], ...], decisions: tuple[tuple[str, Decided], ...]) -> Progress:
    """One review's walkthrough from the rows loaded for it; pure, so kept by those rows: a summary asked again
    over branches whose rows are unchanged derives nothing again (what a summary costs: bench_load's /tinhhinh),
    and any changed row is another key, derived afresh."""
    members = tuple([member_state(review, e, sheet) for e, sheet in entries])  # one call, not one per member
    proposals = proposals_of(votes)
    return assemble(ReviewFacts(
        review=review, branch_name=branch_name, members=members, ticks=dict(ticks),
        stored=StoredReview(  # what the summary reads: outcomes only where proposals, no counts, no texts
            members=tuple([member_fact(m) for m in members]),
            votes=tuple(VoteFact(subject, outcome=proposals.get(subject)) for subject, _ in votes),
            feedback=tuple(FeedbackFact(n, "person", done) for n, done in enumerate(answered)),
            decisions=dict(decisions), started_at=review.meeting_started_at,
            ended_at=review.meeting_ended_at, superior_decides=superior_decides(load_rule_set(review.rule_set)),
        ),
    ))


def _branch_level(record: Record) -> str | None:
    """The branch's own level as the record states it: the superior's decision where one exists, else the vote."""
    if record.branch_decision is not None:
        return record.branch_decision.level
    return record.branch.outcome if record.branch is not None else None


_SHOWN = frozenset({"self_reviews", "member_ballots", "report_superior"})  # the items a status states


def _status(branch: BranchRow, review: ReviewRow | None, p: Progress | None, overdue: int, secretary: str | None,
            today: date) -> BranchStatus:
    if review is None or p is None or p.record is None:
        return BranchStatus(branch.id, branch.name, "no_review", overdue_tasks=overdue, secretary=secretary)
    record = p.record  # the levels and what awaits the superior, as the papers and /buoc state them
    shown: dict[str, ChecklistItem] = {}
    late, required, complete = [], 0, 0
    for step in p.steps:  # one pass over the checklist: what the status shows, what is late, how much is done
        for i in step.items:
            if i.key in _SHOWN:
                shown.setdefault(i.key, i)
            if i.optional:
                continue
            required += 1
            if i.complete:
                complete += 1
            elif i.late(today):
                late.append(i.title)
    self_reviews, votes = shown["self_reviews"], shown["member_ballots"]
    return BranchStatus(
        branch_id=branch.id, name=branch.name, phase=p.phase, year=review.year,
        self_reviews=(self_reviews.done, self_reviews.total),
        meeting_on=review.meeting_on,
        meeting_held=review.meeting_started_at is not None,
        votes=(votes.done, votes.total),
        report_filed=shown["report_superior"].complete,
        overdue_tasks=overdue,
        late_items=tuple(late),
        checklist=(complete, required),
        member_levels={share.level: share.count for share in record.levels if share.count},
        branch_level=_branch_level(record),
        branch_score=review.branch_score,
        secretary=secretary,
        awaiting_members=sum(1 for c in record.classified if not c.final),
        awaiting_branch=record.branch_awaits,
        decided=sum(1 for c in record.classified if c.decision is not None) + (record.branch_decision is not None),
    )


async def _load(uow: UnitOfWork, branch_ids: Iterable[int], today: date) -> list[tuple[BranchStatus, Progress | None]]:
    """Each branch's status and review walkthrough, from a fixed number of queries whatever their number."""
    ids = sorted(set(branch_ids))
    supervision = uow.supervision
    branches = await supervision.branches(ids)
    names = {b.id: b.name for b in branches}
    reviews = {r.branch_id: r for r in await supervision.latest_reviews(ids)}
    progress = await _progress(uow, list(reviews.values()), names)
    overdue = await supervision.overdue_counts(ids, today)
    secretaries = await supervision.secretaries(ids)
    found = []
    for branch in branches:
        review = reviews.get(branch.id)
        p = progress.get(review.id) if review else None
        secretary = secretaries.get(branch.id)
        status = _status(branch, review, p, overdue.get(branch.id, 0), secretary.full_name if secretary else None,
                         today)
        found.append((status, p))
    return found


async def statuses(uow: UnitOfWork, branch_ids: Iterable[int], today: date) -> list[BranchStatus]:
    return [status for status, _ in await _load(uow, branch_ids, today)]


# -- /tinhhinh ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    branches: tuple[BranchStatus, ...]  # worst first
    totals: Totals


async def overview(uow: UnitOfWork, actor: Actor, today: date) -> Overview:
    ranked = worst_first(await statuses(uow, await _scope(uow, actor), today))
    return Overview(tuple(ranked), totals(ranked))


@dataclass(frozen=True)
class BranchView:
    status: BranchStatus
    progress: Progress | None  # None before the branch starts its review
    agenda: Agenda  # this month's calendar: overdue and due
    supervisors: tuple[str, ...]


async def branch_view(uow: UnitOfWork, actor: Actor, branch_id: int, today: date) -> BranchView:
    """One branch, read-only: its review walkthrough and this month's calendar."""
    await _readable(uow, actor, branch_id)
    [(status, progress)] = await _load(uow, [branch_id], today)
    tasks = await calendar_tasks(uow, branch_id)
    agenda = build_agenda(tasks, this_month(today), today, only_branch=True)
    supervisors = (await uow.supervision.supervisors_of([branch_id])).get(branch_id, [])
    return BranchView(status, progress, agenda, tuple(supervisors))


# -- the nudge ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nudge:
    status: BranchStatus
    secretary_chat: int
    secretary_name: str
    supervisor_name: str
    day: date


async def nudge(uow: UnitOfWork, actor: Actor, branch_id: int, now: datetime, tz: ZoneInfo) -> Nudge:
    """Records a nudge to the branch's secretary — at most one a day per branch, whoever sends it — and
    returns what to tell her; the caller sends it."""
    await _readable(uow, actor, branch_id)
    today = now.astimezone(tz).date()
    [status] = await statuses(uow, [branch_id], today)
    secretary = (await uow.supervision.secretaries([branch_id])).get(branch_id)
    if secretary is None or secretary.chat_id() is None:
        raise ServiceError("secretary_unreachable", name=status.name)
    if not await uow.supervision.add_nudge(branch_id, actor.person_id, today, now):
        raise ServiceError("already_nudged", name=status.name)
    uow.audit(now, actor.person_id, branch_id, "supervision.nudge")
    await uow.commit()
    return Nudge(status, secretary.chat_id(), secretary.full_name, actor.full_name or "", today)


async def nudge_undelivered(uow: UnitOfWork, actor: Actor, sent: Nudge, now: datetime) -> None:
    """A nudge that did not reach the secretary is not the day's nudge: its record goes, so it can be sent again."""
    await uow.supervision.drop_nudge(sent.status.branch_id, sent.day)
    uow.audit(now, actor.person_id, sent.status.branch_id, "supervision.nudge_undelivered")
    await uow.commit()


# -- the weekly summary ------------------------------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def weekly_summary(uow: UnitOfWork, supervisor_person_id: int, now: datetime, tz: ZoneInfo) -> str | None:
    """This week's summary for one supervisor, with what changed since the last one (levels the superior decided
    among it) and the branches whose proposals await the superior's decision; None when they read no
    branch or already had this week's. The new snapshot is added to the session, not committed: the caller
    commits it together with the outbox row that carries the text, so a summary is never lost between them."""
    ids = await superior_scope(uow, supervisor_person_id)
    if not ids:
        return None
    today = now.astimezone(tz).date()
    stored = await uow.supervision.snapshot(supervisor_person_id)
    if stored is not None and stored.week == iso_week(today):
        return None
    ranked = worst_first(await statuses(uow, ids, today))
    current = snapshot(ranked)
    previous, since = (None, None) if stored is None else (json.loads(stored.data), stored.taken_at.astimezone(tz))
    if stored is None:
        stored = SupervisorSnapshot(person_id=supervisor_person_id)
        uow.supervision.add(stored)
    stored.week, stored.taken_at, stored.data = iso_week(today), now, json.dumps(current, ensure_ascii=False)
    await uow.flush()
    found = changes(previous, current)
    awaiting = [s for s in ranked if s.awaits_decision]
    for limit in WEEKLY_LIMITS:
        text = render("supervisor", "weekly", t=totals(ranked), changes=found, since=since,
                      worst=ranked[:WORST_IN_WEEKLY], awaiting=awaiting, limit=limit)
        if len(text.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT:
            break
    return text
