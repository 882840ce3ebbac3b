"""The weekly summary to supervisors and unit administrators, through the reminder outbox.

On Mondays from the reminder time in the reader's zone, the hourly pass writes one outbox row per reader and
week (key `weekly:<person>:<iso week>`), together with the snapshot the next week's "what changed" compares
against: one transaction, so a summary is neither lost nor sent twice.
"""

from datetime import datetime

from bot.config import Settings
from bot.domain.reminders.features import WEEKLY, Kind
from bot.domain.reminders.planning import at_once, reminder
from bot.services.actor import superior_scope
from bot.services.reminders import UowFactory, outbox_row, recipient
from bot.services.supervision import iso_week, weekly_summary
from bot.texts import plain

MONDAY = 0


async def plan_weekly(uows: UowFactory, now: datetime, settings: Settings) -> int:
    """Queues this week's summary for every reader whose Monday morning has come; returns how many."""
    async with uows() as uow:
        readers = await uow.supervision.readers()
    queued = 0
    for person_id in readers:
        async with uows() as uow:
            person = await uow.people.get(person_id)
            prefs = (await uow.reminders.prefs({person_id: person})).get(person_id)
            reader = recipient(person, prefs, settings)
            if reader is None:
                continue
            local = now.astimezone(reader.tz)
            if local.weekday() != MONDAY or local.time() < settings.reminder_clock:
                continue
            text = await weekly_summary(uow, person_id, now, reader.tz)
            if text is None:
                continue
            branch_id = min(await superior_scope(uow, person_id))  # the outbox row needs one of their branches
            summary = reminder(feature=WEEKLY, kind=Kind.WEEKLY, key=(person_id, iso_week(local.date())),
                               branch_id=branch_id, recipient=reader, when=at_once(reader, now))
            await uow.reminders.add_new([outbox_row(summary, text, plain(WEEKLY.template, "weekly_subject"), now)])
            await uow.commit()
            queued += 1
    return queued
