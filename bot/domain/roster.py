"""The branch roster: roles, statuses, and parsing the lines a secretary pastes.

A line is `Full name, status[, admission date][, role][, flags]`; after the name the fields may come in
any order, since each is recognised by its shape. Lists are written in other shapes too, and each is read:
numbered lines ("1. …", "1) …") and bullets, " - " or ";" between the fields, and rows copied from a
spreadsheet (cells split by tabs or "|", an STT column first, a header row "STT | Họ và tên | …" skipped).
Problems are reported per line as codes, which the handlers turn into Vietnamese through templates.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

from bot.domain.dates import looks_like_date, parse_date
from bot.domain.text import fold, squeeze, vietnamese_key

MAX_NAME_LENGTH = 80
MAX_LINES = 100
MAX_SHOWN = 60  # the most of a wrong value a problem quotes back
MAX_QUOTED_LINE = 200  # the most of a rejected line kept to show
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$")
# `\w` also takes numbers that are not digits ("²", "½", "Ⅻ"): between its separators a name is letters only.
_NAME_SEPARATORS = str.maketrans("", "", " '-")


class Role(StrEnum):
    SECRETARY = "secretary"
    DEPUTY = "deputy"
    COMMITTEE = "committee"
    MEMBER = "member"


class Status(StrEnum):
    FULL = "full"
    PROBATIONARY = "probationary"


# Roles a branch may have only one of.
SINGLE_ROLES = frozenset({Role.SECRETARY, Role.DEPUTY})
# Order of precedence in the roster and in the review meeting: leaders before members.
ROLE_ORDER = {Role.SECRETARY: 0, Role.DEPUTY: 1, Role.COMMITTEE: 2, Role.MEMBER: 3}

_ROLE_WORDS = {
    "bi thu": Role.SECRETARY,
    "bi thu chi bo": Role.SECRETARY,
    "pho bi thu": Role.DEPUTY,
    "pho bi thu chi bo": Role.DEPUTY,
    "chi uy vien": Role.COMMITTEE,
    "cap uy vien": Role.COMMITTEE,
    "uy vien": Role.COMMITTEE,
    "dang vien": Role.MEMBER,
}
_STATUS_WORDS = {
    "chinh thuc": Status.FULL,
    "dang vien chinh thuc": Status.FULL,
    "du bi": Status.PROBATIONARY,
    "dang vien du bi": Status.PROBATIONARY,
}
_FLAG_WORDS = {
    "mien sinh hoat": "exempt",
    "mien cong tac": "exempt",
    "mien": "exempt",
    "dinh chi": "suspended",
    "dinh chi sinh hoat": "suspended",
    "tam dinh chi": "suspended",
    "tam dinh chi sinh hoat": "suspended",
}


@lru_cache(maxsize=16_384)  # every /buoc and /tinhhinh sorts its rosters again, by the same few thousand names
def name_order(full_name: str) -> tuple:
    """Vietnamese lists sort by given name (the last word), then the whole name, in the Vietnamese alphabet."""
    words = full_name.split()
    return vietnamese_key(words[-1] if words else ""), vietnamese_key(full_name)


@dataclass(frozen=True)
class RosterEntry:
    full_name: str
    status: Status
    admitted_on: date | None = None
    role: Role = Role.MEMBER
    exempt: bool = False
    suspended: bool = False


@dataclass(frozen=True)
class LineProblem:
    """Why a line was not taken: a template code and the value it is about."""

    code: str
    value: str = ""


class RosterLineError(ValueError):
    def __init__(self, problem: LineProblem):
        super().__init__(problem.code)
        self.problem = problem


@dataclass(frozen=True)
class RejectedLine:
    line_no: int
    text: str
    problem: LineProblem


@dataclass
class RosterParse:
    accepted: list[tuple[int, RosterEntry]] = field(default_factory=list)
    rejected: list[RejectedLine] = field(default_factory=list)
    headers: list[int] = field(default_factory=list)  # line numbers of a copied table's header rows


def _shown(text: str) -> str:
    return text.strip()[:MAX_SHOWN]


def parse_name(text: str) -> str:
    name = squeeze(text)
    if not name:
        raise RosterLineError(LineProblem("missing_name"))
    if len(name) > MAX_NAME_LENGTH or not _NAME.match(name) or not name.translate(_NAME_SEPARATORS).isalpha():
        raise RosterLineError(LineProblem("bad_name", name[:MAX_NAME_LENGTH]))
    return name


def parse_admission_date(text: str, today: date) -> date:
    try:
        value = parse_date(text)
    except ValueError:
        raise RosterLineError(LineProblem("bad_date", _shown(text))) from None
    if value > today:
        raise RosterLineError(LineProblem("future_date", _shown(text)))
    return value


def parse_role(text: str) -> Role | None:
    return _ROLE_WORDS.get(fold(text))


def parse_status(text: str) -> Status | None:
    return _STATUS_WORDS.get(fold(text))


# A list's own numbering or bullet before the name: "1. ", "12) ", "- ", "• ".
_LEAD = re.compile(r"^\s*(?:\d{1,3}\s*[.)]\s+|[-+•*]\s+)")
_STT = re.compile(r"^\s*\d{1,3}\s*[.)]?\s*$")
# The header row of a copied table names the columns; the name column is the one to recognise it by.
_HEADER_WORDS = ("ho va ten", "ho ten", "stt")


def split_fields(line: str) -> list[str]:
    """The line's fields: cells of a copied table, or the separators a typed list uses, in that order of trust."""
    for separator in ("\t", "|", ",", ";", " - "):
        if separator in line:
            cells = line.split(separator)
            break
    else:
        cells = [line]
    if len(cells) > 1 and _STT.match(cells[0]):
        cells = cells[1:]
    cells[0] = _LEAD.sub("", cells[0], count=1)
    return cells


def is_header(line: str) -> bool:
    cells = [fold(cell) for cell in split_fields(line) if cell.strip()]
    return any(cell in _HEADER_WORDS for cell in cells) and not any(parse_status(cell) for cell in cells)


def parse_line(line: str, today: date) -> RosterEntry:
    name_part, *fields = split_fields(line)
    name = parse_name(name_part)
    found: dict[str, object] = {}

    def put(key: str, value: object, raw: str) -> None:
        if key in found:
            raise RosterLineError(LineProblem("repeated_field", _shown(raw)))
        found[key] = value

    for raw in fields:
        if not raw.strip():
            continue
        if looks_like_date(raw) or re.search(r"\d", raw):
            put("admitted_on", parse_admission_date(raw, today), raw)
        elif (status := parse_status(raw)) is not None:
            put("status", status, raw)
        elif (role := parse_role(raw)) is not None:
            put("role", role, raw)
        elif (flag := _FLAG_WORDS.get(fold(raw))) is not None:
            put(flag, True, raw)
        else:
            raise RosterLineError(LineProblem("unknown_field", _shown(raw)))
    if "status" not in found:
        raise RosterLineError(LineProblem("missing_status"))
    return RosterEntry(full_name=name, **found)  # type: ignore[arg-type]


def parse_roster(text: str, today: date) -> RosterParse:
    """Every non-blank line, each accepted or rejected with its reason; the good lines are kept."""
    result = RosterParse()
    seen: set[str] = set()
    lines = text.splitlines()
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if is_header(line):
            result.headers.append(line_no)
            continue
        if line_no - len(result.headers) > MAX_LINES:  # a copied table's header is not one of the 100
            result.rejected.append(RejectedLine(line_no, line[:100], LineProblem("too_many_lines")))
            continue
        try:
            entry = parse_line(line, today)
        except RosterLineError as error:
            result.rejected.append(RejectedLine(line_no, line[:MAX_QUOTED_LINE], error.problem))
            continue
        key = fold(entry.full_name)
        if key in seen:
            problem = LineProblem("duplicate_name", entry.full_name)
            result.rejected.append(RejectedLine(line_no, line[:MAX_QUOTED_LINE], problem))
            continue
        seen.add(key)
        result.accepted.append((line_no, entry))
    return result
