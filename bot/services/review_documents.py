"""Step 3's papers: the minutes, the classification list, the report and the feedback notices, as .docx.

This module decides what each document says from the stored review; the Word templates only lay it out.
"""

from datetime import datetime
from fractions import Fraction
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
from bot.domain.review.rules import load_rule_set
from bot.domain.roster import Role, Status
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.services.review import open_review, reviews
from bot.services.review_collect import MemberState, member_states
from bot.services.review_meeting import BRANCH, COMMITTEE_REPORT, ResultRow, facts, results
from bot.texts import plain
from storage.review_models import Review
from storage.uow import UnitOfWork


def _t(macro: str, **context: object) -> str:
    return plain("review", macro, **context)


def _percent(part: int, whole: int) -> str:
    """'16,7%': one decimal, rounded half up, exact arithmetic, Vietnamese decimal comma."""
    if not whole:
        return "0%"
    tenths = (Fraction(part * 1000, whole) + Fraction(1, 2)) // 1
    return f"{tenths // 10},{tenths % 10}%".replace(",0%", "%")


def _vote(v) -> doc.VoteCount:
    return doc.VoteCount(v.approve, v.disapprove, v.other) if v else doc.VoteCount(0, 0, 0)


def _reason_text(reasons: list[dict]) -> str:
    return "; ".join(plain("review_reasons", "reason", r=r) for r in reasons)


def _not_classified(members: list[MemberState]) -> tuple[doc.NotClassifiedRow, ...]:
    return tuple(
        doc.NotClassifiedRow(m.full_name, _t("doc_status", status=m.status), _t("doc_not_reviewed", m=m),
                             _t("doc_next_meeting") if m.reviews else "")
        for m in members if not m.reviews or m.present is False
    )


async def documents(uow: UnitOfWork, actor: Actor, now: datetime, tz: ZoneInfo) -> list[tuple[str, str, bytes]]:
    """(kind, file name, bytes) of every paper of the ended meeting; feedback notices one per source."""
    review = await open_review(uow, actor)
    if review.meeting_ended_at is None:
        raise ServiceError("meeting_not_ended")
    members = await member_states(uow, review)
    rows = await results(uow, actor)
    votes = await reviews(uow).votes(review.id)
    branch = await uow.branches.get(review.branch_id)
    info = doc.BranchInfo(branch.name, branch.superior_unit or "", review.meeting_place or "")
    secretary = next((m for m in members if m.role == Role.SECRETARY), None)
    signer = doc.Signer(secretary.full_name if secretary else "")
    today = now.astimezone(tz).date()
    papers = [
        ("minutes", file_name(DocumentKind.MINUTES, info, review.year),
         render_minutes(_minutes(review, info, members, rows, votes, tz))),
        ("list", file_name(DocumentKind.CLASSIFICATION_LIST, info, review.year),
         render_classification_list(_classification(review, info, members, rows, signer, today))),
        ("report", file_name(DocumentKind.REPORT, info, review.year),
         render_report(_report(review, info, members, rows, votes, signer, today))),
    ]
    for source, notice in await _notices(uow, review, info, members, signer, today):
        papers.append(("notice", file_name(DocumentKind.FEEDBACK_NOTICE, info, review.year, part=source),
                       render_feedback_notice(notice)))
    return papers


def _member_rows(members: list[MemberState], rows: list[ResultRow]) -> tuple[doc.MemberResultRow, ...]:
    by_id = {m.membership_id: m for m in members}
    return tuple(
        doc.MemberResultRow(
            r.name, _t("doc_role", role=by_id[r.membership_id].role),
            _t("doc_status", status=by_id[r.membership_id].status),
            plain("review_reasons", "level", value=r.proposed), doc.VoteCount(r.approve, r.disapprove, r.other),
            plain("review_reasons", "level", value=r.outcome) if r.outcome else "", _reason_text(r.reasons),
        )
        for r in rows
    )


def _branch_ballot(review: Review, votes: dict) -> doc.BranchBallot:
    vote = votes.get(BRANCH)
    adopted = bool(vote and vote.outcome)
    level = vote.proposed if vote and vote.proposed else "htnv"
    return doc.BranchBallot(
        plain("review_reasons", "branch_level", value=level) if vote else "", _vote(vote),
        _t("doc_branch_result", level=level, adopted=adopted) if vote else "",
        str(review.branch_score) if review.branch_score is not None else "",
    )


def _minutes(review: Review, info: doc.BranchInfo, members: list[MemberState], rows: list[ResultRow],
             votes: dict, tz: ZoneInfo) -> doc.MinutesData:
    present = [m for m in members if m.present is not False]
    absent = [m for m in members if m.present is False]
    by_role = {m.role: m for m in members}
    chair = by_role.get(Role.SECRETARY)
    deputy = by_role.get(Role.DEPUTY)
    blank = _t("doc_blank")
    reviewed = [m for m in members if m.reviews and m.present is not False]
    return doc.MinutesData(
        branch=info, year=review.year, venue=review.meeting_place or blank,
        started_at=review.meeting_started_at.astimezone(tz), ended_at=review.meeting_ended_at.astimezone(tz),
        chair=doc.Person(chair.full_name if chair else blank, _t("doc_role", role=Role.SECRETARY)),
        clerk=doc.Person(blank),
        members_total=len(members), full_members_total=facts(members).full_members,
        members_present=len(present), full_members_present=facts(members).present_voters,
        committee_report=doc.CollectiveItem(chair.full_name if chair else blank, blank, blank,
                                            _vote(votes.get(COMMITTEE_REPORT))),
        annual_summary=doc.CollectiveItem(chair.full_name if chair else blank, blank, blank),
        branch_ballot=_branch_ballot(review, votes),
        self_reviews=tuple(
            doc.SelfReviewItem(m.full_name, _t("doc_role", role=m.role), blank, blank,
                               deputy.full_name if deputy and m.role == Role.SECRETARY else "")
            for m in reviewed
        ),
        results=_member_rows(members, rows),
        has_committee=any(m.role == Role.COMMITTEE for m in members),
        deputy_chair=doc.Person(deputy.full_name, _t("doc_role", role=Role.DEPUTY)) if deputy else None,
        absent=tuple(doc.AbsentMember(m.full_name, m.absence_reason or "") for m in absent),
        not_reviewed=_not_classified(members),
        e_ballot=review.secret_ballot,
    )


def _classification(review: Review, info: doc.BranchInfo, members: list[MemberState], rows: list[ResultRow],
                    signer: doc.Signer, today) -> doc.ClassificationListData:
    by_id = {m.membership_id: m for m in members}
    classified = [r for r in rows if r.outcome]
    groups = []
    for level in MEMBER_LEVELS:
        at_level = [r for r in classified if r.outcome == level]
        groups.append(doc.LevelGroup(
            plain("review_reasons", "level", value=level), len(at_level), _percent(len(at_level), len(classified)),
            tuple(doc.ClassifiedMember(r.name, _t("doc_role", role=by_id[r.membership_id].role),
                                       _t("doc_status", status=by_id[r.membership_id].status)) for r in at_level),
        ))
    not_yet = [r for r in rows if not r.outcome]
    return doc.ClassificationListData(
        branch=info, year=review.year, issued_on=today, members_total=len(members),
        classified_total=len(classified), groups=tuple(groups), signer=signer,
        not_classified=_not_classified(members) + tuple(
            doc.NotClassifiedRow(r.name, _t("doc_status", status=by_id[r.membership_id].status),
                                 _reason_text(r.reasons)) for r in not_yet),
        percent_base=_t("doc_percent_base"),
    )


def _report(review: Review, info: doc.BranchInfo, members: list[MemberState], rows: list[ResultRow], votes: dict,
            signer: doc.Signer, today) -> doc.ReportData:
    rules = load_rule_set(review.rule_set)
    classified = [r for r in rows if r.outcome]
    reviewed = [m for m in members if m.reviews]
    return doc.ReportData(
        branch=info, year=review.year, issued_on=today, addressee=info.superior, meeting_on=review.meeting_on,
        members_total=len(members), full_members_total=facts(members).full_members,
        probationary_total=sum(1 for m in members if m.status == Status.PROBATIONARY),
        reviewed=len(reviewed), not_reviewed=len(members) - len(reviewed),
        members_present=sum(1 for m in members if m.present is not False),
        level_counts=tuple(
            doc.LevelCount(plain("review_reasons", "level", value=level),
                           sum(1 for r in classified if r.outcome == level),
                           _percent(sum(1 for r in classified if r.outcome == level), len(classified)))
            for level in MEMBER_LEVELS
        ),
        branch_ballot=_branch_ballot(review, votes), committee_report_vote=_vote(votes.get(COMMITTEE_REPORT)),
        rule_set=doc.RuleSetInfo(rules.name, rules.source), signer=signer,
        has_committee=any(m.role == Role.COMMITTEE for m in members),
        not_classified=_not_classified(members),
        to_confirm=tuple(u.text for u in rules.unsettled),
    )


async def _notices(uow: UnitOfWork, review: Review, info: doc.BranchInfo, members: list[MemberState],
                   signer: doc.Signer, today) -> list[tuple[str, doc.FeedbackNoticeData]]:
    names = {m.membership_id: m.full_name for m in members}
    by_source: dict[str, list] = {}
    for f in await reviews(uow).feedback(review.id):
        if f.kind != "superior_hint":
            by_source.setdefault(f.source, []).append(f)
    return [
        (source, doc.FeedbackNoticeData(
            branch=info, year=review.year, issued_on=today, recipient=source, signer=signer,
            points=tuple(doc.FeedbackPoint(names.get(f.about_membership_id) or _t("doc_committee"), f.content,
                                           f.answer or _t("doc_unanswered")) for f in items),
            received_on=items[0].received_at.date(), meeting_on=review.meeting_on,
        ))
        for source, items in by_source.items()
    ]

