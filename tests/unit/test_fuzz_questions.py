"""Hostile free text: the calendar questions ("tháng 11/2014 cần làm gì"), the dates typed into a dialog, and
forged period buttons either give a well-formed answer or the one documented refusal, and always the same one."""

from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.domain.calendar.periods import UPCOMING_DAYS, Period, PeriodProblem, month_period, parse_question
from bot.domain.dates import parse_date, parse_window
from bot.services.errors import ServiceError
from handlers.calendar import MAX_QUESTION, _period, calendar_question
from tests.hostile import IMPOSSIBLE_DATES, any_chars, date_like, hostile_lines, special_chars

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUESTION_WORDS = (
    "tháng thang Tháng THÁNG t tuần tuan quý quy quí năm nam này nay sau tới toi trước truoc ngoài ngoai "
    "quá hạn qua han trễ sắp đến hạn sap den toi het cần làm gì can lam gi có việc những của chi bộ không ko "
    "xem cho tôi ? ! . , / - 0 00 1 01 2 3 4 5 9 10 11 12 13 99 2014 2026 0000 9999 99999 I II III IV V vị "
    "Nguyễn Văn chính thức"
)
TODAYS = st.dates(date(1970, 1, 1), date(2200, 12, 31))
KINDS = {"month", "week", "upcoming", "overdue", "quarter", "year"}


def questions() -> st.SearchStrategy[str]:
    return st.one_of(hostile_lines(QUESTION_WORDS, max_tokens=8), st.text(any_chars, max_size=40))


def check_period(asked: Period | PeriodProblem | None, today: date) -> None:
    if asked is None:
        return
    if isinstance(asked, PeriodProblem):
        assert asked.code in {"bad_month", "bad_quarter", "bad_year"} and asked.value
        return
    assert asked.kind in KINDS and asked.start <= asked.end
    if asked.kind == "month":
        assert asked.start.day == 1 and (asked.start.year, asked.start.month) == (asked.end.year, asked.end.month)
        assert asked.end.day == monthrange(asked.end.year, asked.end.month)[1]
    elif asked.kind == "quarter":
        assert asked.start.day == 1 and asked.start.month in (1, 4, 7, 10) and asked.start.year == asked.end.year
        assert (asked.end.month, asked.end.day) == (asked.start.month + 2, monthrange(asked.end.year,
                                                                                      asked.end.month)[1])
    elif asked.kind == "year":
        assert (asked.start, asked.end) == (date(asked.start.year, 1, 1), date(asked.start.year, 12, 31))
    elif asked.kind == "week":
        assert asked.start.weekday() == 0 and asked.end - asked.start == timedelta(days=6)
    elif asked.kind == "upcoming":
        assert (asked.start, asked.end) == (today, today + timedelta(days=UPCOMING_DAYS))
    else:
        assert asked.end == today - timedelta(days=1)


@FUZZ
@given(questions(), TODAYS)
@example("tháng 11/2014 cần làm gì", date(2026, 11, 22))
@example("tháng 0/0000", date(2026, 11, 22))
@example("quý 0 năm 0000 ?", date(2026, 11, 22))
@example("năm 0000", date(2026, 11, 22))
@example("t13/99999", date(2026, 11, 22))
@example("\u202eтháng\u202c 12 \u200bcần làm gì", date(2026, 11, 22))
@example("tha\u0301ng 12\x00 ca\u0300n la\u0300m gi\u0300", date(2026, 11, 22))
@example("tháng sau", date(2200, 12, 31))
def test_a_question_is_a_well_formed_period_a_named_problem_or_not_a_question(text: str, today: date) -> None:
    asked = parse_question(text, today)
    check_period(asked, today)
    assert parse_question(text, today) == asked  # deterministic


@FUZZ
@given(st.integers(0, 99), st.integers(0, 99_999), TODAYS,
       st.sampled_from(["tháng {m}/{y} cần làm gì", "thang {m}/{y} lam gi", "Tháng {m} năm {y}?", "t{m}-{y}",
                        "THÁNG {m}.{y} CÓ VIỆC GÌ"]))
def test_a_month_and_year_give_that_month_or_say_which_part_does_not_exist(m: int, y: int, today: date,
                                                                           shape: str) -> None:
    asked = parse_question(shape.format(m=m, y=f"{y:04d}"), today)
    if y > 9999:
        assert asked is None  # five digits are not a year
    elif not 1 <= m <= 12:
        assert asked == PeriodProblem("bad_month", str(m))
    elif y == 0:
        assert asked == PeriodProblem("bad_year", "0000")
    else:
        assert asked == month_period(y, m)


@FUZZ
@given(st.sampled_from(["tháng này", "tháng 12", "quý IV", "năm 2014", "quá hạn", "sắp đến hạn", "tuần sau"]),
       st.sampled_from(["Nguyễn", "Văn", "chính", "họp", "nộp", "lương", "mua", "x", "1"]),
       st.booleans(), TODAYS)
def test_a_period_phrase_with_other_words_is_not_a_question(phrase: str, word: str, before: bool,
                                                            today: date) -> None:
    """'Nguyễn Văn Tháng, chính thức' is a roster line, 'họp tháng 12' a note: neither is taken for a question."""
    assert parse_question(f"{word} {phrase}" if before else f"{phrase} {word}", today) is None


NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
SETTINGS = Settings(_env_file=None)


@FUZZ
@given(st.one_of(questions(), st.text(any_chars, min_size=MAX_QUESTION - 5, max_size=MAX_QUESTION + 5),
                 st.none()))
@example("tháng 11/2014 cần làm gì")
@example("tháng 12 " + " " * 300)
async def test_the_free_text_filter_hands_over_a_period_or_lets_the_message_pass(text: str | None) -> None:
    found = await calendar_question(SimpleNamespace(text=text), SETTINGS, lambda: NOW)
    if found is False:
        return
    assert text is not None and len(text) <= MAX_QUESTION and set(found) == {"asked"}
    check_period(found["asked"], NOW.astimezone(SETTINGS.tz).date())


def compact() -> st.SearchStrategy[str]:
    written = st.dates().map(lambda d: d.isoformat().replace("-", ""))
    return st.one_of(written, st.text(st.sampled_from("0123456789٣x-"), max_size=10), st.text(any_chars, max_size=9))


@FUZZ
@given(st.one_of(st.sampled_from(sorted(KINDS)), st.text(max_size=10)), compact(), compact())
@example("month", "00000000", "99991231")
@example("month", "20261231", "20260101")
def test_a_forged_period_button_is_a_period_or_refused_as_stale(kind: str, start: str, end: str) -> None:
    try:
        period = _period(SimpleNamespace(kind=kind, start=start, end=end))
    except ServiceError as error:
        assert error.code == "stale_button"
    else:
        assert period.start <= period.end


@FUZZ
@given(st.one_of(date_like(), st.sampled_from(IMPOSSIBLE_DATES), st.text(any_chars, max_size=30)))
def test_a_typed_date_is_a_real_day_or_a_value_error(text: str) -> None:
    try:
        day = parse_date(text)
    except ValueError:
        return
    assert type(day) is date
    assert parse_date(day.strftime("%d/%m/") + f"{day.year:04d}") == day


@FUZZ
@given(st.one_of(
    st.tuples(date_like(), st.sampled_from([" - ", "–", " đến ", "den", " tới ", "—", "  -  ", "-"]), date_like())
    .map("".join),
    hostile_lines("đến den tới toi - – — 05/11/2026 30/11/2026 31/02/2026 00/00/0000", max_tokens=6),
    st.text(st.sampled_from(" \t-–0123456789/đến"), max_size=60),
))
@example("05/11/2026 - 07/11/2026")
@example("07/11/2026 - 05/11/2026")
@example("31/11/2026")
@example("05/11/2026 -" + " " * 4000 + "x")
def test_a_typed_window_is_well_formed_or_a_value_error(text: str) -> None:
    try:
        start, due = parse_window(text)
    except ValueError:
        return
    assert type(due) is date and (start is None or start <= due)


@given(special_chars, TODAYS)
def test_one_odd_character_is_never_a_question(char: str, today: date) -> None:
    assert parse_question(char, today) is None
