"""The assessment sheet (phiếu tự đánh giá, QĐ 366 Phụ lục: 30 + 70 points): a member fills their own in the bot,
the secretary fills one for a member without a phone and the branch's own; the committee checks it (Chi ủy thẩm
định: accepts it, or corrects a figure with a reason, the correction kept); the secretary records the facts that
make KHTNV regardless of score. The level each sheet proposes comes from the domain (propose_member,
propose_branch) and is stored with its reasons; it stays a proposal (đề xuất) until the superior decides."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.domain.review.assessment import (
    Grave,
    Proposal,
    Sheet,
    propose_branch,
    propose_member,
    validate_sheet,
)
from bot.domain.review.levels import MemberLevel
from bot.domain.review.rules import DISCIPLINES, RuleSet, load_rule_set
from bot.domain.text import squeeze
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.review import open_review, sync_roster
from bot.services.review_collect import member_state, records_changed
from bot.services.review_reasons import explain
from bot.services.rule_options import rules_for
from storage.review_models import Review, ReviewAssessment, ReviewMember
from storage.uow import UnitOfWork

BRANCH = "branch"
# The typed figures, in the order the dialog asks them; the last question (past shortcomings) has buttons.
FIGURES = ("common", "results", "tasks_total", "tasks_done", "tasks_on_time", "tasks_exceeded")
MAX_POINTS = {"common": 30, "results": 70}
MAX_TASKS = 1000
FLAGS = ("degradation", "self_admitted", "leadership_disciplined")
MAX_REASON_CHARS = 200


def member_subject(membership_id: int) -> str:
    return f"member:{membership_id}"


def membership_of(subject: str) -> int | None:
    return int(subject.split(":", 1)[1]) if subject.startswith("member:") else None


# --- checking what is typed ---------------------------------------------------------------------------------


def parse_figure(field: str, text: str, known: Mapping[str, int]) -> int:
    """One typed figure, checked against the frame and the figures before it; ServiceError says what is wrong."""
    text = text.strip()
    if not text.isdigit() or len(text) > 4:
        raise ServiceError("sheet_not_a_number", field=field, text=text[:20])
    value = int(text)
    check_figures({**known, field: value}, field)
    return value


def check_figures(values: Mapping[str, int], field: str) -> None:
    """The figures given so far hold together: points within the frame, done ≤ assigned, on time and beyond
    what was asked ≤ done. `field` is the one just given, named in the message."""
    value = values[field]
    if field in MAX_POINTS and value > MAX_POINTS[field]:
        raise ServiceError("sheet_over", field=field, value=value, high=MAX_POINTS[field])
    if field.startswith("tasks_") and value > MAX_TASKS:
        raise ServiceError("sheet_over", field=field, value=value, high=MAX_TASKS)
    if field == "tasks_total" and value == 0:
        raise ServiceError("sheet_no_tasks")
    pairs = (("tasks_done", "tasks_total"), ("tasks_on_time", "tasks_done"), ("tasks_exceeded", "tasks_done"))
    for part, whole in pairs:
        if part in values and whole in values and values[part] > values[whole]:
            raise ServiceError("sheet_part_over", field=field, part=part, whole=whole, value=values[part],
                               high=values[whole])


# --- what a sheet shows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetView:
    subject: str
    name: str  # the member's full name, or the branch's name
    year: int
    linked: bool  # the member uses the bot (fills it themselves); False for the branch
    sheet: Sheet | None  # None until filled
    grave: Grave
    leadership_disciplined: bool
    filled_by: str | None
    filled_at: datetime | None
    checked_by: str | None  # the committee's check
    checked_at: datetime | None
    corrections: tuple[dict, ...]
    proposal: Proposal | None  # None under a rule set without scores
    line: str | None  # the proposal explained in one line
    editable: bool  # before the meeting

    @property
    def is_branch(self) -> bool:
        return self.subject == BRANCH

    @property
    def checked(self) -> bool:
        return self.checked_at is not None

    @property
    def correctable(self) -> bool:
        """A filled sheet, before the meeting: the committee checks and corrects it."""
        return self.editable and self.sheet is not None

    @property
    def takes_facts(self) -> bool:
        """A member's filled sheet, before the meeting: discipline and suy thoái are recorded on it."""
        return self.correctable and not self.is_branch

    @property
    def fillable(self) -> bool:
        """Filled by the secretary: the branch's, and a member's who has no phone; before the meeting."""
        return self.editable and not self.linked

    def correction(self, field: str, text: str) -> int:
        """A typed correction of one figure, checked against the sheet's other figures; ServiceError if wrong."""
        return parse_figure(field, text, {f: getattr(self.sheet, f) for f in FIGURES if f != field})


def sheet_of(row: ReviewAssessment) -> Sheet:
    return Sheet(common=row.common, results=row.results, tasks_total=row.tasks_total, tasks_done=row.tasks_done,
                 tasks_on_time=row.tasks_on_time, tasks_exceeded=row.tasks_exceeded,
                 shortcomings_remedied=row.shortcomings_remedied)


def grave_of(row: ReviewAssessment | None, absences: int = 0) -> Grave:
    """The facts beside a member's sheet; `absences` (branch meetings missed) is read only by a rule-set option."""
    if row is None:
        return Grave(discipline=None, degradation=False, self_admitted=False, absences=absences)
    return Grave(discipline=row.discipline, degradation=row.degradation, self_admitted=row.self_admitted,
                 absences=absences)


def proposal_of(row: ReviewAssessment, rules: RuleSet, absences: int = 0) -> Proposal | None:
    """The level the sheet proposes under these rules (None when the rules read no score)."""
    if not rules.uses_scores:
        return None
    if row.subject == BRANCH:
        return propose_branch(sheet_of(row), row.leadership_disciplined, rules)
    return propose_member(sheet_of(row), grave_of(row, absences), rules)


async def _absences(uow: UnitOfWork, review: Review, subject: str) -> int:
    membership_id = membership_of(subject)
    entry = await uow.reviews.member(review.id, membership_id) if membership_id is not None else None
    return entry.meetings_missed if entry else 0


async def _store_proposal(uow: UnitOfWork, review: Review, row: ReviewAssessment) -> None:
    proposal = proposal_of(row, await rules_for(uow, review), await _absences(uow, review, row.subject))
    row.proposed = str(proposal.level) if proposal else None
    row.reasons = json.dumps([r.as_dict() for r in proposal.reasons] if proposal else [], ensure_ascii=False)
    row.superior_decides = bool(proposal and proposal.superior_decides)


async def refresh_proposals(uow: UnitOfWork, review: Review) -> None:
    """Every stored proposal again, after the rule set changed; the caller commits."""
    for row in (await uow.reviews.assessments(review.id)).values():
        await _store_proposal(uow, review, row)


async def _view(uow: UnitOfWork, review: Review, subject: str, name: str, linked: bool) -> SheetView:
    row = await uow.reviews.assessment(review.id, subject)
    rules = await rules_for(uow, review)
    absences = await _absences(uow, review, subject)
    proposal = proposal_of(row, rules, absences) if row else None
    names = {}
    for person_id in {row.filled_by, row.reviewed_by} - {None} if row else ():
        person = await uow.people.get(person_id)
        names[person_id] = person.full_name if person else None
    return SheetView(
        subject=subject, name=name, year=review.year, linked=linked, sheet=sheet_of(row) if row else None,
        grave=grave_of(row, absences), leadership_disciplined=bool(row and row.leadership_disciplined),
        filled_by=names.get(row.filled_by) if row else None, filled_at=row.filled_at if row else None,
        checked_by=names.get(row.reviewed_by) if row else None, checked_at=row.reviewed_at if row else None,
        corrections=tuple(json.loads(row.corrections)) if row else (), proposal=proposal,
        line=explain(proposal) if proposal else None, editable=review.meeting_started_at is None,
    )


async def _member(uow: UnitOfWork, review: Review, membership_id: int) -> ReviewMember:
    await sync_roster(uow, review)
    entry = await uow.reviews.member(review.id, membership_id)
    if entry is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    state = member_state(review, entry)
    if not state.reviews:
        raise ServiceError("member_exempt", exemption=state.exemption)
    return entry


async def _subject(uow: UnitOfWork, review: Review, subject: str) -> tuple[str, bool]:
    """The subject's name and whether they use the bot; another branch's member is refused."""
    membership_id = membership_of(subject)
    if membership_id is None:
        if subject != BRANCH:
            raise ServiceError("bad_subject")
        return (await uow.branches.get(review.branch_id)).name, False
    entry = await _member(uow, review, membership_id)
    return entry.membership.person.full_name, entry.membership.person.chat_id() is not None


async def view(uow: UnitOfWork, actor: Actor, subject: str) -> SheetView:
    """A sheet as the secretary sees it (from the member's card, or the branch's own)."""
    review = await open_review(uow, actor)
    return await _view(uow, review, subject, *await _subject(uow, review, subject))


async def own_review(uow: UnitOfWork, actor: Actor) -> Review:
    """The review a member fills their own sheet for: before the meeting, and only if they review this year."""
    if actor.home is None:
        raise AccessDenied("no_branch")
    review = await uow.reviews.latest(actor.home.branch_id)
    if review is None:
        raise ServiceError("no_review")
    if review.meeting_started_at is not None:
        raise ServiceError("review_meeting_started")
    await _member(uow, review, actor.home.membership_id)
    return review


async def asks_sheet(uow: UnitOfWork, actor: Actor) -> bool:
    """Whether the actor's branch review reads a score, so the member has a sheet to fill."""
    review = await uow.reviews.latest(actor.home.branch_id) if actor.home else None
    return review is not None and load_rule_set(review.rule_set).uses_scores


async def own_view(uow: UnitOfWork, actor: Actor) -> SheetView:
    review = await own_review(uow, actor)
    return await _view(uow, review, member_subject(actor.home.membership_id), actor.full_name or "", True)


# --- filling, checking, correcting ------------------------------------------------------------------------------


def _before_meeting(review: Review) -> None:
    if review.meeting_started_at is not None:
        raise ServiceError("review_meeting_started")


async def _save(uow: UnitOfWork, actor: Actor, review: Review, subject: str, figures: Mapping[str, int],
                remedied: bool | None, now: datetime, *, leadership_disciplined: bool | None = None) -> None:
    for field in FIGURES:
        if field not in figures:
            raise ServiceError("sheet_incomplete")
        check_figures({f: figures[f] for f in FIGURES[:FIGURES.index(field) + 1]}, field)
    repo = uow.reviews
    row = await repo.assessment(review.id, subject)
    if row is None:
        row = ReviewAssessment(review_id=review.id, subject=subject, degradation=False, self_admitted=False,
                               leadership_disciplined=False, corrections="[]", reasons="[]", superior_decides=False)
        repo.add(row)
    for field in FIGURES:
        setattr(row, field, figures[field])
    row.shortcomings_remedied = remedied
    if leadership_disciplined is not None:
        row.leadership_disciplined = leadership_disciplined
    row.filled_by, row.filled_at = actor.person_id, now
    # A sheet filled again is a new sheet: the committee checks it again.
    row.reviewed_by = row.reviewed_at = None
    row.corrections = "[]"
    if problems := validate_sheet(sheet_of(row)):
        raise ServiceError(problems[0].code, **problems[0].params)
    await _store_proposal(uow, review, row)
    uow.audit(now, actor.person_id, review.branch_id, "review.assessment", review_id=review.id, subject=subject,
              total=figures["common"] + figures["results"])
    await records_changed(uow, review, now)
    await uow.commit()


async def save_own(uow: UnitOfWork, actor: Actor, figures: Mapping[str, int], remedied: bool | None,
                   now: datetime) -> SheetView:
    """A member's own sheet; filled again before the meeting, it replaces the old one."""
    review = await own_review(uow, actor)
    subject = member_subject(actor.home.membership_id)
    await _save(uow, actor, review, subject, figures, remedied, now)
    return await _view(uow, review, subject, actor.full_name or "", True)


async def save_for(uow: UnitOfWork, actor: Actor, subject: str, figures: Mapping[str, int], remedied: bool | None,
                   now: datetime) -> SheetView:
    """The secretary fills the sheet of a member who does not use the bot, or the branch's own."""
    review = await open_review(uow, actor)
    _before_meeting(review)
    name, linked = await _subject(uow, review, subject)
    if linked:
        raise ServiceError("sheet_member_uses_bot", name=name)
    await _save(uow, actor, review, subject, figures, remedied, now)
    return await _view(uow, review, subject, name, linked)


async def begin_for(uow: UnitOfWork, actor: Actor, subject: str) -> SheetView:
    """Before the secretary's dialog starts: the subject may be filled for (a member without a phone, the branch)."""
    review = await open_review(uow, actor)
    _before_meeting(review)
    name, linked = await _subject(uow, review, subject)
    if linked:
        raise ServiceError("sheet_member_uses_bot", name=name)
    return await _view(uow, review, subject, name, linked)


async def _filled(uow: UnitOfWork, actor: Actor, subject: str) -> tuple[Review, ReviewAssessment, str, bool]:
    review = await open_review(uow, actor)
    _before_meeting(review)
    name, linked = await _subject(uow, review, subject)
    row = await uow.reviews.assessment(review.id, subject)
    if row is None:
        raise ServiceError("sheet_missing", name=name, linked=linked, branch=subject == BRANCH)
    return review, row, name, linked


async def _done(uow: UnitOfWork, review: Review, row: ReviewAssessment, name: str, linked: bool,
                now: datetime) -> SheetView:
    await _store_proposal(uow, review, row)
    await records_changed(uow, review, now)  # "Chi ủy đã thẩm định: m/m" closes its calendar task
    await uow.commit()
    return await _view(uow, review, row.subject, name, linked)


async def accept(uow: UnitOfWork, actor: Actor, subject: str, now: datetime) -> SheetView:
    """Chi ủy thẩm định: the committee accepts the sheet as filled."""
    review, row, name, linked = await _filled(uow, actor, subject)
    row.reviewed_by, row.reviewed_at = actor.person_id, now
    uow.audit(now, actor.person_id, review.branch_id, "review.assessment.check", review_id=review.id,
              subject=subject)
    return await _done(uow, review, row, name, linked, now)


async def correct(uow: UnitOfWork, actor: Actor, subject: str, field: str, value: int, reason: str,
                  now: datetime) -> SheetView:
    """Chi ủy thẩm định: the committee corrects one figure, with a reason; the correction is kept with the sheet
    and the sheet counts as checked."""
    if field not in FIGURES:
        raise ServiceError("bad_subject")
    reason = squeeze(reason or "")
    if not reason:
        raise ServiceError("sheet_correction_needs_reason")
    review, row, name, linked = await _filled(uow, actor, subject)
    figures = {f: getattr(row, f) for f in FIGURES}
    figures[field] = value
    for checked in FIGURES:
        check_figures(figures, checked)
    old = getattr(row, field)
    setattr(row, field, value)
    corrections = json.loads(row.corrections)
    corrections.append({"field": field, "old": old, "new": value, "reason": reason[:MAX_REASON_CHARS],
                        "by": actor.person_id, "at": now.isoformat()})
    row.corrections = json.dumps(corrections, ensure_ascii=False)
    row.reviewed_by, row.reviewed_at = actor.person_id, now
    uow.audit(now, actor.person_id, review.branch_id, "review.assessment.correct", review_id=review.id,
              subject=subject, field=field, old=old, new=value)
    return await _done(uow, review, row, name, linked, now)


async def set_discipline(uow: UnitOfWork, actor: Actor, subject: str, discipline: str | None,
                         now: datetime) -> SheetView:
    """The discipline a member received (from khiển trách up), or none."""
    if (discipline is not None and discipline not in DISCIPLINES) or subject == BRANCH:
        raise ServiceError("bad_subject")
    review, row, name, linked = await _filled(uow, actor, subject)
    row.discipline = discipline
    uow.audit(now, actor.person_id, review.branch_id, "review.assessment.grave", review_id=review.id,
              subject=subject, discipline=discipline)
    return await _done(uow, review, row, name, linked, now)


async def toggle(uow: UnitOfWork, actor: Actor, subject: str, flag: str, now: datetime) -> SheetView:
    """A member's suy thoái conclusion or self-admitted fault; for the branch, a leadership member disciplined."""
    if flag not in FLAGS or (flag == "leadership_disciplined") != (subject == BRANCH):
        raise ServiceError("bad_subject")
    review, row, name, linked = await _filled(uow, actor, subject)
    setattr(row, flag, not getattr(row, flag))
    uow.audit(now, actor.person_id, review.branch_id, "review.assessment.grave", review_id=review.id,
              subject=subject, **{flag: getattr(row, flag)})
    return await _done(uow, review, row, name, linked, now)


# --- the list, and what the meeting reads -----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    subject: str
    name: str
    linked: bool
    filled: bool
    checked: bool
    proposed: str | None


async def sheet_list(uow: UnitOfWork, actor: Actor) -> list[SheetRow]:
    """The branch's sheet first, then every member who reviews this year, in roster order."""
    review = await open_review(uow, actor)
    rows = await uow.reviews.assessments(review.id)
    branch = await uow.branches.get(review.branch_id)
    found = [_row(BRANCH, branch.name, False, rows.get(BRANCH))]
    for entry in await sync_roster(uow, review):
        if member_state(review, entry).reviews:
            person = entry.membership.person
            subject = member_subject(entry.membership_id)
            found.append(_row(subject, person.full_name, person.chat_id() is not None, rows.get(subject)))
    return found


def _row(subject: str, name: str, linked: bool, row: ReviewAssessment | None) -> SheetRow:
    return SheetRow(subject, name, linked, row is not None, bool(row and row.reviewed_at),
                    row.proposed if row else None)


async def member_sheets(uow: UnitOfWork, review: Review) -> dict[int, ReviewAssessment]:
    """The members' sheets by membership id, for the meeting's classification."""
    return {membership_of(s): row for s, row in (await uow.reviews.assessments(review.id)).items()
            if membership_of(s) is not None}


@dataclass(frozen=True)
class Offer:
    """At the meeting, under a score-based rule set: the level a member's sheet proposes, explained."""

    membership_id: int
    name: str
    level: MemberLevel
    line: str


async def ballot_offer(uow: UnitOfWork, actor: Actor, membership_id: int) -> Offer | None:
    """The level to offer for a member at the meeting: the sheet's proposal (None under a vote-based rule set).
    A member without a sheet is refused with who fills it."""
    review = await open_review(uow, actor)
    subject = member_subject(membership_id)
    name, linked = await _subject(uow, review, subject)  # another branch's member is refused first
    if not load_rule_set(review.rule_set).uses_scores:
        return None
    v = await _view(uow, review, subject, name, linked)
    if v.proposal is None or v.line is None:
        raise ServiceError("sheet_missing", name=name, linked=linked, branch=False)
    return Offer(membership_id, name, v.proposal.level, v.line)


def require_sheet(name: str, linked: bool, sheet: ReviewAssessment | None, rules: RuleSet) -> None:
    """A score-based rule set classifies a member only from their sheet: without one, say who fills it."""
    if rules.uses_scores and sheet is None:
        raise ServiceError("sheet_missing", name=name, linked=linked, branch=False)
