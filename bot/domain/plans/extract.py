"""Plan text → header and dated items: one pass over the lines, top to bottom."""

from collections.abc import Callable, Iterator, Sequence
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
    When,
    clip,
)
from bot.domain.plans.owners import owner_of_cells, owner_of_heading, owner_of_line
from bot.domain.plans.structure import (
    CELL_SEPARATOR,
    Entry,
    Shape,
    clause_at,
    governed_by_trailer,
    is_aside_date,
    is_attribute,
    is_slogan,
    is_statement,
    is_time_only,
    is_trailer,
    line_text,
    shape,
    split_lines,
    time_label_end,
)
from bot.domain.plans.targets import kind_of
from bot.domain.plans.time_expressions import TimeExpression, find_time_expressions
from bot.domain.plans.vietnamese import nfc

_LOOSE_HEADER = 99  # a header that is not a heading ("+ Từ ngày … đến …:") ends at the next heading
_TASK_HEADING = 2  # numbered headings ("1.", "1.1.", "a)") may be tasks; "I.", "A." and capitals are sections


class _Walk:
    """State of the pass, top to bottom:
    - the open sections and the headers that govern them (a header heading governs its sub-headings);
    - the task a `Thời gian …:` attribute line belongs to: the heading above (with its untimed siblings
      right before it), or the bullets of a heading that ends in `:`;
    - the list a trailer may close."""

    def __init__(self, lines: Sequence[str], year: int | None) -> None:
        self.lines = lines
        self.year = year
        self.sections: list[tuple[int, str | None]] = []  # (level, owner) from outer to inner
        self.governors: list[tuple[int, TimeExpression]] = []  # (level, header) from outer to inner
        self.block: list[Entry] = []
        self.bullet_owner: Callable[[], str | None] | None = None  # a paragraph after a bullet continues it
        self.heads: list[Entry] = []  # the heading(s) a time attribute line would belong to
        self.heads_level: int | None = None
        self.under_heads = False  # lines came after the last of `heads`
        self.pending: list[Entry] = []  # tasks of a bare "Thời gian thực hiện:" awaiting its lines

    @property
    def governor(self) -> TimeExpression | None:
        return self.governors[-1][1] if self.governors else None

    def items(self, start: int) -> Iterator[Item]:
        for index in range(start, len(self.lines)):
            line = self.lines[index]
            if line.strip() and not issue_date(line) and not is_slogan(line):
                yield from self._line(index, line)

    def _line(self, index: int, line: str) -> Iterator[Item]:
        s = shape(line)
        expressions = find_time_expressions(line, self._context_year())
        if self.pending:
            if is_time_only(line, expressions):
                yield from self._govern(self.pending, expressions[0])
                return
            self.pending = []
        if s.is_heading:
            self._open_section(s, index, expressions)
        label_end = time_label_end(line)
        if label_end is not None and not s.is_heading:
            governed = self._time_attribute(line, label_end, expressions)
            if governed is not None:
                yield from governed
                return
        if is_trailer(line, expressions, after_list=bool(self.block)):
            yield from self._close_list(expressions[0])
            return
        if is_time_only(line, expressions) and not s.is_heading and self.heads and not self.under_heads \
                and self._governs_nothing(index):
            # "2. Phản biện dự thảo…" then "- Hoàn thành trước 30/9/2026" then the next heading: a time line
            # with no list below it is the heading's time, as a labelled one is
            governed = self._time_attribute(line, 0, expressions)
            if governed is not None:
                yield from governed
                return
        if is_time_only(line, expressions):
            level = s.heading_level if s.is_heading else _LOOSE_HEADER
            self._set_governor(level, expressions[0])
            self.block, self.bullet_owner, self.heads = [], None, []
            return
        owner = self._owner(s)
        if s.marker:
            self.bullet_owner = owner
        attribute = is_attribute(line)
        if expressions and self.governor and all(is_aside_date(line, e) for e in expressions):
            expressions = []  # "… Ngày hội của toàn dân (ngày 15/3/2026)": the event's day; the header's window holds
        if expressions:
            for e in expressions:
                text = (line_text(line) if s.is_heading else s.text) if len(expressions) == 1 else clause_at(
                    line, e.start, s.text_at
                )
                yield self._item(text, owner(), e, index)
        elif self.governor and not s.is_heading and not attribute:
            yield self._item(s.text, owner(), self.governor, index)
        if not s.is_heading:
            self.under_heads = True
            entry = Entry(index, s.marker, s.text, owner, bool(expressions))
            if self.heads and not s.marker and not self.block and is_statement(s.text):
                self.heads[-1] = entry  # "Nội dung: …" states the heading's task
            elif not self.governor and not attribute:
                self.block.append(entry)

    def _governs_nothing(self, index: int) -> bool:
        """Whether no list follows line `index`: the next line is a heading, a task's attribute, or none."""
        following = next((line for line in self.lines[index + 1 :] if line.strip()), None)
        return following is None or shape(following).is_heading or is_attribute(following) \
            or time_label_end(following) is not None

    def _item(self, text: str, owner: str | None, e: TimeExpression, index: int) -> Item:
        return Item.governed(text=text, owner=owner, when=e.when, time_text=e.text, line=index + 1,
                             kind=kind_of(text))

    def _context_year(self) -> int | None:
        when = self.governor.when if self.governor else None
        anchor = when and (when.start or when.due)
        return anchor.year if anchor else self.year

    def _set_governor(self, level: int, header: TimeExpression) -> None:
        while self.governors and self.governors[-1][0] >= level:
            self.governors.pop()
        self.governors.append((level, header))

    def _open_section(self, s: Shape, index: int, expressions: Sequence[TimeExpression]) -> None:
        assert s.heading_level is not None
        level = s.heading_level
        while self.sections and self.sections[-1][0] >= level:
            self.sections.pop()
        while self.governors and self.governors[-1][0] >= level:
            self.governors.pop()
        self.sections.append((level, owner_of_heading(s.text)))
        self.block, self.bullet_owner = [], None
        # A heading's own condition or rhythm ("… khi có yêu cầu") leaves room for the window of its time line.
        has_window = any(e.when.has_window for e in expressions)
        owner = next((owner for _, owner in reversed(self.sections) if owner), None)
        entry = Entry(index, "", line_text(self.lines[index]), lambda: owner, has_window)
        if level < _TASK_HEADING:
            self.heads = []
        elif self.heads and not self.under_heads and self.heads_level == level:
            self.heads.append(entry)  # "3.1." "3.2." "3.3." then one time line for the three
        else:
            self.heads = [entry]
        self.heads_level, self.under_heads = level, False

    def _targets(self) -> list[Entry]:
        """The task(s) a time attribute line belongs to."""
        if self.heads and not self.heads[-1].text.rstrip(" *").endswith(":"):
            return [e for e in self.heads if not e.has_time]
        return governed_by_trailer(self.block)

    def _time_attribute(self, line: str, label_end: int, expressions: Sequence[TimeExpression]) -> list[Item] | None:
        """`- Thời gian hoàn thành: Quý I/2026` under its task; None when the line is rather a header
        for the lines below (it ends in `:` after its time, or nothing stands above it). A time line
        without a date is a condition ("Thời gian: theo hướng dẫn của cấp trên")."""
        targets = self._targets()
        value = line[label_end:].strip(" *_.;")
        if not targets or (expressions and line.rstrip(" *").endswith(":")):
            return None
        self.block, self.heads = [], []
        if not expressions:
            if not value or value.endswith(":"):
                self.pending = targets  # "* Thời gian thực hiện:" then "+ Đợt 1: …", "+ Đợt 2: …"
                return []
            expressions = [TimeExpression(label_end, len(line), value, When(condition=clip(value, MAX_CONDITION)))]
        return list(self._govern(targets, _combined(expressions)))

    def _govern(self, entries: Sequence[Entry], e: TimeExpression) -> Iterator[Item]:
        for entry in entries:
            yield Item.governed(text=entry.text, owner=entry.owner(), when=e.when, time_text=e.text,
                                line=entry.index + 1, kind=kind_of(entry.text))

    def _close_list(self, trailer: TimeExpression) -> Iterator[Item]:
        yield from self._govern(governed_by_trailer(self.block), trailer)
        self.block, self.bullet_owner = [], None

    def _owner(self, s: Shape) -> Callable[[], str | None]:
        """The line's owner, found when first asked for: the unit it names, else (for a paragraph
        after a bullet) the bullet's, else its section's."""
        bullet = self.bullet_owner if not s.marker and not s.is_heading else None
        section = next((owner for _, owner in reversed(self.sections) if owner), None)
        found: list[str | None] = []

        def owner() -> str | None:
            if not found:
                own = _named_owner(s)
                found.append(own or (bullet() if bullet else None) or section)
            return found[0]

        return owner


def _named_owner(s: Shape) -> str | None:
    if CELL_SEPARATOR in s.text:
        return owner_of_cells(s.text.split(CELL_SEPARATOR))
    if s.is_heading:
        return owner_of_heading(s.text)
    return owner_of_line(s.text)


def _combined(expressions: Sequence[TimeExpression]) -> TimeExpression:
    """One time for a task from its time line: the first window, with what else can join it
    ("Tháng 11/2025 (sau khi … ban hành Hướng dẫn)" is a window and a condition)."""
    first = next((e for e in expressions if e.when.has_window), expressions[0])
    when = first.when
    for e in expressions:
        if e is not first and when.can_merge(e.when):
            when = when.merged(e.when)
    return TimeExpression(first.start, first.end, "; ".join(e.text for e in expressions), when)


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
