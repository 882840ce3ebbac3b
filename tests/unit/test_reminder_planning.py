"""Reminder planning with a controllable clock: lead times, quiet hours, time zones, opt-outs, digests."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar.model import CalendarTask
from bot.domain.reminders.features import SELF_REVIEWS, TASKS, Kind
from bot.domain.reminders.planning import DigestSource, Recipient, ReminderSource, Rules, plan, soonest
from bot.domain.reminders.quiet import QuietHours, parse_clock, parse_quiet_hours

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_QUIET = QuietHours(21 * 60, 7 * 60)
RULES = Rules()
TASK = ReminderSource(TASKS, 42, 7, "Nộp báo cáo kiểm điểm cho Đảng ủy", date(2026, 11, 30), (1,))


def person(person_id=1, tz=HCM, quiet=DEFAULT_QUIET, opted_out=frozenset()) -> Recipient:
    return Recipient(person_id, 1000 + person_id, tz, quiet, frozenset(opted_out))


def local(moment: datetime, tz=HCM) -> str:
    return moment.astimezone(tz).strftime("%d/%m %H:%M")


def test_deadline_reminders_come_7_3_1_days_before_on_the_day_and_after_at_8_local():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    planned = plan([TASK], {1: person()}, now, Rules(horizon=RULES.horizon * 3))
    assert [(p.kind, local(p.send_at), p.days_left, p.late) for p in planned] == [
        (Kind.DUE_SOON, "23/11 08:00", 7, False),
        (Kind.DUE_SOON, "27/11 08:00", 3, False),
        (Kind.DUE_SOON, "29/11 08:00", 1, False),
        (Kind.DUE_TODAY, "30/11 08:00", 0, False),
        (Kind.OVERDUE, "01/12 08:00", -1, False),
    ]
    assert planned[0].send_at == datetime(2026, 11, 23, 1, tzinfo=UTC)
    assert planned[1].key == "due_soon:task:42:1:20261130:3"


def test_keys_are_the_same_when_planned_twice_and_new_when_the_date_moves():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    first = [p.key for p in plan([TASK], {1: person()}, now, RULES)]
    assert first == [p.key for p in plan([TASK], {1: person()}, now, RULES)]
    moved = ReminderSource(**{**TASK.__dict__, "due": date(2026, 12, 5)})
    assert not set(first) & {p.key for p in plan([moved], {1: person()}, now, RULES)}


def test_only_reminders_within_the_horizon_are_planned():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert [local(p.send_at) for p in plan([TASK], {1: person()}, now, RULES)] == [
        "23/11 08:00", "27/11 08:00"]


def test_a_reminder_due_at_22_goes_out_at_7():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    planned = plan([TASK], {1: person()}, now, Rules(send_time=time(22), horizon=RULES.horizon * 2))
    assert [local(p.send_at) for p in planned][:2] == ["24/11 07:00", "28/11 07:00"]
    # A reminder meant for 22:00 on the 23rd goes out at 07:00 on the 24th, and counts its days from then.
    assert [p.days_left for p in planned][:2] == [6, 2]


def test_quiet_hours_of_the_person_move_the_morning_reminder():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    late_riser = person(quiet=QuietHours(6 * 60, 9 * 60 + 30))
    assert [local(p.send_at) for p in plan([TASK], {1: late_riser}, now, RULES)] == [
        "23/11 09:30", "27/11 09:30"]
    no_quiet = person(quiet=QuietHours(0, 0))
    assert [local(p.send_at) for p in plan([TASK], {1: no_quiet}, now, Rules(send_time=time(23)))] == [
        "23/11 23:00", "27/11 23:00"]


def test_time_zones_put_8_o_clock_where_the_person_is():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")
    planned = plan([TASK], {1: person(tz=berlin)}, now, RULES)
    assert [p.send_at for p in planned] == [datetime(2026, 11, 23, 7, tzinfo=UTC),
                                            datetime(2026, 11, 27, 7, tzinfo=UTC)]
    assert [local(p.send_at, berlin) for p in planned] == ["23/11 08:00", "27/11 08:00"]


def test_daylight_saving_is_honoured():
    new_york = ZoneInfo("America/New_York")
    source = ReminderSource(TASKS, 1, 7, "Họp", date(2026, 11, 3), (1,))  # DST ends on 1 November
    planned = plan([source], {1: person(tz=new_york)}, datetime(2026, 10, 24, tzinfo=UTC),
                   Rules(horizon=RULES.horizon * 2))
    assert [p.send_at.hour for p in planned] == [12, 12, 13, 13, 13]  # 08:00 EDT, then 08:00 EST
    assert {local(p.send_at, new_york)[-5:] for p in planned} == {"08:00"}


def test_opted_out_kinds_and_unknown_people_get_nothing():
    now = datetime(2026, 11, 26, tzinfo=UTC)
    source = ReminderSource(TASKS, 42, 7, "Việc", date(2026, 11, 30), (1, 2, 3))
    planned = plan([source], {1: person(1), 2: person(2, opted_out={Kind.DUE_SOON})}, now, RULES)
    assert sorted((p.recipient.person_id, p.kind) for p in planned) == [
        (1, Kind.DUE_SOON), (1, Kind.DUE_SOON), (1, Kind.DUE_TODAY), (1, Kind.OVERDUE),
        (2, Kind.DUE_TODAY), (2, Kind.OVERDUE)]


def test_closing_soon_goes_to_the_listed_people_the_day_before_and_on_the_day():
    source = ReminderSource(SELF_REVIEWS, 5, 7, "Nộp bản tự kiểm điểm", date(2026, 11, 30), (3,))
    planned = plan([source], {1: person(1), 3: person(3)}, datetime(2026, 11, 25, tzinfo=UTC), RULES)
    assert [(p.recipient.person_id, p.kind, local(p.send_at), p.days_left) for p in planned] == [
        (3, Kind.CLOSING, "29/11 08:00", 1), (3, Kind.CLOSING, "30/11 08:00", 0)]


def test_a_late_reminder_goes_out_now_the_same_day_and_is_dropped_after_it():
    before_noon = datetime(2026, 11, 27, 4, tzinfo=UTC)  # 11:00 in Hà Nội, 3 hours after its time
    [late] = [p for p in plan([TASK], {1: person()}, before_noon, RULES) if p.days_left == 3]
    assert late.late and late.send_at == before_noon
    at_night = datetime(2026, 11, 27, 15, tzinfo=UTC)  # 22:00: it could only go tomorrow — too late
    assert [p.days_left for p in plan([TASK], {1: person()}, at_night, RULES)] == [1, 0, -1]


def test_the_digest_lists_the_month_on_the_first_at_8():
    tasks = (
        CalendarTask(1, "Họp chi bộ tháng 12", "Chi bộ", True, None, date(2026, 12, 10), None, None, ""),
        CalendarTask(2, "Nộp báo cáo năm", "Chi bộ", True, date(2026, 11, 20), date(2027, 1, 15), None, None, ""),
        CalendarTask(3, "Việc cũ", "Chi bộ", True, None, date(2026, 11, 5), None, None, ""),
    )
    now = datetime(2026, 11, 25, tzinfo=UTC)
    [digest] = plan([DigestSource(7, tasks, (1,))], {1: person()}, now, RULES)
    assert (digest.kind, digest.key, local(digest.send_at)) == (Kind.DIGEST, "digest:branch:7:1:202612", "01/12 08:00")
    assert [t.id for t in digest.agenda.due] == [1]
    assert [t.id for t in digest.agenda.open_windows] == [2]
    assert [t.id for t in digest.agenda.overdue] == [3]
    assert plan([DigestSource(7, (), (1,))], {1: person()}, now, RULES) == []  # nothing to list: no digest


def test_notices_wait_for_the_end_of_quiet_hours():
    assert soonest(person(), datetime(2026, 11, 27, 15, tzinfo=UTC)) == datetime(2026, 11, 28, 0, tzinfo=UTC)
    assert soonest(person(), datetime(2026, 11, 27, 5, tzinfo=UTC)) == datetime(2026, 11, 27, 5, tzinfo=UTC)


@pytest.mark.parametrize(("text", "window"), [
    ("21:00-07:00", (1260, 420)), ("22h-6h", (1320, 360)), ("21:30 – 6:45", (1290, 405)), ("22-6", (1320, 360)),
    ("0:00-0:00", (0, 0)),
])
def test_quiet_hours_are_read_as_typed(text, window):
    quiet = parse_quiet_hours(text)
    assert (quiet.start, quiet.end) == window


@pytest.mark.parametrize("text", ["", "25:00-07:00", "21:00", "21:61-07:00", "tối", "21:00-07:00-08:00"])
def test_bad_quiet_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_quiet_hours(text)


def test_clock_times():
    assert parse_clock("8") == time(8) and parse_clock("08:30") == time(8, 30) and parse_clock("7h") == time(7)
    with pytest.raises(ValueError):
        parse_clock("24:00")
