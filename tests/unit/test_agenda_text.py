"""The month's agenda as sent: always within Telegram's 4096 characters, however long the tasks are."""

from dataclasses import replace
from datetime import date

from bot.domain.calendar.agenda import build_agenda
from bot.domain.calendar.periods import month_period
from handlers.calendar import agenda_keyboard, agenda_text
from handlers.common import MAX_TEXT
from tests.helpers import task

TODAY = date(2026, 11, 22)


def agenda_of(texts: list[str]):
    tasks = [replace(task(n, due=date(2026, 11, 23 + n % 7)), text=t) for n, t in enumerate(texts)]
    return build_agenda(tasks, month_period(2026, 11), TODAY)


def test_a_usual_month_is_shown_whole():
    text, _ = agenda_text(agenda_of([f"Việc thứ {n}" for n in range(5)]), "Chi bộ Khu phố 7", True)
    assert all(f"Việc thứ {n}" in text for n in range(5)) and not text.endswith("…")


def test_many_tasks_are_cut_to_a_few_per_group_with_a_count_of_the_rest():
    text, _ = agenda_text(agenda_of([f"Việc thứ {n} " + "chi tiết " * 20 for n in range(40)]), "Chi bộ", True)
    assert len(text) <= MAX_TEXT and "việc nữa." in text


def test_long_tasks_in_every_group_are_cut_at_a_line_to_fit_the_limit():
    long = "Rất dài " * 125
    tasks = [replace(t, text=f"{long} số {t.id}") for t in (
        *(task(n, due=date(2026, 11, 10)) for n in range(0, 5)),  # overdue
        *(task(n, due=date(2026, 11, 25)) for n in range(5, 10)),  # due this month
        *(task(n, date(2026, 10, 1), date(2027, 1, 31)) for n in range(10, 15)),  # open windows
        *(task(n, date(2026, 1, 1), recurrence="monthly") for n in range(15, 20)),  # standing
        *(task(n, condition="sau khi có hướng dẫn " + "của cấp trên " * 30) for n in range(20, 25)),  # conditional
    )]
    text, _ = agenda_text(build_agenda(tasks, month_period(2026, 11), TODAY), "Chi bộ", True)
    assert len(text) <= MAX_TEXT and text.endswith("\n…")
    assert text.count("Rất dài") >= 10


def test_a_task_hidden_behind_the_count_of_the_rest_has_no_done_button():
    a = agenda_of([f"Việc thứ {n} " + "chi tiết " * 20 for n in range(40)])
    text, numbered = agenda_text(a, "Chi bộ", True)
    shown = sorted(numbered.values())
    assert shown == list(range(1, len(shown) + 1)) and len(shown) < 40
    assert all(f"\n{n}. " in text for n in shown) and f"\n{len(shown) + 1}. " not in text
    markup = agenda_keyboard(a, numbered, True, can_mark=True)
    data = [b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data.startswith("td:")]
    assert {int(d.split(":")[1]) for d in data} == set(numbered)


def test_when_lines_are_cut_at_the_limit_only_the_numbers_still_shown_keep_a_button():
    long = "Rất dài " * 125
    tasks = [replace(t, text=f"{long} số {t.id}") for t in (
        *(task(n, due=date(2026, 11, 10)) for n in range(0, 5)),
        *(task(n, due=date(2026, 11, 25)) for n in range(5, 10)),
        *(task(n, date(2026, 10, 1), date(2027, 1, 31)) for n in range(10, 15)),
        *(task(n, date(2026, 1, 1), recurrence="monthly") for n in range(15, 20)),
        *(task(n, condition="sau khi có hướng dẫn " + "của cấp trên " * 30) for n in range(20, 25)),
    )]
    text, numbered = agenda_text(build_agenda(tasks, month_period(2026, 11), TODAY), "Chi bộ", True)
    assert text.endswith("\n…") and numbered
    assert all(f"\n{n}. " in text for n in numbered.values())
    assert f"\n{max(numbered.values()) + 1}. " not in text
