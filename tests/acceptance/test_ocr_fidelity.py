"""OCR fidelity: the reference and wild plans printed, photographed at phone quality (tests/pages.py: 150 dpi,
a slight tilt, noise, JPEG) and read back with Tesseract must keep at least 0.9 of the recall their text
gives (recall as ../shared/wild-plans/score.py counts it, against the same gold).

Tesseract takes a second or two a page, so the default run reads two short plans (9 pages);
CHIBO_OCR_ALL=1 reads every plan of both corpora (about 100 pages).
"""

import asyncio
import importlib.util
import json
import os
from pathlib import Path

import pytest

from bot.cli.plan import _plan_json
from bot.domain.plans import extract_plan
from bot.services.plan_files import read_parts
from tests.pages import page_photos

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SCORE = SHARED / "wild-plans" / "score.py"
if not SCORE.is_file():
    pytest.skip(f"wild-plans corpus missing at {SCORE.parent}", allow_module_level=True)

REQUIRED = 0.9
DEFAULT = ("wild-plans/004", "wild-plans/007")


def _scorer():
    spec = importlib.util.spec_from_file_location("wild_plans_score", SCORE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plans() -> list[str]:
    if not os.environ.get("CHIBO_OCR_ALL"):
        return list(DEFAULT)
    return [f"{folder}/{path.name[:3]}" for folder in ("reference-plans", "wild-plans")
            for path in sorted((SHARED / folder).glob("[0-9][0-9][0-9]_*.txt"))]


def recall(lines: list[str], gold: list[dict]) -> float:
    found = _scorer().score(gold, _plan_json(extract_plan(lines))["items"])
    return found["found"] / found["gold"]


@pytest.mark.parametrize("plan", _plans())
def test_ocr_of_phone_photos_keeps_nine_tenths_of_the_text_recall(plan: str) -> None:
    folder, prefix = plan.split("/")
    path = next((SHARED / folder).glob(f"{prefix}_*.txt"))
    gold = json.loads((SHARED / folder / "gold" / f"{prefix}.json").read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    read = asyncio.run(read_parts(page_photos(lines, seed=int(prefix))))
    text_recall, ocr_recall = recall(lines, gold), recall(read.lines, gold)
    print(f"{plan}: text recall {text_recall:.3f}, OCR recall {ocr_recall:.3f} over {read.ocr_pages} pages")
    assert ocr_recall >= REQUIRED * text_recall, (plan, text_recall, ocr_recall)
