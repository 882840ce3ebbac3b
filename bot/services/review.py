"""The annual review of a branch: starting it, its meeting date, and where it stands (the walkthrough)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from bot.domain.dates import parse_date
from bot.domain.review.procedure import dated_tasks, load_procedure
from bot.domain.review.rules import default_rule_set, load_rule_set, rule_sets
from bot.domain.review.timeline import Warning, meeting_warnings
from bot.domain.text import fold, squeeze
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.texts import plain
from storage.models import Task
from storage.review_models import Review, ReviewMember, ReviewTask
from storage.uow import UnitOfWork

FIRST_YEAR, LAST_YEAR = 2000, 2100
# Procedure tasks about the assessment sheet: only a rule set that reads scores asks for them.
SCORE_TASKS = frozenset({"assessment_sheets", "assessment_checked"})


async def open_review(uow: UnitOfWork, actor: Actor, *, manage: bool = True) -> Review:
    """The branch's latest review; managing it is the secretary's, reading it also the deputy's."""
    if manage:
        branch_id = actor.secretary_branch().branch_id
    elif actor.home is not None and actor.can_read(actor.home.branch_id):
        branch_id = actor.home.branch_id
    else:
        raise AccessDenied("not_secretary")
    review = await uow.reviews.latest(branch_id)
    if review is None:
        raise ServiceError("no_review")
    return review


@dataclass(frozen=True)
class Started:
    review_id: int
    year: int
    members: int
    rule_set_name: str
    created: bool


async def start_review(uow: UnitOfWork, actor: Actor, year: int, now: datetime) -> Started:
    home = actor.secretary_branch()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ServiceError("bad_year", year=year)
    repo = uow.reviews
    review = await repo.for_year(home.branch_id, year)
    created = review is None
    if created:
        review = Review(branch_id=home.branch_id, year=year, rule_set=default_rule_set(year), started_at=now,
                        started_by=actor.person_id)
        repo.add(review)
        await uow.flush()
        for membership in await uow.branches.roster(home.branch_id):
            repo.add(ReviewMember(review_id=review.id, membership_id=membership.id))
        uow.audit(now, actor.person_id, home.branch_id, "review.start", review_id=review.id, year=year)
        await uow.commit()
    members = len(await repo.members(review.id))
    return Started(review.id, year, members, load_rule_set(review.rule_set).name, created)


async def sync_roster(uow: UnitOfWork, review: Review) -> list[ReviewMember]:
    """Members added to the roster after the review started join it; removed ones left by cascade."""
    repo = uow.reviews
    entries = await repo.members(review.id)
    missing = await repo.unrecorded(review.id, review.branch_id)  # ids only: rows are read only when some join
    if not missing:
        return entries
    for membership_id in missing:
        repo.add(ReviewMember(review_id=review.id, membership_id=membership_id))
    # Kept at once, even when reached from a read: otherwise each later read would add them again.
    # Callers sync before they change anything, so nothing half-done is committed with them.
    await uow.commit()
    return await repo.members(review.id)


_MEETING = re.compile(r"^\s*(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})(?:\s+(\d{1,2})[:hg](\d{2})?)?\s*(?:,\s*(.+))?$")
DEFAULT_MEETING_TIME = time(8, 0)  # a meeting day given without an hour


def meeting_time(day: date, tz: tzinfo, at: time = DEFAULT_MEETING_TIME) -> datetime:
    """The meeting's local time on that day, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=tz)


def parse_meeting(text: str, tz: tzinfo) -> tuple[datetime, str | None]:
    """'20/12/2026 08:00, Hội trường' (the hour and the place may be left out) → the time and the place;
    ValueError for anything else."""
    match = _MEETING.match(text)
    if not match:
        raise ValueError(text)
    day, hour, minute, place = match.groups()
    at = time(int(hour), int(minute or 0)) if hour else DEFAULT_MEETING_TIME
    return meeting_time(parse_date(day), tz, at), place


@dataclass(frozen=True)
class MeetingSet:
    meeting_at: datetime
    place: str | None
    tasks: int


async def set_meeting(uow: UnitOfWork, actor: Actor, *, at: datetime, place: str | None,
                      now: datetime) -> MeetingSet:
    """The meeting's date and time; the procedure's tasks enter (or move in) the branch calendar."""
    review = await open_review(uow, actor)
    if review.meeting_started_at is not None:
        raise ServiceError("review_meeting_started")
    if at.tzinfo is None:
        raise ValueError("meeting time must be aware")
    if at.year != review.year and at.year != review.year + 1:
        raise ServiceError("meeting_wrong_year", year=review.year)
    review.meeting_at, review.meeting_on = at, at.date()
    review.meeting_place = squeeze(place)[:200] if place else review.meeting_place
    home = actor.secretary_branch()
    existing = {rt.procedure_key: rt.task for rt in await uow.reviews.tasks(review.id)}
    scored = load_rule_set(review.rule_set).uses_scores
    dated_list = [d for d in dated_tasks(load_procedure(), {"meeting": review.meeting_on})
                  if scored or d.key not in SCORE_TASKS]
    for dated in dated_list:
        task = existing.get(dated.key)
        if task is None:
            task = Task(branch_id=home.branch_id, text=dated.title, owner=plain("labels", "who", value=dated.who),
                        is_branch_task=True, time_text="", created_at=now)
            uow.calendar.add(task)
            uow.reviews.add(ReviewTask(review_id=review.id, task=task, procedure_key=dated.key))
        task.start, task.due = dated.start, dated.due
    uow.audit(now, actor.person_id, review.branch_id, "review.meeting", review_id=review.id, at=at.isoformat())
    # Imported here: the ticks read the progress, which is built on this module.
    from bot.services.review_collect import records_changed

    await uow.flush()
    await records_changed(uow, review, now)
    await uow.commit()
    return MeetingSet(at, review.meeting_place, len(dated_list))


async def meeting_check(uow: UnitOfWork, actor: Actor, at: datetime, now: datetime) -> list[Warning]:
    """What is risky about a meeting date (HD 43: after 31/12, in the past, too late for the draft), said and
    asked about before it is set; never a refusal."""
    review = await open_review(uow, actor)
    return meeting_warnings(at.date(), review.year, now.astimezone(at.tzinfo).date())


async def set_rule_set(uow: UnitOfWork, actor: Actor, key: str, now: datetime) -> str:
    """The branch picks the rule set its classification follows; fixed once the meeting has begun."""
    review = await open_review(uow, actor)
    if review.meeting_started_at is not None:
        raise ServiceError("review_meeting_started")
    if key not in {rules.key for rules in rule_sets()}:
        raise ServiceError("bad_subject")
    review.rule_set = key
    from bot.services.review_assessment import refresh_proposals  # it builds on this module

    await refresh_proposals(uow, review)
    uow.audit(now, actor.person_id, review.branch_id, "review.rule_set", review_id=review.id, rule_set=key)
    await uow.commit()
    return load_rule_set(key).name


async def set_outstanding(uow: UnitOfWork, actor: Actor, now: datetime) -> bool:
    """The secretary says (or unsays) that the branch has outstanding results ("thành tích đặc biệt xuất sắc",
    "thành tích nổi trội"): the HTXSNV quota the rule set gives such a unit applies. Fixed once the meeting
    has begun."""
    review = await open_review(uow, actor)
    if review.meeting_started_at is not None:
        raise ServiceError("review_meeting_started")
    review.outstanding = not review.outstanding
    uow.audit(now, actor.person_id, review.branch_id, "review.outstanding", review_id=review.id,
              outstanding=review.outstanding)
    await uow.commit()
    return review.outstanding


_MEETING_WORDS = ("hop chi bo", "hoi nghi kiem diem", "to chuc kiem diem", "tien hanh kiem diem")


async def planned_meeting_day(uow: UnitOfWork, actor: Actor) -> date | None:
    """The first day of the meeting window an imported plan gives the branch for this review, if any
    ("Bí thư chi bộ tổ chức họp chi bộ tiến hành kiểm điểm…, từ ngày 20/11 đến 28/11")."""
    review = await open_review(uow, actor)
    linked = {rt.task_id for rt in await uow.reviews.tasks(review.id)}
    for task in await uow.calendar.tasks(review.branch_id):
        day = task.start or task.due
        if (task.id not in linked and task.is_branch_task and day and day.year == review.year
                and any(words in fold(task.text) for words in _MEETING_WORDS)):
            return day
    return None
