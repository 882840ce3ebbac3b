"""A revised plan against the one already in the calendar: which plan it revises, and what changed.

A plan revises an imported one when it carries the same number with a later date, or when its title says
it amends ("sửa đổi", "bổ sung") a plan whose number it names. Tasks are matched by their text (the same
words once case, accents and spacing are set aside; else the closest text at least 80% alike), so a task
whose dates moved stays the same task and keeps its done mark.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from bot.domain.text import fold

SIMILAR = 0.8
_AMENDS = re.compile(r"\b(?:sua doi|bo sung|dieu chinh)\b")


@dataclass(frozen=True)
class Imported:
    id: int
    number: str | None
    issued_on: date | None


@dataclass(frozen=True)
class Entry:
    """A task on either side: its text and its time."""

    text: str
    start: date | None
    due: date | None
    recurrence: str | None
    condition: str | None

    @property
    def window(self) -> tuple[object, ...]:
        return (self.start, self.due, self.recurrence, self.condition)


@dataclass(frozen=True)
class Diff:
    added: tuple[int, ...]  # indexes into the new entries
    removed: tuple[int, ...]  # indexes into the old entries
    moved: tuple[tuple[int, int], ...]  # (old, new): the same task at another time
    same: tuple[tuple[int, int], ...]  # (old, new)

    @property
    def pairs(self) -> tuple[tuple[int, int], ...]:
        return self.moved + self.same

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.moved)


def _number(text: str) -> str:
    return re.sub(r"[\s\-–—]", "", fold(text))


def revised_plan(number: str | None, issued_on: date | None, title: str | None,
                 imported: Sequence[Imported]) -> int | None:  # fmt: skip
    """The id of the imported plan this one revises, if any."""
    if number and issued_on:
        for plan in imported:
            if plan.number and _number(plan.number) == _number(number) and (plan.issued_on or date.min) < issued_on:
                return plan.id
    folded = fold(title or "")
    if _AMENDS.search(folded):
        named = _number(folded)
        for plan in imported:
            if plan.number and _number(plan.number) in named and plan.number != number:
                return plan.id
    return None


def _key(text: str) -> str:
    return " ".join(fold(text).split())


def compare(old: Sequence[Entry], new: Sequence[Entry]) -> Diff:
    old_keys, new_keys = [_key(e.text) for e in old], [_key(e.text) for e in new]
    pairs: dict[int, int] = {}  # new → old
    free = set(range(len(old)))
    for n, key in enumerate(new_keys):  # the same words first…
        match = next((o for o in sorted(free) if old_keys[o] == key), None)
        if match is not None:
            pairs[n] = match
            free.discard(match)
    for n, key in enumerate(new_keys):  # …then the closest text
        if n in pairs or not free:
            continue
        ratio, match = max((SequenceMatcher(None, old_keys[o], key).ratio(), o) for o in sorted(free))
        if ratio >= SIMILAR:
            pairs[n] = match
            free.discard(match)
    moved = tuple((o, n) for n, o in sorted(pairs.items()) if old[o].window != new[n].window)
    same = tuple((o, n) for n, o in sorted(pairs.items()) if old[o].window == new[n].window)
    added = tuple(n for n in range(len(new)) if n not in pairs)
    return Diff(added=added, removed=tuple(sorted(free)), moved=moved, same=same)
