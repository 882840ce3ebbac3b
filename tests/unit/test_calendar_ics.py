from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar, Event

from bot.domain.calendar.ics import to_ics
from bot.domain.calendar.model import CalendarTask

NOW = datetime(2014, 11, 22, 15, 30, tzinfo=timezone(timedelta(hours=7)))


def task(
    id: int,
    start: date | None = None,
    due: date | None = None,
    *,
    text: str = "Chi bộ tổ chức hội nghị kiểm điểm",
    recurrence: str | None = None,
    condition: str | None = None,
    done: bool = False,
) -> CalendarTask:
    return CalendarTask(
        id=id,
        text=text,
        owner="Chi bộ",
        is_branch_task=True,
        start=start,
        due=due,
        recurrence=recurrence,
        condition=condition,
        time_text="Từ ngày 20/11/2014 đến 28/11/2014",
        done=done,
        plan_number="146-KH/ĐU",
    )


def events(*tasks: CalendarTask) -> dict[str, Event]:
    calendar = Calendar.from_ical(to_ics(tasks, calendar_name="Chi bộ Khu phố 3", now=NOW))
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_window_is_one_all_day_event_ending_the_day_after_its_due_date():
    (event,) = events(task(7, date(2014, 11, 20), date(2014, 11, 28))).values()
    assert event["UID"] == "task-7@chibo"
    assert event.decoded("DTSTART") == date(2014, 11, 20)
    assert event.decoded("DTEND") == date(2014, 11, 29)
    assert event["SUMMARY"] == "Chi bộ tổ chức hội nghị kiểm điểm"
    assert event.decoded("DTSTAMP") == datetime(2014, 11, 22, 8, 30, tzinfo=UTC)
    assert "RRULE" not in event
    assert str(event["DESCRIPTION"]).splitlines() == [
        "Thời gian: Từ ngày 20/11/2014 đến 28/11/2014",
        "Thực hiện: Chi bộ",
        "Kế hoạch số 146-KH/ĐU",
    ]


def test_a_deadline_and_an_open_start_are_one_day_events():
    found = events(task(1, due=date(2014, 11, 30)), task(2, start=date(2012, 5, 1)))
    assert (found["task-1@chibo"].decoded("DTSTART"), found["task-1@chibo"].decoded("DTEND")) == (
        date(2014, 11, 30),
        date(2014, 12, 1),
    )
    assert (found["task-2@chibo"].decoded("DTSTART"), found["task-2@chibo"].decoded("DTEND")) == (
        date(2012, 5, 1),
        date(2012, 5, 2),
    )


@pytest.mark.parametrize(
    ("recurrence", "rrule"),
    [
        ("yearly", b"FREQ=YEARLY"),
        ("semiannual", b"FREQ=MONTHLY;INTERVAL=6"),
        ("quarterly", b"FREQ=MONTHLY;INTERVAL=3"),
        ("monthly", b"FREQ=MONTHLY"),
    ],
)
def test_recurring_tasks_with_a_start_repeat(recurrence, rrule):
    (event,) = events(task(1, start=date(2022, 1, 1), recurrence=recurrence)).values()
    assert event["RRULE"].to_ical() == rrule


def test_what_has_no_day_or_no_rule_does_not_repeat_or_is_left_out():
    found = events(
        task(1, recurrence="continuous"),
        task(2, start=date(2014, 1, 1), recurrence="continuous"),
        task(3, due=date(2014, 11, 30), recurrence="yearly"),
        task(4, condition="sau khi có văn bản của Trung ương"),
        task(5, recurrence="yearly"),
    )
    assert sorted(found) == ["task-2@chibo", "task-3@chibo"]
    assert "RRULE" not in found["task-2@chibo"]
    assert "RRULE" not in found["task-3@chibo"]


def test_done_tasks_stay_with_a_tick():
    (event,) = events(task(1, due=date(2014, 11, 7), done=True)).values()
    assert event["SUMMARY"] == "✓ Chi bộ tổ chức hội nghị kiểm điểm"
    assert "STATUS" not in event


def test_long_texts_are_cut_at_a_word():
    text = "Chi bộ triển khai cho đảng viên viết bản kiểm điểm " * 6
    (event,) = events(task(1, due=date(2014, 11, 7), text=text)).values()
    summary = str(event["SUMMARY"])
    assert len(summary) <= 120
    assert summary.endswith("…")
    assert text.startswith(summary[:-1])
    assert text[len(summary) - 1] == " "


def test_the_calendar_carries_its_name_and_time_zone():
    calendar = Calendar.from_ical(to_ics([], calendar_name="Chi bộ Khu phố 3", now=NOW))
    assert calendar["X-WR-CALNAME"] == "Chi bộ Khu phố 3"
    assert calendar["X-WR-TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert calendar["VERSION"] == "2.0"
    assert not calendar.walk("VEVENT")


def test_the_output_round_trips_and_is_deterministic():
    tasks = [
        task(1, date(2014, 11, 20), date(2014, 11, 28), done=True),
        task(2, start=date(2022, 1, 1), recurrence="semiannual", text="Báo cáo; sơ kết, tổng kết: 6 tháng"),
    ]
    first = to_ics(tasks, calendar_name="Chi bộ", now=NOW)
    assert first == to_ics(tasks, calendar_name="Chi bộ", now=NOW)
    assert Calendar.from_ical(first).to_ical() == first
    parsed = {str(e["UID"]): e for e in Calendar.from_ical(first).walk("VEVENT")}
    assert parsed["task-2@chibo"]["SUMMARY"] == "Báo cáo; sơ kết, tổng kết: 6 tháng"


def test_now_must_carry_a_time_zone():
    with pytest.raises(ValueError):
        to_ics([], calendar_name="Chi bộ", now=datetime(2014, 11, 22, 8, 0))
