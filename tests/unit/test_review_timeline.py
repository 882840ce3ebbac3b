"""Meeting-date warnings against HD 43-HD/BTCTW (each test quotes its sentence)."""

from datetime import date

import pytest

from bot.domain.review.timeline import add_working_days, latest_draft_day, meeting_warnings
from bot.texts import plain


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


@pytest.mark.parametrize(("meeting", "special", "late"), [
    (date(2025, 12, 30), False, False), (date(2025, 12, 31), False, True), (date(2026, 1, 5), False, True),
    (date(2026, 1, 14), True, False), (date(2026, 1, 15), True, True)])
def test_the_review_ends_before_31_12_or_15_01_for_special_units(meeting, special, late):
    """HD 43 mục 4.1: "kết thúc trước ngày 31/12 hằng năm"; đơn vị đặc thù "hoàn thành trước ngày 15/01 năm sau"."""
    warnings = meeting_warnings(meeting, 2025, date(2025, 11, 1), special_unit=special)
    assert ("after_deadline" in codes(warnings)) is late


def test_a_meeting_in_the_past_is_warned():
    assert codes(meeting_warnings(date(2025, 12, 1), 2025, date(2025, 12, 2))) == ["in_past"]


@pytest.mark.parametrize(("today", "warned"), [(date(2025, 12, 16), False), (date(2025, 12, 17), False),
                                               (date(2025, 12, 18), True)])
def test_the_draft_needs_three_working_days(today, warned):
    """HD 43 mục 2: "gửi trước cho các thành viên tham gia hội nghị kiểm điểm ít nhất 03 ngày làm việc": a meeting
    on Monday 22/12 needs the draft out by Wednesday 17/12 (Thu, Fri, Mon); the weekend does not count."""
    assert latest_draft_day(date(2025, 12, 22)) == date(2025, 12, 17)
    assert ("draft_short_notice" in codes(meeting_warnings(date(2025, 12, 22), 2025, today))) is warned


def test_a_draft_already_sent_is_judged_on_its_day():
    warnings = meeting_warnings(date(2025, 12, 22), 2025, date(2025, 12, 20), draft_sent_on=date(2025, 12, 16))
    assert warnings == []
    warnings = meeting_warnings(date(2025, 12, 22), 2025, date(2025, 12, 16), draft_sent_on=date(2025, 12, 19))
    assert codes(warnings) == ["draft_short_notice"]
    text = plain("review_reasons", "timeline_warning", w=warnings[0])
    assert "ít nhất 03 ngày làm việc" in text and "17/12/2025" in text and "19/12/2025" in text


def test_working_days_skip_weekends():
    assert add_working_days(date(2025, 12, 19), 1) == date(2025, 12, 22)  # Friday → Monday
    assert add_working_days(date(2025, 12, 22), -1) == date(2025, 12, 19)
    assert add_working_days(date(2025, 12, 20), 0) == date(2025, 12, 20)


def test_every_warning_renders():
    for w in meeting_warnings(date(2025, 12, 31), 2025, date(2026, 1, 2)) + meeting_warnings(
            date(2025, 12, 22), 2025, date(2025, 12, 19)):
        assert plain("review_reasons", "timeline_warning", w=w).startswith("⚠️ Ngày hội nghị") or "Dự thảo" in plain(
            "review_reasons", "timeline_warning", w=w)
