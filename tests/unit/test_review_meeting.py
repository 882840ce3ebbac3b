"""The review meeting's order for a 12-member branch (plan 003 §V.3), its chairs and its schedule."""

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.review.exemptions import NEW_MEMBER, add_months, exemption
from bot.domain.review.meeting import (
    Attendee,
    Durations,
    ItemKind,
    meeting_end,
    meeting_order,
    precedence,
    schedule,
)
from bot.domain.roster import Role, Status
from bot.domain.text import vietnamese_key

MEETING = date(2026, 12, 20)
F, P = Status.FULL, Status.PROBATIONARY
# id: (name, role, status, admitted on). 12 members: secretary, deputy, 2 committee, 8 members (2 probationary,
# one of whom was admitted 4 months before the meeting); Võ Thị Hoa is absent.
ROSTER = {
    1: ("Lê Thị Hằng", Role.SECRETARY, F, date(2001, 5, 19)),
    2: ("Trần Quốc Bảo", Role.DEPUTY, F, date(2005, 3, 2)),
    3: ("Phan Văn Sơn", Role.COMMITTEE, F, date(2008, 9, 1)),
    4: ("Ngô Thị Cúc", Role.COMMITTEE, F, date(2010, 1, 15)),
    5: ("Nguyễn Thị Ánh", Role.MEMBER, F, date(2012, 4, 30)),
    6: ("Trần Văn Anh", Role.MEMBER, F, date(2013, 7, 1)),
    7: ("Lê Văn Đức", Role.MEMBER, F, date(2015, 3, 12)),
    8: ("Phạm Minh Dũng", Role.MEMBER, F, date(2016, 11, 7)),
    9: ("Võ Thị Hoa", Role.MEMBER, F, date(2018, 2, 2)),
    10: ("Bùi Văn Ơn", Role.MEMBER, F, date(2019, 6, 6)),
    11: ("Đặng Thị Oanh", Role.MEMBER, P, date(2026, 2, 10)),
    12: ("Hồ Văn Yên", Role.MEMBER, P, add_months(MEETING, -4)),
}
ABSENT = {9}


def attendees() -> list[Attendee]:
    return [Attendee(mid, name, role, status) for mid, (name, role, status, _) in ROSTER.items() if mid not in ABSENT]


def reviewed() -> set[int]:
    return {mid for mid, (*_, admitted) in ROSTER.items() if exemption(admitted_on=admitted, meeting=MEETING) is None}


def test_the_new_member_does_not_review():
    assert exemption(admitted_on=ROSTER[12][3], meeting=MEETING) == NEW_MEMBER
    assert reviewed() == set(ROSTER) - {12}


def test_the_order_of_business():
    items = meeting_order(attendees(), reviewed=reviewed())
    people = [1, 2, 4, 3, 6, 5, 8, 7, 11, 10]  # Hằng, Bảo, Cúc, Sơn, Anh, Ánh, Dũng, Đức, Oanh, Ơn
    assert [item.key for item in items] == [
        "committee_report", "committee_report_comments", "committee_report_conclusion", "committee_report_vote",
        "branch_summary", "branch_summary_comments", "branch_summary_conclusion", "branch_ballot",
        *[f"self_review:{mid}" for mid in people],
        "cadre_results",
        *[f"residence_comments:{mid}" for mid in people],
        *[f"discussion:{mid}" for mid in people],
        "member_ballot",
    ]
    parts = [item.part for item in items]
    assert parts == sorted(parts)  # a, b, c, d, e, f: collective before individuals, comments before the ballot
    assert 9 not in {item.subject for item in items}  # absent: classified at the next meeting
    assert 12 not in {item.subject for item in items}  # admitted 4 months ago: does not review


def test_the_deputy_chairs_the_secretarys_own_items():
    items = {item.key: item for item in meeting_order(attendees(), reviewed=reviewed())}
    for key in ("self_review:1", "residence_comments:1", "discussion:1"):
        assert items[key].chair == 2
    assert items["residence_comments:1"].presenter == 2  # the deputy reads the secretary's residence comments
    for key in ("committee_report", "branch_ballot", "self_review:2", "residence_comments:5", "member_ballot"):
        assert items[key].chair == 1
    assert items["committee_report"].presenter == 1
    assert items["residence_comments:5"].presenter == 1  # the secretary reads each member's comments
    assert items["self_review:5"].presenter == 5
    assert items["committee_report_comments"].presenter is None


def test_without_the_secretary_the_deputy_chairs():
    present = [a for a in attendees() if a.membership_id != 1]
    items = meeting_order(present, reviewed=reviewed())
    assert {item.chair for item in items} == {2}
    assert items[8].key == "self_review:2"


def test_without_a_deputy_a_committee_member_chairs_the_secretarys_items():
    present = [a for a in attendees() if a.membership_id != 2]
    items = {item.key: item for item in meeting_order(present, reviewed=reviewed())}
    assert items["self_review:1"].chair == 4  # Ngô Thị Cúc: the first committee member by given name
    assert items["self_review:3"].chair == 1


def test_nobody_to_review_leaves_the_collective_items():
    items = meeting_order(attendees(), reviewed=set())
    assert [item.kind for item in items][-1] == ItemKind.BRANCH_BALLOT


def test_expected_minutes_and_the_computed_end():
    items = meeting_order(attendees(), reviewed=reviewed())
    start = datetime(2026, 12, 20, 8, 0)
    # collective: 20+15+5+5 + 20+15+5+10 = 95; ten people × (10 + 3 + 10) = 230; report 10; ballot 15
    assert meeting_end(items, start) == start + timedelta(minutes=350) == datetime(2026, 12, 20, 13, 50)
    scheduled = schedule(items, start)
    assert scheduled[0].start == start and scheduled[-1].end == meeting_end(items, start)
    assert all(a.end == b.start for a, b in pairwise(scheduled))
    assert scheduled[8].item.key == "self_review:1" and scheduled[8].start == datetime(2026, 12, 20, 9, 35)


def test_durations_are_configurable_and_checked():
    items = meeting_order(attendees(), reviewed=reviewed(), durations=Durations(self_review=15, discussion=5))
    assert {item.minutes for item in items if item.kind == ItemKind.SELF_REVIEW} == {15}
    assert meeting_end(items, datetime(2026, 12, 20, 8)) == datetime(2026, 12, 20, 13, 50)
    with pytest.raises(ValueError, match="self_review"):
        Durations(self_review=-1)


def test_an_attendee_listed_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        meeting_order([*attendees(), attendees()[0]], reviewed=reviewed())


@pytest.mark.parametrize(("before", "after"), [
    ("Anh", "Ảnh"), ("Ảnh", "Ánh"), ("Ánh", "Ạnh"), ("Dũng", "Đức"), ("Đức", "Em"), ("Oanh", "Ơn"), ("Ơn", "Phúc"),
    ("Ua", "Ưa"), ("Hoà", "Hoàng"), ("Ân", "Bình"), ("Ăn", "Ân"),
])
def test_vietnamese_alphabetical_order(before, after):
    assert vietnamese_key(before) < vietnamese_key(after)


@given(st.permutations(list(ROSTER)))
def test_the_order_does_not_depend_on_the_input_order(ids):
    members = [Attendee(mid, ROSTER[mid][0], ROSTER[mid][1], ROSTER[mid][2]) for mid in ids]
    assert meeting_order(members, reviewed=set(ROSTER)) == meeting_order(
        sorted(members, key=precedence), reviewed=set(ROSTER))


def test_under_qd366_the_branch_is_classified_after_its_members():
    """qd366_2025 branch_last: "Hoàn thành đánh giá, xếp loại tập thể cấp uỷ, tổ chức đảng, đảng viên trực thuộc
    trước khi đánh giá, xếp loại tổ chức đảng" (QĐ 366 Điều 12 khoản 2 điểm (3)); the 2014 plan keeps its order."""
    from bot.domain.review.rules import load_rule_set

    members = [Attendee(1, "Nguyễn Văn An", Role.SECRETARY, Status.FULL), Attendee(2, "Lê Thị Bình", Role.MEMBER,
                                                                                   Status.FULL)]
    def kinds(key: str) -> list[ItemKind]:
        return [i.kind for i in meeting_order(members, reviewed={1, 2}, branch_last=load_rule_set(key).branch_last)]

    qd366, kh146 = kinds("qd366_2025"), kinds("kh146_2014")
    assert qd366[-2:] == [ItemKind.MEMBER_BALLOT, ItemKind.BRANCH_BALLOT]
    assert qd366.index(ItemKind.BRANCH_SUMMARY) < qd366.index(ItemKind.SELF_REVIEW)  # collective reviewed first
    assert kh146.index(ItemKind.BRANCH_BALLOT) < kh146.index(ItemKind.SELF_REVIEW)
    assert sorted(qd366) == sorted(kh146)
    assert [i.kind for i in meeting_order(members, reviewed=set(), branch_last=True)][-1] == ItemKind.BRANCH_BALLOT
