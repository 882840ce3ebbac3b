"""Coded explanations: a `Reason` says why an outcome is what it is, a `Problem` why the input is refused.

Both are a code and params (the numbers that explain it); review_reasons.j2 renders them in Vietnamese. They
live apart from the engines so that the classification engine and the assessment can both use them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

ParamValue = int | str | bool | None | tuple[str, ...]


@dataclass(frozen=True)
class _Coded:
    code: str
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: {"code": …, "params": {…}} (tuples become lists)."""
        params = {key: list(value) if isinstance(value, tuple) else value for key, value in self.params.items()}
        return {"code": self.code, "params": params}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Self:
        params = data.get("params") or {}
        assert isinstance(params, Mapping)
        return cls(str(data["code"]), {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})


@dataclass(frozen=True, eq=True)
class Reason(_Coded):
    """Why an outcome is what it is, e.g. Reason("threshold_missed", {"approve": 8, "base": 12, …})."""

    __hash__ = _Coded.__hash__


@dataclass(frozen=True, eq=True)
class Problem(_Coded):
    """Why the input is refused, e.g. Problem("counts_exceed_present", {"total": 13, "present": 12})."""

    __hash__ = _Coded.__hash__


class ClassificationInputError(ValueError):
    """The counts or facts cannot be classified; nothing was decided. Problems are keyed by membership id
    (None for the branch's own facts or a sheet given alone)."""

    def __init__(self, problems: Mapping[int | None, list[Problem]]):
        codes = sorted({problem.code for found in problems.values() for problem in found})
        super().__init__(f"invalid input: {', '.join(codes)}")
        self.problems = dict(problems)
