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


def schedule_003() -> list[str]:
    """Plan 003's header and its schedule (§VI): two printed pages."""
    lines = reference_plan("003").read_text(encoding="utf-8").splitlines()
    return [line for line in lines[:16] + lines[295:326] if line.strip()]


# A district's plan for a quarter; its issue day, one due day and an extra line are filled in (a revision).
QUARTER_PLAN = """ĐẢNG ỦY PHƯỜNG 7
Số: 12-KH/ĐU
TP. Hồ Chí Minh, ngày {day} tháng 3 năm 2026
KẾ HOẠCH
Tổ chức sinh hoạt chi bộ quý II năm 2026
- Chi bộ họp xét kết nạp đảng viên mới trong tháng 4/2026.
- Chi bộ tổ chức học tập nghị quyết trước ngày {due}/05/2026.
{extra}"""
