"""The assessment (tự đánh giá) under a score-based rule set: a sheet and the grave facts in, a proposed level
with its reasons out (Quy định 366-QĐ/TW Điều 11; the sheet is the Phụ lục's 30 + 70 frame).

For one member: the sheet must be possible (else `SheetInputError` with problem codes); a grave case (discipline
from khiển trách up, a conclusion of suy thoái, more than 50% of tasks not done) makes the level KHTNV whatever
the score, and where the "tự giác nhận lỗi" exception may apply the proposal says the superior decides. Otherwise
the bands are tried from the highest: a band is reached with at least its score and every condition met; a band
the score reaches but whose condition fails is said so (which condition, with the figures) and the next band
down is tried, so the level is the highest whose band and conditions are met. The options of the rule set
(leader_unit_not_top, absences) may cap the level or leave it to the superior. The branch is the same with the
collective's conditions. Everything is exact: shares compare by cross-multiplication.

The quota (at most 20% of those rated HTTNV, 25% for an outstanding unit) is a warning over the branch's
proposals, with the figures and who stands at the margin; nobody is cut.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.review.levels import MemberLevel
from bot.domain.review.reasons import ClassificationInputError, Problem, Reason
from bot.domain.review.rules import DISCIPLINES, Condition, RuleSet, ScoreBand

COMMON_MAX = 30
RESULTS_MAX = 70
SHEET_PROBLEM_CODES = frozenset({
    "sheet_out_of_range", "sheet_negative", "sheet_no_tasks", "sheet_done_exceed_total",
    "sheet_on_time_exceed_done", "sheet_exceeded_exceed_done", "sheet_discipline_unknown",
})
ASSESSMENT_REASON_CODES = frozenset({
    "sheet_score", "level_reached", "level_conditions_failed", "condition_met", "condition_failed", "grave_case",
    "superior_decides", "option_cap", "quota_warning", "quota_room",
})


@dataclass(frozen=True)
class Sheet:
    """One self-assessment on the 30 + 70 frame (QĐ 366 Phụ lục)."""

    common: int  # nhóm tiêu chí chung, 0..30
    results: int  # kết quả thực hiện nhiệm vụ, 0..70
    tasks_total: int  # tasks assigned in the year
    tasks_done: int  # of them done
    tasks_on_time: int  # of the done ones, on time
    tasks_exceeded: int  # of the done ones, beyond what was asked
    shortcomings_remedied: bool | None  # past shortcomings all remedied; None = none were pointed out

    @property
    def total(self) -> int:
        return self.common + self.results

    def count(self, measure: str) -> int:
        """The number of tasks a share measure counts (its share is count / tasks_total)."""
        return {
            "done": self.tasks_done, "on_time": self.tasks_on_time, "exceeded": self.tasks_exceeded,
            "late": self.tasks_done - self.tasks_on_time, "not_done": self.tasks_total - self.tasks_done,
        }[measure]


@dataclass(frozen=True)
class Grave:
    """Facts beside the sheet: those that make KHTNV regardless of score, and those an option may read."""

    discipline: str | None  # None, "khien_trach", "canh_cao", "cach_chuc", "khai_tru" (from khiển trách up)
    degradation: bool  # concluded suy thoái by the competent level
    self_admitted: bool  # "tự giác nhận lỗi" - the superior may decide otherwise
    absences: int = 0  # branch meetings missed in the year (read only by the `absences` option)
    leads_unit_not_top: bool = False  # a leader whose unit did not reach the top level (option leader_unit_not_top)


NO_GRAVE = Grave(None, False, False)


@dataclass(frozen=True)
class Proposal:
    level: MemberLevel  # for the branch the same codes: BranchLevel(proposal.level)
    reasons: tuple[Reason, ...]
    superior_decides: bool  # a point is for the superior (e.g. a self-admitted fault)


class SheetInputError(ClassificationInputError):
    """The sheet (or its facts) is impossible; nothing was proposed. Problems are keyed by None."""

    def __init__(self, problems: list[Problem]):
        super().__init__({None: problems})


# --- validation --------------------------------------------------------------------------------------------


def validate_sheet(sheet: Sheet, grave: Grave = NO_GRAVE) -> list[Problem]:
    """Everything impossible in a sheet; empty when it can be assessed."""
    problems = []
    for name, maximum in (("common", COMMON_MAX), ("results", RESULTS_MAX)):
        value = getattr(sheet, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            problems.append(Problem("sheet_out_of_range", {"field": name, "value": value, "max": maximum}))
    counts = ("tasks_total", "tasks_done", "tasks_on_time", "tasks_exceeded")
    negative = [name for name in counts if getattr(sheet, name) < 0]
    problems += [Problem("sheet_negative", {"field": name, "value": getattr(sheet, name)}) for name in negative]
    if grave.absences < 0:
        problems.append(Problem("sheet_negative", {"field": "absences", "value": grave.absences}))
    if negative:
        return problems
    if sheet.tasks_total == 0:
        problems.append(Problem("sheet_no_tasks", {}))
    if sheet.tasks_done > sheet.tasks_total:
        problems.append(Problem("sheet_done_exceed_total", {"done": sheet.tasks_done, "total": sheet.tasks_total}))
    for name, code in (("tasks_on_time", "sheet_on_time_exceed_done"),
                       ("tasks_exceeded", "sheet_exceeded_exceed_done")):
        if getattr(sheet, name) > sheet.tasks_done:
            problems.append(Problem(code, {"count": getattr(sheet, name), "done": sheet.tasks_done}))
    if grave.discipline is not None and grave.discipline not in DISCIPLINES:
        problems.append(Problem("sheet_discipline_unknown", {"value": grave.discipline}))
    return problems


# --- proposals ---------------------------------------------------------------------------------------------


def propose_member(sheet: Sheet, grave: Grave, rules: RuleSet) -> Proposal:
    """The level a member's sheet and facts propose under `rules` (a score-based set), with its reasons."""
    _check(sheet, grave, rules)
    score = Reason("sheet_score", {"score": sheet.total, "common": sheet.common, "results": sheet.results})
    graves = _grave_reasons(sheet, grave, rules)
    if graves:
        admitted = grave.self_admitted and any(rules_grave.self_admitted for rules_grave in rules.grave
                                               if rules_grave.key in {r.params["key"] for r in graves})
        extra = [Reason("superior_decides", {"cause": "self_admitted"})] if admitted else []
        return Proposal(MemberLevel.KHTNV, (score, *graves, *extra), admitted)
    cap, notes = _option_effects(grave, rules)
    return _by_bands(sheet, rules.member_bands, score, notes, cap=cap, clean=None)


def propose_branch(sheet: Sheet, leadership_disciplined: bool, rules: RuleSet) -> Proposal:
    """The level the branch's own sheet proposes (its bands and the collective's conditions)."""
    _check(sheet, NO_GRAVE, rules)
    score = Reason("sheet_score", {"score": sheet.total, "common": sheet.common, "results": sheet.results})
    bands = tuple(ScoreBand(MemberLevel(str(band.level)), band.min_score, band.conditions, band.source)
                  for band in rules.branch_bands)
    return _by_bands(sheet, bands, score, [], cap=None, clean=not leadership_disciplined)


def _check(sheet: Sheet, grave: Grave, rules: RuleSet) -> None:
    if not rules.uses_scores:
        raise ValueError(f"{rules.key} does not classify by score; use the ballot")
    if problems := validate_sheet(sheet, grave):
        raise SheetInputError(problems)


def _grave_reasons(sheet: Sheet, grave: Grave, rules: RuleSet) -> list[Reason]:
    found = []
    for rule in rules.grave:
        if rule.fact == "discipline" and grave.discipline is not None:
            found.append(Reason("grave_case", {"key": rule.key, "discipline": grave.discipline}))
        elif rule.fact == "degradation" and grave.degradation:
            found.append(Reason("grave_case", {"key": rule.key}))
        elif rule.more_than is not None:
            count = sheet.count(rule.fact)
            if count * 100 > rule.more_than * sheet.tasks_total:
                found.append(Reason("grave_case", {"key": rule.key, "count": count, "total": sheet.tasks_total,
                                                   "percent": rule.more_than}))
    return found


def _option_effects(grave: Grave, rules: RuleSet) -> tuple[MemberLevel | None, list[Reason]]:
    """The highest level the options leave open (None: no cap), and what they add to the reasons."""
    cap, notes = None, []
    if grave.leads_unit_not_top and (value := rules.option("leader_unit_not_top")) is not None:
        if value == "cap_httnv":
            cap = MemberLevel.HTTNV
            notes.append(Reason("option_cap", {"option": "leader_unit_not_top", "max_level": str(cap)}))
        else:
            notes.append(Reason("superior_decides", {"cause": "leader_unit_not_top"}))
    if rules.option("absences") == "cap_httnv_from_3" and grave.absences >= 3:
        cap = MemberLevel.HTTNV
        notes.append(Reason("option_cap", {"option": "absences", "max_level": str(cap), "absences": grave.absences}))
    return cap, notes


def _by_bands(sheet: Sheet, bands: tuple[ScoreBand, ...], score: Reason, notes: list[Reason], *,
              cap: MemberLevel | None, clean: bool | None) -> Proposal:
    reasons = [score]
    for band in bands:
        if sheet.total < band.min_score or (cap is not None and band.level.is_above(cap)):
            continue
        results = [(condition, _holds(condition, sheet, clean)) for condition in band.conditions]
        failed = [_condition_reason(c, sheet, "condition_failed") for c, ok in results if not ok]
        if failed:
            reasons += [Reason("level_conditions_failed", {"level": str(band.level), "score": sheet.total,
                                                           "min_score": band.min_score}), *failed]
            continue
        reasons += [_condition_reason(c, sheet, "condition_met") for c, _ in results]
        reasons.append(Reason("level_reached", {"level": str(band.level), "score": sheet.total,
                                                "min_score": band.min_score}))
        superior = any(note.code == "superior_decides" for note in notes)
        return Proposal(band.level, tuple(reasons + notes), superior)
    raise AssertionError("the lowest band starts at 0 and has no conditions")  # the loader guarantees it


def _holds(condition: Condition, sheet: Sheet, clean: bool | None) -> bool:
    if condition.measure == "remedied":
        return sheet.shortcomings_remedied is not False
    if condition.measure == "leadership_clean":
        return bool(clean)
    return condition.holds_share(sheet.count(condition.measure), sheet.tasks_total)


def _condition_reason(condition: Condition, sheet: Sheet, code: str) -> Reason:
    params: dict = {"key": condition.key, "measure": condition.measure}
    if condition.op is not None:
        params |= {"op": condition.op, "percent": condition.percent, "count": sheet.count(condition.measure),
                   "total": sheet.tasks_total}
    elif condition.measure == "remedied":
        params["value"] = sheet.shortcomings_remedied
    return Reason(code, params)


# --- the quota ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaCheck:
    """The quota over the branch's proposals: the figures, whether it is exceeded and who stands at the margin."""

    count: int  # proposed at the quota's level (HTXSNV)
    of_count: int  # proposed at the level it is counted on (HTTNV)
    percent: int
    seats: int
    margin: tuple[int, ...]  # the members beyond the seats (lowest scores first when scores are known)
    group: str  # "branch": counted in the branch; "superior": the competent level counts over its own group
    reason: Reason

    @property
    def exceeded(self) -> bool:
        return self.count > self.seats


def quota_check(levels: Mapping[int, MemberLevel], rules: RuleSet, *, outstanding: bool,
                scores: Mapping[int, int] | None = None, names: Mapping[int, str] | None = None) -> QuotaCheck | None:
    """A warning with the figures, never a cut (None when the rule set has no quota).

    With `scores`, the margin is the proposed HTXSNV members ranked below the seats by score (all those tied
    at the cut are named); without, every proposed HTXSNV member is at the margin once the quota is exceeded.
    """
    quota = rules.quota
    if quota is None:
        return None
    top = [member for member, level in levels.items() if level == quota.level]
    of_count = sum(1 for level in levels.values() if level == quota.of_level)
    rounding = rules.option("quota_rounding") or "floor"
    seats = quota.seats(of_count, members=len(levels), outstanding=outstanding, rounding=rounding)
    margin: list[int] = []
    if len(top) > seats:
        if scores is None or seats == 0:
            margin = top
        else:
            ranked = sorted(top, key=lambda member: -scores[member])
            cut = scores[ranked[seats]]
            margin = [member for member in ranked if scores[member] <= cut]
    group = rules.option("quota_group") or "branch"
    params = {"count": len(top), "of_count": of_count, "percent": quota.percent_for(outstanding), "seats": seats,
              "level": str(quota.level), "of_level": str(quota.of_level), "group": group, "rounding": rounding,
              "margin": tuple((names or {}).get(member, str(member)) for member in margin)}
    code = "quota_warning" if len(top) > seats else "quota_room"
    return QuotaCheck(len(top), of_count, params["percent"], seats, tuple(margin), group, Reason(code, params))

