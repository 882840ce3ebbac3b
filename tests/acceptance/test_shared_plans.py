"""Acceptance tier: the wild plans (real plans of 2025–2026) and the reference plans (2012–2014), scored
with ../shared/wild-plans/score.py against their hand-made gold. Each corpus must keep recall 0.95 and
date precision 0.90 (issue 13): a wrong date is worse than a missing one."""

import importlib.util
import json
from pathlib import Path

import pytest

from bot.cli.plan import _plan_json
from bot.domain.plans import extract_plan
from bot.domain.plans.readers import read_plan_file

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SCORE = SHARED / "wild-plans" / "score.py"
if not SCORE.is_file():
    pytest.skip(f"wild-plans corpus missing at {SCORE.parent}", allow_module_level=True)

RECALL, DATE_PRECISION = 0.95, 0.90


def _scorer():
    spec = importlib.util.spec_from_file_location("wild_plans_score", SCORE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("folder", ["wild-plans", "reference-plans"])
def test_recall_and_date_precision_on_each_corpus(folder: str) -> None:
    score = _scorer().score
    total = {"gold": 0, "found": 0, "dated": 0, "dated_ok": 0}
    misses: list[str] = []
    for path in sorted((SHARED / folder).glob("[0-9][0-9][0-9]_*.txt")):
        gold = json.loads((path.parent / "gold" / f"{path.name[:3]}.json").read_text(encoding="utf-8"))
        items = json.loads(json.dumps(_plan_json(extract_plan(read_plan_file(path)))["items"], default=str))
        result = score(gold, items)
        for k in total:
            total[k] += result[k]
        misses += [f"{path.name[:3]} L{g.get('line')}: {g['snippet'][:60]}" for g in result["misses"]]
        misses += [f"{path.name[:3]} L{i['line']} wrong date: {i['text'][:60]}" for i in result["unmatched"]]
    recall, precision = total["found"] / total["gold"], total["dated_ok"] / total["dated"]
    print(f"{folder}: recall {recall:.3f}, date precision {precision:.3f}")
    assert recall >= RECALL and precision >= DATE_PRECISION, (folder, recall, precision, misses)
