"""Whom the secret e-ballot covers and on which level, as the secretary picks on its screen before opening it
(what she toggled and chose is kept in her dialog; handlers/review_ballot.py keeps it and draws the screen)."""

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from bot.domain.review.levels import MemberLevel
from bot.services.actor import Actor
from bot.services.errors import AccessDenied
from bot.services.review_ballot import Candidate, candidates
from storage.uow import UnitOfWork

BALLOT_MINUTES = 10  # the timed ballot offered beside the one closed by hand
MAX_BALLOT_MINUTES = 24 * 60


class BallotLine(NamedTuple):
    candidate: Candidate
    included: bool  # the ballot covers them
    level: MemberLevel  # the level put to it


def ballot_lines(found: Sequence[Candidate], toggled: Collection[int], levels: Mapping[str, str]) -> list[BallotLine]:
    """Each member classified here: by default the ballot covers those without a result (`toggled`: the ones the
    secretary switched), on the level she chose (`levels`, by membership id) or else HTTNV or the highest open
    below it."""
    picked = []
    for c in found:
        chosen = levels.get(str(c.membership_id))
        level = MemberLevel(chosen) if chosen in c.levels else c.default_level
        picked.append(BallotLine(c, (c.result is None) != (c.membership_id in toggled), level))
    return picked


async def lines(uow: UnitOfWork, actor: Actor, toggled: Collection[int], levels: Mapping[str, str]) -> list[BallotLine]:
    return ballot_lines(await candidates(uow, actor), toggled, levels)


def line_of(found: Sequence[BallotLine], membership_id: int) -> BallotLine:
    """Only a member classified at the secretary's own meeting has a level put to the ballot."""
    line = next((line for line in found if line.candidate.membership_id == membership_id), None)
    if line is None:
        raise AccessDenied("foreign_member", membership_id=membership_id)
    return line


def including(c: Candidate, toggled: Collection[int]) -> set[int]:
    """The switched members once a level is chosen for `c`: choosing a level puts a member on the ballot."""
    switched = set(toggled)
    if c.result is not None:
        switched.add(c.membership_id)
    else:
        switched.discard(c.membership_id)
    return switched


def replaced(found: Sequence[BallotLine]) -> list[tuple[Candidate, MemberLevel]]:
    """Those the ballot covers who already have a result: the secretary is told whose, and confirms."""
    return [(line.candidate, line.level) for line in found if line.included and line.candidate.result is not None]


def ballot_minutes(asked: int) -> int:
    """A timed ballot's minutes, 0 (closed by hand) for anything outside 1 to a day."""
    return asked if 0 < asked <= MAX_BALLOT_MINUTES else 0


def closes_at(now: datetime, minutes: int) -> datetime | None:
    return now + timedelta(minutes=minutes) if minutes else None
