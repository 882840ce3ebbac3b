"""The meeting's vote base and present count come from the review's record (bot/domain/review/record.py), the
derivation the papers, /buoc and /tinhhinh read: members exempt from activity (miễn công tác và sinh hoạt đảng)
or suspended (đình chỉ sinh hoạt) are in neither."""

from bot.domain.review.exemptions import EXEMPT, NEW_MEMBER, SUSPENDED
from bot.domain.review.record import StoredReview, derive
from bot.domain.roster import Role, Status
from bot.services.review_collect import MemberState
from bot.services.review_meeting import facts
from bot.services.review_record import member_fact


def state(n: int, status: Status = Status.FULL, exemption: str | None = None,
          present: bool | None = None) -> MemberState:
    return MemberState(membership_id=n, full_name=f"Đảng viên {n}", role=Role.MEMBER, status=status,
                       telegram_user_id=None, exemption=exemption, self_review=None, residence_requested=False,
                       residence_received=False, present=present, absence_reason=None, meetings_missed=0,
                       sick_leave_months=0, disciplined=False)


MEMBERS = [state(1), state(2), state(3, present=False), state(4, exemption=EXEMPT), state(5, exemption=SUSPENDED),
           state(6, exemption=NEW_MEMBER, status=Status.PROBATIONARY), state(7, status=Status.PROBATIONARY)]


def test_the_vote_base_leaves_out_the_exempt_and_the_suspended_but_not_the_absent():
    f = facts(MEMBERS)
    # 5 full members; the exempt and the suspended one are not members of the meeting; the absent one counts.
    assert (f.full_members, f.present_voters, f.members) == (3, 2, 7)


def test_the_figures_are_the_records():
    record = derive(StoredReview(members=tuple(member_fact(m) for m in MEMBERS)))
    f = facts(MEMBERS)
    assert f.full_members == len(record.vote_base) and f.present_voters == len(record.full_present)
    assert f.members == len(record.members)
    assert [m.membership_id for m in record.vote_base] == [1, 2, 3]
