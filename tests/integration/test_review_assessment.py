"""The assessment sheet's use cases against the database (SQLite, and PostgreSQL when configured): filling,
the figures checked, the committee's check and corrections, the grave facts, the proposal stored with its
reasons, the checklist's counts, and the meeting classifying from the sheet."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select, update

from bot.domain.review.levels import MemberLevel
from bot.domain.roster import parse_roster
from bot.services import demo, onboarding, review, review_assessment, review_meeting, review_progress, roster
from bot.services.actor import load_actor
from bot.services.errors import ServiceError
from bot.services.review_meeting import Counts
from storage.review_models import Review, ReviewAssessment
from tests.helpers import FULL_SHEET, HA, REMINDER_NOW, SECRETARY, SETTINGS, assessment_branch

NOW = REMINDER_NOW  # the moment the outbox's tests plan at


async def stored(uow_factory, subject: str) -> ReviewAssessment:
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(ReviewAssessment).where(ReviewAssessment.subject == subject))
        uow.session.expunge_all()
        return row


async def test_the_year_picks_the_rule_set(uow_factory):
    started, _ = await assessment_branch(uow_factory, 2026)
    assert started.rule_set_name.startswith("Quy định 366-QĐ/TW")
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        replay = await review.start_review(uow, secretary, 2014, NOW)
    assert replay.rule_set_name.startswith("Kế hoạch 146-KH/ĐU")


async def test_a_member_fills_the_committee_checks_and_the_proposal_is_stored(uow_factory):
    _, ids = await assessment_branch(uow_factory)
    async with uow_factory() as uow:
        member = await load_actor(uow, HA)
        view = await review_assessment.save_own(uow, member, FULL_SHEET, None, NOW)
    assert view.sheet.total == 92 and view.proposal.level == MemberLevel.HTXSNV
    assert view.line == "92 điểm; 100% nhiệm vụ đúng hạn; 4/10 nhiệm vụ vượt mức yêu cầu (từ 30%) → " \
                        "Hoàn thành xuất sắc nhiệm vụ"
    row = await stored(uow_factory, f"member:{ids['Lê Thị Hà']}")
    assert row.proposed == "htxsnv" and row.reviewed_at is None and row.filled_by is not None
    assert json.loads(row.reasons)[0]["code"] == "sheet_score"

    async with uow_factory() as uow:
        p = await review_progress.progress(uow, await load_actor(uow, SECRETARY), manage=True)
    items = {i.key: (i.done, i.total) for s in p.steps for i in s.items}
    assert items["assessment_sheets"] == (1, 3) and items["assessment_checked"] == (0, 3)

    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        corrected = await review_assessment.correct(uow, secretary, f"member:{ids['Lê Thị Hà']}", "tasks_exceeded",
                                                    2, "Theo nhận xét của chi ủy", NOW)
    assert corrected.checked and corrected.proposal.level == MemberLevel.HTTNV
    assert corrected.corrections[0] | {"at": None} == {"field": "tasks_exceeded", "old": 4, "new": 2,
                                                       "reason": "Theo nhận xét của chi ủy",
                                                       "by": secretary.person_id, "at": None}
    row = await stored(uow_factory, f"member:{ids['Lê Thị Hà']}")
    assert row.tasks_exceeded == 2 and row.proposed == "httnv" and row.reviewed_by == secretary.person_id
    async with uow_factory() as uow:
        p = await review_progress.progress(uow, await load_actor(uow, SECRETARY), manage=True)
    assert {i.key: i.done for s in p.steps for i in s.items}["assessment_checked"] == 1

    # Filled again, the sheet is new: the committee checks it again.
    async with uow_factory() as uow:
        await review_assessment.save_own(uow, await load_actor(uow, HA), FULL_SHEET, True, NOW)
    row = await stored(uow_factory, f"member:{ids['Lê Thị Hà']}")
    assert row.reviewed_at is None and row.corrections == "[]" and row.shortcomings_remedied is True


@pytest.mark.parametrize(("field", "text", "known", "code"), [
    ("common", "31", {}, "sheet_over"),
    ("results", "bảy mươi", {"common": 20}, "sheet_not_a_number"),
    ("tasks_total", "0", FULL_SHEET, "sheet_no_tasks"),
    ("tasks_done", "11", {"tasks_total": 10}, "sheet_part_over"),
    ("tasks_exceeded", "9", {"tasks_total": 10, "tasks_done": 8}, "sheet_part_over"),
])
def test_a_wrong_figure_is_refused_with_its_reason(field, text, known, code):
    with pytest.raises(ServiceError) as refused:
        review_assessment.parse_figure(field, text, known)
    assert refused.value.code == code


async def test_the_secretary_fills_only_for_members_without_the_bot_and_records_grave_facts(uow_factory):
    _, ids = await assessment_branch(uow_factory)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        with pytest.raises(ServiceError) as refused:
            await review_assessment.save_for(uow, secretary, f"member:{ids['Lê Thị Hà']}", FULL_SHEET, None, NOW)
        assert refused.value.code == "sheet_member_uses_bot"
        duc = f"member:{ids['Phạm Văn Đức']}"
        with pytest.raises(ServiceError) as missing:
            await review_assessment.set_discipline(uow, secretary, duc, "khien_trach", NOW)
        assert missing.value.code == "sheet_missing"
        await review_assessment.save_for(uow, secretary, duc, FULL_SHEET, None, NOW)
        view = await review_assessment.set_discipline(uow, secretary, duc, "khien_trach", NOW)
    assert view.sheet.total == 92 and view.proposal.level == MemberLevel.KHTNV
    assert "bị kỷ luật khiển trách → Không hoàn thành nhiệm vụ" in view.line
    async with uow_factory() as uow:
        view = await review_assessment.toggle(uow, await load_actor(uow, SECRETARY), duc, "self_admitted", NOW)
    assert view.proposal.superior_decides
    row = await stored(uow_factory, duc)
    assert (row.discipline, row.self_admitted, row.superior_decides, row.proposed) == (
        "khien_trach", True, True, "khtnv")

    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        await review_assessment.save_for(uow, secretary, "branch", FULL_SHEET, None, NOW)
        branch_view = await review_assessment.toggle(uow, secretary, "branch", "leadership_disciplined", NOW)
    assert branch_view.proposal.level == MemberLevel.HTTNV
    assert "có thành viên tập thể lãnh đạo hoặc đơn vị trực thuộc bị kỷ luật" in branch_view.line


async def test_the_meeting_classifies_from_the_sheet_and_names_who_fills_a_missing_one(uow_factory):
    _, ids = await assessment_branch(uow_factory)
    async with uow_factory() as uow:
        await review_assessment.save_own(uow, await load_actor(uow, HA), FULL_SHEET, None, NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        await review_assessment.save_own(uow, secretary, FULL_SHEET | {"tasks_exceeded": 0, "results": 60}, None, NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        assert await review.set_outstanding(uow, secretary, NOW) is True
        await review_meeting.start_meeting(uow, secretary, NOW)
        with pytest.raises(ServiceError) as refused:
            await review_meeting.record_member(uow, secretary, ids["Phạm Văn Đức"], MemberLevel.HTTNV,
                                               Counts(2, 0, 0), NOW)
        assert refused.value.code == "sheet_missing"
        assert refused.value.params == {"name": "Phạm Văn Đức", "linked": False, "branch": False}
        with pytest.raises(ServiceError) as started:
            await review.set_outstanding(uow, secretary, NOW)
        assert started.value.code == "review_meeting_started"
        await review_meeting.set_attendance(uow, secretary, ids["Phạm Văn Đức"], present=False, reason="ốm", now=NOW)
        # The level asked for is not what decides: the sheet's proposal is, and no vote is needed.
        lan = await review_meeting.record_member(uow, secretary, ids["Nguyễn Thị Lan"], MemberLevel.HTXSNV,
                                                 Counts(0, 0, 0), NOW)
        ha = await review_meeting.record_member(uow, secretary, ids["Lê Thị Hà"], MemberLevel.HTTNV,
                                                Counts(0, 0, 0), NOW)
    assert lan.level == "httnv" and ha.level == "htxsnv"
    quota = next(r for r in ha.reasons if r["code"] in ("quota_warning", "quota_room"))
    assert quota["params"]["percent"] == 25  # the secretary's "outstanding" flag: 25% instead of 20%


async def test_the_calendar_tasks_close_when_every_sheet_is_in_and_checked(uow_factory):
    _, ids = await assessment_branch(uow_factory)
    async with uow_factory() as uow:
        await review_assessment.save_own(uow, await load_actor(uow, HA), FULL_SHEET, None, NOW)
        secretary = await load_actor(uow, SECRETARY)
        await review_assessment.save_own(uow, secretary, FULL_SHEET, None, NOW)
        await review_assessment.save_for(uow, secretary, f"member:{ids['Phạm Văn Đức']}", FULL_SHEET, None, NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        tasks = {rt.procedure_key: rt.task for rt in await uow.reviews.tasks(
            (await review.open_review(uow, secretary)).id)}
        assert tasks["assessment_sheets"].done_at is not None and tasks["assessment_checked"].done_at is None
        for name in ids:
            await review_assessment.accept(uow, secretary, f"member:{ids[name]}", NOW)
        assert tasks["assessment_checked"].done_at is not None


async def test_the_demo_review_runs_under_qd366_with_sheets_filled_and_checked(uow_factory):
    async with uow_factory() as uow:
        await demo.load_demo(uow, NOW, SETTINGS.tz)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, demo.ROSTER[0].user_id)
        p = await review_progress.progress(uow, secretary, manage=True)
        rows = await review_assessment.sheet_list(uow, secretary)
    assert p.rule_set == "qd366_2025"
    items = {i.key: (i.done, i.total) for s in p.steps for i in s.items}
    assert items["assessment_sheets"] == (3, 9) and items["assessment_checked"] == (2, 9)
    assert [(r.name, r.filled, r.checked, r.proposed) for r in rows if r.filled] == [
        (demo.DEMO_BRANCH, True, False, "httnv"), ("Trần Văn Minh", True, True, "htxsnv"),
        ("Lê Thị Thu Hà", True, True, "httnv"), ("Phạm Văn Đức", True, False, "htnv")]


@pytest.mark.parametrize(("outstanding", "level"), [(False, None), (True, "htxsnv")])
async def test_the_2014_quota_of_an_outstanding_branch_is_20_percent(uow_factory, outstanding, level):
    """Plan 003 §IV.2.2.a: at most 15% of those rated HTTNV (20% for "chi bộ có thành tích đặc biệt xuất sắc").
    Seven members, one HTXSNV candidate, six HTTNV: 15% of 6 gives no seat, 20% gives one."""
    async with uow_factory() as uow:
        await onboarding.create_branch(uow, telegram_user_id=SECRETARY, full_name="Nguyễn Thị Lan",
                                       branch_name="Chi bộ Khu phố 9", superior_unit=None, now=NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        names = ("Trần Văn Minh", "Lê Thị Hà", "Phạm Văn Đức", "Hoàng Thị Mai", "Vũ Văn Hùng", "Đỗ Thị Hương")
        lines = "\n".join(f"{name}, chính thức, 03/04/2012" for name in names)
        await roster.add_members(uow, secretary, parse_roster(lines, NOW.date()).accepted, NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        await review.start_review(uow, secretary, 2026, NOW)
        await review.set_rule_set(uow, secretary, "kh146_2014", NOW)
        await review.set_meeting(uow, secretary, at=datetime(2026, 12, 20, 8, tzinfo=SETTINGS.tz), place=None,
                                 now=NOW)
        if outstanding:
            await review.set_outstanding(uow, secretary, NOW)
        await review_meeting.start_meeting(uow, secretary, NOW)
        states = list((await review_progress.progress(uow, secretary, manage=True)).members)
        everyone = Counts(review_meeting.facts(states).present_voters, 0, 0)
        candidate, *others = [m.membership_id for m in review_meeting.reviewed_here(states)]
        assert len(others) == 6
        for membership_id in others:
            await review_meeting.record_member(uow, secretary, membership_id, MemberLevel.HTTNV, everyone, NOW)
        recorded = await review_meeting.record_member(uow, secretary, candidate, MemberLevel.HTXSNV, everyone, NOW)
    assert recorded.level == level
    quota = next(r["params"] for r in recorded.reasons if r["code"] in ("quota_within", "quota_kept", "quota_exceeded"))
    assert (quota["percent"], quota["seats"], quota["of_count"]) == ((20, 1, 6) if outstanding else (15, 0, 7))


async def test_the_branch_level_is_its_sheets_proposal_and_a_vote_only_its_opinion(uow_factory):
    """QĐ 366 Điều 11/12: the collective's level comes from its own sheet; no typed score, no "trên 1/2" rule."""
    await assessment_branch(uow_factory)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        await review_meeting.start_meeting(uow, secretary, NOW)
        with pytest.raises(ServiceError) as refused:  # no sheet: what to fill, not a level made up at the meeting
            await review_meeting.record_collective(uow, secretary, review_meeting.BRANCH, Counts(1, 2, 0), NOW)
        assert refused.value.code == "sheet_missing"
        assert refused.value.params == {"name": "Chi bộ Khu phố 7", "linked": False, "branch": True}
        await uow.session.execute(update(Review).values(meeting_started_at=None))
        await uow.commit()
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        await review_assessment.save_for(uow, secretary, review_assessment.BRANCH, FULL_SHEET, None, NOW)
        await review_meeting.start_meeting(uow, secretary, NOW)
        assert await review_meeting.branch_offer(uow, secretary) == (
            "92 điểm; 100% nhiệm vụ đúng hạn; 4/10 nhiệm vụ vượt mức yêu cầu (từ 30%); không có thành viên tập thể "
            "lãnh đạo, đơn vị trực thuộc bị kỷ luật → Hoàn thành xuất sắc nhiệm vụ")
        # 1 of 3 full members approve: under 2014's "trên 1/2" nothing would be adopted; here it is an opinion.
        vote = await review_meeting.record_collective(uow, secretary, review_meeting.BRANCH, Counts(1, 2, 0), NOW)
        assert (vote.proposed, vote.outcome) == ("htxsnv", "htxsnv")
        codes = [r["code"] for r in json.loads(vote.reasons)]
        assert codes[0] == "sheet_score" and codes[-1] == "votes_recorded" and "adoption" not in codes
        # Recorded without a vote: the same proposal, no opinion.
        silent = await review_meeting.record_collective(uow, secretary, review_meeting.BRANCH, None, NOW)
        assert silent.outcome == "htxsnv" and (silent.approve, silent.disapprove, silent.other) == (0, 0, 0)
        assert "votes_recorded" not in [r["code"] for r in json.loads(silent.reasons)]
        assert (await review.open_review(uow, secretary)).branch_score == 92
