"""The weekly summary goes through the outbox: Monday mornings, once a week per reader, with what changed."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.services import invitations, review
from bot.services.actor import load_actor
from bot.services.weekly import plan_weekly
from storage.reminder_models import Reminder
from tests.helpers import SETTINGS, branch_with_leaders

MONDAY_9AM = datetime(2026, 11, 30, 2, tzinfo=UTC)  # 09:00 in Hà Nội
SUPERVISOR = 901


async def weekly_rows(uow_factory) -> list[Reminder]:
    async with uow_factory() as uow:
        found = list(await uow.session.scalars(select(Reminder).where(Reminder.source == "weekly")
                                               .order_by(Reminder.id)))
        uow.session.expunge_all()
        return found


async def test_one_summary_a_week_on_monday_morning_with_the_changes(uow_factory):
    secretary = await branch_with_leaders(uow_factory)
    async with uow_factory() as uow:
        invite = await invitations.invite_supervisor(uow, secretary, MONDAY_9AM, timedelta(days=14))
        await invitations.accept(uow, telegram_user_id=SUPERVISOR, display_name="Phan Văn Quang",
                                 token=invite.token, now=MONDAY_9AM)

    assert await plan_weekly(uow_factory, MONDAY_9AM - timedelta(hours=2), SETTINGS) == 0  # 07:00: too early
    assert await plan_weekly(uow_factory, MONDAY_9AM, SETTINGS) == 1
    assert await plan_weekly(uow_factory, MONDAY_9AM + timedelta(hours=1), SETTINGS) == 0  # same week
    assert await plan_weekly(uow_factory, MONDAY_9AM + timedelta(days=1), SETTINGS) == 0  # Tuesday
    first, = await weekly_rows(uow_factory)
    assert first.chat_id == SUPERVISOR and "Chi bộ Khu phố 7" in first.text

    async with uow_factory() as uow:
        await review.start_review(uow, await load_actor(uow, secretary.telegram_user_id), 2026, MONDAY_9AM)
    assert await plan_weekly(uow_factory, MONDAY_9AM + timedelta(days=7), SETTINGS) == 1
    _, second = await weekly_rows(uow_factory)
    assert second.key != first.key
    assert "Thay đổi từ 30/11/2026" in second.text and "chuyển từ «Chưa bắt đầu kiểm điểm»" in second.text
