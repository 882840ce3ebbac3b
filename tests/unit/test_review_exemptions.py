"""Who does not review: admitted less than 6 calendar months before the meeting, exempt, suspended."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.review.exemptions import EXEMPT, NEW_MEMBER, SUSPENDED, add_months, exemption, reviews

MEETING = date(2026, 12, 20)


@pytest.mark.parametrize(("admitted_on", "expected"), [
    (date(2026, 6, 20), None),  # exactly 6 months: reviews
    (date(2026, 6, 21), NEW_MEMBER),  # a day short
    (date(2026, 8, 20), NEW_MEMBER),  # 4 months
    (date(2010, 1, 1), None),
    (None, None),  # no date on record: taken to review
    (date(2027, 1, 5), NEW_MEMBER),  # admitted after the meeting date: certainly not 6 months
])
def test_six_calendar_months_strictly(admitted_on, expected):
    assert exemption(admitted_on=admitted_on, meeting=MEETING) == expected


def test_month_ends_clamp():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert exemption(admitted_on=date(2026, 8, 31), meeting=date(2027, 2, 28)) is None
    assert exemption(admitted_on=date(2026, 8, 31), meeting=date(2027, 2, 27)) == NEW_MEMBER


def test_flags_come_first():
    new = date(2026, 11, 1)
    assert exemption(admitted_on=new, meeting=MEETING, exempt=True) == EXEMPT
    assert exemption(admitted_on=new, meeting=MEETING, exempt=True, suspended=True) == SUSPENDED
    assert exemption(admitted_on=None, meeting=MEETING, suspended=True) == SUSPENDED
    assert not reviews(admitted_on=None, meeting=MEETING, exempt=True)
    assert reviews(admitted_on=date(2020, 1, 1), meeting=MEETING)


@given(admitted=st.dates(date(2000, 1, 1), date(2030, 12, 31)), gap=st.integers(-400, 400))
def test_reviewing_depends_only_on_six_months_having_passed(admitted, gap):
    meeting = admitted + timedelta(days=gap)
    result = exemption(admitted_on=admitted, meeting=meeting)
    assert (result is None) is (add_months(admitted, 6) <= meeting)
    # A later meeting never takes the review away.
    if result is None:
        assert exemption(admitted_on=admitted, meeting=meeting + timedelta(days=1)) is None
