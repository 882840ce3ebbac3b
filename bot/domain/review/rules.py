"""Rule sets: the thresholds, quotas, conditions, grave cases and score bands of one document, as data.

Each rule set is a TOML file in templates/rules/, read with `tomllib` and validated on load: a malformed file
raises `RuleSetError` naming the file and the field. Fractions are written "2/3" and kept as `Fraction`;
percentages are whole numbers; a float anywhere a number is expected is refused, so no comparison in the
engine can be inexact.

Every rule names the sentence it comes from: a `source = { document, article, quote }` table on the rule
(scalar rules such as `requires_review` have theirs under `[sources]`); a rule without one is refused.
What the sources leave open is either listed under `unsettled` (a key and a Vietnamese sentence, shown to
the secretary) or, where the engine can act on a choice, an OPTION: `[options.<key>]` with its choices, its
default and the sentence the open point comes from; `RuleSet.with_options` gives the variant with other
values. A province's tighter rule is a variant file: `extends = "<base key>"` plus the tables it overrides
(merged into the base's tables; lists are replaced whole), validated as one rule set.
"""

import re
import tomllib
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.domain.review.data_files import KEY, DataFileError, load_file, load_keyed
from bot.domain.review.levels import BRANCH_LEVEL_SEQUENCES, MEMBER_LEVELS, BranchLevel, MemberLevel

RULES_DIR = Path(__file__).resolve().parents[3] / "templates" / "rules"
DEFAULT_RULE_SET = "kh146_2014"  # kept for old callers; new reviews take default_rule_set(year)
FIRST_QD366_YEAR = 2025


def default_rule_set(year: int) -> str:
    """The rule set in force for a review year: Quy định 366-QĐ/TW from 2025, the 2014 plan before."""
    return "qd366_2025" if year >= FIRST_QD366_YEAR else "kh146_2014"


VOTE_BASES = ("full_members", "present_voters")
# Facts of a MemberCase an exclusion may test: counts need `at_least`, flags do not.
COUNT_FACTS = ("absences", "sick_leave_months")
FLAG_FACTS = ("disciplined", "leads_unit_not_tsvm")
SMALL_BRANCH_MODES = ("cap", "allowance")
QUOTA_ENFORCEMENT = ("cut", "warning")
# What a condition measures on a Sheet: shares of the tasks assigned (count / tasks_total), or a flag.
SHARE_MEASURES = ("done", "on_time", "exceeded", "late", "not_done")
FLAG_MEASURES = ("remedied", "leadership_clean")
SHARE_OPS = ("at_least", "at_most", "more_than")
# Discipline from the mildest up (Điều lệ Đảng: khiển trách, cảnh cáo, cách chức, khai trừ).
DISCIPLINES = ("khien_trach", "canh_cao", "cach_chuc", "khai_tru")
GRAVE_FACTS = ("discipline", "degradation")
# The options the engine acts on, and what each value may be (the choices themselves are data).
OPTION_KEYS = ("quota_group", "quota_rounding", "leader_unit_not_top", "absences", "vote_threshold")
ROUNDINGS = ("floor", "ceil")
# Scalar rules whose source is given under [sources].
SCALAR_RULES = ("vote_base", "requires_review", "branch_last", "superior_decides", "votes")
# What a rule set must declare unsettled when it leaves the matching rules out.
UNSETTLED_VOTES = "vote_thresholds"
UNSETTLED_QUOTA = "htxsnv_quota"
UNSETTLED_EXCLUSIONS = "exclusions"

_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_VOTE_OPTION = re.compile(r"^(more_than|at_least):(\d+/\d+)$")


class RuleSetError(DataFileError):
    """A rule-set file that cannot be used."""


@dataclass(frozen=True)
class Source:
    """The sentence a rule comes from: the document, where in it, and the words."""

    document: str
    article: str
    quote: str


@dataclass(frozen=True)
class Threshold:
    """A share of the vote base that must approve: "more than 2/3" is Threshold(Fraction(2, 3), strict=True)."""

    fraction: Fraction
    strict: bool
    source: Source | None = None

    def met(self, approve: int, base: int) -> bool:
        """Integer cross-multiplication: approve/base > p/q  <=>  approve*q > base*p (base > 0)."""
        left, right = approve * self.fraction.denominator, base * self.fraction.numerator
        return left > right if self.strict else left >= right

    @property
    def text(self) -> str:
        return f"{self.fraction.numerator}/{self.fraction.denominator}"


@dataclass(frozen=True)
class Condition:
    """One condition of a level. `measure` is a share of the tasks (with `op` and `percent`), a flag, or ""
    for a condition the caller judges (the 2014 branch conditions, given by key)."""

    key: str
    measure: str
    op: str | None
    percent: int | None
    text: str
    source: Source

    def holds_share(self, count: int, total: int) -> bool:
        """count/total against percent/100 by cross-multiplication; 0 of 0 counts as 100%."""
        assert self.op is not None and self.percent is not None
        left, right = count * 100, self.percent * total
        if total == 0:
            left = right = 0
        return {"at_least": left >= right, "at_most": left <= right, "more_than": left > right}[self.op]


@dataclass(frozen=True)
class ScoreBand:
    level: MemberLevel
    min_score: int
    conditions: tuple[Condition, ...] = ()
    source: Source | None = None


@dataclass(frozen=True)
class GraveRule:
    """A case that makes the level KHTNV whatever the score: a fact of the Grave, or a share of the tasks
    `more_than` a percentage. `self_admitted`: the "tự giác nhận lỗi" exception may apply (the superior's call)."""

    key: str
    fact: str
    more_than: int | None
    self_admitted: bool
    source: Source


@dataclass(frozen=True)
class Statement:
    """A rule that sets no level but says how a case is read (e.g. sick leave: classify on the actual work)."""

    key: str
    fact: str
    at_least: int
    source: Source


@dataclass(frozen=True)
class Option:
    """An open point of the sources the engine can act on: its choices, default, value in use and source."""

    key: str
    choices: tuple[str, ...]
    default: str
    value: str
    source: Source


@dataclass(frozen=True)
class Quota:
    """At most `percent` of the members rated `of_level` may be rated `level` (floor of the exact product).

    `enforce`: "cut" (the 2014 plan: those beyond the seats are voted again) or "warning" (QĐ 366: the
    competent level decides; the branch is warned with the figures, nobody is cut)."""

    level: MemberLevel
    of_level: MemberLevel
    percent: int
    outstanding_percent: int | None
    small_branch_below: int | None
    small_branch_max: int | None
    small_branch_mode: str
    enforce: str = "cut"
    source: Source | None = None

    def seats(self, of_level_count: int, *, members: int, outstanding: bool, rounding: str = "floor") -> int:
        """How many may be rated `level`: percent × count / 100 (floor, or ceil), then the small-branch rule.

        "cap": at most `small_branch_max` and at most the percentage; "allowance": a small branch may elect
        up to `small_branch_max` even when the percentage rounds down to fewer (and no more than that)."""
        product = self.percent_for(outstanding) * of_level_count
        seats = product // 100 if rounding == "floor" else -(-product // 100)
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
    source: Source | None = None

    def applies(self, value: int | bool) -> bool:
        return bool(value) if self.at_least is None else int(value) >= self.at_least


@dataclass(frozen=True)
class BranchBand:
    level: BranchLevel
    min_score: int
    conditions: tuple[Condition, ...] = ()
    source: Source | None = None

    @property
    def condition_keys(self) -> tuple[str, ...]:
        return tuple(condition.key for condition in self.conditions)


@dataclass(frozen=True)
class Unsettled:
    key: str
    text: str


@dataclass(frozen=True)
class Labelled:
    """A listed item with its text and source (a 2014 branch condition or fault)."""

    key: str
    text: str
    source: Source


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
    grave: tuple[GraveRule, ...] = ()
    self_admitted: Source | None = None  # the "tự giác nhận lỗi" exception, when the set has one
    statements: tuple[Statement, ...] = ()
    options: tuple[Option, ...] = ()
    branch_last: bool = False  # members (and committee) classified before the branch (QĐ 366 Điều 12 §2(3))
    superior_decides: bool = False  # the branch's outcomes are proposals the superior decides (QĐ 366 Điều 12 §1)
    sources: tuple[tuple[str, Source], ...] = ()  # the scalar rules' sources, by field
    extends: str | None = None
    labelled: tuple[Labelled, ...] = ()  # the 2014 branch conditions and faults with their sources
    exemplary_source: Source | None = None

    def threshold(self, level: MemberLevel) -> Threshold | None:
        return dict(self.thresholds).get(level)

    def member_min_score(self, level: MemberLevel) -> int | None:
        return next((band.min_score for band in self.member_bands if band.level == level), None)

    def member_band(self, level: MemberLevel) -> ScoreBand | None:
        return next((band for band in self.member_bands if band.level == level), None)

    @property
    def uses_scores(self) -> bool:
        return bool(self.member_bands)

    @property
    def uses_sheets(self) -> bool:
        """Levels come from an assessment sheet (bands with conditions, grave cases), not from the vote."""
        return self.uses_scores and not self.thresholds

    def note(self, key: str) -> str | None:
        return next((item.text for item in self.unsettled if item.key == key), None)

    def condition_text(self, key: str) -> str:
        return dict(self.branch_conditions)[key]

    def fault_text(self, key: str) -> str:
        return dict(self.branch_faults)[key]

    def exemplary_seats(self, tsvm_branches: int) -> int | None:
        """How many TSVM branches may be proposed as "tiêu biểu": floor(percent × count / 100)."""
        return None if self.exemplary_percent is None else self.exemplary_percent * tsvm_branches // 100

    def source_of(self, rule: str) -> Source | None:
        return dict(self.sources).get(rule)

    def option(self, key: str) -> str | None:
        """The value in use of an option, None when the rule set has no such option."""
        return next((option.value for option in self.options if option.key == key), None)

    @property
    def vote_opinion_threshold(self) -> Threshold | None:
        """The threshold a variant names for the branch's vote (reported as its opinion), if any."""
        value = self.option("vote_threshold")
        return None if value in (None, "none") else _vote_threshold(value)

    def with_options(self, values: dict[str, str]) -> "RuleSet":
        """The same rule set with other option values; an unknown option or value raises RuleSetError."""
        known = {option.key: option for option in self.options}
        for key, value in values.items():
            if key not in known:
                raise RuleSetError(self.file, f"options.{key}", f"{self.key} has no such option")
            if value not in known[key].choices:
                raise RuleSetError(self.file, f"options.{key}",
                                   f"{value!r} is not one of {', '.join(known[key].choices)}")
        return replace(self, options=tuple(replace(option, value=values.get(option.key, option.value))
                                           for option in self.options))


def _vote_threshold(value: str) -> Threshold:
    match = _VOTE_OPTION.match(value)
    assert match is not None, value  # checked on load
    numerator, denominator = (int(part) for part in match[2].split("/"))
    return Threshold(Fraction(numerator, denominator), strict=match[1] == "more_than")


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
    extends = data.get("extends")
    if extends is not None:
        data = _extended(data, file, seen=())
    r = _Reader(file)
    r.only(data, "", {"key", "name", "source", "issuer", "vote_base", "requires_review", "unsettled", "member",
                      "branch", "branch_last", "superior_decides", "sources", "options", "extends"})
    unsettled = tuple(_unsettled(r, data.get("unsettled", [])))
    unsettled_keys = {item.key for item in unsettled}
    member = r.table(data, "member")
    r.only(member, "member", {"thresholds", "bands", "quota", "exclusions", "grave", "self_admitted", "statements"})
    thresholds = _thresholds(r, member.get("thresholds"))
    bands = _member_bands(r, member.get("bands"))
    if not thresholds and not bands:
        r.fail("member", "needs vote thresholds, score bands or both")
    if thresholds and len(thresholds) < len(MEMBER_LEVELS) and UNSETTLED_VOTES not in unsettled_keys:
        r.fail("member.thresholds", f"a level has no threshold; list {UNSETTLED_VOTES!r} under unsettled")
    quota = _quota(r, member.get("quota"))
    if quota is None and UNSETTLED_QUOTA not in unsettled_keys:
        r.fail("member.quota", f"missing; list {UNSETTLED_QUOTA!r} under unsettled if the source does not settle it")
    exclusions = tuple(_exclusions(r, member.get("exclusions", [])))
    grave = tuple(_grave(r, member.get("grave", [])))
    if not exclusions and not grave and UNSETTLED_EXCLUSIONS not in unsettled_keys:
        r.fail("member.exclusions", f"missing; list grave cases or {UNSETTLED_EXCLUSIONS!r} under unsettled")
    self_admitted = None
    if "self_admitted" in member:
        table = r.table(member, "self_admitted", "member")
        r.only(table, "member.self_admitted", {"source"})
        self_admitted = r.source(table, "member.self_admitted")
    if any(rule.self_admitted for rule in grave) and self_admitted is None:
        r.fail("member.self_admitted", "a grave case allows the exception; give the exception's source")
    sources = _sources(r, data.get("sources"))
    branch_last = r.boolean(data, "branch_last") if "branch_last" in data else False
    superior_decides = r.boolean(data, "superior_decides")
    needed = {"vote_base", "requires_review", "superior_decides"}
    needed |= {"branch_last"} if "branch_last" in data else set()
    needed |= {"votes"} if bands and not thresholds else set()
    for rule in sorted(needed - {key for key, _ in sources}):
        r.fail(f"sources.{rule}", "missing: every rule names the sentence it comes from")
    branch = r.table(data, "branch")
    r.only(branch, "branch", {"fault_level", "exemplary", "bands", "conditions", "faults"})
    conditions = _labelled(r, branch.get("conditions", {}), "branch.conditions")
    faults = _labelled(r, branch.get("faults", {}), "branch.faults")
    exemplary, exemplary_source = None, None
    if "exemplary" in branch:
        table = r.table(branch, "exemplary", "branch")
        r.only(table, "branch.exemplary", {"percent", "source"})
        exemplary = r.percent(table, "percent", "branch.exemplary")
        exemplary_source = r.source(table, "branch.exemplary")
    branch_bands = _branch_bands(r, branch.get("bands"), {item.key: item for item in conditions})
    fault_level = BranchLevel(r.choice(branch, "fault_level", tuple(BranchLevel), where="branch"))
    sequence = [band.level for band in branch_bands]
    if fault_level not in sequence:
        r.fail("branch.fault_level", f"{fault_level} is not one of this set's branch levels")
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
        branch_bands=branch_bands,
        branch_conditions=tuple((item.key, item.text) for item in conditions),
        branch_faults=tuple((item.key, item.text) for item in faults),
        fault_level=fault_level,
        exemplary_percent=exemplary,
        unsettled=unsettled,
        file=file,
        grave=grave,
        self_admitted=self_admitted,
        statements=tuple(_statements(r, member.get("statements", []))),
        options=tuple(_options(r, data.get("options", {}))),
        branch_last=branch_last,
        superior_decides=superior_decides,
        sources=sources,
        extends=extends,
        labelled=(*conditions, *faults),
        exemplary_source=exemplary_source,
    )


def _extended(data: dict[str, Any], file: str, seen: tuple[str, ...]) -> dict[str, Any]:
    """A variant's data merged onto its base's (tables merge key by key, anything else is replaced)."""
    base_key = data["extends"]
    if not isinstance(base_key, str) or not KEY.match(base_key):
        raise RuleSetError(file, "extends", f"{base_key!r} is not a rule set key")
    if base_key in seen or base_key == data.get("key"):
        raise RuleSetError(file, "extends", f"{base_key!r} extends itself")
    path = RULES_DIR / f"{base_key}.toml"
    if not path.is_file():
        raise RuleSetError(file, "extends", f"no rule set {base_key!r} in templates/rules/")
    base = tomllib.loads(path.read_text(encoding="utf-8"))
    if "extends" in base:
        base = _extended(base, path.name, (*seen, base_key))
    merged = _merge(base, data)
    merged["extends"] = base_key
    return merged


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, except a `source`: a rule's sentence is replaced whole, never mixed."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key != "source":
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


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

    def source(self, table: dict[str, Any], where: str) -> Source:
        """The rule's `source = { document, article, quote }`: every rule names its sentence."""
        name = self._name(where, "source")
        if "source" not in table:
            self.fail(name, "missing: every rule names the sentence it comes from")
        return self.source_value(table["source"], name)

    def source_value(self, value: Any, name: str) -> Source:
        if not isinstance(value, dict):
            self.fail(name, "expected a table with document, article and quote")
        self.only(value, name, {"document", "article", "quote"})
        return Source(self.text(value, "document", name), self.text(value, "article", name),
                      self.text(value, "quote", name))

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
            r.fail(where, "expected a table with fraction, strict and source")
        r.only(spec, where, {"fraction", "strict", "source"})
        found.append((level, Threshold(r.fraction(spec, "fraction", where), r.boolean(spec, "strict", where),
                                       r.source(spec, where))))
    return tuple(sorted(found, key=lambda pair: -pair[0].rank))


def _condition(r: _Reader, item: Any, where: str) -> Condition:
    if not isinstance(item, dict):
        r.fail(where, "expected a table")
    r.only(item, where, {"key", "measure", "text", "source", *SHARE_OPS})
    measure = r.choice(item, "measure", SHARE_MEASURES + FLAG_MEASURES, where)
    ops = [op for op in SHARE_OPS if op in item]
    if measure in SHARE_MEASURES and len(ops) != 1:
        r.fail(f"{where}.measure", f"a share needs exactly one of {', '.join(SHARE_OPS)}")
    if measure in FLAG_MEASURES and ops:
        r.fail(f"{where}.{ops[0]}", f"{measure} is true or false; it takes no percentage")
    op = ops[0] if ops else None
    percent = None
    if op is not None:
        percent = r.integer(item, op, where)
        assert percent is not None
        if percent > 100:
            r.fail(f"{where}.{op}", f"{percent} is over 100")
    return Condition(r.key(item, "key", where), measure, op, percent, r.text(item, "text", where),
                     r.source(item, where))


def _conditions(r: _Reader, value: Any, where: str) -> tuple[Condition, ...]:
    found = tuple(_condition(r, item, f"{where}[{index}]") for index, item in enumerate(r.items(value, where)))
    if len({condition.key for condition in found}) != len(found):
        r.fail(where, "a key is listed twice")
    return found


def _member_bands(r: _Reader, value: Any) -> tuple[ScoreBand, ...]:
    if value is None:
        return ()
    bands = []
    for index, item in enumerate(r.items(value, "member.bands")):
        where = f"member.bands[{index}]"
        r.only(item, where, {"level", "min_score", "conditions", "source"})
        level = _level(r, r.text(item, "level", where), f"{where}.level")
        conditions = _conditions(r, item.get("conditions", []), f"{where}.conditions")
        bands.append(ScoreBand(level, r.integer(item, "min_score", where), conditions,  # type: ignore[arg-type]
                               r.source(item, where)))
    if [band.level for band in bands] != list(MEMBER_LEVELS):
        r.fail("member.bands", f"expected one band per level, highest first: {', '.join(MEMBER_LEVELS)}")
    if bands[-1].conditions:
        r.fail(f"member.bands[{len(bands) - 1}].conditions", "the lowest level takes no conditions")
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
                          "small_branch_max", "small_branch_mode", "enforce", "source"})
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
    enforce = r.choice(table, "enforce", QUOTA_ENFORCEMENT, where)
    return Quota(level, of_level, percent, outstanding, below, most, mode, enforce, r.source(table, where))


def _exclusions(r: _Reader, value: Any) -> list[Exclusion]:
    found = []
    for index, item in enumerate(r.items(value, "member.exclusions")):
        where = f"member.exclusions[{index}]"
        r.only(item, where, {"key", "fact", "at_least", "max_level", "text", "source"})
        fact = r.choice(item, "fact", COUNT_FACTS + FLAG_FACTS, where)
        at_least = r.integer(item, "at_least", where, required=fact in COUNT_FACTS, minimum=1)
        if fact in FLAG_FACTS and at_least is not None:
            r.fail(f"{where}.at_least", f"{fact} is true or false; it takes no at_least")
        max_level = _level(r, r.text(item, "max_level", where), f"{where}.max_level")
        found.append(Exclusion(r.key(item, "key", where), fact, at_least, max_level, r.text(item, "text", where),
                               r.source(item, where)))
    if len({item.key for item in found}) != len(found):
        r.fail("member.exclusions", "a key is listed twice")
    return found


def _grave(r: _Reader, value: Any) -> list[GraveRule]:
    found = []
    for index, item in enumerate(r.items(value, "member.grave")):
        where = f"member.grave[{index}]"
        r.only(item, where, {"key", "fact", "more_than", "self_admitted", "source"})
        fact = r.choice(item, "fact", GRAVE_FACTS + SHARE_MEASURES, where)
        more_than = r.integer(item, "more_than", where, required=fact in SHARE_MEASURES)
        if fact in GRAVE_FACTS and more_than is not None:
            r.fail(f"{where}.more_than", f"{fact} is a fact; it takes no percentage")
        if more_than is not None and more_than > 100:
            r.fail(f"{where}.more_than", f"{more_than} is over 100")
        admitted = r.boolean(item, "self_admitted", where) if "self_admitted" in item else False
        found.append(GraveRule(r.key(item, "key", where), fact, more_than, admitted, r.source(item, where)))
    if len({item.key for item in found}) != len(found):
        r.fail("member.grave", "a key is listed twice")
    return found


def _statements(r: _Reader, value: Any) -> list[Statement]:
    found = []
    for index, item in enumerate(r.items(value, "member.statements")):
        where = f"member.statements[{index}]"
        r.only(item, where, {"key", "fact", "at_least", "source"})
        fact = r.choice(item, "fact", COUNT_FACTS, where)
        at_least = r.integer(item, "at_least", where, minimum=1)
        found.append(Statement(r.key(item, "key", where), fact, at_least, r.source(item, where)))  # type: ignore[arg-type]
    return found


def _options(r: _Reader, table: Any) -> list[Option]:
    if not isinstance(table, dict):
        r.fail("options", "expected a table of options")
    found = []
    for key, spec in table.items():
        where = f"options.{key}"
        if key not in OPTION_KEYS:
            r.fail(where, f"not an option the engine knows ({', '.join(OPTION_KEYS)})")
        if not isinstance(spec, dict):
            r.fail(where, "expected a table with choices, default and source")
        r.only(spec, where, {"choices", "default", "source"})
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
            r.fail(f"{where}.choices", "expected a list of text values")
        if len(set(choices)) != len(choices):
            r.fail(f"{where}.choices", "a choice is listed twice")
        for choice in choices:
            if not _option_value_ok(key, choice):
                r.fail(f"{where}.choices", f"{choice!r} is not a value of {key}")
        default = r.text(spec, "default", where)
        if default not in choices:
            r.fail(f"{where}.default", f"{default!r} is not one of {', '.join(choices)}")
        found.append(Option(key, tuple(choices), default, default, r.source(spec, where)))
    return found


def _option_value_ok(key: str, value: str) -> bool:
    if key == "vote_threshold":
        if value == "none":
            return True
        match = _VOTE_OPTION.match(value)
        if not match:
            return False
        numerator, denominator = (int(part) for part in match[2].split("/"))
        return 0 < numerator < denominator
    return value in {
        "quota_group": ("branch", "superior"), "quota_rounding": ROUNDINGS,
        "leader_unit_not_top": ("superior_decides", "cap_httnv"), "absences": ("none", "cap_httnv_from_3"),
    }[key]


def _sources(r: _Reader, table: Any) -> tuple[tuple[str, Source], ...]:
    if table is None:
        return ()
    if not isinstance(table, dict):
        r.fail("sources", "expected a table of rule = { document, article, quote }")
    found = []
    for rule in table:
        if rule not in SCALAR_RULES:
            r.fail(f"sources.{rule}", f"not a rule given a source here ({', '.join(SCALAR_RULES)})")
        found.append((rule, r.source_value(table[rule], f"sources.{rule}")))
    return tuple(found)


def _labelled(r: _Reader, table: Any, where: str) -> tuple[Labelled, ...]:
    if not isinstance(table, dict):
        r.fail(where, "expected a table of key = { text, source }")
    found = []
    for key, spec in table.items():
        at = f"{where}.{key}"
        if not KEY.match(key):
            r.fail(at, "is not a key (lower case letters, digits, _)")
        if not isinstance(spec, dict):
            r.fail(at, "expected a table with text and source")
        r.only(spec, at, {"text", "source"})
        found.append(Labelled(key, r.text(spec, "text", at), r.source(spec, at)))
    return tuple(found)


def _branch_bands(r: _Reader, value: Any, listed: dict[str, Labelled]) -> tuple[BranchBand, ...]:
    """Bands with conditions either named by key (from branch.conditions, judged by the caller) or written
    out as measured conditions on the branch's own sheet."""
    if value is None:
        r.fail("branch.bands", "missing")
    bands = []
    for index, item in enumerate(r.items(value, "branch.bands")):
        where = f"branch.bands[{index}]"
        r.only(item, where, {"level", "min_score", "conditions", "source"})
        name = r.text(item, "level", where)
        if name not in tuple(BranchLevel):
            r.fail(f"{where}.level", f"{name!r} is not a branch level ({', '.join(BranchLevel)})")
        needs = item.get("conditions", [])
        if not isinstance(needs, list):
            r.fail(f"{where}.conditions", "expected a list of condition keys or of condition tables")
        if all(isinstance(key, str) for key in needs):
            for key in needs:
                if key not in listed:
                    r.fail(f"{where}.conditions", f"{key!r} is not in branch.conditions")
            conditions = tuple(Condition(key, "", None, None, listed[key].text, listed[key].source) for key in needs)
        else:
            conditions = _conditions(r, needs, f"{where}.conditions")
        bands.append(BranchBand(BranchLevel(name), r.integer(item, "min_score", where), conditions,  # type: ignore[arg-type]
                                r.source(item, where)))
    levels = tuple(band.level for band in bands)
    if levels not in BRANCH_LEVEL_SEQUENCES:
        allowed = " or ".join(", ".join(sequence) for sequence in BRANCH_LEVEL_SEQUENCES)
        r.fail("branch.bands", f"expected one band per level, highest first: {allowed}")
    _check_descending(r, [band.min_score for band in bands], "branch.bands")
    return tuple(bands)
