"""The classification engine at the boundaries of every threshold and quota, and its invariants."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.review.assessment import Grave, Sheet
from bot.domain.review.classification import (
    REASON_CODES,
    BranchFacts,
    ClassificationInputError,
    MemberCase,
    Outcome,
    Reason,
    allowed_levels,
    classify_branch,
    classify_members,
    exemplary_quota,
    validate_counts,
)
from bot.domain.review.levels import MEMBER_LEVELS, BranchLevel, MemberLevel
from bot.domain.review.rules import Threshold, load_rule_set
from bot.domain.roster import Role, Status

KH146 = load_rule_set("kh146_2014")
QD366 = load_rule_set("qd366_2025")
L = MemberLevel


def case(mid: int = 1, proposed: MemberLevel = L.HTTNV, approve: int = 0, **facts) -> MemberCase:
    facts.setdefault("role", Role.MEMBER)
    facts.setdefault("status", Status.FULL)
    return MemberCase(membership_id=mid, full_name=f"Đảng viên {mid}", proposed=proposed, approve=approve, **facts)


def branch(full: int = 12, members: int | None = None, present: int | None = None, outstanding: bool = False):
    return BranchFacts(full_members=full, members=members if members is not None else full + 2,
                       present_voters=present if present is not None else full, outstanding=outstanding)


def one(mid_case: MemberCase, facts: BranchFacts | None = None, rules=KH146) -> Outcome:
    return classify_members([mid_case], facts or branch(), rules)[0]


def codes(outcome: Outcome) -> list[str]:
    return [reason.code for reason in outcome.reasons]


# --- thresholds -------------------------------------------------------------------------------------------------


def threshold_reason(outcome: Outcome) -> Reason:
    return next(r for r in outcome.reasons if r.code in ("threshold_met", "threshold_missed"))


@pytest.mark.parametrize(("approve", "base", "met"), [
    (8, 12, False), (9, 12, True),  # 8 of 12 is exactly 2/3: not "more than"
    (8, 13, False), (9, 13, True),  # 2/3 of 13 = 8.67
    (6, 9, False), (7, 9, True), (4, 7, False), (5, 7, True), (2, 3, False), (3, 3, True), (0, 1, False),
])
def test_more_than_two_thirds(approve, base, met):
    outcome = one(case(proposed=L.HTXSNV, approve=approve), branch(full=base, members=base + 7))
    assert threshold_reason(outcome) == Reason("threshold_met" if met else "threshold_missed", {
        "level": "htxsnv", "approve": approve, "base": base, "threshold": "2/3", "strict": True})
    if not met:
        assert outcome.level is None and outcome.revote_level == L.HTTNV


@pytest.mark.parametrize(("approve", "level"), [(8, None), (9, L.HTXSNV)])
def test_nine_of_twelve_is_htxsnv_in_a_branch_with_room_in_the_quota(approve, level):
    # 12 full members: the candidate and 7 rated HTTNV (15% of 7 = 1.05 → one seat), 4 rated HTNV.
    cases = [case(1, L.HTXSNV, approve)]
    cases += [case(10 + i, L.HTTNV, 7) for i in range(7)] + [case(20 + i, L.HTNV, 7) for i in range(4)]
    outcome = classify_members(cases, branch(full=12, members=12), KH146)[0]
    assert outcome.level == level


@pytest.mark.parametrize(("approve", "base", "met"), [
    (6, 12, False), (7, 12, True), (6, 13, False), (7, 13, True), (1, 2, False), (2, 2, True), (3, 7, False),
    (4, 7, True),
])
@pytest.mark.parametrize("level", [L.HTTNV, L.HTNV, L.KHTNV])
def test_more_than_one_half(approve, base, met, level):
    outcome = one(case(proposed=level, approve=approve), branch(full=base))
    assert (outcome.level == level) is met
    assert threshold_reason(outcome).params["threshold"] == "1/2"


def test_the_base_is_the_branchs_full_members_not_those_present():
    # 12 full members, 9 present: 9 approvals are 9/12 > 2/3; 8 of the 9 present would be, but 8/12 is not.
    assert threshold_reason(one(case(proposed=L.HTXSNV, approve=9), branch(full=12, present=9))).code == "threshold_met"
    assert threshold_reason(one(case(proposed=L.HTXSNV, approve=8), branch(full=12, present=9))).code \
        == "threshold_missed"


def test_probationary_members_are_classified_though_they_do_not_vote():
    outcome = one(case(proposed=L.HTTNV, approve=7, status=Status.PROBATIONARY))
    assert outcome.level == L.HTTNV


def _minimum_approvals(base: int, threshold: Threshold) -> int:
    """Brute force, no division: the least count that passes, found by trying each."""
    for approve in range(base + 2):
        scaled, bar = approve * threshold.fraction.denominator, base * threshold.fraction.numerator
        if scaled > bar or (not threshold.strict and scaled == bar):
            return approve
    return base + 1


@given(base=st.integers(1, 300), data=st.data())
def test_thresholds_agree_with_a_brute_force_count(base, data):
    level = data.draw(st.sampled_from(MEMBER_LEVELS))
    approve = data.draw(st.integers(0, base))
    threshold = KH146.threshold(level)
    assert threshold is not None
    met = threshold_reason(one(case(proposed=level, approve=approve), branch(full=base))).code == "threshold_met"
    assert met is (approve >= _minimum_approvals(base, threshold))
    assert met is (Fraction(approve, base) > threshold.fraction)


@given(scale=st.integers(10**15, 10**30), offset=st.integers(-3, 3))
def test_no_floats_even_where_floats_would_round(scale, offset):
    """At 3·10^20 members a float cannot tell 2/3 from 2/3 + 1/base; the engine must still be exact."""
    base = 3 * scale
    approve = 2 * scale + offset
    outcome = one(case(proposed=L.HTXSNV, approve=approve),
                  BranchFacts(full_members=base, members=base + 10, present_voters=base))
    assert threshold_reason(outcome).code == ("threshold_met" if offset > 0 else "threshold_missed")


def test_the_large_numbers_above_do_defeat_floats():
    scale = 10**20
    assert not (2 * scale + 1) / (3 * scale) > 2 / 3  # a float comparison would get this wrong
    outcome = one(case(proposed=L.HTXSNV, approve=2 * scale + 1),
                  BranchFacts(full_members=3 * scale, members=3 * scale, present_voters=3 * scale))
    assert threshold_reason(outcome).code == "threshold_met"


# --- exclusions -------------------------------------------------------------------------------------------------


def test_three_absences_even_excused_rule_out_htxsnv_and_say_what_to_vote_on():
    outcome = one(case(proposed=L.HTXSNV, approve=11, absences=3))
    assert outcome.level is None
    assert [code for code in codes(outcome) if code != "unsettled"] == ["threshold_met", "level_capped", "revote"]
    assert outcome.reasons[1].params == {"rule": "absences", "level": "htxsnv", "value": 3, "at_least": 3,
                                         "max_level": "httnv"}
    assert outcome.revote_level == L.HTTNV
    assert "level_capped" not in codes(one(case(proposed=L.HTXSNV, approve=11, absences=2)))
    assert one(case(proposed=L.HTTNV, approve=11, absences=5)).level == L.HTTNV


def test_sick_leave_of_three_months_caps_at_htnv():
    assert one(case(proposed=L.HTTNV, approve=10, sick_leave_months=3)).revote_level == L.HTNV
    assert one(case(proposed=L.HTXSNV, approve=10, sick_leave_months=3)).revote_level == L.HTNV
    assert one(case(proposed=L.HTTNV, approve=10, sick_leave_months=2)).level == L.HTTNV
    assert one(case(proposed=L.HTNV, approve=10, sick_leave_months=6)).level == L.HTNV


def test_discipline_means_khtnv_still_by_majority():
    outcome = one(case(proposed=L.HTNV, approve=10, disciplined=True))
    assert outcome.level is None and outcome.revote_level == L.KHTNV
    assert one(case(proposed=L.KHTNV, approve=7, disciplined=True)).level == L.KHTNV
    missed = one(case(proposed=L.KHTNV, approve=6, disciplined=True))
    assert missed.level is None and codes(missed) == ["threshold_missed", "no_lower_level"]


def test_leaders_of_a_unit_not_tsvm_are_not_considered_for_htxsnv():
    secretary = case(proposed=L.HTXSNV, approve=12, role=Role.SECRETARY, leads_unit_not_tsvm=True)
    assert one(secretary).revote_level == L.HTTNV


def test_only_those_who_reviewed_are_classified():
    outcome = one(case(proposed=L.HTTNV, reviewed=False))
    assert outcome.level is None and codes(outcome) == ["not_reviewed"]


def test_a_missed_threshold_asks_for_the_next_level_never_invents_one():
    outcome = one(case(proposed=L.HTXSNV, approve=8))
    assert outcome.level is None and outcome.revote_level == L.HTTNV
    assert one(case(proposed=L.HTTNV, approve=6)).revote_level == L.HTNV
    # With sick leave the next open level below HTXSNV is HTNV, not HTTNV.
    assert one(case(proposed=L.HTXSNV, approve=8, sick_leave_months=4)).revote_level == L.HTNV


# --- validation ---------------------------------------------------------------------------------------------------


def test_counts_that_exceed_those_present_are_refused():
    bad = case(approve=8, disapprove=3, other=2)
    problems = validate_counts(bad, branch(full=12, present=12), KH146)
    assert [(p.code, p.params) for p in problems] == [("counts_exceed_present", {"total": 13, "present": 12})]
    with pytest.raises(ClassificationInputError) as caught:
        classify_members([bad, case(2, approve=7)], branch(full=12, present=12), KH146)
    assert set(caught.value.problems) == {1}


@pytest.mark.parametrize(("bad", "facts", "expected"), [
    (case(approve=-1), branch(), ["negative_count"]),
    (case(approve=3, reviewed=False), branch(), ["ineligible_not_reviewed"]),
    (case(proposed=L.HTXSNV, approve=10, absences=3), branch(), ["level_forbidden"]),
    (case(proposed=L.HTXSNV, approve=10, absences=3, sick_leave_months=3), branch(),
     ["level_forbidden", "level_forbidden"]),
    (case(proposed=L.HTNV, approve=10, disciplined=True), branch(), ["level_forbidden"]),
    (case(approve=1), BranchFacts(full_members=12, members=10, present_voters=12), ["full_exceed_members"]),
    (case(approve=1), BranchFacts(full_members=12, members=14, present_voters=13), ["present_exceed_full"]),
    (case(approve=7, absences=-1), branch(), ["negative_fact"]),
])
def test_bad_input_is_named(bad, facts, expected):
    assert [problem.code for problem in validate_counts(bad, facts, KH146)] == expected


def test_good_input_has_no_problems_and_the_default_rule_set_is_2014():
    assert validate_counts(case(proposed=L.HTXSNV, approve=10), branch()) == []
    assert validate_counts(case(proposed=L.KHTNV, approve=7, disciplined=True), branch()) == []


def test_a_member_listed_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        classify_members([case(1), case(1)], branch(), KH146)


# --- the quota ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("httnv", "members", "outstanding", "seats"), [
    (13, 40, False, 1),  # 15% of 13 = 1.95
    (14, 40, False, 2),  # 2.1
    (6, 40, False, 0),  # 0.9
    (7, 40, False, 1),  # 1.05
    (20, 40, False, 3),
    (26, 40, False, 3),  # 3.9
    (27, 40, False, 4),  # 4.05
    (13, 40, True, 2),  # 20% of 13 = 2.6
    (5, 40, True, 1),
    (4, 40, True, 0),
    # Fewer than 7 members: "được bầu chọn không quá 01 đồng chí" — one seat even where 15% floors to 0, never more.
    (6, 6, False, 1),
    (5, 6, True, 1),
    (30, 6, True, 1),
    (0, 3, False, 1),
    (30, 7, False, 4),  # 7 members is not "dưới 07"
])
def test_quota_seats(httnv, members, outstanding, seats):
    """kh146_2014 member.quota: "không vượt quá 15% số đảng viên được phân loại «Hoàn thành tốt nhiệm vụ». Chi bộ
    có dưới 07 đảng viên thì được bầu chọn không quá 01 đồng chí" (KH 146 mục IV.2.2.a)."""
    assert KH146.quota is not None
    assert KH146.quota.seats(httnv, members=members, outstanding=outstanding) == seats


def test_the_2014_small_branch_rule_is_an_allowance_and_the_reading_is_data():
    """The 2014 defect: "Chi bộ có dưới 07 đảng viên thì được bầu chọn không quá 01 đồng chí" was read as a cap on
    top of 15%, so such a branch could never elect one. It means it MAY elect one (and no more)."""
    from dataclasses import replace

    assert KH146.quota is not None and KH146.quota.small_branch_mode == "allowance"
    assert KH146.quota.seats(5, members=6, outstanding=False) == 1
    assert replace(KH146.quota, small_branch_mode="cap").seats(5, members=6, outstanding=False) == 0
    assert KH146.note("small_branch_quota") is None  # settled: no longer shown as a reading to confirm


def _roster(httnv: int, candidates: list[int], base: int = 40) -> list[MemberCase]:
    """`httnv` members proposed and elected HTTNV, and HTXSNV candidates with the given approvals."""
    cases = [case(100 + i, L.HTTNV, approve=base // 2 + 1) for i in range(httnv)]
    cases += [case(i + 1, L.HTXSNV, approve=approve) for i, approve in enumerate(candidates)]
    return cases


def _by_id(outcomes: list[Outcome]) -> dict[int, Outcome]:
    return {outcome.membership_id: outcome for outcome in outcomes}


def test_15_percent_of_13_httnv_allows_one_and_keeps_the_most_approved():
    outcomes = _by_id(classify_members(_roster(12, [30, 35]), branch(full=40, members=50), KH146))
    # 12 HTTNV + the left-out candidate = 13 HTTNV once settled: 15% of 13 → 1 seat.
    assert outcomes[2].level == L.HTXSNV
    assert outcomes[1].level is None and outcomes[1].revote_level == L.HTTNV
    exceeded = next(r for r in outcomes[1].reasons if r.code == "quota_exceeded")
    assert exceeded.params | {} == {"seats": 1, "candidates": 2, "of_count": 13, "percent": 15, "of_level": "httnv",
                                    "approve": 30, "lowest_kept": 35}


def test_the_quota_counts_the_httnv_the_vote_settles_on():
    # 13 HTTNV and 3 candidates: keeping 2 leaves 14 HTTNV, and 15% of 14 = 2.1 allows 2.
    outcomes = classify_members(_roster(13, [30, 31, 32]), branch(full=40, members=50), KH146)
    assert sum(o.level == L.HTXSNV for o in outcomes) == 2
    # 12 HTTNV and 3 candidates: keeping 2 would leave 13 → 1.95; keeping 1 leaves 14 → 2.1 ≥ 1.
    outcomes = classify_members(_roster(12, [30, 31, 32]), branch(full=40, members=50), KH146)
    assert sum(o.level == L.HTXSNV for o in outcomes) == 1


def test_a_tie_at_the_cut_is_reported_not_broken():
    # Seats: 13 HTTNV + 2 candidates → keeping 2 leaves 13+1=14 → 2 seats. Approvals 35, 30, 30 with 2 seats.
    outcomes = _by_id(classify_members(_roster(13, [35, 30, 30]), branch(full=40, members=50), KH146))
    assert outcomes[1].level == L.HTXSNV
    for tied in (outcomes[2], outcomes[3]):
        assert tied.level is None and tied.tie and tied.revote_level is None
        reason = next(r for r in tied.reasons if r.code == "quota_tie")
        assert (reason.params["approve"], reason.params["tied"], reason.params["seats_left"]) == (30, 2, 1)


def test_a_tie_above_the_cut_is_no_tie():
    outcomes = _by_id(classify_members(_roster(13, [30, 30, 28]), branch(full=40, members=50), KH146))
    assert outcomes[1].level == outcomes[2].level == L.HTXSNV
    assert outcomes[3].level is None and not outcomes[3].tie


def test_an_outstanding_branch_gets_twenty_percent():
    plain = classify_members(_roster(13, [30, 31, 32]), branch(full=40, members=50), KH146)
    outstanding = classify_members(_roster(13, [30, 31, 32]), branch(full=40, members=50, outstanding=True), KH146)
    assert sum(o.level == L.HTXSNV for o in plain) == 2
    assert sum(o.level == L.HTXSNV for o in outstanding) == 2  # 20% of 14 = 2.8; of 13 (keeping 3) = 2.6
    assert sum(o.level == L.HTXSNV for o in classify_members(
        _roster(15, [30, 31, 32]), branch(full=40, members=50, outstanding=True), KH146)) == 3


def test_a_small_branch_may_elect_one_and_says_why():
    outcomes = classify_members(_roster(4, [5], base=6), branch(full=6, members=6), KH146)
    candidate = _by_id(outcomes)[1]
    assert candidate.level == L.HTXSNV  # 15% of 5 = 0.75 → 0, but a branch under 7 may elect 1
    small = next(r for r in candidate.reasons if r.code == "small_branch")
    assert small.params == {"members": 6, "below": 7, "most": 1, "mode": "allowance"}
    # Two candidates in a branch of 6: only one seat; the less approved is voted again at HTTNV.
    outcomes = _by_id(classify_members(_roster(3, [5, 4], base=6), branch(full=6, members=6), KH146))
    assert outcomes[1].level == L.HTXSNV and outcomes[2].revote_level == L.HTTNV


def test_the_outstanding_toggle_reaches_twenty_percent():
    """kh146_2014 member.quota.outstanding_percent: "chi bộ, đảng bộ có thành tích đặc biệt xuất sắc thì … không
    vượt quá 20% số đảng viên được phân loại «Hoàn thành tốt nhiệm vụ»" — BranchFacts.outstanding turns it on."""
    roster = _roster(9, [30, 31])  # keeping 2 leaves 9 HTTNV: 15% → 1, 20% → 1; keeping 1 leaves 10: 15% → 1
    assert sum(o.level == L.HTXSNV for o in classify_members(roster, branch(full=40, members=50), KH146)) == 1
    roster = _roster(10, [30, 31])  # keeping 2 leaves 10 HTTNV: 20% → 2
    outstanding = classify_members(roster, branch(full=40, members=50, outstanding=True), KH146)
    assert sum(o.level == L.HTXSNV for o in outstanding) == 2
    assert {r.params["percent"] for o in outstanding for r in o.reasons if r.code.startswith("quota_")} == {20}


# --- invariants (hypothesis) ----------------------------------------------------------------------------------------

member_cases = st.builds(
    lambda proposed, approve, absences, sick, disciplined, leads, reviewed, status: (
        proposed, approve, absences, sick, disciplined, leads, reviewed, status),
    st.sampled_from(MEMBER_LEVELS), st.integers(0, 30), st.integers(0, 4), st.integers(0, 5), st.booleans(),
    st.booleans(), st.booleans(), st.sampled_from(list(Status)),
)


@given(rows=st.lists(member_cases, min_size=1, max_size=30), full=st.integers(1, 30), extra=st.integers(0, 10),
       outstanding=st.booleans(), rules_key=st.sampled_from(["kh146_2014", "qd366_2025"]),
       scores=st.lists(st.integers(0, 100), min_size=30, max_size=30))
def test_every_outcome_has_a_reason_and_the_quota_holds(rows, full, extra, outstanding, rules_key, scores):
    rules = load_rule_set(rules_key)
    facts = BranchFacts(full_members=full, members=full + extra, present_voters=full, outstanding=outstanding)
    cases = [
        MemberCase(i + 1, f"Đảng viên {i + 1}", Role.MEMBER, status, proposed, approve=min(approve, full) if reviewed
                   else 0, absences=absences, sick_leave_months=sick, disciplined=disciplined,
                   leads_unit_not_tsvm=leads, reviewed=reviewed, score=scores[i] if rules.uses_scores else None)
        for i, (proposed, approve, absences, sick, disciplined, leads, reviewed, status) in enumerate(rows)
    ]
    outcomes = classify_members(cases, facts, rules)
    assert [o.membership_id for o in outcomes] == [c.membership_id for c in cases]
    for outcome, member in zip(outcomes, cases, strict=True):
        assert outcome.reasons, "every outcome has a reason"
        assert {r.code for r in outcome.reasons} <= REASON_CODES
        assert outcome.level in (None, member.proposed), "no level is invented"
        if outcome.level is None and member.reviewed and not outcome.tie:
            assert {"revote", "no_lower_level", "score_missing"} & set(codes(outcome))
        for reason in outcome.reasons:
            for value in reason.params.values():
                assert not isinstance(value, float)
    if rules.quota is None:
        return
    top = [o for o, c in zip(outcomes, cases, strict=True) if o.level == L.HTXSNV]
    if rules.quota.enforce == "warning":  # QĐ 366: never a cut, every HTXSNV proposal carries the figures
        assert all({"quota_warning", "quota_room"} & set(codes(o)) for o in top)
        return
    quota_reasons = [r for o in outcomes for r in o.reasons if r.code.startswith("quota_")]
    if not quota_reasons:
        assert not top
        return
    seats = quota_reasons[0].params["seats"]
    candidates = quota_reasons[0].params["candidates"]
    httnv = sum(o.level == L.HTTNV for o in outcomes)
    assert isinstance(seats, int) and isinstance(candidates, int)
    assert len(top) <= seats <= candidates or (seats == candidates and len(top) == seats)
    assert seats <= rules.quota.seats(httnv + candidates - seats, members=facts.members, outstanding=outstanding)
    if seats < candidates:  # the largest number that fits
        assert seats + 1 > rules.quota.seats(httnv + candidates - seats - 1, members=facts.members,
                                             outstanding=outstanding)
    approvals = {c.membership_id: c.approve for c in cases}
    kept = [approvals[o.membership_id] for o in top]
    left = [approvals[o.membership_id] for o in outcomes if any(r.code in ("quota_exceeded", "quota_tie")
                                                                 for r in o.reasons)]
    assert not kept or not left or min(kept) > max(left)


def test_under_2014_a_sheet_carried_by_a_case_leaves_the_vote_to_decide():
    """kh146_2014 classifies by the vote ("phải có trên 2/3 số đảng viên chính thức bỏ phiếu tán thành", mục
    IV.2.2.a) and its exclusions (mục IV.3): a case that carries a QĐ 366 sheet and grave facts (the review was
    switched back to the 2014 set after self-assessments) is classified exactly as without them."""
    low = Sheet(25, 30, 10, 6, 6, 0, False)  # 55 points, 4 tasks not done: HTNV at best under QĐ 366
    high = Sheet(30, 65, 10, 10, 10, 5, True)  # 95 points, every condition: HTXSNV under QĐ 366
    grave = Grave("canh_cao", True, False)  # KHTNV whatever the score under QĐ 366
    cases = [case(1, L.HTXSNV, 9, sheet=low, grave=grave), case(2, L.HTXSNV, 8, sheet=high),
             case(3, L.HTXSNV, 12, absences=3, sheet=high)]
    cases += [case(10 + i, L.HTTNV, 7, sheet=high) for i in range(7)] + [case(20 + i, L.HTNV, 7) for i in range(2)]
    facts = branch(full=12, members=12)
    outcomes = classify_members(cases, facts, KH146)
    bare = classify_members([replace(c, sheet=None, grave=None) for c in cases], facts, KH146)
    assert outcomes == bare
    first, second, third = outcomes[:3]
    assert first.level == L.HTXSNV and codes(first)[:2] == ["threshold_met", "quota_within"]
    assert second.level is None and second.revote_level == L.HTTNV and codes(second)[0] == "threshold_missed"
    assert third.level is None and "level_capped" in codes(third) and third.revote_level == L.HTTNV
    assert all(o.level == L.HTTNV for o in outcomes[3:10])
    assert not {"sheet_score", "grave_case", "level_reached"} & {r.code for o in outcomes for r in o.reasons}


# --- score-based sets (QĐ 366) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "proposed", "reached"), [
    (90, L.HTXSNV, True), (89, L.HTXSNV, False), (70, L.HTTNV, True), (69, L.HTTNV, False), (50, L.HTNV, True),
    (49, L.HTNV, False), (0, L.KHTNV, True), (95, L.HTTNV, True),
])
def test_score_bands_of_2025(score, proposed, reached):
    """A bare score (no sheet) still checks the qd366_2025 member.bands; the vote is only recorded."""
    outcome = one(case(proposed=proposed, approve=3, score=score), rules=QD366)
    assert (outcome.level == proposed) is reached
    assert codes(outcome)[0] == "votes_recorded"
    assert "unsettled" not in codes(outcome)


def test_under_2025_a_low_score_suggests_the_band_it_reaches():
    assert one(case(proposed=L.HTXSNV, score=72), rules=QD366).revote_level == L.HTTNV
    assert one(case(proposed=L.HTXSNV, score=55), rules=QD366).revote_level == L.HTNV
    assert one(case(proposed=L.HTNV, score=10), rules=QD366).revote_level == L.KHTNV


def test_under_2025_htxsnv_carries_the_quota_warning_and_a_missing_score_is_a_problem():
    top = one(case(proposed=L.HTXSNV, score=95), rules=QD366)
    assert top.level == L.HTXSNV  # never cut
    warning = next(r for r in top.reasons if r.code == "quota_warning")
    assert (warning.params["seats"], warning.params["of_count"], warning.params["margin"]) == (0, 0, ("Đảng viên 1",))
    assert [p.code for p in validate_counts(case(), branch(), QD366)] == ["score_missing"]
    with pytest.raises(ClassificationInputError):
        classify_members([case()], branch(), QD366)


# --- the branch -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "level"), [
    (100, BranchLevel.TSVM), (90, BranchLevel.TSVM), (Decimal("89.5"), BranchLevel.HTTNV), (89, BranchLevel.HTTNV),
    (70, BranchLevel.HTTNV), (69, BranchLevel.HTNV), (50, BranchLevel.HTNV), (Fraction(99, 2), BranchLevel.YEU_KEM),
    (0, BranchLevel.YEU_KEM),
])
def test_branch_score_bands(score, level):
    assert classify_branch(score, [], True, KH146).level == level
    qd366 = {BranchLevel.TSVM: BranchLevel.HTXSNV, BranchLevel.YEU_KEM: BranchLevel.KHTNV}.get(level, level)
    assert classify_branch(score, [], True, QD366).level == qd366


def test_ninety_without_the_conditions_is_httnv_and_says_which_are_missing():
    outcome = classify_branch(95, [], ["committee_excellent", "committee_good", "mass_organisations_second"], KH146)
    assert outcome.level == BranchLevel.HTTNV
    missing = outcome.reasons[0]
    assert missing.code == "branch_conditions_missing" and len(missing.params["missing"]) == 3
    assert classify_branch(95, [], False, KH146).level == BranchLevel.HTNV


def test_a_listed_fault_makes_the_branch_weak_whatever_its_score():
    outcome = classify_branch(95, ["committee_disunity"], True, KH146)
    assert outcome.level == BranchLevel.YEU_KEM
    assert [r.code for r in outcome.reasons] == ["branch_fault", "branch_score"]


def test_branch_input_errors():
    with pytest.raises(TypeError):
        classify_branch(89.5, [], True, KH146)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of 100"):
        classify_branch(101, [], True, KH146)
    with pytest.raises(ValueError, match="unknown faults"):
        classify_branch(80, ["lazy"], True, KH146)
    with pytest.raises(ValueError, match="unknown conditions"):
        classify_branch(80, [], ["sunny"], KH146)


def test_the_2025_branch_has_the_members_four_levels():
    """qd366_2025 branch.bands: "có 4 mức xếp loại chất lượng Đảng viên, chi bộ là hoàn thành xuất sắc nhiệm vụ,
    hoàn thành tốt nhiệm vụ, hoàn thành nhiệm vụ và không hoàn thành nhiệm vụ" (QĐ 366 Điều 11)."""
    outcome = classify_branch(92, [], True, QD366)
    assert outcome.level == BranchLevel.HTXSNV
    assert "unsettled" not in {r.code for r in outcome.reasons}
    assert classify_branch(92, [], ["on_time", "exceeded", "remedied"], QD366).level == BranchLevel.HTTNV


@pytest.mark.parametrize(("tsvm", "seats"), [(4, 0), (5, 1), (9, 1), (10, 2), (14, 2), (15, 3)])
def test_at_most_twenty_percent_of_tsvm_branches_are_exemplary(tsvm, seats):
    assert exemplary_quota(tsvm, KH146) == seats
    assert exemplary_quota(tsvm, QD366) is None


def test_reasons_round_trip_through_json_shapes():
    outcome = classify_branch(95, [], ["committee_good", "mass_organisations_second"], KH146)
    for reason in outcome.reasons:
        assert Reason.from_dict(reason.as_dict()) == reason
        assert hash(Reason.from_dict(reason.as_dict())) == hash(reason)


@given(st.integers(0, 100), st.sampled_from(MEMBER_LEVELS))
def test_score_sets_never_invent_a_level(score, proposed):
    outcome = one(case(proposed=proposed, score=score), rules=QD366)
    assert outcome.level in (None, proposed)


def test_with_a_sheet_the_only_level_offered_is_its_proposal():
    """QĐ 366 Điều 11: the level is set by score and conditions; the branch proposes what the sheet gives (the
    committee corrects the sheet if it disagrees), so a picker offers that level alone, not every band reached."""
    top = Sheet(28, 64, 10, 10, 10, 4, None)  # 92 points, every condition of HTXSNV met
    assert allowed_levels(case(sheet=top, grave=Grave(None, False, False), score=92), QD366) == [L.HTXSNV]
    late = Sheet(28, 64, 10, 10, 9, 4, None)  # 92 points, one task late: HTNV
    assert allowed_levels(case(sheet=late, score=92), QD366) == [L.HTNV]
    disciplined = case(sheet=top, grave=Grave("khien_trach", False, False), score=92)
    assert allowed_levels(disciplined, QD366) == [L.KHTNV]
    assert allowed_levels(case(), KH146) == list(MEMBER_LEVELS)  # the 2014 set votes: every level open


def test_a_proposal_recorded_without_a_vote_carries_no_vote_reason():
    top = Sheet(28, 64, 10, 10, 10, 4, None)
    silent = one(case(sheet=top, score=92), rules=QD366)
    assert silent.level == L.HTXSNV and "votes_recorded" not in codes(silent)
    voted = one(case(sheet=top, score=92, approve=3, disapprove=1), rules=QD366)
    assert "votes_recorded" in codes(voted)
