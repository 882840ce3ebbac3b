"""Step 1 of the review: self-reviews, residence-area comments, named feedback, and who is missing what."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.review.exemptions import exemption
from bot.domain.review.rules import load_rule_set
from bot.domain.text import squeeze
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review import open_review, sync_roster
from storage.models import Membership
from storage.review_models import Review, ReviewFeedback, ReviewMember
from storage.uow import UnitOfWork

MAX_SELF_REVIEW_CHARS = 20_000
MIN_SELF_REVIEW_CHARS = 50
MAX_FEEDBACK_CHARS = 4_000
MAX_SOURCE_CHARS = 200


class FeedbackKind(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"
    SUPERIOR_HINT = "superior_hint"


@dataclass(frozen=True)
class MemberState:
    membership_id: int
    full_name: str
    role: str
    status: str
    telegram_user_id: int | None  # where the bot reaches them, Telegram or Zalo (Person.chat_id)
    exemption: str | None  # why this member does not review this year
    self_review: str | None  # "bot" or "paper" once received
    residence_requested: bool
    residence_received: bool
    present: bool | None  # None until attendance is taken; absentees are classified at the next meeting
    absence_reason: str | None
    meetings_missed: int
    sick_leave_months: int
    disciplined: bool
    assessment: str | None = None  # the sheet: "missing", "filled", "checked"; None when the rules read no score

    @property
    def reviews(self) -> bool:
        return self.exemption is None

    @property
    def missing(self) -> tuple[str, ...]:
        """What this member still owes step 1, as template codes."""
        if not self.reviews:
            return ()
        gaps = []
        if self.self_review is None:
            gaps.append("self_review")
        if not self.residence_received:
            gaps.append("residence")
        if self.assessment == "missing":
            gaps.append("assessment")
        return tuple(gaps)


def assessment_status(review: Review, sheet_checked: bool | None) -> str | None:
    """What a member's sheet stands at: sheet_checked is None without a sheet, else whether the committee checked it."""
    if not load_rule_set(review.rule_set).uses_scores:
        return None
    return "missing" if sheet_checked is None else "checked" if sheet_checked else "filled"


def member_state(review: Review, entry: ReviewMember, sheet_checked: bool | None = None) -> MemberState:
    membership: Membership = entry.membership
    meeting = review.meeting_on or review.started_at.date()
    exempt_code = exemption(admitted_on=membership.admitted_on, meeting=meeting, exempt=membership.exempt,
                            suspended=membership.suspended)
    return MemberState(
        membership_id=membership.id,
        full_name=membership.person.full_name,
        role=membership.role,
        status=membership.status,
        telegram_user_id=membership.person.chat_id(),
        exemption=exempt_code,
        self_review=entry.self_review,
        residence_requested=entry.residence_requested_at is not None,
        residence_received=entry.residence_received_at is not None,
        present=entry.present,
        absence_reason=entry.absence_reason,
        meetings_missed=entry.meetings_missed,
        sick_leave_months=entry.sick_leave_months,
        disciplined=entry.disciplined,
        assessment=None if exempt_code else assessment_status(review, sheet_checked),
    )


async def member_states(uow: UnitOfWork, review: Review) -> list[MemberState]:
    checked = {subject: reviewed for _, subject, reviewed in await uow.reviews.assessment_checks([review.id])}
    return [member_state(review, m, checked.get(f"member:{m.membership_id}")) for m in await sync_roster(uow, review)]


async def member_of(uow: UnitOfWork, actor: Actor, membership_id: int) -> MemberState:
    """One member of the secretary's own review; another branch's id is refused."""
    members = await member_states(uow, await open_review(uow, actor))
    found = next((m for m in members if m.membership_id == membership_id), None)
    if found is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    return found


async def _entry(uow: UnitOfWork, review: Review, membership_id: int) -> ReviewMember:
    await sync_roster(uow, review)
    entry = await uow.reviews.member(review.id, membership_id)
    if entry is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    return entry


async def records_changed(uow: UnitOfWork, review: Review, now: datetime) -> None:
    """The review's records changed: the calendar tasks counted from them follow (review_ticks), and the
    branch's reminders are planned again (the "closing soon" nudges go only to who still owes something)."""
    # Imported here: review_ticks reads the progress, which is built on this module's member states.
    from bot.services.review_ticks import sync_ticks

    uow.reminders.request_replan(review.branch_id, now)
    await sync_ticks(uow, review, now)


def _before_meeting(review: Review) -> None:
    if review.meeting_started_at is not None:
        raise ServiceError("review_meeting_started")


async def submit_self_review(uow: UnitOfWork, actor: Actor, *, text: str | None, file_name: str | None,
                             now: datetime, file_id: str | None = None) -> MemberState:
    """A member hands in their own self-review, as text or as a file; a new one replaces the old."""
    if actor.home is None:
        raise AccessDenied("no_branch")
    review = await uow.reviews.latest(actor.home.branch_id)
    if review is None:
        raise ServiceError("no_review")
    _before_meeting(review)
    if text is not None:
        text = text.strip()
        if not MIN_SELF_REVIEW_CHARS <= len(text) <= MAX_SELF_REVIEW_CHARS:
            raise ServiceError("bad_self_review", low=MIN_SELF_REVIEW_CHARS, high=MAX_SELF_REVIEW_CHARS)
    entry = await _entry(uow, review, actor.home.membership_id)
    state = member_state(review, entry)
    if not state.reviews:
        raise ServiceError("member_exempt", exemption=state.exemption)
    entry.self_review, entry.self_review_text, entry.self_review_file, entry.self_review_file_id = (
        "bot", text, file_name, file_id)
    entry.self_review_at = now
    uow.audit(now, actor.person_id, review.branch_id, "review.self_review", review_id=review.id,
              membership_id=entry.membership_id, file_name=file_name)
    await records_changed(uow, review, now)  # the "closing soon" nudge is no longer due to this member
    await uow.commit()
    return member_state(review, entry)


class Mark(StrEnum):
    PAPER = "paper"  # the secretary received a paper self-review
    RESIDENCE_REQUESTED = "res_req"
    RESIDENCE_RECEIVED = "res_in"


async def mark(uow: UnitOfWork, actor: Actor, membership_id: int, what: Mark, now: datetime, *,
               comment: str | None = None) -> MemberState:
    """The secretary ticks something received for one member; ticking again undoes it."""
    review = await open_review(uow, actor)
    _before_meeting(review)
    entry = await _entry(uow, review, membership_id)
    if what == Mark.PAPER:
        entry.self_review = None if entry.self_review == "paper" else "paper"
        entry.self_review_at = now if entry.self_review else None
    elif what == Mark.RESIDENCE_REQUESTED:
        entry.residence_requested_at = None if entry.residence_requested_at else now
    elif comment is None and entry.residence_received_at is not None:
        entry.residence_received_at = entry.residence_comment = None
    else:
        entry.residence_received_at = now
        entry.residence_requested_at = entry.residence_requested_at or now
        if comment:
            entry.residence_comment = squeeze(comment)[:MAX_FEEDBACK_CHARS]
    uow.audit(now, actor.person_id, review.branch_id, f"review.mark.{what}", review_id=review.id,
              membership_id=membership_id)
    await records_changed(uow, review, now)
    await uow.commit()
    return member_state(review, entry)


async def add_feedback(uow: UnitOfWork, actor: Actor, *, source: str, kind: FeedbackKind,
                       about_membership_id: int | None, content: str, now: datetime) -> ReviewFeedback:
    """Named feedback: a source's name is required (góp ý phải ghi rõ họ tên)."""
    review = await open_review(uow, actor)
    source, content = squeeze(source), content.strip()
    if not source or len(source) > MAX_SOURCE_CHARS:
        raise ServiceError("feedback_needs_source", limit=MAX_SOURCE_CHARS)
    if not content or len(content) > MAX_FEEDBACK_CHARS:
        raise ServiceError("bad_feedback", limit=MAX_FEEDBACK_CHARS)
    if about_membership_id is not None:
        await _entry(uow, review, about_membership_id)
    feedback = ReviewFeedback(review_id=review.id, source=source, kind=kind, about_membership_id=about_membership_id,
                              content=content, received_at=now, recorded_by=actor.person_id)
    uow.reviews.add(feedback)
    uow.audit(now, actor.person_id, review.branch_id, "review.feedback", review_id=review.id, kind=kind)
    await records_changed(uow, review, now)
    await uow.commit()
    return feedback


async def answer_feedback(uow: UnitOfWork, actor: Actor, feedback_id: int, answer: str,
                          now: datetime) -> ReviewFeedback:
    """How the branch took a piece of feedback in (tiếp thu): what the notice to its source says."""
    review = await open_review(uow, actor)
    feedback = await uow.reviews.feedback_item(feedback_id)
    if feedback is None or feedback.review_id != review.id:
        raise AccessDenied("foreign_feedback", feedback_id=feedback_id)
    answer = answer.strip()
    if not answer or len(answer) > MAX_FEEDBACK_CHARS:
        raise ServiceError("bad_feedback", limit=MAX_FEEDBACK_CHARS)
    feedback.answer = answer
    uow.audit(now, actor.person_id, review.branch_id, "review.feedback.answer", feedback_id=feedback_id)
    await records_changed(uow, review, now)
    await uow.commit()
    return feedback


MAX_MISSED_MEETINGS = 12
MAX_SICK_MONTHS = 12


async def set_facts(uow: UnitOfWork, actor: Actor, membership_id: int, now: datetime, *,
                    meetings_missed: int | None = None, sick_leave_months: int | None = None,
                    disciplined: bool | None = None) -> ReviewMember:
    """The facts the exclusions read: branch meetings missed this year, months of sick leave, discipline."""
    review = await open_review(uow, actor)
    if review.meeting_ended_at is not None:
        raise ServiceError("review_meeting_ended")
    entry = await _entry(uow, review, membership_id)
    if meetings_missed is not None:
        if not 0 <= meetings_missed <= MAX_MISSED_MEETINGS:
            raise ServiceError("bad_fact_number", high=MAX_MISSED_MEETINGS)
        entry.meetings_missed = meetings_missed
    if sick_leave_months is not None:
        if not 0 <= sick_leave_months <= MAX_SICK_MONTHS:
            raise ServiceError("bad_fact_number", high=MAX_SICK_MONTHS)
        entry.sick_leave_months = sick_leave_months
    if disciplined is not None:
        entry.disciplined = disciplined
    uow.audit(now, actor.person_id, review.branch_id, "review.facts", membership_id=membership_id,
              meetings_missed=entry.meetings_missed, sick_leave_months=entry.sick_leave_months,
              disciplined=entry.disciplined)
    await uow.commit()
    return entry


async def toggle_discipline(uow: UnitOfWork, actor: Actor, membership_id: int, now: datetime) -> MemberState:
    """The member card's switch: a member marked disciplined this year is unmarked, and the other way round."""
    m = await member_of(uow, actor, membership_id)
    await set_facts(uow, actor, m.membership_id, now, disciplined=not m.disciplined)
    return await member_of(uow, actor, m.membership_id)


async def feedback_list(uow: UnitOfWork, actor: Actor) -> list[ReviewFeedback]:
    review = await open_review(uow, actor)
    return await uow.reviews.feedback(review.id)


async def feedback_item(uow: UnitOfWork, actor: Actor, feedback_id: int) -> ReviewFeedback:
    """One named feedback of the secretary's own review, to answer; another's id is refused."""
    found = next((f for f in await feedback_list(uow, actor) if f.id == feedback_id), None)
    if found is None:
        raise AccessDenied("foreign_feedback", feedback_id=feedback_id)
    return found


@dataclass(frozen=True)
class SelfReview:
    full_name: str
    text: str | None
    file_name: str | None
    file_id: str | None


async def self_review(uow: UnitOfWork, actor: Actor, membership_id: int) -> SelfReview:
    """What a member handed in, for the secretary to read before the meeting."""
    review = await open_review(uow, actor)
    entry = await _entry(uow, review, membership_id)
    if entry.self_review != "bot":
        raise ServiceError("no_self_review")
    return SelfReview(entry.membership.person.full_name, entry.self_review_text, entry.self_review_file,
                      entry.self_review_file_id)
