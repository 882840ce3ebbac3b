"""What the secretary types during the review, read: the meeting's date, time and place, a vote's counts, the
branch's self-score, a corrected figure of a sheet."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.review.assessment import NO_GRAVE, Sheet
from bot.services.errors import ServiceError
from bot.services.review import DEFAULT_MEETING_TIME, meeting_time, parse_meeting
from bot.services.review_assessment import BRANCH, SheetView
from bot.services.review_live import parse_counts, parse_score
from bot.services.review_meeting import Counts

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("text", "at", "place"), [
    ("20/12/2026 14:30, Hội trường UBND", datetime(2026, 12, 20, 14, 30, tzinfo=HANOI), "Hội trường UBND"),
    ("20/12/2026 14h", datetime(2026, 12, 20, 14, 0, tzinfo=HANOI), None),
    ("20-12-2026 7g15", datetime(2026, 12, 20, 7, 15, tzinfo=HANOI), None),
    ("  5.1.2027, Nhà văn hóa", datetime(2027, 1, 5, 8, 0, tzinfo=HANOI), "Nhà văn hóa"),
])
def test_a_meeting_is_a_day_an_hour_if_given_and_a_place_if_given(text, at, place):
    assert parse_meeting(text, HANOI) == (at, place)


@pytest.mark.parametrize("text", ["", "20/12", "thứ bảy tuần sau", "31/02/2026", "20/12/2026 25:00", "2026-12-20"])
def test_anything_else_is_no_meeting(text):
    with pytest.raises(ValueError):
        parse_meeting(text, HANOI)


def test_a_day_alone_meets_at_eight_local_time():
    assert meeting_time(date(2026, 11, 20), HANOI).time() == DEFAULT_MEETING_TIME
    assert meeting_time(date(2026, 11, 20), HANOI).isoformat() == "2026-11-20T08:00:00+07:00"


@pytest.mark.parametrize(("text", "counts"), [
    ("9 1 0", Counts(9, 1, 0)), ("9/1/0", Counts(9, 1, 0)), (" 10, 0, 2 ", Counts(10, 0, 2)),
    ("12-0-0", Counts(12, 0, 0))])
def test_counts_are_three_numbers(text, counts):
    assert parse_counts(text) == counts


@pytest.mark.parametrize("text", ["9 1", "9 1 0 0", "chín một không", "1000 0 0", "-1 2 3"])
def test_other_counts_are_refused(text):
    with pytest.raises(ValueError):
        parse_counts(text)


@pytest.mark.parametrize(("text", "score"), [("0", 0), (" 87 ", 87), ("100", 100)])
def test_the_self_score_is_0_to_100(text, score):
    assert parse_score(text) == score


@pytest.mark.parametrize("text", ["101", "-5", "85.5", "tám mươi", ""])
def test_another_self_score_is_refused(text):
    with pytest.raises(ValueError):
        parse_score(text)


def sheet_view(sheet: Sheet | None, *, subject: str = "member:5", linked: bool = True,
               editable: bool = True) -> SheetView:
    return SheetView(subject=subject, name="Nguyễn Văn An", year=2026, linked=linked, sheet=sheet, grave=NO_GRAVE,
                     leadership_disciplined=False, filled_by=None, filled_at=None, checked_by=None, checked_at=None,
                     corrections=(), proposal=None, line=None, editable=editable)


FILLED = Sheet(common=25, results=60, tasks_total=10, tasks_done=8, tasks_on_time=7, tasks_exceeded=1,
               shortcomings_remedied=None)


def test_a_correction_is_checked_against_the_other_figures():
    v = sheet_view(FILLED)
    assert v.correction("tasks_done", "9") == 9
    with pytest.raises(ServiceError) as refused:
        v.correction("tasks_done", "6")  # fewer done than done on time (7)
    assert refused.value.code == "sheet_part_over"
    with pytest.raises(ServiceError) as refused:
        v.correction("common", "31")
    assert refused.value.code == "sheet_over"


def test_what_can_be_done_to_a_sheet():
    assert (sheet_view(FILLED).correctable, sheet_view(FILLED).takes_facts) == (True, True)
    assert (sheet_view(None).correctable, sheet_view(None).takes_facts) == (False, False)
    branch = sheet_view(FILLED, subject=BRANCH, linked=False)
    assert (branch.correctable, branch.takes_facts, branch.fillable) == (True, False, True)
    after_meeting = sheet_view(FILLED, linked=False, editable=False)
    assert (after_meeting.correctable, after_meeting.takes_facts, after_meeting.fillable) == (False, False, False)
    assert not sheet_view(None, linked=True).fillable  # a member with the bot fills their own
