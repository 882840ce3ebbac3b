"""Reminder settings: defaults, and a bad value stops start-up with one line naming it."""

from datetime import UTC, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error
from bot.domain.reminders.pacing import Limits, backoff, slots
from bot.domain.reminders.quiet import QuietHours
from scheduling.gate import Gate


def test_defaults_follow_telegrams_limits():
    settings = Settings(_env_file=None)
    assert settings.limits == Limits(per_second=30, per_chat_per_second=1, per_group_per_minute=20)
    assert (settings.reminder_clock, settings.default_quiet) == (time(8), QuietHours(21 * 60, 7 * 60))


@pytest.mark.parametrize(("name", "value"), [
    ("CHIBO_QUIET_HOURS", "tối"), ("CHIBO_QUIET_HOURS", "25:00-07:00"), ("CHIBO_REMINDER_TIME", "8 giờ"),
    ("CHIBO_SEND_RATE", "0"), ("CHIBO_CHAT_RATE", "-1"), ("CHIBO_SEND_TIMEOUT", "abc"),
])
def test_a_bad_reminder_setting_is_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None)
    assert describe_error(error.value).startswith(f"chibo: bad setting {name}:")


def test_private_chats_and_groups_have_their_own_pace():
    limits = Limits(per_second=30, per_chat_per_second=1, per_group_per_minute=20)
    assert limits.chat_interval(1001, zalo=False) == timedelta(seconds=1)
    assert limits.chat_interval(-100123, zalo=False) == timedelta(seconds=3)
    with pytest.raises(ValueError):
        Limits(per_second=0)


def test_slots_continue_the_pace_and_never_catch_up_in_a_burst():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    step = timedelta(milliseconds=100)
    assert slots(now + step, now, [step] * 3) == [now + step, now + 2 * step, now + 3 * step]
    assert slots(now - 5 * step, now, [step] * 2) == [now, now + step]


def test_backoff_doubles_up_to_five_minutes():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 10)] == [2, 4, 8, 300]


def test_the_gate_holds_a_send_the_server_could_count_as_the_31st_in_a_second():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    gate = Gate(Limits(per_second=30, per_chat_per_second=1))
    for chat in range(1001, 1031):
        assert gate.wait(chat, now) == timedelta(0)
        gate.start(chat)
    assert gate.wait(2001, now) is None  # 30 in flight: wait until one ends
    for n, chat in enumerate(range(1001, 1031)):
        gate.end(chat, now + timedelta(milliseconds=10 + n))
    later = now + timedelta(milliseconds=100)
    assert gate.wait(2001, later) == timedelta(milliseconds=910)  # the first to end leaves the window
    assert gate.wait(1001, now + timedelta(seconds=1, milliseconds=9)) == timedelta(milliseconds=1)  # its chat too
    assert gate.wait(1030, now + timedelta(seconds=2)) == timedelta(0)
    assert Limits(per_second=30).interval(zalo=False) > timedelta(seconds=1 / 30)  # the pace keeps below the limit
