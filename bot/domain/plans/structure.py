"""The shape of a plan's lines: list markers, section headings, and lines that govern others.

Two kinds of line carry a time for other lines:
- a *header* — a line that is only a time (`+ Từ ngày 05/11/2014 đến 07/11/2014:`) governs the
  lines below it, up to the next header or heading;
- a *trailer* — a parenthesised time (`(Thời gian thực hiện trong tháng 5/2012).`), or a bare
  one closing a list, governs the list above it: the run of bullets of the same kind back to the
  heading and, when that run is a sub-list, the bullet that introduced it (`- … gồm:`).
"""

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.plans.time_expressions import TimeExpression
from bot.domain.plans.vietnamese import compile_loose, fold, matching_view

CELL_SEPARATOR = " | "  # how a table row's cells are joined into one line

_MARKER = re.compile(r"^\s*(?P<marker>(?:[-+•●○▪■–—*]\s*)*)")
_HEADINGS = (  # (pattern, level): smaller levels enclose larger ones
    (re.compile(r"^(?P<num>[IVX]{1,5})\s*[./)][\s./)]*(?P<rest>.*)$"), 0),
    (re.compile(r"^(?P<num>[A-ZĐ])\s*[.)]\s+(?P<rest>.*)$"), 1),
    (compile_loose(r"^(?P<num>(?:BƯỚC|PHẦN|MỤC)\s+\w+)\s*[:.]\s*(?P<rest>.*)$"), 1),
    (re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+|\d{1,2}(?=[.)]))[.)]?\s*(?P<rest>.*)$"), 2),
    (re.compile(r"^(?P<num>[a-zđ])\s*\)\s*(?P<rest>.*)$"), 6),
)
_CAPS_LEVEL = 1
_CAPS_LIMIT = 150
_TIME_LEAD = compile_loose(
    r"[\W_]*(?:(?:\d{1,2}(?:\.\d{1,2})*|[IVX]{1,5}|[a-zđ])[.)/]+[\W_]*)?"  # a heading's number
    r"(?:(?:đợt|giai\s+đoạn|bước|lần)\s+(?:\d{1,2}|[IVX]{1,4}|một|hai|ba|bốn|năm)[\W_]*)?"  # "Đợt 1:"
    r"(?:thời\s+gian(?:\s+thực\s+hiện|\s+hoàn\s+thành)?|thực\s+hiện|hoàn\s+thành)?[\W_]*"
    r"(?:trong\s+khoảng\s+thời\s+gian|dự\s+kiến)?[\W_]*"
)
# What a header may say after its time: "Đợt 2: Từ ngày … đến ngày … gồm các nội dung trọng tâm:".
# Or an event that ends it: "Đợt 3: Từ ngày 15/3/2026 đến ngày bầu cử:".
_HEADER_TAIL = compile_loose(
    r"[\W_]*(?:(?:đến|tới)\s+(?:ngày|khi|lúc)(?:\s+[^\W\d_]+){1,6}?[\W_]*)?"
    r"(?:(?:gồm|bao\s+gồm|với|thực\s+hiện)(?:\s+(?:các|những))?\s+(?:nội\s+dung|công\s+việc|nhiệm\s+vụ|hoạt\s+động)"
    r"(?:\s+[^\W\d_]+){0,3})?[\W_]*"
)
# "- Thời gian hoàn thành: Quý I/2026": the time of the task above, one attribute among others.
_TIME_LABEL = compile_loose(
    r"[\s\-+•●○▪■–—*]*(?:thời\s+gian|thời\s+hạn)(?:\s+(?:thực\s+hiện|hoàn\s+thành|tổ\s+chức|triển\s+khai))?\s*:"
)
# Other attribute lines of a task ("- Đơn vị chủ trì: …", "- Kết quả: …") name no task of their own.
_ATTRIBUTE = compile_loose(
    r"[\s\-+•●○▪■–—*]*(?:"
    r"(?:(?:đơn\s+vị|cơ\s+quan|bộ\s+phận|người)\s+)?(?:chủ\s+trì|phối\s+hợp|thực\s+hiện|tham\s+mưu)"
    r"|(?:kết\s+quả|sản\s+phẩm|trách\s+nhiệm|phụ\s+trách|đầu\s+mối)(?:\s+[^\W\d_]+){0,3}"
    r"|(?:thành\s+phần|địa\s+điểm|kinh\s+phí|hình\s+thức|nguyên\s+tắc|tài\s+liệu|lưu\s+ý|ghi\s+chú)(?:\s+[^\W\d_]+){0,4}"
    r")\s*:"
)
# "Nội dung: …" right under a heading states the heading's task.
_STATEMENT = compile_loose(r"[\s*_]*nội\s+dung\s*:")
_PARENTHESISED = re.compile(r"^[*_\s]*\(.*\)[*_.;,\s]*$")


@dataclass(frozen=True, slots=True)
class Shape:
    marker: str  # the list symbol ("-", "+"; "" for a paragraph or a heading)
    heading_level: int | None
    text_at: int  # where the line's text starts, after its marker or heading number
    text: str

    @property
    def is_heading(self) -> bool:
        return self.heading_level is not None


def shape(line: str) -> Shape:
    m = _MARKER.match(line)
    marker, at = m["marker"].replace(" ", ""), m.end()
    content = line[at:].rstrip()
    if not marker:
        for pattern, level in _HEADINGS:
            if h := pattern.match(content):
                depth = h["num"].count(".") if level == 2 else 0
                return Shape("", level + depth, at + h.start("rest"), h["rest"].strip())
        if any(c.isalpha() for c in content) and content.isupper() and len(content) <= _CAPS_LIMIT:
            return Shape("", _CAPS_LEVEL, at, content)
    return Shape(marker[-1:], None, at, content)


MIN_PLAN_ENTRIES = 2  # numbered headings or list items a text needs to be laid out as a plan


def has_plan_shape(lines: Sequence[str]) -> bool:
    """Whether a text is laid out as a plan: at least `MIN_PLAN_ENTRIES` numbered headings ("I.", "1.2.",
    "a)") or list items ("- …", "+ …"). A photo of something else (a poster, a letter, a page of a book)
    has none, whatever dates its text names; a line in capitals alone does not count."""
    entries = 0
    for line in lines:
        s = shape(line)
        if s.text and (s.marker or (s.is_heading and s.text_at > len(line) - len(line.lstrip()))):
            entries += 1
            if entries >= MIN_PLAN_ENTRIES:
                return True
    return False


def is_time_only(line: str, expressions: Sequence[TimeExpression]) -> bool:
    """Whether the line says nothing but its time (and a lead such as `Thời gian thực hiện:`)."""
    if not expressions:
        return False
    view = matching_view(line)
    rest, at = [], 0
    for e in expressions:
        rest.append(view[at : e.start])
        at = e.end
    rest.append(view[at:])
    lead, *others = rest
    if not _TIME_LEAD.fullmatch(lead):
        return False
    *middle, tail = others
    return not any(c.isalnum() for piece in middle for c in piece) and bool(_HEADER_TAIL.fullmatch(tail))


def time_label_end(line: str) -> int | None:
    """Where the value of a `Thời gian …:` attribute line starts, or None for another line."""
    m = _TIME_LABEL.match(matching_view(line))
    return m.end() if m else None


def is_attribute(line: str) -> bool:
    """`- Đơn vị chủ trì: …`, `- Kết quả: …`: a line that describes the task above it."""
    return bool(_ATTRIBUTE.match(matching_view(line)))


def is_statement(text: str) -> bool:
    return bool(_STATEMENT.match(matching_view(text)))


def line_text(line: str) -> str:
    """A heading's text as a task: with its number ("1.3 Xây dựng kế hoạch…"), without list markers."""
    return line.strip().lstrip("-+•●○▪■–—* ").rstrip()


_ASIDE_BEFORE = re.compile(r"\(\s*$")
_ASIDE_AFTER = re.compile(r"\s*\)")
_BARE_DAY = compile_loose(r"(?:ngày\s+)?\d")


def is_aside_date(line: str, e: TimeExpression) -> bool:
    """A date alone in a parenthesis, with no trigger (`(ngày 15/3/2026)`): the day of the event just named."""
    return (
        bool(_ASIDE_BEFORE.search(line, 0, e.start))
        and bool(_ASIDE_AFTER.match(line, e.end))
        and bool(_BARE_DAY.match(e.text))
        and e.when.start == e.when.due
    )


def is_slogan(line: str) -> bool:
    """A slogan (`Ngày bầu cử là Ngày hội của toàn dân!`) holds no task, whatever date it names."""
    return line.rstrip(" *_\"”").endswith("!")


def is_trailer(line: str, expressions: Sequence[TimeExpression], *, after_list: bool) -> bool:
    """Whether a time line notes the list above rather than opening one below: a parenthesis
    (`(Thời gian thực hiện … tháng 5/2012).`), or a bare time after a list that does not end
    in `:` (a header ends in `:`, or stands right under its heading)."""
    if not expressions:
        return False
    if _PARENTHESISED.match(line):
        return fold(line.strip(" *_.;,")[1:]).startswith("thoi gian") or is_time_only(line, expressions)
    return after_list and not line.rstrip(" *").endswith(":") and is_time_only(line, expressions)


@dataclass(frozen=True, slots=True)
class Entry:
    """A line that a trailer below it may govern."""

    index: int
    marker: str
    text: str
    owner: Callable[[], str | None]  # found on demand: most lines never yield an item
    has_time: bool  # it has its own time, which a trailer does not override


def governed_by_trailer(block: Sequence[Entry]) -> list[Entry]:
    """The lines a trailer governs, from the entries since the last heading or time line."""
    if not block:
        return []
    kind = block[-1].marker
    chosen: list[Entry] = []
    for entry in reversed(block):
        if entry.marker == kind:
            chosen.append(entry)
            continue
        if kind and entry.text.rstrip(" *").endswith(":"):
            chosen.append(entry)  # the bullet that introduces the sub-list
        break
    return [e for e in reversed(chosen) if not e.has_time]


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them (CRLF, CR or LF); other separators stay in the line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and not lines[-1] else lines


@lru_cache(maxsize=8)
def _clause_bounds(line: str, text_at: int) -> tuple[int, ...]:
    """Where the clauses of `line` begin and end, from `text_at` on: one pass, however many clauses
    the line has (a plan of one long line must not cost the square of its length)."""
    # opens_aside[k]: the first character from k on that is not a space or `*` is `(`.
    opens_aside = [False] * (len(line) + 1)
    for k in range(len(line) - 1, -1, -1):
        opens_aside[k] = line[k] == "(" or (line[k] in " *" and opens_aside[k + 1])
    bounds, depth = [text_at], 0
    for k in range(text_at, len(line)):
        char = line[k]
        depth += (char == "(") - (char == ")")
        ends = char == ";" or (char == "." and line[k + 1 : k + 2] == " ")
        if depth == 0 and ends and not opens_aside[k + 1]:
            bounds.append(k + 1)
    bounds.append(len(line))
    return tuple(bounds)


def clause_at(line: str, position: int, text_at: int = 0) -> str:
    """The clause of `line` around `position`: between `;` or `. ` outside parentheses, from
    `text_at` on. A parenthesis that opens a clause (`… . (Thời gian …).`) notes the one before.
    A position before `text_at` (a trigger word inside a heading's number) counts as `text_at`."""
    bounds = _clause_bounds(line, text_at)
    position = min(max(position, text_at), len(line))
    i = max(bisect_right(bounds, position, 0, len(bounds) - 1) - 1, 0)
    return line[bounds[i] : bounds[i + 1]].strip(" ;")
