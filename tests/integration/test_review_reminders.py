"""The review feeds the reminder outbox: "closing soon" to exactly those without a self-review, and the
procedure's own steps as the leaders' deadlines. SQLite and PostgreSQL."""

from datetime import datetime, timedelta

from bot.services import review, review_assessment, review_collect
from bot.services.actor import load_actor
from storage.reminder_models import CANCELLED, PENDING, Reminder
from tests.helpers import HA, MINH, REMINDER_NOW, SETTINGS, branch_with_leaders, plan, reminder_rows


async def test_closing_soon_goes_only_to_members_without_a_self_review(uow_factory):
    secretary = await branch_with_leaders(uow_factory)
    async with uow_factory() as uow:
        await review.start_review(uow, secretary, 2026, REMINDER_NOW)
        await review.set_meeting(uow, secretary, at=datetime(2026, 12, 20, 8, tzinfo=SETTINGS.tz), place=None,
                                 now=REMINDER_NOW)
    week_before = REMINDER_NOW + timedelta(days=15)  # 10/12: the planner looks 8 days ahead
    await plan(uow_factory, secretary, week_before)
    closing = await reminder_rows(uow_factory, Reminder.source == "review", Reminder.status == PENDING)
    # Due 7 days before the meeting (13/12): the day before and on the day, to everyone linked who owes one.
    assert {(r.person_id, r.kind, r.send_at.astimezone(SETTINGS.tz).strftime("%d/%m %H:%M")) for r in closing} == {
        (p, "closing", day) for p in {r.person_id for r in closing} for day in ("12/12 08:00", "13/12 08:00")}
    assert len({r.person_id for r in closing}) == 3
    assert "Nộp bản tự kiểm điểm" in closing[0].text

    async with uow_factory() as uow:
        member = await load_actor(uow, HA)
        await review_collect.submit_self_review(uow, member, text="Bản tự kiểm điểm " * 10, file_name=None,
                                                now=REMINDER_NOW)
    await plan(uow_factory, secretary, week_before)
    async with uow_factory() as uow:
        member_person = (await load_actor(uow, HA)).person_id
        deputy_person = (await load_actor(uow, MINH)).person_id
    left = await reminder_rows(uow_factory, Reminder.source == "review", Reminder.status == PENDING)
    assert member_person not in {r.person_id for r in left} and deputy_person in {r.person_id for r in left}
    cancelled = await reminder_rows(uow_factory, Reminder.source == "review", Reminder.status == CANCELLED)
    assert {r.person_id for r in cancelled} == {member_person}

    steps = await reminder_rows(uow_factory, Reminder.source == "task", Reminder.status == PENDING)
    assert any("bản tự kiểm điểm" in r.text for r in steps)
    assert {r.person_id for r in steps} <= {secretary.person_id, deputy_person}


SHEET = {"common": 27, "results": 65, "tasks_total": 10, "tasks_done": 10, "tasks_on_time": 10, "tasks_exceeded": 4}


async def test_closing_soon_goes_to_members_without_an_assessment_sheet_under_qd366(uow_factory):
    secretary = await branch_with_leaders(uow_factory)
    async with uow_factory() as uow:
        await review.start_review(uow, secretary, 2026, REMINDER_NOW)  # QĐ 366: every member owes a sheet too
        await review.set_meeting(uow, secretary, at=datetime(2026, 12, 20, 8, tzinfo=SETTINGS.tz), place=None,
                                 now=REMINDER_NOW)
    week_before = REMINDER_NOW + timedelta(days=15)
    await plan(uow_factory, secretary, week_before)
    sheets = await reminder_rows(uow_factory, Reminder.source == "sheet", Reminder.status == PENDING)
    assert len({r.person_id for r in sheets}) == 3 and {r.kind for r in sheets} == {"closing"}
    assert "Điền phiếu tự đánh giá (chấm điểm)" in sheets[0].text and "/tudanhgia" in sheets[0].text

    async with uow_factory() as uow:
        member = await load_actor(uow, HA)
        await review_assessment.save_own(uow, member, SHEET, None, REMINDER_NOW)
    await plan(uow_factory, secretary, week_before)
    left = await reminder_rows(uow_factory, Reminder.source == "sheet", Reminder.status == PENDING)
    assert member.person_id not in {r.person_id for r in left} and len({r.person_id for r in left}) == 2
    # The self-review's own nudge is not touched by the sheet: the member still owes it.
    assert member.person_id in {r.person_id for r in await reminder_rows(uow_factory, Reminder.source == "review",
                                                                Reminder.status == PENDING)}

    async with uow_factory() as uow:
        await review.set_rule_set(uow, secretary, "kh146_2014", REMINDER_NOW)  # no sheets
    await plan(uow_factory, secretary, week_before)
    assert not await reminder_rows(uow_factory, Reminder.source == "sheet", Reminder.status == PENDING)
