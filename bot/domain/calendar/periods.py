"""The stretch of days a secretary asks about: "tháng này", "tuần sau", "quý IV/2014", "quá hạn"…

`parse_question` takes a period phrase alone or wrapped in question words ("tháng này cần làm gì?",
"có việc gì quá hạn không") and nothing else, so that a roster line such as "Nguyễn Văn Tháng, chính thức"
or a sentence that merely mentions a month is not taken for a question. It returns:
- a Period;
- a PeriodProblem when the phrase has a question's shape but names a month, quarter or year that does
  not exist ("tháng 13", "quý 5", "năm 0000"), so the handler can say why instead of staying silent;
- None when the text is not a calendar question.
Labels are rendered by the templates from `kind`, `start` and `end`.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.domain.text import fold

PeriodKind = Literal["month", "week", "upcoming", "overdue", "quarter", "year"]

UPCOMING_DAYS = 14


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"period starts after it ends: {self.start} > {self.end}")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class PeriodProblem:
    """A question about a period that does not exist: a template code and the value as typed."""

    code: str  # "bad_month" | "bad_quarter" | "bad_year"
    value: str


def month_period(year: int, month: int) -> Period:
    return Period("month", date(year, month, 1), date(year, month, monthrange(year, month)[1]))


def this_month(today: date) -> Period:
    return month_period(today.year, today.month)


def next_month(today: date) -> Period:
    return _months_from(today, 1)


def week_period(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * quarter - 2
    last_month = first_month + 2
    return Period("quarter", date(year, first_month, 1), date(year, last_month, monthrange(year, last_month)[1]))


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def upcoming_period(today: date) -> Period:
    return Period("upcoming", today, today + timedelta(days=UPCOMING_DAYS))


def overdue_period(today: date) -> Period:
    # Everything before today: the agenda's overdue rule then needs no special case for this kind.
    return Period("overdue", date.min, today - timedelta(days=1))


def _months_from(today: date, shift: int) -> Period:
    year, month_index = divmod(today.year * 12 + today.month - 1 + shift, 12)
    return month_period(year, month_index + 1)


def _quarters_from(today: date, shift: int) -> Period:
    year, quarter_index = divmod(today.year * 4 + (today.month - 1) // 3 + shift, 4)
    return quarter_period(year, quarter_index + 1)


_SHIFTS = {"nay": 0, "sau": 1, "toi": 1, "truoc": -1, "ngoai": -1}
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

# Matched on folded text (see `_clean`). One alternative per phrase family; "tháng 12 năm 2014" must be
# consumed whole, so the year suffixes belong to the month and quarter alternatives. Roman quarters stop
# at IV so that "quý vị" (a polite "you") is not read as a quarter.
_SHIFT = "|".join(_SHIFTS)
_YEAR_SUFFIX = r"(?: ?/ ?| nam )(?P<{}>[0-9]{{4}}|nay)"
_PHRASE = re.compile(
    r"\b(?:"
    rf"thang (?P<month_shift>{_SHIFT})"
    r"|(?:thang ?|t)(?P<month>[0-9]{1,2})(?:" + _YEAR_SUFFIX.format("month_year") + ")?"
    rf"|tuan (?P<week_shift>{_SHIFT})"
    rf"|quy (?P<quarter_shift>{_SHIFT})"
    r"|quy (?P<quarter>[0-9]{1,2}|iv|i{1,3})(?:" + _YEAR_SUFFIX.format("quarter_year") + ")?"
    rf"|nam (?P<year>[0-9]{{4}}|{_SHIFT})"
    r"|(?P<upcoming>sap (?:(?:den|toi|het|qua) han|toi))"
    r"|(?P<overdue>(?:qua|tre) han)"
    r")\b"
)
_DATE_SEPARATOR = re.compile(r"(?<=[0-9]) ?[-.] ?(?=[0-9])")
_NOT_WORD = re.compile(r"[^\w/]+")

# Words a question may wrap the period phrase in. Anything else (a name, "chính thức") means the text is
# something other than a calendar question.
_QUESTION_WORDS = frozenset({
    # asking: "cho tôi xem", "cần làm gì", "có phải hoàn thành", "liệt kê giúp"
    "biet", "can", "cho", "co", "con", "da", "dang", "den", "duoc", "giup", "gom", "hay", "hien", "hoan", "hoi",
    "kiem", "la", "lam", "liet", "long", "nhac", "nua", "phai", "se", "thanh", "thuc", "tra", "trong", "vao",
    "vui", "xem", "xin", "xong",
    # what is asked about: "những việc", "nhiệm vụ", "kế hoạch", "lịch", "hạn", "của chi bộ"
    "bao", "bi", "bo", "ca", "cac", "chi", "cong", "cua", "hoach", "han", "ke", "lich", "moi", "nhiem", "nhieu",
    "nhung", "tat", "thu", "viec", "vu",
    # who asks, and the particles around a question
    "a", "ah", "anh", "ban", "chua", "chung", "day", "em", "gi", "j", "k", "khong", "ko", "minh", "nao", "ne",
    "nhe", "nhi", "oi", "sao", "ta", "the", "toi", "vay", "voi",
})


def _clean(text: str) -> str:
    """Folded, with '12-2014' and '12.2014' written '12/2014' and punctuation turned into spaces."""
    return _NOT_WORD.sub(" ", _DATE_SEPARATOR.sub("/", fold(text))).strip()


def parse_question(text: str, today: date) -> Period | PeriodProblem | None:
    cleaned = _clean(text)
    matches = list(_PHRASE.finditer(cleaned))
    if len(matches) != 1:
        return None
    match = matches[0]
    rest = (cleaned[: match.start()] + " " + cleaned[match.end() :]).split()
    if not all(word in _QUESTION_WORDS for word in rest):
        return None
    return _period(match, today)


def _period(match: re.Match[str], today: date) -> Period | PeriodProblem:
    found = match.groupdict()
    if found["upcoming"]:
        return upcoming_period(today)
    if found["overdue"]:
        return overdue_period(today)
    if shift := found["month_shift"]:
        return _months_from(today, _SHIFTS[shift])
    if shift := found["week_shift"]:
        return week_period(today + timedelta(weeks=_SHIFTS[shift]))
    if shift := found["quarter_shift"]:
        return _quarters_from(today, _SHIFTS[shift])
    if (value := found["year"]) is not None:
        if value in _SHIFTS:
            return year_period(today.year + _SHIFTS[value])
        return year_period(int(value)) if int(value) > 0 else PeriodProblem("bad_year", value)
    if (value := found["month"]) is not None:
        year = _year(found["month_year"], today)
        if not 1 <= int(value) <= 12:
            return PeriodProblem("bad_month", value)
        return month_period(year, int(value)) if year else PeriodProblem("bad_year", found["month_year"])
    value = found["quarter"]
    quarter = _ROMAN_QUARTERS.get(value) or int(value)
    year = _year(found["quarter_year"], today)
    if not 1 <= quarter <= 4:
        return PeriodProblem("bad_quarter", value)
    return quarter_period(year, quarter) if year else PeriodProblem("bad_year", found["quarter_year"])


def _year(value: str | None, today: date) -> int:
    """The year a month or quarter is asked for; 0 when typed as '0000'."""
    return today.year if value in (None, "nay") else int(value)
