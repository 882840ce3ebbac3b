"""review_reasons.j2 renders every reason and problem code, and the level names, in Vietnamese."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.review.assessment import NO_GRAVE, Grave, Sheet, propose_member
from bot.domain.review.classification import (
    PROBLEM_CODES,
    REASON_CODES,
    BranchFacts,
    MemberCase,
    Problem,
    Reason,
    classify_branch,
    classify_members,
    validate_counts,
)
from bot.domain.review.levels import MEMBER_LEVELS, BranchLevel
from bot.domain.review.rules import load_rule_set
from bot.domain.roster import Role, Status
from bot.services.review_reasons import explain
from bot.texts import plain

QUOTA = {"seats": 2, "candidates": 3, "of_count": 14, "percent": 15, "of_level": "httnv"}
SAMPLES = {
    "threshold_met": ({"level": "htxsnv", "approve": 10, "base": 12, "threshold": "2/3", "strict": True},
                      "10/12 phiếu tán thành — đạt «trên 2/3»"),
    "threshold_missed": ({"level": "htxsnv", "approve": 8, "base": 12, "threshold": "2/3", "strict": True},
                         "8/12 phiếu tán thành — chưa đạt «trên 2/3»"),
    "votes_recorded": ({"approve": 9, "base": 12}, "9/12 phiếu tán thành"),
    "score_met": ({"level": "httnv", "score": 75, "min_score": 70}, "75 điểm — đạt mức «Hoàn thành tốt nhiệm vụ»"),
    "score_missed": ({"level": "htxsnv", "score": 85, "min_score": 90}, "cần từ 90 điểm trở lên"),
    "score_missing": ({"name": "Trần Văn Anh"}, "Trần Văn Anh"),
    "level_capped": ({"rule": "absences", "level": "htxsnv", "value": 3, "at_least": 3, "max_level": "httnv"},
                     "vắng sinh hoạt chi bộ 3 lần"),
    "not_reviewed": ({"name": "Võ Thị Hoa"}, "cuộc họp chi bộ gần nhất"),
    "revote": ({"level": "httnv"}, "bỏ phiếu lại ở mức «Hoàn thành tốt nhiệm vụ»"),
    "no_lower_level": ({"level": "khtnv"}, "báo cáo cấp ủy cấp trên"),
    "quota_within": (QUOTA, "trong hạn mức 2 (15% của 14 đảng viên «Hoàn thành tốt nhiệm vụ»)"),
    "quota_kept": ({**QUOTA, "approve": 11, "rank": 1}, "Xếp thứ 1 với 11 phiếu"),
    "quota_exceeded": ({**QUOTA, "approve": 9, "lowest_kept": 10}, "người thấp nhất được chọn có 10 phiếu"),
    "quota_tie": ({**QUOTA, "approve": 10, "tied": 2, "seats_left": 1}, "bỏ phiếu lại giữa các đồng chí này"),
    "small_branch": ({"members": 6, "below": 7, "most": 1, "mode": "cap"}, "không quá 1 đồng chí"),
    "unsettled": ({"key": "htxsnv_quota", "note": "Chưa rõ tỷ lệ."}, "Cần cấp trên xác nhận: Chưa rõ tỷ lệ."),
    "branch_band": ({"level": "tsvm", "score": 92, "min_score": 90, "conditions": 4},
                    "92 điểm — đạt «Trong sạch vững mạnh»"),
    "branch_conditions_missing": ({"level": "tsvm", "score": "92,5", "min_score": 90, "missing": ("A", "B")},
                                  "92,5 điểm nhưng chưa đủ điều kiện mức «Trong sạch vững mạnh»: A; B"),
    "branch_fault": ({"fault": "committee_disunity", "text": "Nội bộ mất đoàn kết"}, "Có khuyết điểm: Nội bộ"),
    "branch_score": ({"score": 95}, "Điểm tự chấm: 95"),
    "vote_opinion": ({"level": "httnv", "approve": 5, "base": 12, "threshold": "1/2", "strict": True, "met": False},
                     "5/12 phiếu tán thành mức «Hoàn thành tốt nhiệm vụ» — chưa đạt «trên 1/2»"),
    "statement": ({"key": "sick_leave_actual_work", "value": 4}, "căn cứ vào kết quả làm việc thực tế"),
    "sheet_score": ({"score": 86, "common": 26, "results": 60}, "86 điểm (26/30"),
    "level_reached": ({"level": "httnv", "score": 86, "min_score": 70}, "đề xuất mức «Hoàn thành tốt nhiệm vụ»"),
    "level_conditions_failed": ({"level": "htxsnv", "score": 92, "min_score": 90}, "nhưng chưa đủ điều kiện"),
    "condition_met": ({"key": "on_time", "measure": "on_time", "op": "at_least", "percent": 100, "count": 10,
                       "total": 10}, "Đạt điều kiện: 100% nhiệm vụ đúng hạn"),
    "condition_failed": ({"key": "exceeded", "measure": "exceeded", "op": "at_least", "percent": 30, "count": 2,
                          "total": 10}, "2/10 nhiệm vụ vượt mức yêu cầu (cần từ 30%)"),
    "grave_case": ({"key": "discipline", "discipline": "canh_cao"}, "Vì bị kỷ luật cảnh cáo"),
    "superior_decides": ({"cause": "self_admitted"}, "tự giác nhận lỗi"),
    "option_cap": ({"option": "absences", "max_level": "httnv", "absences": 3}, "vắng sinh hoạt 3 lần"),
    "quota_warning": ({"count": 2, "of_count": 4, "percent": 20, "seats": 0, "level": "htxsnv", "of_level": "httnv",
                       "group": "branch", "rounding": "floor", "margin": ("Lê Văn Tám", "Võ Thị Sáu")},
                      "vượt 0 suất (20% của 4 đồng chí «Hoàn thành tốt nhiệm vụ», làm tròn xuống); ở ranh giới: "
                      "Lê Văn Tám, Võ Thị Sáu"),
    "quota_room": ({"count": 1, "of_count": 5, "percent": 20, "seats": 1, "level": "htxsnv", "of_level": "httnv",
                    "group": "branch", "rounding": "floor", "margin": ()}, "trong tỷ lệ 1 suất"),
}
PROBLEMS = {
    "negative_count": ({"field": "approve", "value": -1}, "tán thành = -1"),
    "negative_fact": ({"field": "absences", "value": -2}, "số lần vắng sinh hoạt = -2"),
    "counts_exceed_present": ({"total": 13, "present": 12}, "Tổng số phiếu (13) vượt"),
    "present_exceed_full": ({"present": 13, "full": 12}, "(13)"),
    "full_exceed_members": ({"full": 12, "members": 10}, "(12)"),
    "ineligible_not_reviewed": ({"name": "Võ Thị Hoa"}, "Võ Thị Hoa chưa kiểm điểm"),
    "level_forbidden": ({"level": "htxsnv", "rule": "sick_leave", "value": 4, "at_least": 3, "max_level": "htnv"},
                        "nghỉ ốm 4 tháng"),
    "score_missing": ({"name": "Trần Văn Anh"}, "Trần Văn Anh"),
    "score_out_of_range": ({"score": 120}, "120"),
    "sheet_out_of_range": ({"field": "common", "value": 31, "max": 30}, "Điểm nhóm tiêu chí chung = 31 không hợp lệ"),
    "sheet_negative": ({"field": "tasks_done", "value": -1}, "số nhiệm vụ hoàn thành = -1"),
    "sheet_no_tasks": ({}, "cần ít nhất 01 nhiệm vụ"),
    "sheet_done_exceed_total": ({"done": 11, "total": 10}, "(11) vượt tổng số nhiệm vụ được giao (10)"),
    "sheet_on_time_exceed_done": ({"count": 9, "done": 8}, "đúng hạn (9) vượt số nhiệm vụ đã hoàn thành (8)"),
    "sheet_exceeded_exceed_done": ({"count": 9, "done": 8}, "vượt mức yêu cầu (9) vượt"),
    "sheet_discipline_unknown": ({"value": "phat"}, "«phat» không có trong danh mục"),
}


def test_every_code_has_a_sample():
    assert set(SAMPLES) == REASON_CODES
    assert set(PROBLEMS) == PROBLEM_CODES


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_each_reason_renders_in_vietnamese(code):
    params, expected = SAMPLES[code]
    text = plain("review_reasons", "reason", r=Reason(code, params))
    assert expected in text
    assert text != code and "\n" not in text


@pytest.mark.parametrize("code", sorted(PROBLEMS))
def test_each_problem_renders_in_vietnamese(code):
    params, expected = PROBLEMS[code]
    text = plain("review_reasons", "problem", pr=Problem(code, params))
    assert expected in text and "không hợp lệ (" not in text


@pytest.mark.parametrize("rule", ["absences", "sick_leave", "disciplined", "leader_unit_not_tsvm", "other"])
def test_each_exclusion_has_its_words(rule):
    text = plain("review_reasons", "reason", r=Reason("level_capped", {
        "rule": rule, "level": "htxsnv", "value": True, "at_least": None, "max_level": "httnv"}))
    assert text.startswith("Vì ") and "«Hoàn thành tốt nhiệm vụ»" in text


def test_level_names():
    assert [plain("review_reasons", "level", value=level) for level in MEMBER_LEVELS] == [
        "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"]
    assert [plain("review_reasons", "branch_level", value=level) for level in BranchLevel] == [
        "Hoàn thành xuất sắc nhiệm vụ", "Trong sạch vững mạnh", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
        "Không hoàn thành nhiệm vụ", "Yếu kém"]


QD366 = load_rule_set("qd366_2025")


def test_the_example_line():
    """explain(): "86 điểm; 100% nhiệm vụ đúng hạn → Hoàn thành tốt nhiệm vụ" (issue 11, point 2)."""
    line = explain(propose_member(Sheet(30, 56, 10, 10, 10, 0, None), NO_GRAVE, QD366))
    assert line == "86 điểm; 100% nhiệm vụ đúng hạn → Hoàn thành tốt nhiệm vụ"


def test_the_line_names_each_failed_condition_down_to_the_level_reached():
    """One late task of ten: neither HTXSNV nor HTTNV (100% on time); HTNV takes up to 20% late."""
    line = explain(propose_member(Sheet(30, 65, 10, 10, 9, 5, None), NO_GRAVE, QD366))
    assert line == ("95 điểm; chưa đủ điều kiện «Hoàn thành xuất sắc nhiệm vụ»: 9/10 nhiệm vụ đúng hạn (cần từ 100%); "
                    "chưa đủ điều kiện «Hoàn thành tốt nhiệm vụ»: 9/10 nhiệm vụ đúng hạn (cần từ 100%); "
                    "100% nhiệm vụ hoàn thành; 1/10 nhiệm vụ chưa bảo đảm tiến độ (không quá 20%) "
                    "→ Hoàn thành nhiệm vụ")


def test_the_line_of_a_self_admitted_fault_says_the_superior_decides():
    line = explain(propose_member(Sheet(30, 65, 10, 10, 10, 5, None), Grave("khien_trach", False, True), QD366))
    assert line == "95 điểm; bị kỷ luật khiển trách → Không hoàn thành nhiệm vụ (cấp trên xem xét: tự giác nhận lỗi)"


def test_names_are_escaped():
    from bot.texts import render

    assert "&lt;b&gt;" in render("review_reasons", "reason", r=Reason("not_reviewed", {"name": "<b>X</b>"}))


@settings(max_examples=60)
@given(approvals=st.lists(st.integers(0, 12), min_size=1, max_size=14),
       proposed=st.lists(st.sampled_from(MEMBER_LEVELS), min_size=14, max_size=14),
       absences=st.lists(st.integers(0, 4), min_size=14, max_size=14),
       score=st.integers(0, 100), rules_key=st.sampled_from(["kh146_2014", "qd366_2025"]))
def test_whatever_the_engine_says_renders(approvals, proposed, absences, score, rules_key):
    rules = load_rule_set(rules_key)
    facts = BranchFacts(full_members=12, members=16, present_voters=12)
    cases = [MemberCase(i, f"Đảng viên {i}", Role.MEMBER, Status.FULL, proposed[i], approve=a, absences=absences[i],
                        score=score) for i, a in enumerate(approvals)]
    reasons = [r for o in classify_members(cases, facts, rules) for r in o.reasons]
    reasons += list(classify_branch(score, [], True, rules).reasons)
    for reason in reasons:
        text = plain("review_reasons", "reason", r=reason)
        assert text and text != reason.code
    for member in cases:
        for problem in validate_counts(member, facts, rules):
            assert plain("review_reasons", "problem", pr=problem)
