"""Vietnamese time phrases → `When`: windows, recurrences and conditions found in one line.

A window is read in three steps:
1. *atoms* — the dated noun phrases (`ngày 05/11/2014`, `tháng 9, 10, 11/2012`, `Quý II/2012`,
   `năm 2022, 2023`, `ngày 10-12/11`), each a first and a last point whose year may be missing;
2. *phrases* — atoms joined by connectors (`đến`, `và`, `,`) share their years and become one span;
3. the *trigger* before the phrase gives it its meaning: `từ` an open start, `trước`/`chậm nhất`
   a deadline, `trong`/`vào`/`thời gian` or nothing the span itself.
A bare year (`năm 2014`) names what a report is about far more often than when a task happens,
so it is a window only after a trigger; a term (`nhiệm kỳ 2010 – 2015`) never is, and a
`giai đoạn 2021-2025` only after a trigger (`trong giai đoạn…`, `Thời gian thực hiện: giai đoạn…`),
where the plan uses the stage as the task's window rather than to name a programme.
"""

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.domain.plans.citations import citation_spans, inside
from bot.domain.plans.model import When
from bot.domain.plans.vietnamese import compile_loose, fold, matching_view, nfc, squash_spaces

_D = r"(?:0?[1-9]|[12]\d|3[01])(?!\d)"
_M = r"(?:0?[1-9]|1[0-2])(?!\d)"
_Y = r"(?:19|20)\d{2}(?!\d)"
_Q = r"(?:IV|I{1,3}|[1-4])(?!\w)"
_LIST = r"\s*(?:,|và|-|–|đến|tới)\s*"
_TO = r"\s*(?:đến|tới|-|–|và|,)\s*(?:hết\s+)?"  # "ngày 10-12/11", "ngày 15 và 16/3"

# Every atom starts with one of these words; checking it first keeps the scan fast.
_ATOM = compile_loose(
    r"(?<!\w)(?=ngày|tháng|quý|quí|năm|nhiệm|giai|khóa|khoá|sáu|nay|\d)(?:"
    + "|".join(
        (
            # ngày 05/11/2014 đến 07/11/2014 · ngày 10-12/11/2014 · ngày 20 đến 28/11
            rf"(?P<days>ngày\s+(?P<dr_d1>{_D})(?:\s*/\s*(?P<dr_m1>{_M})(?:\s*/\s*(?P<dr_y1>{_Y}))?)?"
            rf"{_TO}(?:ngày\s+)?(?P<dr_d2>{_D})\s*/\s*(?P<dr_m2>{_M})(?:\s*/\s*(?P<dr_y2>{_Y}))?)",
            # ngày 10 đến ngày 12 tháng 11 năm 2014
            rf"(?P<days_long>ngày\s+(?P<dl_d1>{_D}){_TO}(?:ngày\s+)?(?P<dl_d2>{_D})\s+tháng\s+(?P<dl_m>{_M})"
            rf"(?:\s*(?:năm\s+|/\s*)(?P<dl_y>{_Y}))?)",
            # (ngày) 05/11/2014 · 05.11.2014 — the same separator twice, so `10-12/11` is not a date
            rf"(?P<full>(?:ngày\s+)?(?<![\d/.\-])(?P<fd_d>{_D})\s*(?P<fd_s>[/.\-])\s*(?P<fd_m>{_M})"
            rf"\s*(?P=fd_s)\s*(?P<fd_y>{_Y}))",
            # ngày 30 tháng 11 năm 2014
            rf"(?P<long>ngày\s+(?P<lg_d>{_D})\s+tháng\s+(?P<lg_m>{_M})(?:\s*(?:năm\s+|/\s*)(?P<lg_y>{_Y}))?)",
            # ngày bầu cử 15/3/2026 — a named day and its date
            rf"(?P<event_day>ngày\s+(?:[^\W\d_]+\s+){{1,3}}(?P<ev_d>{_D})\s*/\s*(?P<ev_m>{_M})\s*/\s*(?P<ev_y>{_Y}))",
            # ngày 10/11 — needs `ngày`, or `2/3` would be a date
            rf"(?P<day_month>ngày\s+(?P<dm_d>{_D})\s*/\s*(?P<dm_m>{_M})(?!\s*[/.\-]\s*\d))",
            rf"(?P<term>(?P<tm_kind>nhiệm\s+kỳ|giai\s+đoạn|khóa)\s+(?P<tm_y1>{_Y})\s*(?:-|–|—|đến)\s*(?P<tm_y2>{_Y}))",
            rf"(?P<half>(?:6|sáu)\s+tháng\s+(?P<hf_part>đầu|cuối)\s+năm(?:\s+(?P<hf_y>{_Y}))?)",
            rf"(?P<quarters>(?:quý|quí)\s+(?P<qu_list>{_Q}(?:{_LIST}(?:quý\s+|quí\s+)?{_Q})*)"
            rf"(?:\s*[/\-]\s*(?P<qu_y>{_Y})|\s+năm\s+(?P<qu_y2>{_Y}))?)",
            rf"(?P<months>tháng\s+(?P<mo_list>{_M}(?:{_LIST}(?:tháng\s+)?{_M})*)"
            rf"(?:\s*[/\-]\s*(?P<mo_y>{_Y})|\s+năm\s+(?P<mo_y2>{_Y}))?)",
            rf"(?P<years>năm\s+(?P<yr_list>{_Y}(?:{_LIST}(?:năm\s+)?{_Y})*))",
            # 2025 - 2026, 2026 trở đi: a window only where it stands alone (a parenthesis, a table cell)
            rf"(?P<bare_years>(?P<by_list>{_Y}(?:\s*(?:-|–|đến)\s*{_Y})?)(?P<by_on>\s+trở\s+đi)?)",
            r"(?P<now>nay(?!\w))",
        )
    )
    + ")"
)
# "đến 17 giờ 00, ngày 01/02/2026": a clock time before the last day is read past.
_CONNECTOR = compile_loose(
    r"\s*,?\s*(?:và\s+|hoặc\s+)?(?:(?:cho\s+)?(?:đến|tới)(?:\s+hết)?|-|–)?\s*"
    r"(?:\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?\s*,?\s*)?"
)
_NUMBER = re.compile(r"\d+|IV|I{1,3}", re.IGNORECASE)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_TRIGGER = compile_loose(
    r"(?<!\w)(?:(?P<before>trước)|(?P<start>từ)|(?P<after>sau)"
    r"|(?P<due>cho\s+đến(?:\s+hết)?|đến(?:\s+hết)?|tới|chậm\s+nhất(?:\s+là)?(?:\s+vào)?|hạn\s+chót"
    r"|hạn(?:\s+cuối)?|không\s+muộn\s+hơn)"
    r"|(?P<window>trong\s+khoảng\s+thời\s+gian|trong\s+thời\s+gian|trong|vào|suốt"
    r"|hoàn\s+thành(?:\s+trong)?|thời\s+gian(?:\s+thực\s+hiện|\s+hoàn\s+thành)?))"
    r"\s*:?\s*$"
)
_TRIGGER_REACH = 40  # characters before a phrase searched for its trigger

_RECURRENCE = compile_loose(
    r"(?<!\w)(?=[đsnmhqtdc\d(])(?:"  # the first letters of the alternatives, checked first for speed
    r"(?P<semiannual>(?:định\s+kỳ\s+)?(?:6|sáu)\s+tháng\s*(?:,|và|/)\s*(?:hằng\s+|hàng\s+|cả\s+)?năm"
    r"|định\s+kỳ\s+(?:6|sáu)\s+tháng|(?:6|sáu)\s+tháng\s+(?:một|1)\s+lần|nửa\s+năm\s+(?:một|1)\s+lần"
    r"|(?:một|1|mỗi)\s+năm\s+(?:hai|2)\s+lần|(?:hai|2)\s+lần\s*(?:/|mỗi|một|trong)\s*năm"
    r"|(?:hằng|hàng|mỗi)\s+(?:6|sáu)\s+tháng)"
    r"|(?P<quarterly>(?:định\s+kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?:quý|quí)|(?:quý|quí)\s+(?:một|1)\s+lần)"
    r"|(?P<monthly>(?:định\s+kỳ\s+)?(?:hằng|hàng|mỗi)\s+tháng|tháng\s+(?:một|1)\s+lần)"
    r"|(?P<yearly>(?:định\s+kỳ\s+)?(?:hằng|hàng|mỗi)\s+năm|năm\s+(?:một|1)\s+lần)"
    r"|(?P<continuous>(?:thực\s+hiện|tiến\s+hành|triển\s+khai|duy\s+trì|cập\s+nhật)\s+(?:liên\s+tục\s+(?:và\s+)?)?thường\s+xuyên"
    r"|thời\s+gian(?:\s+thực\s+hiện)?\s*:\s*thường\s+xuyên|\(\s*thường\s+xuyên\s*\)"
    r"|(?<=\s\|\s)thường\s+xuyên(?=\s*(?:\||$))))"  # a table's time cell: "… | Thường xuyên | Chi hội"
)
# "Thường xuyên kiểm tra…" opening a bullet is the task's own rhythm; mid-sentence
# ("phải thường xuyên tự giác…") it is only an exhortation.
_LEAD = r"[\s\-+•*–]*(?:(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[.)]\s*)?"  # a marker or a heading's number
_LEADING_CONTINUOUS = compile_loose(_LEAD + r"(?P<continuous>thường\s+xuyên)(?!\s*,)")

_DOC_WORDS = (
    r"văn\s+bản|quy\s+định|quy\s+chế|hướng\s+dẫn|chỉ\s+đạo|nghị\s+quyết|chỉ\s+thị|kết\s+luận|kế\s+hoạch"
    r"|thông\s+báo|quyết\s+định|thông\s+tư|nghị\s+định|luật|đề\s+án|ý\s+kiến|chủ\s+trương"
)
_AUTHORITY = (
    r"Trung\s+ương|cấp\s+trên|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư|Chính\s+phủ|Thủ\s+tướng|Quốc\s+hội"
    r"|(?:Tỉnh|Thành|Huyện|Quận|Thị)\s+ủy|Đảng\s+ủy\s+cấp\s+trên"
)
# Conditions are events of a superior or a document, not the plan's own sequencing
# ("Sau khi kiểm điểm, …" is just the next step).
_EVENT_NOUNS = r"hội\s+nghị|cuộc\s+họp|kỳ\s+họp|phiên\s+họp|đợt|cuộc|buổi|đại\s+hội"
_CONDITION = compile_loose(
    r"(?<!\w)(?=[sktn])(?:"
    rf"(?:sau\s+)?khi\s+(?:có|nhận\s+được|được)\s+(?:các\s+|những\s+)?(?:{_DOC_WORDS})[^;()\n]*"
    rf"|(?:sau\s+)?khi\s+(?:{_AUTHORITY})\s+[^;()\n]+"
    r"|theo\s+lộ\s+trình\s+(?:tại|của|trong|(?:được\s+)?quy\s+định\s+tại)\s+[^;()\n]+"
    # events of the plan's own calendar: "ngay sau khi kết thúc hội nghị", "sau hội nghị hiệp thương lần thứ hai"
    r"|ngay\s+sau\s+[^;()\n]+"
    rf"|sau\s+(?:khi\s+)?(?:kết\s+thúc\s+|tổ\s+chức\s+)?(?:các\s+)?(?:{_EVENT_NOUNS})\s[^;()\n]+"
    r"|sau\s+khi\s+kết\s+thúc\s[^;()\n]+"
    # delays and occasions: "trong thời hạn 10 ngày kể từ ngày nhận…", "khi có phát sinh", "khi có yêu cầu"
    r"|trong\s+(?:thời\s+hạn|vòng)\s+\d{1,3}\s+(?:ngày|tuần|tháng)(?:\s+làm\s+việc)?\s+(?:kể\s+)?từ\s[^;()\n]+"
    r"|khi\s+(?:có\s+)?(?:phát\s+sinh|yêu\s+cầu)(?:\s[^;()\n]*)?"
    # a window between two events: "từ khi thành lập đến khi kết thúc…", "từ ngày thành lập … đến ngày kết thúc …"
    r"|(?:kể\s+)?từ\s+(?:khi|ngày)\s+(?=[^\W\d])[^;()\n\d]*?\s(?:đến|tới)\s+(?:khi|ngày|lúc)\s+(?=[^\W\d])[^;()\n\d]+"
    r"|năm\s+thứ\s+(?:\d|hai|ba|tư|năm)\s+(?:của\s+)?nhiệm\s+kỳ[^;()\n]*"
    r"|tùy\s+(?:theo\s+)?(?:tình\s+hình|điều\s+kiện)\s[^;()\n]+)"
)
# "Kết thúc cuộc bầu cử, …" opening a task: it is done once that event is over.
_LEADING_EVENT = compile_loose(_LEAD + r"(?P<event>kết\s+thúc\s+[^,;()\n\d]{3,80})(?=,)")
# A comma ends a condition unless it lists another document ("quy chế, quy định của …"). The `và` is
# looked for only where a run of spaces begins: tried inside the run, `\s+` would make the search quadratic.
_CONDITION_END = compile_loose(
    rf",(?!\s*(?:các\s+)?(?:{_DOC_WORDS}))|\.(?:\s|$)|(?<!\s)\s+và\s+(?!(?:{_DOC_WORDS}))"
)

# What may stand around a phrase that is all its parenthesis or table cell holds ("(2025 - 2026)",
# "| Năm 2025 - 2026 |"), or all a time line gives after its label ("Thời gian: năm 2026").
_ALONE_BEFORE = compile_loose(
    r"(?:^|\(|\|)[\s*_\-+•]*(?:thời\s+gian(?:\s+thực\s+hiện|\s+hoàn\s+thành)?\s*:)?\s*$"
)
_ALONE_AFTER = re.compile(r"[\s*_.;,]*(?:\)|\||$)")

_ADJACENT = compile_loose(r"[\s,(]*(?:và\s+)?(?:thực\s+hiện\s+)?")


@dataclass(frozen=True, slots=True)
class TimeExpression:
    start: int  # span in the NFC line
    end: int
    text: str  # the time words as written
    when: When


@dataclass(frozen=True, slots=True)
class _Point:
    year: int | None
    month: int  # 0: not written, the range's own month applies ("ngày 20 đến 28/11")
    day: int | None  # None: the whole month

    def first_day(self) -> date:
        return date(self.year or 0, self.month, self.day or 1)

    def last_day(self) -> date:
        year = self.year or 0
        return date(year, self.month, self.day or calendar.monthrange(year, self.month)[1])

    def with_year(self, year: int | None) -> "_Point":
        return _Point(year, self.month, self.day)


@dataclass(frozen=True, slots=True)
class _Atom:
    kind: str
    start: int
    end: int
    first: _Point
    last: _Point
    several: bool  # a list or a range ("tháng 9, 10, 11", "ngày 10-12/11"), not one period

    @property
    def is_day(self) -> bool:
        return self.first.day is not None


_NOW = _Point(None, 1, None)  # "nay": a placeholder, never turned into a date


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _numbers(text: str) -> list[int]:
    return [_ROMAN.get(n.lower()) or int(n) for n in _NUMBER.findall(text)]


_Bounds = tuple[_Point, _Point, bool]  # first point, last point, several periods
_Groups = Callable[[str], Any]  # Match.group


def _days(g: _Groups) -> _Bounds:
    first = _Point(_int(g("dr_y1")), _int(g("dr_m1")) or 0, int(g("dr_d1")))
    return first, _Point(_int(g("dr_y2")), int(g("dr_m2")), int(g("dr_d2"))), True


def _days_long(g: _Groups) -> _Bounds:
    year = _int(g("dl_y"))
    return _Point(year, 0, int(g("dl_d1"))), _Point(year, int(g("dl_m")), int(g("dl_d2"))), True


def _day(prefix: str, *, with_year: bool = True) -> Callable[[_Groups], _Bounds]:
    def bounds(g: _Groups) -> _Bounds:
        year = _int(g(f"{prefix}_y")) if with_year else None
        point = _Point(year, int(g(f"{prefix}_m")), int(g(f"{prefix}_d")))
        return point, point, False

    return bounds


def _term(g: _Groups) -> _Bounds:
    return _Point(int(g("tm_y1")), 1, None), _Point(int(g("tm_y2")), 12, None), True


def _half(g: _Groups) -> _Bounds:
    year, opening = _int(g("hf_y")), fold(g("hf_part")) == "dau"
    return _Point(year, 1 if opening else 7, None), _Point(year, 6 if opening else 12, None), False


def _quarters(g: _Groups) -> _Bounds:
    quarters, year = _numbers(g("qu_list")), _int(g("qu_y") or g("qu_y2"))
    return _Point(None, quarters[0] * 3 - 2, None), _Point(year, quarters[-1] * 3, None), len(quarters) > 1


def _months(g: _Groups) -> _Bounds:
    months, year = _numbers(g("mo_list")), _int(g("mo_y") or g("mo_y2"))
    return _Point(None, months[0], None), _Point(year, months[-1], None), len(months) > 1


def _years(g: _Groups) -> _Bounds:
    years = _numbers(g("yr_list"))
    return _Point(years[0], 1, None), _Point(years[-1], 12, None), len(years) > 1


def _bare_years(g: _Groups) -> _Bounds:
    years = _numbers(g("by_list"))
    return _Point(years[0], 1, None), _Point(years[-1], 12, None), len(years) > 1


def _now(g: _Groups) -> _Bounds:
    return _NOW, _NOW, False


_BOUNDS: dict[str, Callable[[_Groups], _Bounds]] = {
    "days": _days,
    "days_long": _days_long,
    "full": _day("fd"),
    "long": _day("lg"),
    "event_day": _day("ev"),
    "day_month": _day("dm", with_year=False),
    "term": _term,
    "half": _half,
    "quarters": _quarters,
    "months": _months,
    "years": _years,
    "bare_years": _bare_years,
    "now": _now,
}


def _atom(m: re.Match[str]) -> _Atom:
    """The atom a match names; a missing first month and missing years are filled in later."""
    kind = next(k for k in _BOUNDS if m.group(k) is not None)
    first, last, several = _BOUNDS[kind](m.group)
    if kind == "term" and fold(m.group("tm_kind")).startswith("giai"):
        kind = "stage"  # "giai đoạn": a window when a trigger says so
    elif kind == "bare_years" and m.group("by_on"):
        kind = "years_on"  # "2026 trở đi": from then on
    return _Atom(kind, m.start(), m.end(), first, last, several)


def _phrases(view: str, atoms: list[_Atom]) -> Iterator[list[_Atom]]:
    """Runs of atoms joined only by connectors (`tháng 12/2022 và tháng 01/2023`)."""
    run: list[_Atom] = []
    for atom in atoms:
        if run and not _CONNECTOR.fullmatch(view, run[-1].end, atom.start):
            yield run
            run = []
        run.append(atom)
    if run:
        yield run


def _resolve_years(points: list[_Point], context_year: int | None) -> list[_Point] | None:
    """Give every point a year: the next written year (one earlier if the point's month comes
    after that year's month: `tháng 11 đến tháng 2/2015`), else the previous one, else the
    context year (the governing header's, or the plan's)."""
    resolved = list(points)
    following: _Point | None = None
    for i in range(len(resolved) - 1, -1, -1):
        point = resolved[i]
        if point.year is None and following is not None:
            point = resolved[i] = point.with_year((following.year or 0) - (point.month > following.month))
        if point.year is not None:
            following = point
    preceding = context_year
    for i, point in enumerate(resolved):
        if point.year is None:
            if preceding is None:
                return None
            resolved[i] = point.with_year(preceding)
        preceding = resolved[i].year
    return resolved


def _dates(phrase: list[_Atom], context_year: int | None) -> tuple[date, date, date] | None:
    """(first day, last day, last day of the first atom), or None for an impossible date."""
    points: list[_Point] = []
    for atom in phrase:
        first = atom.first
        if first.month == 0:  # the range's month — or the one before, for "ngày 28 đến 03/12"
            month = atom.last.month - ((first.day or 0) > (atom.last.day or 0))
            first = _Point(first.year, month or 12, first.day)
        points += [first, atom.last]
    resolved = _resolve_years(points, context_year)
    if resolved is None:
        return None
    try:
        return resolved[0].first_day(), resolved[-1].last_day(), resolved[1].last_day()
    except ValueError:  # 31/02, year 0
        return None


_YEAR_KINDS = frozenset({"years", "stage", "bare_years", "years_on"})
_BARE_KINDS = frozenset({"bare_years", "years_on"})


def _window(phrase: list[_Atom], trigger: str | None, context_year: int | None, *, alone: bool) -> When | None:
    """`alone`: the phrase is all its parenthesis or table cell holds, so a bare year is the task's time."""
    if phrase[0].kind == "now":  # "từ nay đến năm 2015": only the end is a date
        if trigger != "start" or len(phrase) == 1:
            return None
        phrase, trigger = phrase[1:], "due"
    if any(a.kind == "now" for a in phrase):
        return None
    if any(a.kind in _BARE_KINDS for a in phrase) and (trigger is not None or not alone):
        return None
    # Standing alone, years are the task's time — unless they began before the plan's year
    # ("đạt … 03 năm liên tục (năm 2012 – 2014)" is a record).
    past = context_year is not None and (phrase[0].first.year or context_year) < context_year
    if trigger is None and any(a.kind in _YEAR_KINDS for a in phrase) and (not alone or past):
        return None
    if phrase[-1].kind == "years_on":
        trigger = "start"
    dates = _dates(phrase, context_year)
    if dates is None:
        return None
    start, end, first_end = dates
    lead = phrase[0]
    try:
        if trigger == "start":
            return When(start=start, due=end if len(phrase) > 1 or lead.several else None)
        if trigger == "due":
            return When(due=end)
        if trigger == "before":  # "trước ngày 30/11" is due that day; "trước tháng 6" the day before
            return When(due=first_end if lead.is_day else start - timedelta(days=1))
        if trigger == "after":  # "sau ngày 15/3/2026": from the next day on
            return When(start=end + timedelta(days=1))
        return When(start=start, due=end)
    except ValueError:  # a range that ends before it starts
        return None
    except OverflowError:  # "trước tháng 1" in a plan dated year 1: the day before has no date
        return None


# Words without which a kind of phrase cannot occur: a line is searched for them first, which is far
# cheaper than trying every alternative at every word.
# The words are looked for in the folded line (`fold`), where a plain substring test does.
# Each pattern starts with plain characters (no group, no class of letters), so that the engine skips to them.
_MAY_HAVE_WINDOW = re.compile(r"[0-9qs](?:(?<=[0-9])|(?<=q)u[yi]|(?<=s)au thang)")  # a digit, quy/qui, sau thang
_MAY_RECUR = re.compile(
    "|".join(
        (
            *(f"hang {period}" for period in ("nam", "quy", "qui", "thang", "6", "sau")),
            "moi ",
            *(f"{count} lan" for count in ("mot", "1", "hai", "2")),
            "thuong xuyen",
            "dinh ky",
            *(f"{six} thang" for six in ("6", "sau")),
            "nua nam",
        )
    )
)
_MAY_DEPEND = re.compile(r"khi|sau|lo trinh|thoi han|vong|tuy|nhiem ky|ket thuc")


def _skeleton(view: str) -> str:
    """Lower-case letters without marks, for the look-ups above only: other symbols are dropped, so
    positions differ from the line's. Twice as fast as `fold`, which keeps them."""
    return unicodedata.normalize("NFD", view.lower().replace("đ", "d")).encode("ascii", "ignore").decode()


def _windows(
    view: str, matches: list[re.Match[str]], masked: list[tuple[int, int]], context_year: int | None
) -> Iterator[tuple[int, int, When]]:
    # Terms are read only so that nothing else reads their years; they are never windows.
    atoms = [atom for m in matches if not inside(masked, m.start()) and (atom := _atom(m)).kind != "term"]
    for phrase in _phrases(view, atoms):
        lead = phrase[0].start
        trigger = _TRIGGER.search(view, max(0, lead - _TRIGGER_REACH), lead)
        alone = _ALONE_BEFORE.search(view, max(0, lead - _TRIGGER_REACH), lead) is not None and bool(
            _ALONE_AFTER.match(view, phrase[-1].end)
        )
        when = _window(phrase, trigger.lastgroup if trigger else None, context_year, alone=alone)
        if when:
            yield (trigger.start() if trigger else lead), phrase[-1].end, when


def _recurrences(view: str) -> Iterator[tuple[int, int, When]]:
    for m in _RECURRENCE.finditer(view):
        yield m.start(), m.end(), When(recurrence=m.lastgroup)  # type: ignore[arg-type]
    if lead := _LEADING_CONTINUOUS.match(view):
        yield lead.start("continuous"), lead.end("continuous"), When(recurrence="continuous")


def _conditions(line: str, view: str) -> Iterator[tuple[int, int, When]]:
    if lead := _LEADING_EVENT.match(view):
        start, end = lead.span("event")
        yield start, end, When(condition=squash_spaces(line[start:end]))
    for m in _CONDITION.finditer(view):
        cut = _CONDITION_END.search(view, m.start(), m.end())
        end = cut.start() if cut else m.end()
        condition = squash_spaces(line[m.start() : end]).rstrip(" ,.:*")
        yield m.start(), m.start() + len(line[m.start() : end].rstrip(" ,.:*")), When(condition=condition)


def _merge_adjacent(view: str, found: list[tuple[int, int, When]]) -> list[tuple[int, int, When]]:
    """`hằng năm từ năm 2022`, `thực hiện thường xuyên hàng năm`: one task, one meaning."""
    merged: list[tuple[int, int, When]] = []
    for start, end, when in found:
        if merged:
            prev_start, prev_end, prev = merged[-1]
            if _ADJACENT.fullmatch(view, prev_end, start) and prev.can_merge(when):
                merged[-1] = (prev_start, end, prev.merged(when))
                continue
        merged.append((start, end, when))
    return merged


_TENTATIVE = compile_loose(r"dự\s+kiến(?:\s+(?:là|vào|trong))?\s*:?\s*$")
_ASIDE_OPEN = re.compile(r"\s*\(\s*")


def _drop_tentative(view: str, found: list[tuple[int, int, When]]) -> list[tuple[int, int, When]]:
    """`Dự kiến ngày A (Chậm nhất ngày B)`: the deadline in the parenthesis is the task's time."""
    kept: list[tuple[int, int, When]] = []
    for i, (start, end, when) in enumerate(found):
        following = found[i + 1] if i + 1 < len(found) else None
        if (
            following
            and when.has_window
            and following[2].due
            and not following[2].start
            and _ASIDE_OPEN.fullmatch(view, end, following[0])
            and _TENTATIVE.search(view, max(0, start - _TRIGGER_REACH), start)
        ):
            continue
        kept.append((start, end, when))
    return kept


def find_time_expressions(line: str, context_year: int | None = None) -> list[TimeExpression]:
    """Time expressions of one line, in order; `context_year` completes years left unwritten."""
    line = nfc(line)
    view = matching_view(line)
    folded = _skeleton(view)
    atoms = list(_ATOM.finditer(view)) if _MAY_HAVE_WINDOW.search(folded) else []
    others = [
        *(_recurrences(view) if _MAY_RECUR.search(folded) else ()),
        *(_conditions(line, view) if _MAY_DEPEND.search(folded) else ()),
    ]
    if not atoms and not others:
        return []  # citations are looked for only in a line where they could hide something
    masked = citation_spans(view)
    candidates = sorted(
        (c for c in (*_windows(view, atoms, masked, context_year), *others) if not inside(masked, c[0])),
        key=lambda c: (c[0], -c[1]),
    )
    found: list[tuple[int, int, When]] = []
    for candidate in candidates:
        if not found or candidate[0] >= found[-1][1]:
            found.append(candidate)
    return [
        TimeExpression(start, end, squash_spaces(line[start:end]), when)
        for start, end, when in _merge_adjacent(view, _drop_tentative(view, found))
    ]
