from calendar import monthrange
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.calendar.periods import (
    Period,
    PeriodProblem,
    month_period,
    next_month,
    parse_question,
    this_month,
)

TODAY = date(2014, 11, 22)  # a Saturday, during the 2014 review

NOVEMBER = Period("month", date(2014, 11, 1), date(2014, 11, 30))
DECEMBER = Period("month", date(2014, 12, 1), date(2014, 12, 31))
OCTOBER = Period("month", date(2014, 10, 1), date(2014, 10, 31))
THIS_WEEK = Period("week", date(2014, 11, 17), date(2014, 11, 23))
NEXT_WEEK = Period("week", date(2014, 11, 24), date(2014, 11, 30))
UPCOMING = Period("upcoming", TODAY, date(2014, 12, 6))
OVERDUE = Period("overdue", date.min, date(2014, 11, 21))
Q4 = Period("quarter", date(2014, 10, 1), date(2014, 12, 31))
YEAR_2014 = Period("year", date(2014, 1, 1), date(2014, 12, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tháng này", NOVEMBER),
        ("tháng này cần làm gì", NOVEMBER),
        ("Tháng này cần làm gì?", NOVEMBER),
        ("THANG NAY LAM GI", NOVEMBER),
        ("việc tháng này", NOVEMBER),
        ("Chi bộ mình tháng này có những việc gì ạ?", NOVEMBER),
        ("tháng sau", DECEMBER),
        ("tháng tới có việc gì", DECEMBER),
        ("thang toi lam gi", DECEMBER),
        ("tháng trước", OCTOBER),
        ("tháng 11", NOVEMBER),
        ("thang 11 lam gi", NOVEMBER),
        ("Tháng 11 năm nay cần làm gì?", NOVEMBER),
        ("tháng 12/2014", DECEMBER),
        ("tháng 12 / 2014 làm gì", DECEMBER),
        ("tháng 12-2014", DECEMBER),
        ("tháng 12 năm 2014", DECEMBER),
        ("thang 12 nam 2014 can lam gi", DECEMBER),
        ("T12/2014", DECEMBER),
        ("t12/2014?", DECEMBER),
        ("tháng 02/2022", Period("month", date(2022, 2, 1), date(2022, 2, 28))),
        ("tháng 2/2016", Period("month", date(2016, 2, 1), date(2016, 2, 29))),
        ("tuần này", THIS_WEEK),
        ("Tuần này có việc gì?", THIS_WEEK),
        ("tuan nay co viec gi", THIS_WEEK),
        ("tuần sau", NEXT_WEEK),
        ("tuần tới cần làm gì", NEXT_WEEK),
        ("tuần trước", Period("week", date(2014, 11, 10), date(2014, 11, 16))),
        ("sắp đến hạn", UPCOMING),
        ("sap den han", UPCOMING),
        ("Việc nào sắp tới hạn?", UPCOMING),
        ("có việc gì sắp hết hạn không", UPCOMING),
        ("quá hạn", OVERDUE),
        ("qua han", OVERDUE),
        ("Có việc nào trễ hạn không?", OVERDUE),
        ("những việc đã quá hạn", OVERDUE),
        ("quý 4", Q4),
        ("quy 4 lam gi", Q4),
        ("quý IV/2014", Q4),
        ("quý IV năm 2014", Q4),
        ("Quý II/2012", Period("quarter", date(2012, 4, 1), date(2012, 6, 30))),
        ("quý I", Period("quarter", date(2014, 1, 1), date(2014, 3, 31))),
        ("quý sau", Period("quarter", date(2015, 1, 1), date(2015, 3, 31))),
        ("năm nay", YEAR_2014),
        ("nam nay can lam gi", YEAR_2014),
        ("năm 2014", YEAR_2014),
        ("Năm 2012 có những việc gì?", Period("year", date(2012, 1, 1), date(2012, 12, 31))),
        ("năm sau", Period("year", date(2015, 1, 1), date(2015, 12, 31))),
    ],
)
def test_period_phrases_with_or_without_diacritics(text, expected):
    assert parse_question(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "xin chào",
        "Xin chao ban",
        "Nguyễn Văn Tháng",
        "Nguyễn Văn Tháng, chính thức",
        "Nguyễn Văn An, chính thức",
        "Nguyễn Văn An, chính thức, tháng 11",
        "Trần Văn Tuần, dự bị, 12/03/2015",
        "Lê Quý Đôn",
        "quý vị cần làm gì",
        "tháng",
        "thang nay thang sau",
        "tháng này và tuần sau",
        "Cuộc họp tháng này đã xong, cảm ơn mọi người",
        "tháng 123",
        "tháng 12/20145",
        "quý V",
        "/thangnay",
    ],
)
def test_texts_that_are_not_calendar_questions(text):
    assert parse_question(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tháng 13", PeriodProblem("bad_month", "13")),
        ("thang 0 lam gi", PeriodProblem("bad_month", "0")),
        ("tháng 13/2014", PeriodProblem("bad_month", "13")),
        ("T13/2014", PeriodProblem("bad_month", "13")),
        ("quý 5", PeriodProblem("bad_quarter", "5")),
        ("quý 0/2014", PeriodProblem("bad_quarter", "0")),
        ("năm 0000", PeriodProblem("bad_year", "0000")),
        ("tháng 2/0000", PeriodProblem("bad_year", "0000")),
        ("quý 1/0000", PeriodProblem("bad_year", "0000")),
    ],
)
def test_periods_that_do_not_exist_are_reported(text, problem):
    assert parse_question(text, TODAY) == problem


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2014, 12, 31), "tháng sau", Period("month", date(2015, 1, 1), date(2015, 1, 31))),
        (date(2015, 1, 1), "tháng trước", Period("month", date(2014, 12, 1), date(2014, 12, 31))),
        (date(2015, 1, 31), "tháng sau", Period("month", date(2015, 2, 1), date(2015, 2, 28))),
        (date(2014, 12, 31), "tuần này", Period("week", date(2014, 12, 29), date(2015, 1, 4))),
        (date(2014, 12, 31), "tuần sau", Period("week", date(2015, 1, 5), date(2015, 1, 11))),
        (date(2014, 11, 30), "tuần sau", Period("week", date(2014, 12, 1), date(2014, 12, 7))),
        (date(2014, 11, 23), "tuần này", THIS_WEEK),  # Sunday ends the week
        (date(2014, 11, 17), "tuần này", THIS_WEEK),  # Monday starts it
        (date(2014, 12, 20), "quý sau", Period("quarter", date(2015, 1, 1), date(2015, 3, 31))),
        (date(2014, 2, 1), "quý trước", Period("quarter", date(2013, 10, 1), date(2013, 12, 31))),
        (date(2014, 12, 25), "sắp đến hạn", Period("upcoming", date(2014, 12, 25), date(2015, 1, 8))),
        (date(2015, 1, 1), "quá hạn", Period("overdue", date.min, date(2014, 12, 31))),
    ],
)
def test_boundaries_across_months_and_years(today, text, expected):
    assert parse_question(text, today) == expected


def test_the_commands_this_month_and_next_month():
    assert this_month(TODAY) == NOVEMBER
    assert next_month(TODAY) == DECEMBER
    assert next_month(date(2014, 12, 31)) == month_period(2015, 1)
    assert this_month(date(2016, 2, 29)).end == date(2016, 2, 29)


def test_a_period_includes_both_ends():
    assert NOVEMBER.contains(date(2014, 11, 1))
    assert NOVEMBER.contains(date(2014, 11, 30))
    assert not NOVEMBER.contains(date(2014, 12, 1))
    assert not NOVEMBER.contains(date(2014, 10, 31))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period("month", date(2014, 11, 2), date(2014, 11, 1))


_PIECES = [
    "tháng", "thang", "T", "tuần", "quý", "năm", "này", "nay", "sau", "tới", "trước", "sắp", "đến", "hạn",
    "quá", "trễ", "hết", "IV", "ii", "/", "-", ".", "?", ",", "12", "13", "0", "2014", "0000", "9999",
    "cần", "làm", "gì", "có", "việc", "Nguyễn", "Văn", "chính thức", " ", "\n", "ạ",
]


@given(st.text())
def test_parse_question_never_raises_on_arbitrary_text(text):
    assert isinstance(parse_question(text, TODAY), Period | PeriodProblem | None)


@given(
    st.lists(st.sampled_from(_PIECES), max_size=8).map(" ".join),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)
def test_parse_question_never_raises_on_near_questions(text, today):
    result = parse_question(text, today)
    if isinstance(result, Period):
        assert _well_formed(result, today), result


def _well_formed(period: Period, today: date) -> bool:
    match period.kind:
        case "week":
            return period.start.weekday() == 0 and period.end - period.start == timedelta(days=6)
        case "upcoming":
            return (period.start, period.end) == (today, today + timedelta(days=14))
        case "overdue":
            return period.end == today - timedelta(days=1)
        case _:  # month, quarter, year: whole months
            last_day = monthrange(period.end.year, period.end.month)[1]
            return period.start.day == 1 and period.end.day == last_day
