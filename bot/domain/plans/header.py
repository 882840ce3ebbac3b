"""The plan's header block: number, issuer, issue date and title, and where the body starts.

A party document opens with the issuing committee (under its superior), `*`, `Số 146-KH/ĐU`,
the motto and `<place>, ngày … tháng … năm …`, then `KẾ HOẠCH` and the title lines; the body
starts with the first sentence ("Thực hiện … như sau:"). Scanned or exported plans lose parts
of this block, so each field is optional and the issuer falls back to the body's first
sentence ("…, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch…").
"""

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date

from bot.domain.plans.citations import citation_spans
from bot.domain.plans.model import PlanHeader
from bot.domain.plans.owners import unit_phrase
from bot.domain.plans.structure import CELL_SEPARATOR
from bot.domain.plans.vietnamese import compile_loose, fold, loose, matching_view, squash_spaces

_HEADER_REACH = 40  # lines searched for the title when the plan has no "KẾ HOẠCH" line sooner
_TITLE_LINES = 4
_TITLE_CHARS = 300
_INTRO_LINES = 5  # body lines searched for "… ban hành kế hoạch"

# Case-sensitive: capital "Số" opens the header field; "số" in a sentence is a citation.
_NUMBER = re.compile(
    loose(r"(?:^|(?<=[\s|*]))Số")
    + r"\s*:?\s*(?P<n>\d{1,5})\s*[-–—]?\s*(?P<kind>[A-ZĐ]{1,6})\s*/\s*(?P<by>[A-ZĐ][A-ZĐ0-9\-]*)"
)
_DATE = r"ngày\s+(?P<d>\d{1,2})(?:\s+tháng\s+|\s*/\s*)(?P<m>\d{1,2})(?:\s+năm\s+|\s*/\s*)(?P<y>\d{4})"
# "TP. Hồ Chí Minh, ngày 04 tháng 11 năm 2014", "Phường 5, ngày …" standing alone on its line;
# a number elsewhere in the place would let a citation ("Kết luận 21-KL/TW, ngày …") pass.
_PLACE_DATE = compile_loose(rf"^[\W_]*(?:[^\d,]{{2,60}}(?:\s\d{{1,2}})?,\s*)?{_DATE}[\W_]*$")
# Such a line is short; a longer one is not tried, since the pattern backtracks over a long run of punctuation.
_PLACE_DATE_CHARS = 200
# A list item or a numbered heading ("I.", "A.", "1.", "2.1.", "a)") starts the body.
_LISTED = re.compile(r"^\s*(?:[-+•●○▪■–—]|(?:[IVX]{1,5}|[A-ZĐ]|\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[./)])")
_ISSUING = compile_loose(r"\s(?:ban\s+hành|đề\s+ra|triển\s+khai|xây\s+dựng)\s+kế\s+hoạch")
# The century first and the look-behind after it: a pattern that starts with its characters is scanned for them fast.
_YEAR = re.compile(r"(?:19|20)(?<!\d\d\d)\d{2}(?!\d)")
_MOTTO = "dang cong san viet nam"
_DIGIT = re.compile(r"\d")  # no date without one: most lines are passed over at once


def issue_date(line: str) -> date | None:
    """The date of a `<place>, ngày …` line or table cell — the plan's own date, never a task."""
    if (len(line) > _PLACE_DATE_CHARS and CELL_SEPARATOR not in line) or not _DIGIT.search(line):
        return None
    for cell in line.split(CELL_SEPARATOR):
        cell = cell.strip()
        if len(cell) > _PLACE_DATE_CHARS:
            continue
        if m := _PLACE_DATE.match(matching_view(cell)):
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


def _is_title_line(line: str) -> bool:
    content = line.strip(" \t*#_")
    return fold(content).startswith("ke hoach") and content[:8].isupper()


def _title(lines: Sequence[str], at: int) -> tuple[str | None, int]:
    """The title after the `KẾ HOẠCH` line at `at`, and the index of the first body line."""
    parts = [line_rest] if (line_rest := lines[at].strip(" \t*#_")[8:].strip()) else []
    i = at + 1
    while i < len(lines) and len(parts) < _TITLE_LINES:
        text = lines[i].strip(" \t*#_")
        if not text:
            i += 1
            continue
        starts_body = (
            text.endswith(":")
            or _LISTED.match(text)
            or CELL_SEPARATOR in text  # a table right under the title: its rows are the body
            or citation_spans(matching_view(text))
            or len(" ".join([*parts, text])) > _TITLE_CHARS
        )
        if starts_body:
            break
        parts.append(text)
        i += 1
    return (squash_spaces(" ".join(parts)) or None), i


def _number(lines: Sequence[str]) -> tuple[str | None, int | None]:
    for i, line in enumerate(lines):
        if m := _NUMBER.search(matching_view(line)):
            return f"{m['n']}-{m['kind']}/{m['by']}", i
    return None, None


def _issuer_above(lines: Sequence[str], number_at: int) -> str | None:
    """The committee line nearest above `Số …` (its superior sits above it); in a header
    table, the row's first cell that is not the party's motto."""
    for line in reversed(lines[:number_at]):
        for cell in line.split(CELL_SEPARATOR):
            text = squash_spaces(cell.strip(" \t*"))
            if any(c.isalpha() for c in text) and text.isupper() and fold(text) != _MOTTO:
                return text
    return None


def _issuer_in_intro(lines: Sequence[str]) -> str | None:
    """`…, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch …`: the unit after the last break."""
    for line in lines[:_INTRO_LINES]:
        if not (m := _ISSUING.search(matching_view(line))):
            continue
        before = line[: m.start()]
        cuts = [0, *(k + 1 for k, c in enumerate(before) if c in ',;:”"')]
        for cut in reversed(cuts):
            if unit_phrase(chunk := before[cut:].strip()):
                return chunk
    return None


def dominant_year(lines: Sequence[str]) -> int | None:
    """The year a plan without a date is about: the one it names most (ties: the latest)."""
    counts = Counter(int(y) for y in _YEAR.findall("\n".join(lines)))
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def read_header(lines: Sequence[str]) -> tuple[PlanHeader, int]:
    """The header and the index of the first body line (lines before it hold no tasks)."""
    title_at = next((i for i, line in enumerate(lines[:_HEADER_REACH]) if _is_title_line(line)), None)
    zone = lines[:title_at] if title_at is not None else lines[:_HEADER_REACH]
    number, number_at = _number(zone)
    dated = next(((i, d) for i, line in enumerate(lines) if (d := issue_date(line))), None)
    if title_at is not None:
        title, body_start = _title(lines, title_at)
    else:  # the body starts after whichever header field comes last
        fields = [i for i in (number_at, dated and dated[0]) if i is not None and i < len(zone)]
        title, body_start = None, max(fields, default=-1) + 1
    issuer = (_issuer_above(lines, number_at) if number_at is not None else None) or _issuer_in_intro(
        lines[body_start:]
    )
    header = PlanHeader(number=number, issuer=issuer, issued_on=dated[1] if dated else None, title=title)
    return header, body_start
