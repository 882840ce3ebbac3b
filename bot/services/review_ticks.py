"""Checklist items counted from the review's records (residence forms 10/10, self-reviews n/n, member ballots…)
close their calendar task by themselves when complete, and reopen it when they become incomplete again.

A closed task stops its reminders (records_changed, the caller, asks for the re-plan), leaves the
overdue lists of the digest and /thangnay, and is no longer late for the supervisor. Called, in the caller's
transaction, by every use case that changes those records.
"""

from datetime import datetime

from bot.services.review_progress import COUNTED, progress_of
from storage.review_models import Review
from storage.uow import UnitOfWork


async def sync_ticks(uow: UnitOfWork, review: Review, now: datetime) -> None:
    tasks = {rt.procedure_key: rt.task for rt in await uow.reviews.tasks(review.id)}
    if not tasks:
        return  # no meeting date yet: the procedure is not in the calendar
    await uow.flush()  # the records just changed are what the counts read
    for step in (await progress_of(uow, review)).steps:
        for item in step.items:
            task = tasks.get(item.key)
            if item.key not in COUNTED or task is None or item.complete == (task.done_at is not None):
                continue
            task.done_at, task.done_by = (now, None) if item.complete else (None, None)
