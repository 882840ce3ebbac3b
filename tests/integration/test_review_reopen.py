"""A meeting ended by mistake reopens (issue 12 point 4) until its papers are filed or the superior has decided;
its start stays and its end is the last one. SQLite and PostgreSQL."""

from datetime import datetime, timedelta

import pytest

from bot.services import review, review_meeting
from bot.services.errors import ServiceError
from storage.decision_models import ReviewDecision
from tests.helpers import REMINDER_NOW, SETTINGS, branch_with_leaders


async def test_reopening_keeps_the_start_takes_the_last_end_and_stops_once_the_superior_decided(uow_factory):
    secretary = await branch_with_leaders(uow_factory)
    async with uow_factory() as uow:
        await review.start_review(uow, secretary, 2026, REMINDER_NOW)
        await review.set_meeting(uow, secretary, at=datetime(2026, 12, 20, 8, tzinfo=SETTINGS.tz), place=None,
                                 now=REMINDER_NOW)
        await review_meeting.start_meeting(uow, secretary, REMINDER_NOW)
        await review_meeting.end_meeting(uow, secretary, REMINDER_NOW + timedelta(hours=2))
        await review_meeting.reopen_meeting(uow, secretary, REMINDER_NOW + timedelta(hours=3))
        await review_meeting.end_meeting(uow, secretary, REMINDER_NOW + timedelta(hours=4))
    async with uow_factory() as uow:
        stored = await review.open_review(uow, secretary)
        assert (stored.meeting_started_at, stored.meeting_ended_at) == (REMINDER_NOW, REMINDER_NOW + timedelta(hours=4))
        assert (stored.meeting_reopened, stored.meeting_reopened_at) == (1, REMINDER_NOW + timedelta(hours=3))
        uow.session.add(ReviewDecision(review_id=stored.id, subject="branch", proposed="httnv", decided="httnv",
                                       decided_at=REMINDER_NOW))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(ServiceError) as refused:
            await review_meeting.reopen_meeting(uow, secretary, REMINDER_NOW + timedelta(hours=5))
        assert refused.value.code == "meeting_filed"
    async with uow_factory() as uow:
        assert (await review.open_review(uow, secretary)).meeting_reopened == 1
