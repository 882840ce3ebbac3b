"""Finished steps close in the calendar (issue 12 point 6): a checklist item counted from the records closes its
calendar task when complete and reopens it when not, so its reminders stop and nothing lists it late. SQLite and
PostgreSQL."""

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.services import review, review_collect
from bot.services.review_collect import Mark
from bot.services.review_progress import progress
from storage.models import Task
from storage.reminder_models import CANCELLED, PENDING, Reminder, ReplanRequest
from storage.review_models import ReviewTask
from tests.helpers import REMINDER_NOW, SETTINGS, branch_with_leaders, plan, reminder_rows


async def residence_task(uow_factory) -> Task:
    async with uow_factory() as uow:
        task = (await uow.session.scalars(select(Task).join(ReviewTask, ReviewTask.task_id == Task.id).where(
            ReviewTask.procedure_key == "residence_forms_out"))).one()
        uow.session.expunge_all()
        return task


async def test_residence_forms_all_sent_close_their_task_and_its_reminders(uow_factory):
    secretary = await branch_with_leaders(uow_factory)
    async with uow_factory() as uow:
        await review.start_review(uow, secretary, 2026, REMINDER_NOW)
        await review.set_meeting(uow, secretary, at=datetime(2026, 12, 20, 8, tzinfo=SETTINGS.tz), place=None,
                                 now=REMINDER_NOW)
    task = await residence_task(uow_factory)
    assert task.done_at is None
    await plan(uow_factory, secretary, REMINDER_NOW)
    key = f"%:task:{task.id}:%"
    assert await reminder_rows(uow_factory, Reminder.key.like(key), Reminder.status == PENDING)

    async with uow_factory() as uow:
        reviewing = (await progress(uow, secretary, manage=True)).reviewing
    async with uow_factory() as uow:
        for m in reviewing[:-1]:
            await review_collect.mark(uow, secretary, m.membership_id, Mark.RESIDENCE_REQUESTED, REMINDER_NOW)
    assert (await residence_task(uow_factory)).done_at is None  # n-1 of n: still open
    async with uow_factory() as uow:
        await review_collect.mark(uow, secretary, reviewing[-1].membership_id, Mark.RESIDENCE_REQUESTED, REMINDER_NOW)
    closed = await residence_task(uow_factory)
    assert closed.done_at == REMINDER_NOW and closed.done_by is None
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(ReplanRequest.id).limit(1)) is not None
    await plan(uow_factory, secretary, REMINDER_NOW)
    assert not await reminder_rows(uow_factory, Reminder.key.like(key), Reminder.status == PENDING)
    assert await reminder_rows(uow_factory, Reminder.key.like(key), Reminder.status == CANCELLED)

    # The form for one member taken back: the step is incomplete again, and so is its task.
    async with uow_factory() as uow:
        await review_collect.mark(uow, secretary, reviewing[0].membership_id, Mark.RESIDENCE_REQUESTED, REMINDER_NOW)
    assert (await residence_task(uow_factory)).done_at is None
    later = REMINDER_NOW + timedelta(days=1)
    await plan(uow_factory, secretary, later)
    assert await reminder_rows(uow_factory, Reminder.key.like(key), Reminder.status == PENDING)
