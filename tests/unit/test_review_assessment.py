"""The QĐ 366 assessment: one test (or group) per rule of qd366_2025, each quoting the rule key and its sentence."""

import pytest

from bot.domain.review.assessment import (
    NO_GRAVE,
    Grave,
    Sheet,
    SheetInputError,
    propose_branch,
    propose_member,
    quota_check,
)
from bot.domain.review.classification import BranchFacts, MemberCase, classify_members
from bot.domain.review.levels import MemberLevel as L
from bot.domain.review.rules import load_rule_set
from bot.domain.roster import Role, Status

QD366 = load_rule_set("qd366_2025")


def sheet(score: int = 86, total: int = 10, done: int = 10, on_time: int = 10, exceeded: int = 0,
          remedied: bool | None = None) -> Sheet:
    common = min(score, 30)
    return Sheet(common, score - common, total, done, on_time, exceeded, remedied)


def level(s: Sheet, grave: Grave = NO_GRAVE, rules=QD366) -> L:
    return propose_member(s, grave, rules).level


# --- member.bands -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "expected"), [
    (100, L.HTXSNV), (90, L.HTXSNV), (89, L.HTTNV), (70, L.HTTNV), (69, L.HTNV), (50, L.HTNV), (49, L.KHTNV),
    (0, L.KHTNV)])
def test_bands_90_70_50(score, expected):
    """member.bands: "từ 90 điểm trở lên" / "từ 70 đến dưới 90 điểm" / "từ 50 đến dưới 70 điểm" / "dưới 50 điểm"
    (QĐ 366 Điều 11 mục 1–4); every condition met (all on time, 30% exceeded)."""
    assert level(sheet(score, exceeded=3)) == expected


@pytest.mark.parametrize(("exceeded", "total", "expected"), [(3, 10, L.HTXSNV), (2, 10, L.HTTNV), (3, 9, L.HTXSNV),
                                                              (2, 7, L.HTTNV), (6, 20, L.HTXSNV), (5, 17, L.HTTNV)])
def test_htxsnv_needs_at_least_30_percent_exceeded(exceeded, total, expected):
    """member.bands[htxsnv].conditions.exceeded: "trong đó có ít nhất 30% nhiệm vụ hoàn thành vượt mức yêu cầu"
    (Điều 11 mục 1.3). Exactly 30% is enough; 5/17 = 29.4% is not (compared exactly, no floats)."""
    s = sheet(95, total=total, done=total, on_time=total, exceeded=exceeded)
    assert level(s) == expected


def test_htxsnv_needs_every_task_on_time_and_falls_to_the_level_it_meets():
    """member.bands[htxsnv].conditions.on_time: "Hoàn thành 100% các nhiệm vụ được giao, đúng hạn" (mục 1.3), and
    HTTNV's "đúng thời hạn" (mục 2): one late task → neither; HTNV takes up to 20% late (mục 3)."""
    proposal = propose_member(sheet(95, on_time=9, exceeded=5), NO_GRAVE, QD366)
    assert proposal.level == L.HTNV
    failed = [r.params["level"] for r in proposal.reasons if r.code == "level_conditions_failed"]
    assert failed == ["htxsnv", "httnv"]


@pytest.mark.parametrize(("remedied", "expected"), [(True, L.HTXSNV), (None, L.HTXSNV), (False, L.HTTNV)])
def test_htxsnv_needs_past_shortcomings_remedied(remedied, expected):
    """member.bands[htxsnv].conditions.remedied: "Đã khắc phục 100% các hạn chế, khuyết điểm được chỉ ra ở thời
    điểm kiểm điểm trước (nếu có)" (mục 1.4): none pointed out (None) is no obstacle."""
    assert level(sheet(95, exceeded=5, remedied=remedied)) == expected


@pytest.mark.parametrize(("late", "total", "expected"), [(2, 10, L.HTNV), (3, 10, L.KHTNV), (1, 5, L.HTNV),
                                                          (2, 9, L.KHTNV)])
def test_htnv_allows_at_most_20_percent_late(late, total, expected):
    """member.bands[htnv].conditions.late: "số nhiệm vụ chưa bảo đảm tiến độ không vượt quá 20%" (mục 3):
    exactly 20% passes, more falls to KHTNV (the lowest band has no condition)."""
    assert level(sheet(60, total=total, done=total, on_time=total - late)) == expected


def test_htnv_needs_every_task_done():
    """member.bands[htnv].conditions.done: "Hoàn thành 100% các nhiệm vụ được giao" (mục 3)."""
    assert level(sheet(60, done=9, on_time=9)) == L.KHTNV


# --- member.grave -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("discipline", ["khien_trach", "canh_cao", "cach_chuc", "khai_tru"])
def test_discipline_from_khien_trach_up_is_khtnv_whatever_the_score(discipline):
    """member.grave.discipline: "vi phạm liên quan đến hoạt động công vụ bị xử lý kỷ luật từ khiển trách trở lên"
    (Điều 11 mục 4.2): a disciplined member with 95 points cannot reach HTXSNV."""
    proposal = propose_member(sheet(95, exceeded=5), Grave(discipline, False, False), QD366)
    assert proposal.level == L.KHTNV and not proposal.superior_decides


def test_self_admitted_fault_is_for_the_superior():
    """member.self_admitted: "Trường hợp tự giác nhận lỗi, tự phát hiện vi phạm và khắc phục xong hậu quả thì cấp
    có thẩm quyền … xem xét, đánh giá, xếp loại" (mục 4.2): the proposal stays KHTNV, marked for the superior."""
    proposal = propose_member(sheet(95, exceeded=5), Grave("khien_trach", False, True), QD366)
    assert proposal.level == L.KHTNV and proposal.superior_decides
    assert [r.params for r in proposal.reasons if r.code == "superior_decides"] == [{"cause": "self_admitted"}]


def test_a_conclusion_of_degradation_is_khtnv():
    """member.grave.degradation: "Bị cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, đạo
    đức, lối sống" (mục 4.2)."""
    assert level(sheet(92, exceeded=4), Grave(None, True, False)) == L.KHTNV


@pytest.mark.parametrize(("not_done", "expected"), [(5, L.KHTNV), (4, L.KHTNV)])
def test_more_than_half_the_tasks_not_done(not_done, expected):
    """member.grave.tasks_not_done: "Có trên 50% số nhiệm vụ trong năm bị đánh giá không hoàn thành." (mục 4.2)."""
    proposal = propose_member(sheet(80, done=10 - not_done, on_time=10 - not_done), NO_GRAVE, QD366)
    assert proposal.level == expected
    grave = [r for r in proposal.reasons if r.code == "grave_case"]
    # Exactly 50% is not "trên 50%": not a grave case (the level falls by the conditions instead); 51% is.
    assert bool(grave) is False
    s = Sheet(30, 50, 100, 49, 49, 0, None)
    assert [r.params["key"] for r in propose_member(s, NO_GRAVE, QD366).reasons if r.code == "grave_case"] == [
        "tasks_not_done"]
    assert not [r for r in propose_member(Sheet(30, 50, 100, 50, 50, 0, None), NO_GRAVE, QD366).reasons
                if r.code == "grave_case"]


# --- the branch ---------------------------------------------------------------------------------------------


def test_the_branch_needs_the_collectives_conditions():
    """branch.bands[htxsnv]: "Hoàn thành 100% các nhiệm vụ được giao, đúng hạn … ít nhất 30% số nhiệm vụ hoàn
    thành vượt mức yêu cầu. Không có đơn vị trực thuộc … hoặc thành viên của tập thể lãnh đạo, quản lý bị kỷ luật."
    (Điều 11 mục 1.1)."""
    good = sheet(93, exceeded=3, remedied=True)
    assert propose_branch(good, False, QD366).level == L.HTXSNV
    assert propose_branch(good, True, QD366).level == L.HTTNV
    assert propose_branch(sheet(93, exceeded=2), False, QD366).level == L.HTTNV
    assert propose_branch(sheet(45), False, QD366).level == L.KHTNV


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("bad", "code"), [
    (Sheet(31, 60, 10, 10, 10, 0, None), "sheet_out_of_range"),
    (Sheet(20, 71, 10, 10, 10, 0, None), "sheet_out_of_range"),
    (Sheet(-1, 60, 10, 10, 10, 0, None), "sheet_out_of_range"),
    (Sheet(20, 60, 10, 11, 10, 0, None), "sheet_done_exceed_total"),
    (Sheet(20, 60, 10, 8, 9, 0, None), "sheet_on_time_exceed_done"),
    (Sheet(20, 60, 10, 8, 8, 9, None), "sheet_exceeded_exceed_done"),
    (Sheet(20, 60, -1, 0, 0, 0, None), "sheet_negative"),
    (Sheet(20, 60, 0, 0, 0, 0, None), "sheet_no_tasks"),
])
def test_impossible_sheets_are_refused_with_a_code(bad, code):
    with pytest.raises(SheetInputError) as caught:
        propose_member(bad, NO_GRAVE, QD366)
    assert code in {p.code for p in caught.value.problems[None]}


def test_an_unknown_discipline_is_refused():
    with pytest.raises(SheetInputError) as caught:
        propose_member(sheet(), Grave("phat_tien", False, False), QD366)
    assert [p.code for p in caught.value.problems[None]] == ["sheet_discipline_unknown"]


# --- member.quota (a warning) and the options -----------------------------------------------------------------


def test_quota_at_the_margin():
    """member.quota: "không vượt quá 20% tổng số tập thể, cá nhân được xếp loại «Hoàn thành tốt nhiệm vụ»" (mục 1.5),
    floor by default (option quota_rounding): 5 HTTNV → 1 seat; 4 → 0, a warning naming the member at the margin."""
    five = {1: L.HTXSNV, **{i: L.HTTNV for i in range(2, 7)}}
    check = quota_check(five, QD366, outstanding=False)
    assert check is not None and (check.seats, check.exceeded, check.reason.code) == (1, False, "quota_room")
    four = {1: L.HTXSNV, **{i: L.HTTNV for i in range(2, 6)}}
    check = quota_check(four, QD366, outstanding=False, names={1: "Trần Văn Anh"})
    assert check is not None and (check.seats, check.exceeded, check.margin) == (0, True, (1,))
    assert check.reason.params["margin"] == ("Trần Văn Anh",)
    # 25% for an outstanding unit: 4 HTTNV → 1 seat; and a ceiling rounding (an option) gives 1 seat of 4 at 20%.
    assert quota_check(four, QD366, outstanding=True).seats == 1
    assert quota_check(four, QD366.with_options({"quota_rounding": "ceil"}), outstanding=False).seats == 1


def test_quota_margin_by_score_names_those_below_the_cut():
    levels = {1: L.HTXSNV, 2: L.HTXSNV, **{i: L.HTTNV for i in range(3, 8)}}  # 5 HTTNV → 1 seat
    check = quota_check(levels, QD366, outstanding=False, scores={1: 96, 2: 92, **{i: 80 for i in range(3, 8)}})
    assert check is not None and check.margin == (2,)


def test_the_quota_never_cuts_in_the_classification():
    facts = BranchFacts(full_members=5, members=5, present_voters=5)
    cases = [MemberCase(i, f"Đảng viên {i}", Role.MEMBER, Status.FULL, L.HTXSNV, approve=5,
                        sheet=sheet(95, exceeded=4)) for i in (1, 2)]
    outcomes = classify_members(cases, facts, QD366)
    assert [o.level for o in outcomes] == [L.HTXSNV, L.HTXSNV]
    assert all(any(r.code == "quota_warning" for r in o.reasons) for o in outcomes)


def test_votes_are_the_branchs_opinion_and_a_variant_may_name_a_threshold():
    """sources.votes: the levels come from the assessment and the competent level decides (Điều 12 mục 1, Điều 13);
    option vote_threshold: a variant names one, reported beside the level, never replacing it."""
    facts = BranchFacts(full_members=6, members=6, present_voters=6)
    member = MemberCase(1, "Đảng viên 1", Role.MEMBER, Status.FULL, L.HTTNV, approve=2, sheet=sheet(86))
    plain = classify_members([member], facts, QD366)[0]
    assert plain.level == L.HTTNV and "votes_recorded" in {r.code for r in plain.reasons}
    variant = QD366.with_options({"vote_threshold": "more_than:1/2"})
    outcome = classify_members([member], facts, variant)[0]
    opinion = next(r for r in outcome.reasons if r.code == "vote_opinion")
    assert outcome.level == L.HTTNV and opinion.params["met"] is False  # 2 of 6 is not more than half


def test_sick_leave_is_classified_on_the_actual_work():
    """member.statements.sick_leave_actual_work: "Đảng viên nghỉ ốm với tổng thời gian trong năm từ 03 tháng trở lên
    hoặc đảng viên nghỉ thai sản thì kết quả xếp loại … căn cứ vào kết quả làm việc thực tế" (HD 43 mục 7.5): no cap."""
    facts = BranchFacts(full_members=3, members=3, present_voters=3)
    member = MemberCase(1, "Đảng viên 1", Role.MEMBER, Status.FULL, L.HTTNV, sick_leave_months=4, sheet=sheet(86))
    outcome = classify_members([member], facts, QD366)[0]
    assert outcome.level == L.HTTNV and "statement" in {r.code for r in outcome.reasons}


def test_options_leader_unit_and_absences():
    """option leader_unit_not_top (Điều 11 mục 1.2) and option absences (no QĐ 366 rule; KH 146 mục IV.3 as the
    alternative): the default leaves the leader to the superior and ignores absences; the other choice caps."""
    top = sheet(95, exceeded=5)
    leader = Grave(None, False, False, leads_unit_not_top=True)
    default = propose_member(top, leader, QD366)
    assert default.level == L.HTXSNV and default.superior_decides
    assert level(top, leader, QD366.with_options({"leader_unit_not_top": "cap_httnv"})) == L.HTTNV
    absent = Grave(None, False, False, absences=3)
    assert level(top, absent) == L.HTXSNV
    assert level(top, absent, QD366.with_options({"absences": "cap_httnv_from_3"})) == L.HTTNV
