"""The acceptance corpus: the real plans in ../shared/reference-plans (not copied into the project)."""

from pathlib import Path

import pytest

REFERENCE_PLANS = Path(__file__).resolve().parents[1].parent / "shared" / "reference-plans"


def reference_plan(prefix: str) -> Path:
    """The plan whose file name starts with `prefix`; skips with one line when the corpus is missing."""
    found = sorted(REFERENCE_PLANS.glob(f"{prefix}_*.txt")) if REFERENCE_PLANS.is_dir() else []
    if not found:
        pytest.skip(f"reference-plans corpus missing at {REFERENCE_PLANS}")
    return found[0]
