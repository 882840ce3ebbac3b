"""Plan text → header and dated items: one pass over the lines, top to bottom."""

from collections.abc import Iterator, Sequence
from dataclasses import replace

from bot.domain.plans.header import dominant_year, issue_date, read_header
from bot.domain.plans.model import (
    MAX_CONDITION,
    MAX_ISSUER,
    MAX_NUMBER,
    MAX_OWNER,
    MAX_TIME_TEXT,
    MAX_TITLE,
    Item,
    Plan,
    PlanHeader,
    clip,
)
from bot.domain.plans.owners import owner_of_cells, owner_of_heading, owner_of_line
from bot.domain.plans.structure import (
    CELL_SEPARATOR,
    Entry,
    Shape,
    clause_at,
    governed_by_trailer,
    is_time_only,
    is_trailer,
    shape,
    split_lines,
)
from bot.domain.plans.time_expressions import TimeExpression, find_time_expressions
from bot.domain.plans.vietnamese import nfc


class _Walk:
    """State of the pass: the open sections, the governing header, the list a trailer may close."""

    def __init__(self, lines: Sequence[str], year: int | None) -> None:
        self.lines = lines
        self.year = year
        self.sections: list[tuple[int, str | None]] = []  # (level, owner) from outer to inner
        self.governor: TimeExpression | None = None
        self.block: list[Entry] = []
        self.bullet_owner: str | None = None  # a paragraph after a bullet continues it

    def items(self, start: int) -> Iterator[Item]:
        for index in range(start, len(self.lines)):
            line = self.lines[index]
            if line.strip() and not issue_date(line):
                yield from self._line(index, line)

    def _line(self, index: int, line: str) -> Iterator[Item]:
        s = shape(line)
        if s.is_heading:
            self._open_section(s)
        expressions = find_time_expressions(line, self._context_year())
        if is_trailer(line, expressions, after_list=bool(self.block)):
            yield from self._close_list(expressions[0])
            return
        if is_time_only(line, expressions):
            self.governor, self.block, self.bullet_owner = expressions[0], [], None
            return
        owner = self._owner(s)
        if s.marker:
            self.bullet_owner = owner
        if expressions:
            for e in expressions:
                text = s.text if len(expressions) == 1 else clause_at(line, e.start, s.text_at)
                yield Item.governed(text=text, owner=owner, when=e.when, time_text=e.text, line=index + 1)
        elif self.governor and not s.is_heading:
            g = self.governor
            yield Item.governed(text=s.text, owner=owner, when=g.when, time_text=g.text, line=index + 1)
        if not s.is_heading and not self.governor:
            self.block.append(Entry(index, s.marker, s.text, owner, bool(expressions)))

    def _context_year(self) -> int | None:
        when = self.governor.when if self.governor else None
        anchor = when and (when.start or when.due)
        return anchor.year if anchor else self.year

    def _open_section(self, s: Shape) -> None:
        assert s.is_heading
        while self.sections and self.sections[-1][0] >= s.heading_level:
            self.sections.pop()
        self.sections.append((s.heading_level, owner_of_heading(s.text)))
        self.governor, self.block, self.bullet_owner = None, [], None

    def _close_list(self, trailer: TimeExpression) -> Iterator[Item]:
        for e in governed_by_trailer(self.block):
            yield Item.governed(text=e.text, owner=e.owner, when=trailer.when, time_text=trailer.text, line=e.index + 1)
        self.block, self.bullet_owner = [], None

    def _owner(self, s: Shape) -> str | None:
        if CELL_SEPARATOR in s.text:
            own = owner_of_cells(s.text.split(CELL_SEPARATOR))
        elif s.is_heading:
            own = owner_of_heading(s.text)
        else:
            own = owner_of_line(s.text)
        if own:
            return own
        if not s.marker and not s.is_heading and self.bullet_owner:
            return self.bullet_owner
        return next((owner for _, owner in reversed(self.sections) if owner), None)


def _bounded_header(h: PlanHeader) -> PlanHeader:
    return replace(h, number=clip(h.number, MAX_NUMBER), issuer=clip(h.issuer, MAX_ISSUER),
                   title=clip(h.title, MAX_TITLE))


def _bounded(item: Item) -> Item:
    return replace(item, owner=clip(item.owner, MAX_OWNER), condition=clip(item.condition, MAX_CONDITION),
                   time_text=clip(item.time_text, MAX_TIME_TEXT) or "")


def extract_plan(lines: Sequence[str]) -> Plan:
    """Read a plan's header and its dated items from its text lines (line numbers are 1-based)."""
    lines = [nfc(line) for line in lines]
    header, body_start = read_header(lines)
    year = header.issued_on.year if header.issued_on else dominant_year(lines[body_start:])
    items = sorted(_Walk(lines, year).items(body_start), key=lambda item: item.line)  # trailers come late
    return Plan(header=_bounded_header(header), items=tuple(map(_bounded, items)))


def extract_plan_text(text: str) -> Plan:
    return extract_plan(split_lines(text))
