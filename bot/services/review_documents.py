"""Step 3's papers: the minutes, the classification list, the report and the feedback notices, as .docx.

Every figure and name a paper states comes from the review's record (bot/domain/review/record.py), the same
derivation `/buoc` and `/tinhhinh` read; this module only puts the record into each paper's shape, and the
Word templates lay it out. A paper that would state an empty result is not produced: the bot says what is
missing instead (ServiceError "papers_incomplete"; a feedback notice with points not yet answered is held back).
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.documents import model as doc
from bot.documents.render import (
    DocumentKind,
    file_name,
    render_classification_list,
    render_feedback_notice,
    render_minutes,
    render_report,
)
from bot.domain.review.levels import MEMBER_LEVELS
from bot.domain.review.record import Missing, Record, Unclassified, VoteFact, percent
from bot.domain.review.rules import RuleSet
from bot.domain.roster import Role
from bot.domain.text import squeeze
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.services.review import open_review
from bot.services.review_reasons import explain_stored
from bot.services.review_record import record as review_record
from bot.services.rule_options import rules_for
from bot.texts import plain
from storage.uow import UnitOfWork


def _t(macro: str, **context: object) -> str:
    return plain("review_papers", macro, **context)


def _level(value: str) -> str:
    return plain("review_reasons", "level", value=value)


def _vote(v: VoteFact) -> doc.VoteCount | None:
    """The counts of a vote held; None for a proposal recorded without a vote (không biểu quyết), never 0/0/0."""
    return doc.VoteCount(v.approve, v.disapprove, v.other) if v.held else None


def _basis(v: VoteFact) -> str:
    """A proposal recorded without a vote: the sheet's one line ("86 điểm; … → Hoàn thành tốt nhiệm vụ")."""
    return "" if v.held else explain_stored(v.outcome or v.proposed or "", v.reasons)


def _reason_text(vote: VoteFact) -> str:
    if not vote.held:
        return _t("no_vote", basis=_basis(vote))
    return "; ".join(plain("review_reasons", "reason", r=r) for r in vote.reasons)


@dataclass(frozen=True)
class Papers:
    files: list[tuple[str, str, bytes]]  # (kind, file name, bytes)
    withheld: tuple[str, ...]  # feedback sources whose notice waits for an answer


@dataclass(frozen=True)
class Setting:
    """What the papers state besides the record: the review's year, rules and meeting details, the branch."""

    year: int
    rules: RuleSet
    branch: doc.BranchInfo
    venue: str | None
    secret_ballot: bool
    branch_score: int | None


@dataclass(frozen=True)
class _Context:
    setting: Setting
    record: Record
    signer: doc.Signer
    held_on: date  # the meeting's real start, in the branch's time zone: the same day in every paper
    today: date
    tz: ZoneInfo


async def documents(uow: UnitOfWork, actor: Actor, now: datetime, tz: ZoneInfo) -> Papers:
    """Every paper of the ended meeting; feedback notices one per source, once all its points are answered.
    Papers that could be produced but whose branch was never asked its locality raise "locality_missing": the
    secretary is asked once (set_locality), then gets them."""
    review = await open_review(uow, actor)
    record = await review_record(uow, review)
    _producible(record)
    branch = await uow.branches.get(review.branch_id)
    if branch.locality is None:
        raise ServiceError("locality_missing")
    setting = Setting(review.year, await rules_for(uow, review),
                      doc.BranchInfo(branch.name, branch.superior_unit or "", branch.locality), review.meeting_place,
                      review.secret_ballot, review.branch_score)
    return papers(record, setting, now, tz)


MAX_LOCALITY = 100


def clean_locality(text: str) -> str:
    """The locality as typed, one line ("Phường Bến Thành", "TP. Hồ Chí Minh"); a command is not a place."""
    place = squeeze(text)
    if not place or len(place) > MAX_LOCALITY or place.startswith("/"):
        raise ServiceError("bad_locality", limit=MAX_LOCALITY)
    return place


async def locality(uow: UnitOfWork, actor: Actor) -> str | None:
    """The branch's locality: None never asked, "" left blank on the papers."""
    return (await uow.branches.get(actor.secretary_branch().branch_id)).locality


async def set_locality(uow: UnitOfWork, actor: Actor, text: str | None, now: datetime) -> str:
    """The secretary's locality for the papers, kept on the branch; None leaves the place blank (and is not asked
    again). Changeable any time: the papers already sent keep theirs."""
    branch = await uow.branches.get(actor.secretary_branch().branch_id)
    branch.locality = "" if text is None else clean_locality(text)
    uow.audit(now, actor.person_id, branch.id, "branch.locality", locality=branch.locality)
    await uow.commit()
    return branch.locality


def _producible(record: Record) -> None:
    """A ServiceError saying what keeps the record's papers from stating a result, if anything does."""
    if Missing.MEETING_NOT_ENDED in record.missing:
        raise ServiceError("meeting_not_ended")
    if record.missing:
        raise ServiceError("papers_incomplete", missing=[str(m) for m in record.missing],
                           open_ballots=len(record.open_ballots))


def papers(record: Record, setting: Setting, now: datetime, tz: ZoneInfo) -> Papers:
    """The papers of a record, or a ServiceError saying what keeps them from stating a result."""
    _producible(record)
    secretary = next((m for m in record.members if m.role == Role.SECRETARY), None)
    ctx = _Context(setting, record, doc.Signer(secretary.name if secretary else ""),
                   record.started_at.astimezone(tz).date(), now.astimezone(tz).date(), tz)
    year, info = setting.year, setting.branch
    files = [
        ("minutes", file_name(DocumentKind.MINUTES, info, year), render_minutes(_minutes(ctx))),
        ("list", file_name(DocumentKind.CLASSIFICATION_LIST, info, year),
         render_classification_list(_classification(ctx))),
        ("report", file_name(DocumentKind.REPORT, info, year), render_report(_report(ctx))),
    ]
    withheld = []
    for source, notice in _notices(ctx):
        if notice is None:
            withheld.append(source)
        else:
            files.append(("notice", file_name(DocumentKind.FEEDBACK_NOTICE, info, year, part=source),
                          render_feedback_notice(notice)))
    return Papers(files, tuple(withheld))


def _unclassified_rows(record: Record) -> tuple[doc.NotClassifiedRow, ...]:
    rows: tuple[Unclassified, ...] = record.not_reviewed + record.not_classified
    return tuple(
        doc.NotClassifiedRow(u.member.name, _t("status", status=u.member.status), _t("why", u=u),
                             _t("next_meeting") if u.next_meeting else "")
        for u in rows
    )


def _member_rows(record: Record) -> tuple[doc.MemberResultRow, ...]:
    """Every member vote held, with the meeting's outcome: under QĐ 366 a proposal to the superior."""
    return tuple(
        doc.MemberResultRow(
            member.name, _t("role", role=member.role), _t("status", status=member.status),
            _level(vote.proposed) if vote.proposed else "", _vote(vote),
            _level(vote.outcome) if vote.outcome in MEMBER_LEVELS else "", _reason_text(vote),
            final=not record.superior_decides,
        )
        for member, vote in record.member_votes
    )


def _branch_ballot(ctx: _Context) -> doc.BranchBallot:
    vote, decision = ctx.record.branch, ctx.record.branch_decision
    level = vote.proposed or ""
    return doc.BranchBallot(
        plain("review_reasons", "branch_level", value=level) if level else "", _vote(vote),
        _t("branch_result", level=level, adopted=bool(vote.outcome), decided=decision.level if decision else None),
        str(ctx.setting.branch_score) if ctx.setting.branch_score is not None else "",
        _basis(vote),
    )


def _minutes(ctx: _Context) -> doc.MinutesData:
    record, setting, tz = ctx.record, ctx.setting, ctx.tz
    leaders = [m for m in record.present if m.role != Role.MEMBER]
    chair = leaders[0] if leaders else None  # the secretary; without her the deputy, then a committee member
    deputy = next((m for m in record.present if m.role == Role.DEPUTY), None)
    secretary_reviewed = any(m.role == Role.SECRETARY for m in record.reviewed)
    blank = _t("blank")
    chair_name = chair.name if chair else blank
    return doc.MinutesData(
        branch=setting.branch, year=setting.year, venue=setting.venue or blank,
        started_at=record.started_at.astimezone(tz), ended_at=record.ended_at.astimezone(tz),
        chair=doc.Person(chair_name, _t("role", role=chair.role) if chair else ""),
        clerk=doc.Person(record.clerk or blank),
        members_total=len(record.members), full_members_total=len(record.full_members),
        members_present=len(record.present), full_members_present=len(record.full_present),
        committee_report=doc.CollectiveItem(chair_name, blank, blank, _vote(record.committee_report)),
        annual_summary=doc.CollectiveItem(chair_name, blank, blank),
        branch_ballot=_branch_ballot(ctx),
        self_reviews=tuple(
            doc.SelfReviewItem(m.name, _t("role", role=m.role), blank, blank,
                               deputy.name if deputy and m.role == Role.SECRETARY else "")
            for m in record.reviewed
        ),
        results=_member_rows(record),
        ballots_held=any(vote.held for _, vote in record.member_votes),
        has_committee=any(m.role == Role.COMMITTEE for m in record.members),
        deputy_chair=doc.Person(deputy.name, _t("role", role=Role.DEPUTY)) if deputy and secretary_reviewed
        and chair and chair.role == Role.SECRETARY else None,
        absent=tuple(doc.AbsentMember(m.name, _t("absence", m=m)) for m in record.absent),
        not_reviewed=_unclassified_rows(record),
        residence_comments=tuple(doc.ResidenceComment(m.name, "", m.residence_comment or "")
                                 for m in record.reviewing if m.residence_received),
        residence_received=record.residence_received.done, residence_total=record.residence_received.total,
        e_ballot=setting.secret_ballot,
        proposals=record.superior_decides,
    )


def _groups(record: Record) -> tuple[doc.LevelGroup, ...]:
    return tuple(
        doc.LevelGroup(_level(share.level), share.count, percent(share.share), tuple(
            doc.ClassifiedMember(c.member.name, _t("role", role=c.member.role), _t("status", status=c.member.status),
                                 _t("member_note", c=c))
            for c in share.members))
        for share in record.levels
    )


def _classification(ctx: _Context) -> doc.ClassificationListData:
    record = ctx.record
    return doc.ClassificationListData(
        branch=ctx.setting.branch, year=ctx.setting.year, issued_on=ctx.today, members_total=len(record.members),
        classified_total=len(record.classified), groups=_groups(record), signer=ctx.signer,
        not_classified=_unclassified_rows(record), percent_base=_t("percent_base", n=len(record.classified)),
        proposals=not record.final,
    )


def _report(ctx: _Context) -> doc.ReportData:
    record, rules = ctx.record, ctx.setting.rules
    names = {m.membership_id: m.name for m in record.members}
    awaiting = sum(1 for c in record.classified if not c.final)
    to_confirm = tuple(u.text for u in rules.unsettled)
    if awaiting or record.branch_awaits:
        to_confirm = (_t("awaiting", members=awaiting, branch=record.branch_awaits), *to_confirm)
    return doc.ReportData(
        branch=ctx.setting.branch, year=ctx.setting.year, issued_on=ctx.today, addressee=ctx.setting.branch.superior,
        meeting_on=ctx.held_on,
        members_total=len(record.members), full_members_total=len(record.full_members),
        probationary_total=len(record.probationary),
        reviewed=len(record.reviewed), not_reviewed=len(record.not_reviewed),
        classified=len(record.classified), unclassified=len(record.not_classified),
        members_present=len(record.present),
        level_counts=tuple(doc.LevelCount(g.level, g.count, g.percent) for g in _groups(record)),
        branch_ballot=_branch_ballot(ctx), committee_report_vote=_vote(record.committee_report),
        rule_set=doc.RuleSetInfo(rules.name, rules.source), signer=ctx.signer,
        has_committee=any(m.role == Role.COMMITTEE for m in record.members),
        not_classified=_unclassified_rows(record),
        feedback=tuple(
            doc.FeedbackTaken(f.source, names.get(f.about) or _t("committee"), f.content, f.answer or _t("unanswered"))
            for f in record.named_feedback
        ),
        to_confirm=to_confirm,
        proposals=not record.final,
    )


def _notices(ctx: _Context) -> list[tuple[str, doc.FeedbackNoticeData | None]]:
    """One notice per source; None for a source with a point not yet answered."""
    names = {m.membership_id: m.name for m in ctx.record.members}
    by_source: dict[str, list] = {}
    for f in ctx.record.named_feedback:
        by_source.setdefault(f.source, []).append(f)
    return [
        (source, doc.FeedbackNoticeData(
            branch=ctx.setting.branch, year=ctx.setting.year, issued_on=ctx.today, recipient=source,
            signer=ctx.signer,
            points=tuple(doc.FeedbackPoint(names.get(f.about) or _t("committee"), f.content, f.answer)
                         for f in items),
            received_on=min(f.received_at for f in items).astimezone(ctx.tz).date(), meeting_on=ctx.held_on,
        ) if all(f.answered for f in items) else None)
        for source, items in by_source.items()
    ]

