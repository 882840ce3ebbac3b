"""The classification engine: ballot counts and facts in, a level (or none yet) with its reasons out.

Everything is exact: vote thresholds are compared by integer cross-multiplication, quotas are floors of exact
products, scores are ints or exact decimals. Every outcome carries at least one `Reason` whose params are the
numbers that explain it; the templates (review_reasons.j2) turn them into Vietnamese.

Order of the rules for one member: the review must be done; then the vote threshold (and the score band in
a score-based set); then the exclusions; then, across the branch, the quota. A level that is not reached is
never replaced by an invented one: the outcome has no level and a `revote` reason names the next level the
branch may vote on.

The quota, read from plan 003 §IV.2.2.a: at most 15% (20% for an outstanding branch) of the members rated
HTTNV may be rated HTXSNV, floor of the exact product; a branch of fewer than 7 members elects at most 1 (with
the 2014 set's "cap" reading, both limits apply). The HTTNV count is the one the vote settles on: the members
rated HTTNV plus the HTXSNV candidates the quota leaves out (they are voted again at HTTNV). So the number kept
is the largest k with k <= seats(H + c - k), where H is the HTTNV count and c the candidates; the answer does
not change once the left-out candidates are re-voted. Candidates are kept by most approvals; when the cut
falls between equal counts the tied members are not chosen between: they are reported for a revote.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from bot.domain.review.assessment import (
    ASSESSMENT_REASON_CODES,
    NO_GRAVE,
    SHEET_PROBLEM_CODES,
    Grave,
    Sheet,
    propose_member,
    quota_check,
    validate_sheet,
)
from bot.domain.review.levels import MEMBER_LEVELS, BranchLevel, MemberLevel
from bot.domain.review.reasons import ClassificationInputError, ParamValue, Problem, Reason
from bot.domain.review.rules import (
    DEFAULT_RULE_SET,
    UNSETTLED_EXCLUSIONS,
    UNSETTLED_QUOTA,
    UNSETTLED_VOTES,
    Exclusion,
    RuleSet,
    load_rule_set,
)
from bot.domain.roster import Role, Status

__all__ = ["ClassificationInputError", "ParamValue", "Problem", "Reason"]  # re-exported for the callers

# Every code the engines emit; review_reasons.j2 renders each of them.
REASON_CODES = frozenset({
    "threshold_met", "threshold_missed", "votes_recorded", "score_met", "score_missed", "score_missing",
    "level_capped", "not_reviewed", "revote", "no_lower_level", "quota_within", "quota_kept", "quota_exceeded",
    "quota_tie", "small_branch", "unsettled", "branch_band", "branch_conditions_missing", "branch_fault",
    "branch_score", "vote_opinion", "statement",
}) | ASSESSMENT_REASON_CODES
PROBLEM_CODES = frozenset({
    "negative_count", "negative_fact", "counts_exceed_present", "present_exceed_full", "full_exceed_members",
    "ineligible_not_reviewed", "level_forbidden", "score_missing", "score_out_of_range",
}) | SHEET_PROBLEM_CODES

UNSETTLED_SMALL_BRANCH = "small_branch_quota"
UNSETTLED_QUOTA_BASE = "quota_base"
UNSETTLED_MEMBER_CONDITIONS = "member_conditions"
UNSETTLED_BRANCH_LEVELS = "branch_levels"
UNSETTLED_BELOW_50 = "below_50"


@dataclass(frozen=True)
class MemberCase:
    membership_id: int
    full_name: str
    role: Role
    status: Status
    proposed: MemberLevel
    approve: int = 0
    disapprove: int = 0
    other: int = 0
    score: int | None = None  # for score-based rule sets
    absences: int = 0  # branch meetings missed in the year, excused or not
    sick_leave_months: int = 0
    disciplined: bool = False  # under discipline within the year, or with a listed violation
    leads_unit_not_tsvm: bool = False  # secretary / superior-committee member / head where the unit is not TSVM
    reviewed: bool = True  # has done the review (self-review presented)
    sheet: Sheet | None = None  # the assessment sheet, in a score-based set (the level comes from it)
    grave: Grave | None = None  # the facts beside the sheet (discipline, suy thoái, …); None: none

    @property
    def ballots(self) -> int:
        return self.approve + self.disapprove + self.other


@dataclass(frozen=True)
class BranchFacts:
    full_members: int  # the vote base: the branch's full members (đảng viên chính thức)
    members: int  # all members, full and probationary
    present_voters: int  # full members present and eligible to vote
    outstanding: bool = False  # "thành tích đặc biệt xuất sắc": the larger quota


@dataclass(frozen=True)
class Outcome:
    membership_id: int
    level: MemberLevel | None
    reasons: tuple[Reason, ...]

    @property
    def revote_level(self) -> MemberLevel | None:
        """The level the branch should vote on next, when the outcome says to vote again."""
        for reason in self.reasons:
            if reason.code == "revote":
                return MemberLevel(str(reason.params["level"]))
        return None

    @property
    def tie(self) -> bool:
        return any(reason.code == "quota_tie" for reason in self.reasons)


@dataclass(frozen=True)
class BranchOutcome:
    level: BranchLevel
    reasons: tuple[Reason, ...]


# --- validation --------------------------------------------------------------------------------------------


def validate_facts(facts: BranchFacts) -> list[Problem]:
    problems = [
        Problem("negative_fact", {"field": name, "value": value})
        for name, value in (("full_members", facts.full_members), ("members", facts.members),
                            ("present_voters", facts.present_voters))
        if value < 0
    ]
    if facts.full_members > facts.members:
        problems.append(Problem("full_exceed_members", {"full": facts.full_members, "members": facts.members}))
    if facts.present_voters > facts.full_members:
        problems.append(Problem("present_exceed_full", {"present": facts.present_voters, "full": facts.full_members}))
    return problems


def validate_counts(case: MemberCase, facts: BranchFacts, rule_set: RuleSet | None = None) -> list[Problem]:
    """Everything wrong with one member's ballot counts and proposal; empty when it can be classified.

    The caller refuses the input and changes nothing when this is not empty.
    """
    rules = rule_set or load_rule_set(DEFAULT_RULE_SET)
    problems = validate_facts(facts) + _count_problems(case, facts, rules)
    problems += [_forbidden(case, rule) for rule in _biting_exclusions(case, rules)]
    return problems


def _count_problems(case: MemberCase, facts: BranchFacts, rules: RuleSet) -> list[Problem]:
    problems = [
        Problem("negative_count", {"field": name, "value": value})
        for name, value in (("approve", case.approve), ("disapprove", case.disapprove), ("other", case.other))
        if value < 0
    ]
    for name in ("absences", "sick_leave_months"):
        if (value := getattr(case, name)) < 0:
            problems.append(Problem("negative_fact", {"field": name, "value": value}))
    if case.ballots > facts.present_voters:
        problems.append(Problem("counts_exceed_present", {"total": case.ballots, "present": facts.present_voters}))
    if rules.requires_review and not case.reviewed and case.ballots:
        problems.append(Problem("ineligible_not_reviewed", {"name": case.full_name}))
    if rules.uses_scores and case.reviewed:
        if case.sheet is not None:
            problems += validate_sheet(case.sheet, case.grave or NO_GRAVE)
        elif case.score is None:
            problems.append(Problem("score_missing", {"name": case.full_name}))
        elif not 0 <= case.score <= 100:
            problems.append(Problem("score_out_of_range", {"score": case.score}))
    return problems


def _forbidden(case: MemberCase, rule: Exclusion) -> Problem:
    return Problem("level_forbidden", {
        "level": str(case.proposed), "rule": rule.key, "value": _fact(case, rule.fact), "at_least": rule.at_least,
        "max_level": str(rule.max_level),
    })


# --- members -------------------------------------------------------------------------------------------------


def classify_members(cases: Iterable[MemberCase], facts: BranchFacts, rule_set: RuleSet) -> list[Outcome]:
    """One outcome per case, in the order given. Raises ClassificationInputError on impossible counts."""
    cases = list(cases)
    ids = [case.membership_id for case in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("a member appears twice")
    problems: dict[int | None, list[Problem]] = {}
    if fact_problems := validate_facts(facts):
        problems[None] = fact_problems
    for case in cases:
        if found := _count_problems(case, facts, rule_set):
            problems[case.membership_id] = found
    if problems:
        raise ClassificationInputError(problems)

    base = facts.full_members if rule_set.vote_base == "full_members" else facts.present_voters
    provisional = {case.membership_id: _individual(case, base, rule_set) for case in cases}
    _apply_quota(cases, provisional, facts, rule_set)
    return [Outcome(case.membership_id, *_finish(provisional[case.membership_id])) for case in cases]


def _finish(state: tuple[MemberLevel | None, list[Reason]]) -> tuple[MemberLevel | None, tuple[Reason, ...]]:
    level, reasons = state
    assert reasons, "every outcome has a reason"
    return level, tuple(reasons)


def _individual(case: MemberCase, base: int, rules: RuleSet) -> tuple[MemberLevel | None, list[Reason]]:
    if rules.requires_review and not case.reviewed:
        return None, [Reason("not_reviewed", {"name": case.full_name})]
    if rules.uses_scores and case.sheet is not None:
        return _from_sheet(case, case.sheet, base, rules)
    reasons: list[Reason] = []
    reached = True
    level = case.proposed
    threshold = rules.threshold(level)
    if threshold is not None:
        met = threshold.met(case.approve, base)
        reached &= met
        reasons.append(Reason("threshold_met" if met else "threshold_missed", {
            "level": str(level), "approve": case.approve, "base": base, "threshold": threshold.text,
            "strict": threshold.strict,
        }))
    else:
        reasons.append(Reason("votes_recorded", {"approve": case.approve, "base": base}))
        reasons += _notes(rules, UNSETTLED_VOTES)
    if rules.uses_scores:
        minimum = rules.member_min_score(level)
        assert minimum is not None
        if case.score is None:
            return None, [*reasons, Reason("score_missing", {"name": case.full_name})]
        met = case.score >= minimum
        reached &= met
        reasons.append(Reason("score_met" if met else "score_missed",
                              {"level": str(level), "score": case.score, "min_score": minimum}))
        reasons += _notes(rules, UNSETTLED_MEMBER_CONDITIONS, UNSETTLED_BELOW_50 if level == MemberLevel.KHTNV else "")
    for rule in _biting_exclusions(case, rules):
        reached = False
        reasons.append(Reason("level_capped", {
            "rule": rule.key, "level": str(level), "value": _fact(case, rule.fact), "at_least": rule.at_least,
            "max_level": str(rule.max_level),
        }))
    if not rules.exclusions and _has_exclusion_facts(case):
        reasons += _notes(rules, UNSETTLED_EXCLUSIONS)
    reasons += _statements(case, rules)
    if reached:
        return level, reasons
    return None, [*reasons, _revote(case, level, rules)]


def _from_sheet(case: MemberCase, sheet: Sheet, base: int, rules: RuleSet) -> tuple[MemberLevel, list[Reason]]:
    """A score-based set: the level is the sheet's proposal; the vote is the branch's opinion beside it,
    against the threshold a variant names (or only recorded when none is named)."""
    proposal = propose_member(sheet, case.grave or NO_GRAVE, rules)
    held = case.ballots > 0  # no ballot: the proposal recorded without a vote
    vote = [vote_opinion(str(case.proposed), case.approve, base, rules)] if held else []
    return proposal.level, [*proposal.reasons, *vote, *_statements(case, rules)]


def vote_opinion(level: str, approve: int, base: int, rules: RuleSet) -> Reason:
    """A vote under a score-based set: the branch's opinion beside the sheet's proposal (QĐ 366 sets no vote
    threshold; a variant may name one, and the vote is then said to meet it or not), never the level."""
    threshold = rules.vote_opinion_threshold
    if threshold is None:
        return Reason("votes_recorded", {"approve": approve, "base": base})
    return Reason("vote_opinion", {"level": level, "approve": approve, "base": base, "threshold": threshold.text,
                                   "strict": threshold.strict, "met": threshold.met(approve, base)})


def _statements(case: MemberCase, rules: RuleSet) -> list[Reason]:
    """Rules that set no level but say how the case is read (e.g. sick leave: the actual work counts)."""
    return [Reason("statement", {"key": rule.key, "value": _fact(case, rule.fact)})
            for rule in rules.statements if _fact(case, rule.fact) >= rule.at_least]


def _notes(rules: RuleSet, *keys: str) -> list[Reason]:
    return [Reason("unsettled", {"key": key, "note": note}) for key in keys if key and (note := rules.note(key))]


def _fact(case: MemberCase, fact: str) -> int | bool:
    return getattr(case, fact)


def _has_exclusion_facts(case: MemberCase) -> bool:
    return bool(case.absences or case.sick_leave_months or case.disciplined or case.leads_unit_not_tsvm)


def _biting_exclusions(case: MemberCase, rules: RuleSet) -> list[Exclusion]:
    """The exclusions that apply to this member and forbid the proposed level."""
    return [rule for rule in rules.exclusions
            if rule.applies(_fact(case, rule.fact)) and case.proposed.is_above(rule.max_level)]


def allowed_levels(case: MemberCase, rules: RuleSet) -> list[MemberLevel]:
    """The levels the exclusions (and, in a score-based set, the score) leave open to this member, highest first.
    With a sheet under a score-based set only its proposal: the level follows from score and conditions
    (QĐ 366 Điều 11), the branch proposes what the sheet gives and the committee corrects the sheet, not the level."""
    if rules.uses_scores and case.sheet is not None:
        return [propose_member(case.sheet, case.grave or NO_GRAVE, rules).level]
    caps = [rule.max_level for rule in rules.exclusions if rule.applies(_fact(case, rule.fact))]
    open_levels = [level for level in MEMBER_LEVELS if not any(level.is_above(cap) for cap in caps)]
    if rules.uses_scores and case.score is not None:
        open_levels = [level for level in open_levels if case.score >= (rules.member_min_score(level) or 0)]
    return open_levels


def _revote(case: MemberCase, level: MemberLevel, rules: RuleSet) -> Reason:
    """Vote again at the highest open level below the one not reached; none left is said so."""
    lower = [candidate for candidate in allowed_levels(case, rules) if level.is_above(candidate)]
    if not lower:
        return Reason("no_lower_level", {"level": str(level)})
    return Reason("revote", {"level": str(lower[0])})


def _apply_quota(cases: list[MemberCase], provisional: dict[int, tuple[MemberLevel | None, list[Reason]]],
                 facts: BranchFacts, rules: RuleSet) -> None:
    quota = rules.quota
    if quota is None:
        for level, reasons in provisional.values():
            if level == MemberLevel.HTXSNV:
                reasons += _notes(rules, UNSETTLED_QUOTA)
        return
    if quota.enforce == "warning":
        _warn_quota(cases, provisional, facts, rules)
        return
    candidates = sorted((case for case in cases if provisional[case.membership_id][0] == quota.level),
                        key=lambda case: -case.approve)
    if not candidates:
        return
    rated_below = sum(1 for level, _ in provisional.values() if level == quota.of_level)
    count = len(candidates)
    seats = max(k for k in range(count + 1)
                if k <= quota.seats(rated_below + count - k, members=facts.members, outstanding=facts.outstanding))
    of_count = rated_below + count - seats
    common = {"seats": seats, "candidates": count, "of_count": of_count,
              "percent": quota.percent_for(facts.outstanding), "of_level": str(quota.of_level)}
    extra: list[Reason] = []
    if quota.is_small(facts.members):
        extra.append(Reason("small_branch", {"members": facts.members, "below": quota.small_branch_below,
                                             "most": quota.small_branch_max, "mode": quota.small_branch_mode}))
        extra += _notes(rules, UNSETTLED_SMALL_BRANCH)
    extra += _notes(rules, UNSETTLED_QUOTA_BASE)
    if count <= seats:
        for case in candidates:
            provisional[case.membership_id][1].extend([Reason("quota_within", common), *extra])
        return
    cut = candidates[seats].approve  # approvals of the first member outside the seats
    above = [case for case in candidates if case.approve > cut]
    tied = [case for case in candidates if case.approve == cut]
    tie = len(above) < seats  # some seats remain for members tied at the cut
    lowest_kept = candidates[seats - 1].approve if seats and not tie else None
    for rank, case in enumerate(candidates, start=1):
        level, reasons = provisional[case.membership_id]
        if case.approve > cut:
            reasons += [Reason("quota_kept", {**common, "approve": case.approve, "rank": rank}), *extra]
            continue
        if tie and case.approve == cut:
            tie_reason = Reason("quota_tie", {
                **common, "approve": case.approve, "tied": len(tied), "seats_left": seats - len(above),
            })
            provisional[case.membership_id] = (None, [*reasons, tie_reason, *extra])
            continue
        exceeded = Reason("quota_exceeded", {**common, "approve": case.approve, "lowest_kept": lowest_kept})
        provisional[case.membership_id] = (None, [*reasons, exceeded, *extra, _revote(case, quota.level, rules)])


def _warn_quota(cases: list[MemberCase], provisional: dict[int, tuple[MemberLevel | None, list[Reason]]],
                facts: BranchFacts, rules: RuleSet) -> None:
    """QĐ 366: the quota is the competent level's; the branch's HTXSNV proposals carry the figures, none is cut."""
    levels = {member: level for member, (level, _) in provisional.items() if level is not None}
    scores = {case.membership_id: case.sheet.total if case.sheet else case.score or 0 for case in cases}
    names = {case.membership_id: case.full_name for case in cases}
    check = quota_check(levels, rules, outstanding=facts.outstanding, scores=scores, names=names)
    assert check is not None
    for level, reasons in provisional.values():
        if level == MemberLevel.HTXSNV:
            reasons.append(check.reason)


# --- the branch ----------------------------------------------------------------------------------------------

Score = int | Fraction | Decimal


def classify_branch(score: Score, faults: Collection[str], conditions_met: bool | Collection[str],
                    rule_set: RuleSet) -> BranchOutcome:
    """The branch's level from its score out of 100, its listed faults and the conditions it meets.

    `conditions_met` is True (all of the rule set's conditions), False (none) or the keys of those met.
    """
    value = _exact(score)
    known_faults = {key for key, _ in rule_set.branch_faults}
    known_conditions = {key for band in rule_set.branch_bands for key in band.condition_keys}
    if unknown := set(faults) - known_faults:
        raise ValueError(f"unknown faults for {rule_set.key}: {', '.join(sorted(unknown))}")
    met = known_conditions if conditions_met is True else set() if conditions_met is False else set(conditions_met)
    if unknown := met - known_conditions:
        raise ValueError(f"unknown conditions for {rule_set.key}: {', '.join(sorted(unknown))}")
    score_text = _score_text(value)
    notes = _notes(rule_set, UNSETTLED_BRANCH_LEVELS)
    if faults:
        reasons = [Reason("branch_fault", {"fault": key, "text": rule_set.fault_text(key)}) for key in sorted(faults)]
        reasons.append(Reason("branch_score", {"score": score_text}))
        return BranchOutcome(rule_set.fault_level, tuple(reasons + notes))
    reasons = []
    for band in rule_set.branch_bands:
        if value < band.min_score:
            continue
        missing = [condition for condition in band.conditions if condition.key not in met]
        if missing:
            reasons.append(Reason("branch_conditions_missing", {
                "level": str(band.level), "score": score_text, "min_score": band.min_score,
                "missing": tuple(condition.text for condition in missing),
            }))
            continue
        reasons.append(Reason("branch_band", {"level": str(band.level), "score": score_text,
                                              "min_score": band.min_score, "conditions": len(band.conditions)}))
        return BranchOutcome(band.level, tuple(reasons + notes))
    raise AssertionError("the lowest band starts at 0 and has no conditions")  # the loader guarantees it


def exemplary_quota(tsvm_branches: int, rule_set: RuleSet) -> int | None:
    """How many TSVM branches may be proposed as "tiêu biểu" (None when the rule set does not say)."""
    return rule_set.exemplary_seats(tsvm_branches)


def _exact(score: Score) -> Fraction:
    if isinstance(score, bool) or not isinstance(score, int | Fraction | Decimal):
        raise TypeError(f"a score is an int, Fraction or Decimal, not {type(score).__name__}")
    value = Fraction(score)
    if not 0 <= value <= 100:
        raise ValueError(f"a score is out of 100: {score}")
    return value


def _score_text(value: Fraction) -> int | str:
    """92 stays an int; 92.5 becomes "92,5" (Vietnamese decimal comma); thirds and the like keep a fraction."""
    if value.denominator == 1:
        return value.numerator
    text = str(Decimal(value.numerator) / Decimal(value.denominator))
    exact = Fraction(Decimal(text)) == value
    return text.replace(".", ",") if exact else f"{value.numerator}/{value.denominator}"
