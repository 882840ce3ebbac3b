"""Planning into the outbox on a real database: idempotent keys, re-planning on change, digests, settings,
and the 403 path. SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.reminders.quiet import QuietHours
from bot.services import calendar, reminders
from bot.services.actor import load_actor
from bot.services.errors import AccessDenied, ServiceError
from storage.models import Task
from storage.reminder_models import CANCELLED, FAILED, PENDING, Reminder, ReminderPrefs, ReplanRequest
from storage.repositories import ReminderRepo
from tests.helpers import (
    MINH,
    REMINDER_NOW,
    SECRETARY,
    SETTINGS,
    STRANGER,
    branch_with_leaders,
    plan,
    reminder_rows,
)


async def add_task(uow_factory, actor, due: date, text="Nộp báo cáo kiểm điểm cho Đảng ủy") -> int:
    async with uow_factory() as uow:
        return (await calendar.add_task(uow, actor, text=text, start=None, due=due, now=REMINDER_NOW)).id


def local(moment: datetime) -> str:
    return moment.astimezone(SETTINGS.tz).strftime("%d/%m %H:%M")


async def test_planning_twice_creates_nothing_new(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    await add_task(uow_factory, actor, date(2026, 11, 30))
    first = await plan(uow_factory, actor)
    assert (first.added, first.updated, first.cancelled) == (10, 0, 0)  # 2 × (4 reminders + the digest)
    again = await plan(uow_factory, actor)
    assert (again.added, again.updated, again.cancelled) == (0, 0, 0)
    stored = await reminder_rows(uow_factory, Reminder.kind != "digest")
    # Secretary and deputy each: 3 days before, 1 day before, on the day, the day after. The member: none.
    assert sorted({r.chat_id for r in stored}) == [SECRETARY, MINH]
    assert [(local(r.send_at), r.kind, r.subject) for r in stored if r.chat_id == SECRETARY] == [
        ("27/11 08:00", "due_soon", "Còn 3 ngày: Nộp báo cáo kiểm điểm cho Đảng ủy"),
        ("29/11 08:00", "due_soon", "Ngày mai: Nộp báo cáo kiểm điểm cho Đảng ủy"),
        ("30/11 08:00", "due_today", "Hôm nay: Nộp báo cáo kiểm điểm cho Đảng ủy"),
        ("01/12 08:00", "overdue", "Quá hạn 1 ngày: Nộp báo cáo kiểm điểm cho Đảng ủy"),
    ]
    assert stored[0].text.startswith("🔔 <b>Còn 3 ngày đến hạn</b>: Nộp báo cáo kiểm điểm cho Đảng ủy\n"
                                     "Hạn: 30/11/2026 — Chi bộ Khu phố 7")
    assert all(r.status == PENDING and r.key.count(":") == 5 for r in stored)


async def test_the_digest_lists_the_coming_month(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    await add_task(uow_factory, actor, date(2026, 12, 10), "Họp chi bộ kiểm điểm cuối năm")
    await add_task(uow_factory, actor, date(2026, 11, 20), "Gửi danh sách đảng viên")
    await plan(uow_factory, actor)
    [digest] = await reminder_rows(uow_factory, Reminder.kind == "digest", Reminder.chat_id == SECRETARY)
    assert (local(digest.send_at), digest.subject, digest.key) == (
        "01/12 08:00", "Việc tháng 12/2026", f"digest:branch:{actor.home.branch_id}:{digest.person_id}:202612")
    assert digest.text.splitlines()[:7] == [
        "📅 <b>Việc tháng 12/2026</b> — Chi bộ Khu phố 7",
        "",
        "<b>⏰ Quá hạn (1)</b>",
        "• Gửi danh sách đảng viên — hạn 20/11/2026",
        "",
        "<b>📌 Đến hạn trong tháng (1)</b>",
        "• Họp chi bộ kiểm điểm cuối năm — hạn 10/12/2026",
    ]


async def test_moving_or_finishing_a_task_replans_its_reminders(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    task_id = await add_task(uow_factory, actor, date(2026, 11, 30))
    assert await reminders.replan_requested(uow_factory, REMINDER_NOW, SETTINGS) == 1  # the new task asked for it
    assert await reminders.replan_requested(uow_factory, REMINDER_NOW, SETTINGS) == 0
    async with uow_factory() as uow:  # a task moved, as a plan revision moves it: asking for the re-plan
        (await uow.calendar.task(task_id)).due = date(2026, 12, 2)
        uow.reminders.request_replan(actor.home.branch_id, REMINDER_NOW)
        await uow.commit()
    await reminders.replan_requested(uow_factory, REMINDER_NOW, SETTINGS)
    pending = await reminder_rows(uow_factory, Reminder.chat_id == SECRETARY, Reminder.status == PENDING,
                         Reminder.kind != "digest")
    assert [local(r.send_at) for r in pending] == ["29/11 08:00", "01/12 08:00", "02/12 08:00", "03/12 08:00"]
    assert len(await reminder_rows(uow_factory, Reminder.status == CANCELLED)) == 8

    async with uow_factory() as uow:
        await calendar.set_done(uow, actor, task_id, True, REMINDER_NOW)
    await reminders.replan_requested(uow_factory, REMINDER_NOW, SETTINGS)
    assert await reminder_rows(uow_factory, Reminder.status == PENDING, Reminder.kind != "digest") == []
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count(ReplanRequest.id))) == 0


async def test_a_person_opts_out_and_moves_quiet_hours(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    await add_task(uow_factory, actor, date(2026, 11, 30))
    await plan(uow_factory, actor)
    async with uow_factory() as uow:
        view = await reminders.toggle_kind(uow, actor, "due_soon", REMINDER_NOW, SETTINGS)
    assert [u.subject.split(":")[0] for u in view.upcoming] == ["Hôm nay", "Quá hạn 1 ngày", "Việc tháng 12/2026"]
    async with uow_factory() as uow:
        view = await reminders.set_quiet(uow, actor, QuietHours(6 * 60, 9 * 60), REMINDER_NOW, SETTINGS)
    assert [u.at.strftime("%d/%m %H:%M") for u in view.upcoming] == ["30/11 09:00", "01/12 09:00", "01/12 09:00"]
    assert (view.quiet, view.quiet_is_default) == (QuietHours(360, 540), False)
    async with uow_factory() as uow:
        view = await reminders.set_timezone(uow, actor, "europe/berlin", REMINDER_NOW, SETTINGS)
        prefs = await uow.session.get(ReminderPrefs, actor.person_id)
        uow.session.expunge(prefs)
    assert (prefs.opted_out, prefs.quiet_start, prefs.quiet_end, prefs.timezone) == ("due_soon", 360, 540,
                                                                                       "Europe/Berlin")
    assert view.upcoming[0].at.strftime("%d/%m %H:%M") == "30/11 09:00"
    assert view.upcoming[0].at.utcoffset() == timedelta(hours=1)
    # The deputy's reminders are untouched.
    assert len(await reminder_rows(uow_factory, Reminder.chat_id == MINH, Reminder.status == PENDING)) == 5


async def test_forged_settings_change_nothing(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    async with uow_factory() as uow:
        with pytest.raises(ServiceError, match="stale_button"):
            await reminders.toggle_kind(uow, actor, "everything", REMINDER_NOW, SETTINGS)
        with pytest.raises(ServiceError, match="stale_button"):
            await reminders.set_timezone(uow, actor, "Mars/Olympus", REMINDER_NOW, SETTINGS)
        with pytest.raises(AccessDenied):
            await reminders.overview(uow, await load_actor(uow, STRANGER), REMINDER_NOW, SETTINGS)
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ReminderPrefs)) == 0


async def test_a_blocked_member_stops_getting_reminders_and_the_secretary_is_told_once(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    await add_task(uow_factory, actor, date(2026, 11, 30))
    await plan(uow_factory, actor)
    first, second, *rest = await reminder_rows(uow_factory, Reminder.chat_id == MINH)
    for reminder_id in (first.id, second.id):  # two sends in flight both answer 403
        async with uow_factory() as uow:
            await reminders.mark_unreachable(uow, reminder_id, REMINDER_NOW + timedelta(hours=12), SETTINGS)
    assert [r.status for r in await reminder_rows(uow_factory, Reminder.chat_id == MINH)] == [FAILED, FAILED] + [
        CANCELLED] * len(rest)
    [notice] = await reminder_rows(uow_factory, Reminder.kind == "unreachable")
    assert notice.chat_id == SECRETARY and local(notice.send_at) == "26/11 07:00"  # 22:00 is quiet
    assert "Không gửi được nhắc việc cho đồng chí <b>Trần Văn Minh</b>" in notice.text
    await plan(uow_factory, actor)  # the hourly plan does not bring them back
    assert await reminder_rows(uow_factory, Reminder.chat_id == MINH, Reminder.status == PENDING) == []

    async with uow_factory() as uow:  # the deputy opens /nhacviec again: reminders resume
        view = await reminders.overview(uow, await load_actor(uow, MINH), REMINDER_NOW, SETTINGS)
    # The two that failed with 403 stay failed; the cancelled ones are pending again.
    assert [u.subject.split(":")[0] for u in view.upcoming][:2] == ["Hôm nay", "Quá hạn 1 ngày"]


async def test_only_branch_tasks_with_a_date_are_reminded_of(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    async with uow_factory() as uow:
        for kwargs in ({"is_branch_task": False, "due": date(2026, 11, 30)},
                       {"is_branch_task": True, "due": date(2026, 11, 30), "recurrence": "yearly"},
                       {"is_branch_task": True, "due": None, "condition": "sau khi có văn bản"}):
            uow.calendar.add(Task(branch_id=actor.home.branch_id, text="Việc", owner="X", time_text="",
                                  created_at=REMINDER_NOW, **kwargs))
        uow.reminders.request_replan(actor.home.branch_id, REMINDER_NOW)
        await uow.commit()
    assert (await plan(uow_factory, actor)).added == 0


async def test_the_hourly_pass_plans_branches_with_something_due(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    assert await reminders.plan_all(uow_factory, REMINDER_NOW, SETTINGS) == 0  # nothing due: nothing to plan
    await add_task(uow_factory, actor, date(2027, 3, 1))  # far off
    assert await reminders.plan_all(uow_factory, REMINDER_NOW, SETTINGS) == 0
    await add_task(uow_factory, actor, date(2026, 11, 30))
    assert await reminders.plan_all(uow_factory, REMINDER_NOW, SETTINGS) == 1
    assert len(await reminder_rows(uow_factory, Reminder.status == PENDING)) == 10
    # Near the 1st every branch with a task is planned, for its digest.
    assert await reminders.plan_all(uow_factory, datetime(2026, 11, 29, 3, tzinfo=UTC), SETTINGS) == 1


async def test_a_digest_can_be_queued_now(uow_factory):
    actor = await branch_with_leaders(uow_factory)
    await add_task(uow_factory, actor, date(2026, 11, 28), "Họp chi bộ")
    async with uow_factory() as uow:
        digests = await reminders.digest_now(uow, actor.home.branch_id, REMINDER_NOW, SETTINGS)
        assert digests == [REMINDER_NOW, REMINDER_NOW]
    async with uow_factory() as uow:  # once a day
        await reminders.digest_now(uow, actor.home.branch_id, REMINDER_NOW + timedelta(hours=1), SETTINGS)
    digests = await reminder_rows(uow_factory, Reminder.kind == "digest")
    assert [(r.chat_id, r.subject) for r in digests] == [(SECRETARY, "Việc tháng 11/2026"),
                                                         (MINH, "Việc tháng 11/2026")]
    assert "• Họp chi bộ — hạn 28/11/2026" in digests[0].text


async def test_a_re_plan_leaves_alone_what_a_delivery_claimed_after_it_read(uow_factory, monkeypatch):
    """The hourly and start-up passes run beside delivery: a row claimed between the planner's read and its
    write is being sent, and must neither go back to the queue (a second send) nor be cancelled."""
    actor = await branch_with_leaders(uow_factory)
    task_id = await add_task(uow_factory, actor, date(2026, 11, 30))
    await plan(uow_factory, actor)
    async with uow_factory() as uow:  # moved: every pending reminder of the task changes or goes
        (await uow.calendar.task(task_id)).due = date(2026, 12, 20)
        uow.reminders.request_replan(actor.home.branch_id, REMINDER_NOW)
        await uow.commit()
    due_soon = (await reminder_rows(uow_factory, Reminder.chat_id == SECRETARY, Reminder.kind == "due_soon"))[0]
    planned = ReminderRepo.planned

    async def planned_then_claimed(self, *args, **kwargs):
        rows = await planned(self, *args, **kwargs)
        async with uow_factory() as other:  # a delivery process claims the row now
            await other.session.execute(
                Reminder.__table__.update().where(Reminder.id == due_soon.id).values(status="sending"))
            await other.commit()
        return rows

    monkeypatch.setattr(ReminderRepo, "planned", planned_then_claimed)
    replanned = await plan(uow_factory, actor)
    [claimed] = await reminder_rows(uow_factory, Reminder.id == due_soon.id)
    assert (claimed.status, claimed.send_at, claimed.text) == ("sending", due_soon.send_at, due_soon.text)
    assert replanned.cancelled + replanned.updated + replanned.added > 0  # the rest was re-planned
