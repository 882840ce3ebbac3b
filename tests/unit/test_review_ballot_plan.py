"""Whom the secret e-ballot covers and on which level, as the secretary picks on its screen."""

from datetime import datetime, timedelta

import pytest

from bot.domain.review.levels import MemberLevel
from bot.services.errors import AccessDenied
from bot.services.review_ballot import Candidate
from bot.services.review_ballot_plan import (
    MAX_BALLOT_MINUTES,
    BallotLine,
    ballot_lines,
    ballot_minutes,
    closes_at,
    including,
    line_of,
    replaced,
)
from bot.services.review_meeting import Counts

ALL = tuple(MemberLevel)
AN = Candidate(1, "Nguyễn Văn An", None, None, ALL)
BINH = Candidate(2, "Trần Thị Bình", "httnv", Counts(8, 1, 0), ALL)
CUONG = Candidate(3, "Lê Văn Cường", None, None, (MemberLevel.HTNV, MemberLevel.KHTNV))  # 3 absences: capped


def test_by_default_the_ballot_covers_those_without_a_result_on_httnv_or_the_highest_open_below_it():
    assert ballot_lines([AN, BINH, CUONG], set(), {}) == [
        BallotLine(AN, True, MemberLevel.HTTNV), BallotLine(BINH, False, MemberLevel.HTTNV),
        BallotLine(CUONG, True, MemberLevel.HTNV)]


def test_a_switched_member_is_on_or_off_and_a_chosen_level_is_kept_if_the_rules_allow_it():
    lines = ballot_lines([AN, BINH, CUONG], {1, 2}, {"1": "htxsnv", "3": "httnv"})
    assert lines == [BallotLine(AN, False, MemberLevel.HTXSNV), BallotLine(BINH, True, MemberLevel.HTTNV),
                     BallotLine(CUONG, True, MemberLevel.HTNV)]
    assert replaced(lines) == [(BINH, MemberLevel.HTTNV)]


def test_choosing_a_level_puts_the_member_on_the_ballot():
    assert including(BINH, set()) == {2}  # a result: switched on
    assert including(AN, {1}) == set()  # no result: on by default, the switch undone
    assert including(AN, set()) == set()


def test_only_a_member_classified_here_is_put_to_the_ballot():
    lines = ballot_lines([AN], set(), {})
    assert line_of(lines, 1).candidate == AN
    with pytest.raises(AccessDenied):
        line_of(lines, 99)


@pytest.mark.parametrize(("asked", "minutes"), [(10, 10), (MAX_BALLOT_MINUTES, MAX_BALLOT_MINUTES),
                                                (MAX_BALLOT_MINUTES + 1, 0), (0, 0), (-5, 0)])
def test_a_timed_ballot_lasts_up_to_a_day_else_it_is_closed_by_hand(asked, minutes):
    assert ballot_minutes(asked) == minutes
    now = datetime(2026, 12, 20, 3, 0)
    assert closes_at(now, minutes) == (now + timedelta(minutes=minutes) if minutes else None)
