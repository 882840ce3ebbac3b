"""Rule sets: the thresholds, quotas, exclusions and score bands of one document, as data.

Each rule set is a TOML file in templates/rules/, read with `tomllib` and validated on load: a malformed file
raises `RuleSetError` naming the file and the field. Fractions are written "2/3" and kept as `Fraction`;
percentages are whole numbers; a float anywhere a number is expected is refused, so no comparison in the
engine can be inexact. What the sources do not settle is listed under `unsettled` (a key and a Vietnamese
sentence); a rule set that leaves out vote thresholds, the quota or the exclusions must say so there.
"""

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.domain.review.data_files import KEY, DataFileError, load_file, load_keyed
from bot.domain.review.levels import BRANCH_LEVELS, MEMBER_LEVELS, BranchLevel, MemberLevel

RULES_DIR = Path(__file__).resolve().parents[3] / "templates" / "rules"
DEFAULT_RULE_SET = "kh146_2014"

VOTE_BASES = ("full_members", "present_voters")
# Facts of a MemberCase an exclusion may test: counts need `at_least`, flags do not.
COUNT_FACTS = ("absences", "sick_leave_months")
FLAG_FACTS = ("disciplined", "leads_unit_not_tsvm")
SMALL_BRANCH_MODES = ("cap", "allowance")
# What a rule set must declare unsettled when it leaves the matching rules out.
UNSETTLED_VOTES = "vote_thresholds"
UNSETTLED_QUOTA = "htxsnv_quota"
UNSETTLED_EXCLUSIONS = "exclusions"

_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class RuleSetError(DataFileError):
    """A rule-set file that cannot be used."""


@dataclass(frozen=True)
class Threshold:
    """A share of the vote base that must approve: "more than 2/3" is Threshold(Fraction(2, 3), strict=True)."""

    fraction: Fraction
    strict: bool

    def met(self, approve: int, base: int) -> bool:
        """Integer cross-multiplication: approve/base > p/q  <=>  approve*q > base*p (base > 0)."""
        left, right = approve * self.fraction.denominator, base * self.fraction.numerator
        return left > right if self.strict else left >= right

    @property
    def text(self) -> str:
        return f"{self.fraction.numerator}/{self.fraction.denominator}"


@dataclass(frozen=True)
class ScoreBand:
    level: MemberLevel
    min_score: int


@dataclass(frozen=True)
class Quota:
    """At most `percent` of the members rated `of_level` may be rated `level` (floor of the exact product)."""

    level: MemberLevel
    of_level: MemberLevel
    percent: int
    outstanding_percent: int | None
    small_branch_below: int | None
    small_branch_max: int | None
    small_branch_mode: str

    def seats(self, of_level_count: int, *, members: int, outstanding: bool) -> int:
        """How many may be rated `level`: floor(percent × count / 100), then the small-branch rule."""
        seats = self.percent_for(outstanding) * of_level_count // 100
        if self.is_small(members):
            assert self.small_branch_max is not None
            seats = min(seats, self.small_branch_max) if self.small_branch_mode == "cap" else self.small_branch_max
        return seats

    def is_small(self, members: int) -> bool:
        return self.small_branch_below is not None and members < self.small_branch_below

    def percent_for(self, outstanding: bool) -> int:
        return self.outstanding_percent if outstanding and self.outstanding_percent else self.percent


@dataclass(frozen=True)
class Exclusion:
    """When the member's `fact` is set (or at least `at_least`), the level is at most `max_level`."""

    key: str
    fact: str
    at_least: int | None
    max_level: MemberLevel
    text: str

    def applies(self, value: int | bool) -> bool:
        return bool(value) if self.at_least is None else int(value) >= self.at_least


@dataclass(frozen=True)
class BranchBand:
    level: BranchLevel
    min_score: int
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unsettled:
    key: str
    text: str


@dataclass(frozen=True)
class RuleSet:
    key: str
    name: str
    source: str
    issuer: str
    vote_base: str
    requires_review: bool
    thresholds: tuple[tuple[MemberLevel, Threshold], ...]
    member_bands: tuple[ScoreBand, ...]
    quota: Quota | None
    exclusions: tuple[Exclusion, ...]
    branch_bands: tuple[BranchBand, ...]
    branch_conditions: tuple[tuple[str, str], ...]
    branch_faults: tuple[tuple[str, str], ...]
    fault_level: BranchLevel
    exemplary_percent: int | None
    unsettled: tuple[Unsettled, ...]
    file: str

    def threshold(self, level: MemberLevel) -> Threshold | None:
        return dict(self.thresholds).get(level)

    def member_min_score(self, level: MemberLevel) -> int | None:
        return next((band.min_score for band in self.member_bands if band.level == level), None)

    @property
    def uses_scores(self) -> bool:
        return bool(self.member_bands)

    def note(self, key: str) -> str | None:
        return next((item.text for item in self.unsettled if item.key == key), None)

    def condition_text(self, key: str) -> str:
        return dict(self.branch_conditions)[key]

    def fault_text(self, key: str) -> str:
        return dict(self.branch_faults)[key]

    def exemplary_seats(self, tsvm_branches: int) -> int | None:
        """How many TSVM branches may be proposed as "tiêu biểu": floor(percent × count / 100)."""
        return None if self.exemplary_percent is None else self.exemplary_percent * tsvm_branches // 100


# --- loading ---------------------------------------------------------------------------------------------


def rule_sets() -> list[RuleSet]:
    """Every rule set in templates/rules/, by key."""
    return [load_rule_set(path.stem) for path in sorted(RULES_DIR.glob("*.toml"))]


@cache
def load_rule_set(key: str) -> RuleSet:
    return load_keyed(RULES_DIR, key, "rule set", RuleSetError, parse_rule_set)


def load_rule_set_file(path: Path) -> RuleSet:
    return load_file(path, RuleSetError, parse_rule_set)


def parse_rule_set(data: dict[str, Any], *, file: str) -> RuleSet:
    r = _Reader(file)
    r.only(data, "", {"key", "name", "source", "issuer", "vote_base", "requires_review", "unsettled", "member",
                      "branch"})
    unsettled = tuple(_unsettled(r, data.get("unsettled", [])))
    unsettled_keys = {item.key for item in unsettled}
    member = r.table(data, "member")
    r.only(member, "member", {"thresholds", "bands", "quota", "exclusions"})
    thresholds = _thresholds(r, member.get("thresholds"))
    bands = _member_bands(r, member.get("bands"))
    if not thresholds and not bands:
        r.fail("member", "needs vote thresholds, score bands or both")
    if len(thresholds) < len(MEMBER_LEVELS) and UNSETTLED_VOTES not in unsettled_keys:
        r.fail("member.thresholds", f"a level has no threshold; list {UNSETTLED_VOTES!r} under unsettled")
    quota = _quota(r, member.get("quota"))
    if quota is None and UNSETTLED_QUOTA not in unsettled_keys:
        r.fail("member.quota", f"missing; list {UNSETTLED_QUOTA!r} under unsettled if the source does not settle it")
    exclusions = tuple(_exclusions(r, member.get("exclusions", [])))
    if not exclusions and UNSETTLED_EXCLUSIONS not in unsettled_keys:
        r.fail("member.exclusions", f"missing; list {UNSETTLED_EXCLUSIONS!r} under unsettled")
    branch = r.table(data, "branch")
    r.only(branch, "branch", {"fault_level", "exemplary_percent", "bands", "conditions", "faults"})
    conditions = _labels(r, branch.get("conditions", {}), "branch.conditions")
    faults = _labels(r, branch.get("faults", {}), "branch.faults")
    exemplary = branch.get("exemplary_percent")
    return RuleSet(
        key=r.key(data, "key"),
        name=r.text(data, "name"),
        source=r.text(data, "source"),
        issuer=r.text(data, "issuer", required=False),
        vote_base=r.choice(data, "vote_base", VOTE_BASES),
        requires_review=r.boolean(data, "requires_review"),
        thresholds=thresholds,
        member_bands=bands,
        quota=quota,
        exclusions=exclusions,
        branch_bands=_branch_bands(r, branch.get("bands"), {key for key, _ in conditions}),
        branch_conditions=conditions,
        branch_faults=faults,
        fault_level=BranchLevel(r.choice(branch, "fault_level", tuple(BranchLevel), where="branch")),
        exemplary_percent=None if exemplary is None else r.percent(branch, "exemplary_percent", where="branch"),
        unsettled=unsettled,
        file=file,
    )


class _Reader:
    """Typed field access that names the file and the dotted field in every error."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, field: str, message: str) -> None:
        raise RuleSetError(self.file, field, message)

    @staticmethod
    def _name(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def only(self, table: dict[str, Any], where: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.fail(self._name(where, key), "unknown field")

    def get(self, table: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...], required: bool) -> Any:
        name = self._name(where, key)
        if key not in table:
            if required:
                self.fail(name, "missing")
            return None
        value = table[key]
        if isinstance(value, float):
            self.fail(name, f"{value!r} is a float; write a whole number or a fraction like \"2/3\"")
        # bool is an int in Python: a count or percentage must not be `true`.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
            self.fail(name, f"expected {_kind_name(kind)}, got {type(value).__name__} {value!r}")
        return value

    def table(self, table: dict[str, Any], key: str, where: str = "") -> dict[str, Any]:
        return self.get(table, key, where, dict, True)

    def text(self, table: dict[str, Any], key: str, where: str = "", required: bool = True) -> str:
        value = self.get(table, key, where, str, required)
        if value is None:
            return ""
        if not value.strip():
            self.fail(self._name(where, key), "empty")
        return value.strip()

    def key(self, table: dict[str, Any], key: str, where: str = "") -> str:
        value = self.text(table, key, where)
        if not KEY.match(value):
            self.fail(self._name(where, key), f"{value!r} is not a key (lower case letters, digits, _)")
        return value

    def boolean(self, table: dict[str, Any], key: str, where: str = "") -> bool:
        return self.get(table, key, where, bool, True)

    def integer(self, table: dict[str, Any], key: str, where: str = "", required: bool = True,
                minimum: int = 0) -> int | None:
        value = self.get(table, key, where, int, required)
        if value is not None and value < minimum:
            self.fail(self._name(where, key), f"{value} is below {minimum}")
        return value

    def percent(self, table: dict[str, Any], key: str, where: str = "") -> int:
        value = self.integer(table, key, where, minimum=1)
        assert value is not None
        if value > 100:
            self.fail(self._name(where, key), f"{value} is over 100")
        return value

    def choice(self, table: dict[str, Any], key: str, allowed: tuple[str, ...], where: str = "") -> str:
        value = self.text(table, key, where)
        if value not in allowed:
            self.fail(self._name(where, key), f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def fraction(self, table: dict[str, Any], key: str, where: str) -> Fraction:
        value = self.get(table, key, where, str, True)
        match = _FRACTION.match(value)
        name = self._name(where, key)
        if not match:
            self.fail(name, f"{value!r} is not a fraction like \"2/3\"")
        assert match is not None
        numerator, denominator = int(match[1]), int(match[2])
        if denominator == 0 or numerator >= denominator:
            self.fail(name, f"{value!r} must be at least 0 and below 1")
        return Fraction(numerator, denominator)

    def items(self, value: Any, where: str) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(where, "expected a list of tables")
        return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {dict: "a table", str: "text", bool: "true or false", int: "a whole number", list: "a list"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _level(r: _Reader, value: str, where: str) -> MemberLevel:
    if value not in tuple(MemberLevel):
        r.fail(where, f"{value!r} is not a member level ({', '.join(MemberLevel)})")
    return MemberLevel(value)


def _unsettled(r: _Reader, value: Any) -> list[Unsettled]:
    found: list[Unsettled] = []
    for index, item in enumerate(r.items(value, "unsettled")):
        where = f"unsettled[{index}]"
        r.only(item, where, {"key", "text"})
        found.append(Unsettled(r.key(item, "key", where), r.text(item, "text", where)))
    keys = [item.key for item in found]
    if len(set(keys)) != len(keys):
        r.fail("unsettled", "a key is listed twice")
    return found


def _thresholds(r: _Reader, table: Any) -> tuple[tuple[MemberLevel, Threshold], ...]:
    if table is None:
        return ()
    if not isinstance(table, dict):
        r.fail("member.thresholds", "expected a table")
    found = []
    for name, spec in table.items():
        where = f"member.thresholds.{name}"
        level = _level(r, name, where)
        if not isinstance(spec, dict):
            r.fail(where, "expected a table with fraction and strict")
        r.only(spec, where, {"fraction", "strict"})
        found.append((level, Threshold(r.fraction(spec, "fraction", where), r.boolean(spec, "strict", where))))
    return tuple(sorted(found, key=lambda pair: -pair[0].rank))


def _member_bands(r: _Reader, value: Any) -> tuple[ScoreBand, ...]:
    if value is None:
        return ()
    bands = []
    for index, item in enumerate(r.items(value, "member.bands")):
        where = f"member.bands[{index}]"
        r.only(item, where, {"level", "min_score"})
        level = _level(r, r.text(item, "level", where), f"{where}.level")
        bands.append(ScoreBand(level, r.integer(item, "min_score", where)))  # type: ignore[arg-type]
    if [band.level for band in bands] != list(MEMBER_LEVELS):
        r.fail("member.bands", f"expected one band per level, highest first: {', '.join(MEMBER_LEVELS)}")
    _check_descending(r, [band.min_score for band in bands], "member.bands")
    return tuple(bands)


def _check_descending(r: _Reader, scores: list[int], where: str) -> None:
    if any(high <= low for high, low in pairwise(scores)):
        r.fail(where, "min_score must fall from one level to the next")
    if scores[-1] != 0:
        r.fail(f"{where}[{len(scores) - 1}].min_score", "the lowest level starts at 0")
    if scores[0] > 100:
        r.fail(f"{where}[0].min_score", "scores are out of 100")


def _quota(r: _Reader, table: Any) -> Quota | None:
    if table is None:
        return None
    where = "member.quota"
    if not isinstance(table, dict):
        r.fail(where, "expected a table")
    r.only(table, where, {"level", "of_level", "percent", "outstanding_percent", "small_branch_below",
                          "small_branch_max", "small_branch_mode"})
    level = _level(r, r.text(table, "level", where), f"{where}.level")
    of_level = _level(r, r.text(table, "of_level", where), f"{where}.of_level")
    if not level.is_above(of_level):
        r.fail(f"{where}.of_level", "must be below the level the quota limits")
    percent = r.percent(table, "percent", where)
    outstanding = r.percent(table, "outstanding_percent", where) if "outstanding_percent" in table else None
    if outstanding is not None and outstanding < percent:
        r.fail(f"{where}.outstanding_percent", "is below percent")
    below = r.integer(table, "small_branch_below", where, required=False, minimum=1)
    most = r.integer(table, "small_branch_max", where, required=False, minimum=0)
    if (below is None) != (most is None):
        r.fail(f"{where}.small_branch_max", "small_branch_below and small_branch_max go together")
    mode = r.choice(table, "small_branch_mode", SMALL_BRANCH_MODES, where) if below is not None else "cap"
    return Quota(level, of_level, percent, outstanding, below, most, mode)


def _exclusions(r: _Reader, value: Any) -> list[Exclusion]:
    found = []
    for index, item in enumerate(r.items(value, "member.exclusions")):
        where = f"member.exclusions[{index}]"
        r.only(item, where, {"key", "fact", "at_least", "max_level", "text"})
        fact = r.choice(item, "fact", COUNT_FACTS + FLAG_FACTS, where)
        at_least = r.integer(item, "at_least", where, required=fact in COUNT_FACTS, minimum=1)
        if fact in FLAG_FACTS and at_least is not None:
            r.fail(f"{where}.at_least", f"{fact} is true or false; it takes no at_least")
        max_level = _level(r, r.text(item, "max_level", where), f"{where}.max_level")
        found.append(Exclusion(r.key(item, "key", where), fact, at_least, max_level, r.text(item, "text", where)))
    if len({item.key for item in found}) != len(found):
        r.fail("member.exclusions", "a key is listed twice")
    return found


def _labels(r: _Reader, table: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(table, dict):
        r.fail(where, "expected a table of key = \"text\"")
    found = []
    for key in table:
        if not KEY.match(key):
            r.fail(f"{where}.{key}", "is not a key (lower case letters, digits, _)")
        found.append((key, r.text(table, key, where)))
    return tuple(found)


def _branch_bands(r: _Reader, value: Any, conditions: set[str]) -> tuple[BranchBand, ...]:
    if value is None:
        r.fail("branch.bands", "missing")
    bands = []
    for index, item in enumerate(r.items(value, "branch.bands")):
        where = f"branch.bands[{index}]"
        r.only(item, where, {"level", "min_score", "conditions"})
        name = r.text(item, "level", where)
        if name not in tuple(BranchLevel):
            r.fail(f"{where}.level", f"{name!r} is not a branch level ({', '.join(BranchLevel)})")
        needs = item.get("conditions", [])
        if not isinstance(needs, list) or not all(isinstance(key, str) for key in needs):
            r.fail(f"{where}.conditions", "expected a list of condition keys")
        for key in needs:
            if key not in conditions:
                r.fail(f"{where}.conditions", f"{key!r} is not in branch.conditions")
        bands.append(BranchBand(BranchLevel(name), r.integer(item, "min_score", where), tuple(needs)))  # type: ignore[arg-type]
    if [band.level for band in bands] != list(BRANCH_LEVELS):
        r.fail("branch.bands", f"expected one band per level, highest first: {', '.join(BranchLevel)}")
    _check_descending(r, [band.min_score for band in bands], "branch.bands")
    return tuple(bands)
