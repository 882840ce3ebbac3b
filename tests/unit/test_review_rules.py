"""Rule sets as data: both sets load, say where they come from, and a malformed file names file and field."""

from fractions import Fraction
from pathlib import Path

import pytest

from bot.domain.review.levels import BranchLevel, MemberLevel
from bot.domain.review.rules import (
    DEFAULT_RULE_SET,
    RULES_DIR,
    RuleSetError,
    load_rule_set,
    load_rule_set_file,
    rule_sets,
)

KH146 = (RULES_DIR / "kh146_2014.toml").read_text(encoding="utf-8")


def test_both_rule_sets_load_with_their_sources():
    sets = {rule_set.key: rule_set for rule_set in rule_sets()}
    assert set(sets) == {"kh146_2014", "qd366_2025"}
    assert sets["kh146_2014"].source == "Kế hoạch số 146-KH/ĐU ngày 04/11/2014"
    assert sets["qd366_2025"].source == "Quy định số 366-QĐ/TW năm 2025"
    assert DEFAULT_RULE_SET == "kh146_2014"
    assert load_rule_set(DEFAULT_RULE_SET) is sets["kh146_2014"]


def test_the_2014_figures_are_those_of_the_plan():
    rules = load_rule_set("kh146_2014")
    assert rules.vote_base == "full_members"
    top = rules.threshold(MemberLevel.HTXSNV)
    assert top is not None and (top.fraction, top.strict, top.text) == (Fraction(2, 3), True, "2/3")
    for level in (MemberLevel.HTTNV, MemberLevel.HTNV, MemberLevel.KHTNV):
        threshold = rules.threshold(level)
        assert threshold is not None and (threshold.fraction, threshold.strict) == (Fraction(1, 2), True)
    quota = rules.quota
    assert quota is not None
    assert (quota.percent, quota.outstanding_percent) == (15, 20)
    assert (quota.small_branch_below, quota.small_branch_max, quota.small_branch_mode) == (7, 1, "cap")
    assert {(e.key, e.fact, e.at_least, e.max_level) for e in rules.exclusions} == {
        ("absences", "absences", 3, MemberLevel.HTTNV),
        ("leader_unit_not_tsvm", "leads_unit_not_tsvm", None, MemberLevel.HTTNV),
        ("sick_leave", "sick_leave_months", 3, MemberLevel.HTNV),
        ("disciplined", "disciplined", None, MemberLevel.KHTNV),
    }
    assert [(band.level, band.min_score) for band in rules.branch_bands] == [
        (BranchLevel.TSVM, 90), (BranchLevel.HTTNV, 70), (BranchLevel.HTNV, 50), (BranchLevel.YEU_KEM, 0)]
    assert rules.exemplary_seats(10) == 2 and rules.exemplary_seats(4) == 0
    assert not rules.uses_scores


def test_the_2025_set_has_the_score_bands_and_marks_what_is_unsettled():
    rules = load_rule_set("qd366_2025")
    assert [(band.level, band.min_score) for band in rules.member_bands] == [
        (MemberLevel.HTXSNV, 90), (MemberLevel.HTTNV, 70), (MemberLevel.HTNV, 50), (MemberLevel.KHTNV, 0)]
    assert [band.min_score for band in rules.branch_bands] == [90, 70, 50, 0]
    # Not assumed from 2014: no vote thresholds, no quota, no exclusions — each said to be unsettled.
    assert rules.thresholds == () and rules.quota is None and rules.exclusions == ()
    keys = {item.key for item in rules.unsettled}
    assert {"vote_thresholds", "htxsnv_quota", "exclusions", "branch_levels"} <= keys
    for item in rules.unsettled:
        assert "Quy định 366" in item.text and item.text.endswith(".")


@pytest.mark.parametrize("key", ["nope", "../kh146_2014", "KH146_2014"])
def test_an_unknown_rule_set_is_refused(key):
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(key)
    assert caught.value.field == "key"


MALFORMED = [
    # (what to replace in the 2014 file, with what, the field the error must name, words of the message)
    ('htxsnv = { fraction = "2/3", strict = true }', "htxsnv = { fraction = 0.6667, strict = true }",
     "member.thresholds.htxsnv.fraction", "float"),
    ('htxsnv = { fraction = "2/3", strict = true }', 'htxsnv = { fraction = "3/2", strict = true }',
     "member.thresholds.htxsnv.fraction", "below 1"),
    ('htxsnv = { fraction = "2/3", strict = true }', 'htxsnv = { fraction = "two thirds", strict = true }',
     "member.thresholds.htxsnv.fraction", "not a fraction"),
    ('htxsnv = { fraction = "2/3", strict = true }', 'htxsnv = { fraction = "2/3" }',
     "member.thresholds.htxsnv.strict", "missing"),
    ('htxsnv = { fraction = "2/3", strict = true }', 'excellent = { fraction = "2/3", strict = true }',
     "member.thresholds.excellent", "not a member level"),
    ("percent = 15\n", 'percent = "15%"\n', "member.quota.percent", "whole number"),
    ("percent = 15\n", "percent = 150\n", "member.quota.percent", "over 100"),
    ("percent = 15\n", "percentage = 15\n", "member.quota.percentage", "unknown field"),
    ("requires_review = true\n", "", "requires_review", "missing"),
    ('source = "Kế hoạch số 146-KH/ĐU ngày 04/11/2014"\n', 'source = "  "\n', "source", "empty"),
    ('fact = "absences"', 'fact = "absent"', "member.exclusions[0].fact", "not one of"),
    ('max_level = "httnv"\ntext = "Vắng', 'max_level = "excellent"\ntext = "Vắng',
     "member.exclusions[0].max_level", "not a member level"),
    ('fact = "disciplined"\n', 'fact = "disciplined"\nat_least = 1\n', "member.exclusions[3].at_least",
     "takes no at_least"),
    ('level = "tsvm"', 'level = "tsvvm"', "branch.bands[0].level", "not a branch level"),
    ("min_score = 70", "min_score = 95", "branch.bands", "must fall"),
    ('conditions = ["committee_good", "mass_organisations_second"]', 'conditions = ["committee_great"]',
     "branch.bands[1].conditions", "not in branch.conditions"),
    ('[member.quota]\n# "không vượt quá 15%', '[member.quota_]\n# "không vượt quá 15%', "member.quota_",
     "unknown field"),
    ('key = "kh146_2014"', 'key = "kh146_2014"\nkey = "again"', "(toml)", ""),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), MALFORMED)
def test_a_malformed_rule_set_names_the_file_and_the_field(tmp_path: Path, old, new, field, words):
    assert old in KH146, old
    path = tmp_path / "bad.toml"
    path.write_text(KH146.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_rule_set_file(path)
    assert (caught.value.file, caught.value.field) == ("bad.toml", field)
    assert words in caught.value.message
    assert str(caught.value).startswith(f"bad.toml: {field}: ")


def test_leaving_out_a_rule_requires_saying_it_is_unsettled(tmp_path: Path):
    start = KH146.index("[member.quota]")
    end = KH146.index("# Each exclusion")
    path = tmp_path / "no_quota.toml"
    path.write_text(KH146[:start] + KH146[end:], encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_rule_set_file(path)
    assert caught.value.field == "member.quota" and "htxsnv_quota" in caught.value.message
    # Once declared unsettled, the set loads and simply has no quota.
    declared = (KH146[:start] + KH146[end:]).replace(
        "unsettled = [\n", 'unsettled = [\n  { key = "htxsnv_quota", text = "Chưa rõ tỷ lệ." },\n', 1)
    path.write_text(declared, encoding="utf-8")
    assert load_rule_set_file(path).quota is None
