"""Rule sets as data: both sets load, say where they come from, and a malformed file names file and field."""

from fractions import Fraction
from pathlib import Path

import pytest

from bot.domain.review.levels import BranchLevel, MemberLevel
from bot.domain.review.rules import (
    DEFAULT_RULE_SET,
    RULES_DIR,
    RuleSetError,
    default_rule_set,
    load_rule_set,
    load_rule_set_file,
    rule_sets,
)

KH146 = (RULES_DIR / "kh146_2014.toml").read_text(encoding="utf-8")
HTXSNV = '[member.thresholds.htxsnv]\nfraction = "2/3"\nstrict = true'


def test_both_rule_sets_load_with_their_sources():
    sets = {rule_set.key: rule_set for rule_set in rule_sets()}
    assert set(sets) == {"kh146_2014", "qd366_2025"}
    assert sets["kh146_2014"].source == "Kế hoạch số 146-KH/ĐU ngày 04/11/2014"
    assert sets["qd366_2025"].source.startswith("Quy định số 366-QĐ/TW ngày 30/8/2025")
    assert DEFAULT_RULE_SET == "kh146_2014"  # still importable by old callers
    assert load_rule_set(DEFAULT_RULE_SET) is sets["kh146_2014"]


@pytest.mark.parametrize(("year", "key"), [(2014, "kh146_2014"), (2024, "kh146_2014"), (2025, "qd366_2025"),
                                           (2026, "qd366_2025")])
def test_the_default_rule_set_follows_the_review_year(year, key):
    """QĐ 366: "có hiệu lực từ ngày 30/8/2025 và thay thế Quy định 124-QĐ/TW năm 2023" — from the 2025 review on."""
    assert default_rule_set(year) == key


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
    assert (quota.small_branch_below, quota.small_branch_max, quota.small_branch_mode) == (7, 1, "allowance")
    assert quota.enforce == "cut" and not rules.branch_last
    assert {(e.key, e.fact, e.at_least, e.max_level) for e in rules.exclusions} == {
        ("absences", "absences", 3, MemberLevel.HTTNV),
        ("leader_unit_not_tsvm", "leads_unit_not_tsvm", None, MemberLevel.HTTNV),
        ("sick_leave", "sick_leave_months", 3, MemberLevel.HTNV),
        ("disciplined", "disciplined", None, MemberLevel.KHTNV),
    }
    assert [(band.level, band.min_score) for band in rules.branch_bands] == [
        (BranchLevel.TSVM, 90), (BranchLevel.HTTNV, 70), (BranchLevel.HTNV, 50), (BranchLevel.YEU_KEM, 0)]
    assert rules.exemplary_seats(10) == 2 and rules.exemplary_seats(4) == 0
    assert not rules.uses_scores and rules.options == ()


def test_the_2025_set_is_complete_and_leaves_nothing_unsettled():
    rules = load_rule_set("qd366_2025")
    assert [(band.level, band.min_score) for band in rules.member_bands] == [
        (MemberLevel.HTXSNV, 90), (MemberLevel.HTTNV, 70), (MemberLevel.HTNV, 50), (MemberLevel.KHTNV, 0)]
    assert [(b.level, b.min_score) for b in rules.branch_bands] == [
        (BranchLevel.HTXSNV, 90), (BranchLevel.HTTNV, 70), (BranchLevel.HTNV, 50), (BranchLevel.KHTNV, 0)]
    # No vote thresholds (the sources set none): the vote is the branch's opinion, the score decides.
    assert rules.thresholds == () and rules.uses_sheets and rules.vote_opinion_threshold is None
    assert rules.exclusions == () and rules.unsettled == ()
    assert {g.key for g in rules.grave} == {"discipline", "degradation", "tasks_not_done"}
    assert rules.quota is not None and (rules.quota.percent, rules.quota.outstanding_percent) == (20, 25)
    assert rules.quota.enforce == "warning" and rules.quota.small_branch_below is None  # no small-branch rule
    assert rules.branch_last and rules.fault_level == BranchLevel.KHTNV
    assert {o.key: o.default for o in rules.options} == {
        "quota_group": "branch", "quota_rounding": "floor", "leader_unit_not_top": "superior_decides",
        "absences": "none", "vote_threshold": "none"}


def _rules_of(rules):
    """Every rule object of a set that must carry a source."""
    found = [t for _, t in rules.thresholds] + list(rules.member_bands) + list(rules.exclusions) + list(rules.grave)
    found += [c for band in (*rules.member_bands, *rules.branch_bands) for c in band.conditions]
    found += list(rules.branch_bands) + list(rules.statements) + list(rules.options) + list(rules.labelled)
    return found + ([rules.quota] if rules.quota else [])


@pytest.mark.parametrize("key", ["kh146_2014", "qd366_2025"])
def test_every_rule_names_its_source_sentence(key):
    rules = load_rule_set(key)
    for rule in _rules_of(rules):
        assert rule.source is not None, rule
        assert rule.source.document and rule.source.article and len(rule.source.quote) > 10, rule
    assert {name for name, _ in rules.sources} >= {"vote_base", "requires_review", "branch_last", "superior_decides"}


def test_whether_the_superior_decides_is_the_rule_sets_own_rule():
    """QĐ 366 Điều 13: "Cấp uỷ cấp trên trực tiếp xem xét, quyết định việc đánh giá, xếp loại"; the 2014 plan, mục
    V.3: "Chi bộ bỏ phiếu đánh giá phân loại đảng viên" — its vote classifies."""
    qd366, kh146 = load_rule_set("qd366_2025"), load_rule_set("kh146_2014")
    assert qd366.superior_decides and qd366.source_of("superior_decides").article == "Điều 13"
    assert not kh146.superior_decides and kh146.source_of("superior_decides").article == "mục V.3"


def test_options_give_a_validated_variant():
    rules = load_rule_set("qd366_2025")
    variant = rules.with_options({"quota_rounding": "ceil", "vote_threshold": "more_than:1/2"})
    assert variant.option("quota_rounding") == "ceil" and rules.option("quota_rounding") == "floor"
    threshold = variant.vote_opinion_threshold
    assert threshold is not None and (threshold.fraction, threshold.strict) == (Fraction(1, 2), True)
    with pytest.raises(RuleSetError) as caught:
        rules.with_options({"quota_rounding": "nearest"})
    assert caught.value.field == "options.quota_rounding" and "not one of" in caught.value.message
    with pytest.raises(RuleSetError) as caught:
        rules.with_options({"small_branch": "1"})
    assert caught.value.field == "options.small_branch"


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"


def test_a_variant_extends_its_base_and_overrides_only_what_it_names():
    """tests/fixtures/rules/province_variant.toml: a made-up provincial variant (no real source is known) that
    names a vote threshold and a ceiling rounding; everything else is the base's."""
    base = load_rule_set("qd366_2025")
    variant = load_rule_set_file(FIXTURES / "province_variant.toml")
    assert (variant.key, variant.extends) == ("test_province_2025", "qd366_2025")
    assert variant.option("vote_threshold") == "more_than:1/2" and variant.option("quota_rounding") == "ceil"
    assert variant.member_bands == base.member_bands and variant.grave == base.grave
    vote = next(o for o in variant.options if o.key == "vote_threshold")
    assert vote.source.document == "Hướng dẫn thử nghiệm (tỉnh X)"


OPTION_ERRORS = [
    ('default = "more_than:1/2"', 'default = "two thirds"', "options.vote_threshold.default", "not one of"),
    ('choices = ["none", "more_than:1/2"]', 'choices = ["none", "more_than:3/2"]', "options.vote_threshold.choices",
     "not a value"),
    ('[options.quota_rounding]', '[options.rounding]', "options.rounding", "not an option"),
    ('extends = "qd366_2025"', 'extends = "qd999"', "extends", "no rule set"),
    ('extends = "qd366_2025"', 'extends = "test_province_2025"', "extends", "extends itself"),
    ('document = "Hướng dẫn thử nghiệm (tỉnh X)"\narticle', 'article', "options.vote_threshold.source.document",
     "missing"),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), OPTION_ERRORS)
def test_a_malformed_variant_or_option_names_the_field(tmp_path: Path, old, new, field, words):
    text = (FIXTURES / "province_variant.toml").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_rule_set_file(path)
    assert (caught.value.field, words in caught.value.message) == (field, True)


@pytest.mark.parametrize("key", ["nope", "../kh146_2014", "KH146_2014"])
def test_an_unknown_rule_set_is_refused(key):
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(key)
    assert caught.value.field == "key"


MALFORMED = [
    # (what to replace in the 2014 file, with what, the field the error must name, words of the message)
    (HTXSNV, '[member.thresholds.htxsnv]\nfraction = 0.6667\nstrict = true', "member.thresholds.htxsnv.fraction",
     "float"),
    (HTXSNV, '[member.thresholds.htxsnv]\nfraction = "3/2"\nstrict = true', "member.thresholds.htxsnv.fraction",
     "below 1"),
    (HTXSNV, '[member.thresholds.htxsnv]\nfraction = "two thirds"\nstrict = true',
     "member.thresholds.htxsnv.fraction", "not a fraction"),
    (HTXSNV, '[member.thresholds.htxsnv]\nfraction = "2/3"', "member.thresholds.htxsnv.strict", "missing"),
    (HTXSNV, '[member.thresholds.excellent]\nfraction = "2/3"\nstrict = true', "member.thresholds.excellent",
     "not a member level"),
    (HTXSNV + "\nsource = {", HTXSNV + "\nsourc = {", "member.thresholds.htxsnv.sourc", "unknown field"),
    ('enforce = "cut"\nsource', 'enforce = "cut"\nsourc', "member.quota.sourc", "unknown field"),
    ('enforce = "cut"', 'enforce = "drop"', "member.quota.enforce", "not one of"),
    ('02 nhiệm vụ được giao"\nsource = { document = "Kế hoạch số 146-KH/ĐU ngày 04/11/2014", ',
     '02 nhiệm vụ được giao"\nsource = { document = "  ", ',
     "branch.faults.tasks_failed.source.document", "empty"),
    ('[sources.requires_review]', '[sources.requires_reviewed]', "sources.requires_reviewed", "not a rule"),
    ("percent = 15\n", 'percent = "15%"\n', "member.quota.percent", "whole number"),
    ("percent = 15\n", "percent = 150\n", "member.quota.percent", "over 100"),
    ("percent = 15\n", "percentage = 15\n", "member.quota.percentage", "unknown field"),
    ("requires_review = true\n", "", "requires_review", "missing"),
    ("superior_decides = false\n", "", "superior_decides", "missing"),
    ("[sources.superior_decides]", "[sources.other]", "sources.other", "not a rule"),
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
    ('[member.quota]\nlevel', '[member.quota_]\nlevel', "member.quota_", "unknown field"),
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
