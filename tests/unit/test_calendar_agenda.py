from collections.abc import Callable
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.calendar.agenda import Agenda, build_agenda
from bot.domain.calendar.model import CalendarTask
from bot.domain.calendar.periods import (
    Period,
    month_period,
    overdue_period,
    upcoming_period,
    week_period,
)
from tests.helpers import task

TODAY = date(2014, 11, 22)
NOVEMBER = month_period(2014, 11)
GROUPS = ("overdue", "due", "open_windows", "standing", "waiting")


def ids(agenda: Agenda) -> dict[str, list[int]]:
    return {group: [t.id for t in getattr(agenda, group)] for group in GROUPS}


def only(group: str, *task_ids: int) -> dict[str, list[int]]:
    return {name: list(task_ids) if name == group else [] for name in GROUPS}


def test_the_2014_review_calendar_on_22_november():
    tasks = [
        task(1, date(2014, 11, 5), date(2014, 11, 7), done=True),  # disseminate, self-reviews
        task(2, date(2014, 11, 10), date(2014, 11, 12)),  # supervisor's comments: forgotten
        task(3, date(2014, 11, 20), date(2014, 11, 28)),  # review meeting
        task(4, due=date(2014, 11, 30)),  # all reviews done
        task(5, due=date(2014, 12, 5)),  # reports to the superiors
        task(6, date(2014, 12, 1), date(2014, 12, 3), branch=False),  # superior committee meets
        task(7, recurrence="yearly"),  # "hằng năm"
        task(8, condition="sau khi có văn bản của Trung ương"),
        task(9, date(2012, 5, 1)),  # "từ tháng 5/2012"
    ]
    agenda = build_agenda(tasks, NOVEMBER, TODAY)
    assert ids(agenda) == {
        "overdue": [2],
        "due": [1, 3, 4],
        "open_windows": [9, 5],
        "standing": [7],
        "waiting": [8],
    }
    assert agenda.hidden_count == 0  # the superior's meeting is in December
    december = build_agenda(tasks, month_period(2014, 12), TODAY)
    assert ids(december) == {"overdue": [2], "due": [5], "open_windows": [9], "standing": [7], "waiting": [8]}
    assert december.hidden_count == 1
    assert ids(build_agenda(tasks, month_period(2014, 12), TODAY, only_branch=False))["due"] == [6, 5]


def test_a_task_due_today_is_due_not_overdue():
    assert ids(build_agenda([task(1, due=TODAY)], NOVEMBER, TODAY)) == only("due", 1)


def test_a_task_due_yesterday_is_overdue_unless_done():
    yesterday = TODAY - timedelta(days=1)
    assert ids(build_agenda([task(1, due=yesterday)], NOVEMBER, TODAY)) == only("overdue", 1)
    assert ids(build_agenda([task(1, due=yesterday, done=True)], NOVEMBER, TODAY)) == only("due", 1)


def test_overdue_tasks_follow_the_secretary_into_later_periods():
    late = [task(1, due=date(2014, 3, 31)), task(2, due=date(2014, 11, 1))]
    for period in (NOVEMBER, month_period(2015, 1), week_period(TODAY), upcoming_period(TODAY)):
        assert ids(build_agenda(late, period, TODAY))["overdue"] == [1, 2]


def test_a_past_period_shows_only_what_fell_due_in_it():
    tasks = [task(1, due=date(2014, 3, 31)), task(2, due=date(2014, 10, 15)), task(3, due=date(2014, 10, 5), done=True)]
    october = month_period(2014, 10)
    assert ids(build_agenda(tasks, october, TODAY)) == {**only("overdue", 2), "due": [3]}


def test_the_period_end_is_inclusive():
    tasks = [task(1, due=date(2014, 11, 30)), task(2, date(2014, 11, 30), date(2014, 12, 10))]
    assert ids(build_agenda(tasks, NOVEMBER, TODAY)) == {**only("due", 1), "open_windows": [2]}
    assert ids(build_agenda([task(3, date(2014, 12, 1), date(2014, 12, 10))], NOVEMBER, TODAY)) == only("due")


def test_due_is_sorted_by_due_then_start():
    tasks = [
        task(1, date(2014, 11, 20), date(2014, 11, 28)),
        task(2, date(2014, 11, 5), date(2014, 11, 28)),
        task(3, due=date(2014, 11, 25)),
    ]
    assert ids(build_agenda(tasks, NOVEMBER, TODAY))["due"] == [3, 2, 1]


def test_overdue_is_sorted_by_due():
    tasks = [task(1, due=date(2014, 11, 20)), task(2, due=date(2014, 2, 1)), task(3, due=date(2014, 11, 2))]
    assert ids(build_agenda(tasks, NOVEMBER, TODAY))["overdue"] == [2, 3, 1]


def test_open_windows_are_windows_running_through_the_period():
    tasks = [
        task(1, date(2014, 11, 1), date(2014, 12, 15)),  # due after the period
        task(2, date(2012, 5, 1)),  # open start long ago
        task(3, date(2014, 11, 30)),  # open start on the last day
        task(4, date(2014, 12, 1)),  # opens after the period
        task(5, date(2014, 9, 1), date(2014, 10, 31), done=True),  # closed before it
        task(6, date(2014, 10, 1), date(2014, 12, 31)),  # covers it whole
    ]
    assert ids(build_agenda(tasks, NOVEMBER, TODAY)) == only("open_windows", 2, 6, 1, 3)


def test_a_deadline_without_a_start_is_open_from_today():
    deadline = task(1, due=date(2015, 3, 31))
    assert ids(build_agenda([deadline], NOVEMBER, TODAY)) == only("open_windows", 1)
    assert ids(build_agenda([deadline], month_period(2015, 2), TODAY)) == only("open_windows", 1)
    assert ids(build_agenda([deadline], month_period(2015, 3), TODAY)) == only("due", 1)
    assert ids(build_agenda([deadline], month_period(2014, 10), TODAY)) == only("due")  # before today


def test_recurring_tasks_are_standing_once_started():
    tasks = [
        task(1, recurrence="continuous"),
        task(2, date(2012, 1, 1), recurrence="yearly"),
        task(3, date(2014, 11, 30), recurrence="monthly"),
        task(4, date(2015, 1, 1), recurrence="quarterly"),  # not started yet
        task(5, date(2012, 1, 1), date(2012, 6, 30), recurrence="semiannual"),  # first round long past
    ]
    assert ids(build_agenda(tasks, NOVEMBER, TODAY)) == only("standing", 1, 2, 3, 5)


def test_a_recurring_task_is_due_when_its_stated_due_date_is_in_the_period():
    tasks = [task(1, due=date(2014, 11, 30), recurrence="yearly")]
    assert ids(build_agenda(tasks, NOVEMBER, TODAY)) == only("due", 1)


def test_tasks_waiting_on_a_condition():
    tasks = [
        task(1, condition="sau khi có văn bản của Trung ương"),
        task(2, recurrence="yearly", condition="khi Trung ương triển khai"),
        task(3, date(2014, 11, 1), date(2014, 11, 30), condition="theo lộ trình"),  # dated: not waiting
        task(4),  # no dates, recurrence or condition: not a calendar task
    ]
    assert ids(build_agenda(tasks, NOVEMBER, TODAY)) == {**only("waiting", 1, 2), "due": [3]}


def test_the_overdue_question_shows_only_overdue_tasks():
    tasks = [
        task(1, due=date(2014, 3, 31)),
        task(2, due=TODAY),
        task(3, recurrence="yearly"),
        task(4, condition="sau khi có văn bản"),
        task(5, due=date(2014, 11, 1), done=True),
        task(6, due=date(2014, 10, 1), branch=False),
    ]
    agenda = build_agenda(tasks, overdue_period(TODAY), TODAY)
    assert ids(agenda) == only("overdue", 1)
    assert agenda.hidden_count == 1


def test_the_upcoming_question_shows_overdue_and_due_within_two_weeks():
    tasks = [
        task(1, due=date(2014, 11, 1)),
        task(2, due=TODAY),
        task(3, due=date(2014, 12, 6)),
        task(4, due=date(2014, 12, 7)),
        task(5, date(2014, 11, 1), date(2014, 12, 31)),
        task(6, recurrence="monthly"),
    ]
    assert ids(build_agenda(tasks, upcoming_period(TODAY), TODAY)) == {**only("overdue", 1), "due": [2, 3]}


def test_only_branch_hides_other_owners_and_counts_those_that_would_show():
    tasks = [
        task(1, due=date(2014, 11, 25)),
        task(2, due=date(2014, 11, 25), branch=False),
        task(3, recurrence="yearly", branch=False),
        task(4, date(2015, 1, 1), date(2015, 2, 1), branch=False),  # not yet: would not show
        task(5, due=date(2013, 1, 1), done=True, branch=False),  # done long ago: would not show
    ]
    branch_only = build_agenda(tasks, NOVEMBER, TODAY)
    assert ids(branch_only) == only("due", 1)
    assert branch_only.hidden_count == 2
    everything = build_agenda(tasks, NOVEMBER, TODAY, only_branch=False)
    assert ids(everything) == {**only("due", 1, 2), "standing": [3]}
    assert everything.hidden_count == 0


# --- properties -------------------------------------------------------------------------------

_DAYS = st.dates(min_value=date(2014, 1, 1), max_value=date(2015, 12, 31))


@st.composite
def random_task(draw, id: int) -> CalendarTask:
    start, due = draw(st.one_of(st.none(), _DAYS)), draw(st.one_of(st.none(), _DAYS))
    if start and due and start > due:
        start, due = due, start
    return CalendarTask(
        id=id,
        text="việc",
        owner=None,
        is_branch_task=draw(st.booleans()),
        start=start,
        due=due,
        recurrence=draw(st.sampled_from([None, None, "continuous", "yearly", "semiannual", "quarterly", "monthly"])),
        condition=draw(st.sampled_from([None, None, "sau khi có văn bản của Trung ương"])),
        time_text="",
        done=draw(st.booleans()),
    )


task_lists = st.integers(min_value=0, max_value=25).flatmap(
    lambda n: st.tuples(*(random_task(i) for i in range(n))).map(list)
)


@st.composite
def periods_and_days(draw) -> tuple[Period, date]:
    today = draw(_DAYS)
    first = draw(_DAYS)
    last = draw(_DAYS)
    return draw(
        st.sampled_from([
            Period("month", min(first, last), max(first, last)),
            week_period(first),
            month_period(first.year, first.month),
            upcoming_period(today),
            overdue_period(today),
        ])
    ), today


def _rules(period: Period, today: date) -> dict[str, Callable[[CalendarTask], bool]]:
    """Each group's rule, restated from the module docstring."""

    def overdue(t: CalendarTask) -> bool:
        in_scope = period.end >= today or period.contains(t.due)
        return not t.done and not t.is_recurring and t.due is not None and t.due < today and in_scope

    def due(t: CalendarTask) -> bool:
        return t.due is not None and period.contains(t.due)

    def waiting(t: CalendarTask) -> bool:
        return bool(t.condition) and t.start is None and t.due is None

    def standing(t: CalendarTask) -> bool:
        return t.is_recurring and (t.start is None or t.start <= period.end)

    def open_windows(t: CalendarTask) -> bool:
        opens, closes = t.start or today, t.due or date.max
        return (
            not t.is_recurring
            and (t.start is not None or t.due is not None)
            and not due(t)
            and opens <= period.end
            and closes >= period.start
            and opens <= closes
        )

    return {"overdue": overdue, "due": due, "waiting": waiting, "standing": standing, "open_windows": open_windows}


@given(task_lists, periods_and_days(), st.booleans())
def test_every_task_lands_in_at_most_one_group_that_fits_it(task_list, period_and_today, only_branch):
    period, today = period_and_today
    agenda = build_agenda(task_list, period, today, only_branch=only_branch)
    rules = _rules(period, today)
    placed = [t.id for group in GROUPS for t in getattr(agenda, group)]
    assert len(placed) == len(set(placed))
    for group in GROUPS:
        for t in getattr(agenda, group):
            assert rules[group](t), (group, t)
            assert t.is_branch_task or not only_branch
    shown = {"overdue": {"overdue"}, "upcoming": {"overdue", "due"}}.get(period.kind, set(GROUPS))
    assert {group for group in GROUPS if getattr(agenda, group)} <= shown
    assert len(placed) + agenda.hidden_count <= len(task_list)
    if not only_branch:
        assert agenda.hidden_count == 0


@given(task_lists, periods_and_days())
def test_only_branch_hides_exactly_what_the_full_agenda_adds(task_list, period_and_today):
    period, today = period_and_today
    full = build_agenda(task_list, period, today, only_branch=False)
    branch = build_agenda(task_list, period, today)
    for group in GROUPS:
        assert getattr(branch, group) == tuple(t for t in getattr(full, group) if t.is_branch_task)
    assert branch.hidden_count == sum(1 for g in GROUPS for t in getattr(full, g) if not t.is_branch_task)
