"""Who does not review this year, and why (plan 003 §II.1.1.b; the roster's flags).

"trừ đảng viên mới kết nạp chưa đủ 6 tháng (tính đến thời điểm chi bộ tổ chức kiểm điểm)": a member
admitted less than 6 calendar months before the meeting does not review. Exactly 6 months reviews: admitted
on 20/06/2026 with the meeting on 20/12/2026 reviews. Month ends clamp: admitted 31/08 reaches 6 months on
28/02 (29/02 in a leap year). A member with no admission date on record is taken to review.
"""

from calendar import monthrange
from datetime import date
from functools import lru_cache

NEW_MEMBER_MONTHS = 6

# Codes, most decisive first: a suspended member is reported as suspended even if also new.
SUSPENDED = "suspended"  # đình chỉ sinh hoạt
EXEMPT = "exempt"  # miễn sinh hoạt
NEW_MEMBER = "new_member"  # kết nạp chưa đủ 6 tháng


@lru_cache(maxsize=16_384)  # /tinhhinh asks it for every member of every branch, from the same admission dates
def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the month's last day."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def exemption(*, admitted_on: date | None, meeting: date, exempt: bool = False, suspended: bool = False,
              months: int = NEW_MEMBER_MONTHS) -> str | None:
    """The reason this member does not review at the meeting, or None when they do."""
    if suspended:
        return SUSPENDED
    if exempt:
        return EXEMPT
    if admitted_on is not None and add_months(admitted_on, months) > meeting:
        return NEW_MEMBER
    return None


def reviews(*, admitted_on: date | None, meeting: date, exempt: bool = False, suspended: bool = False) -> bool:
    return exemption(admitted_on=admitted_on, meeting=meeting, exempt=exempt, suspended=suspended) is None
