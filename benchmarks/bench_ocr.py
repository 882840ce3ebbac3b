"""Seconds per page of OCR: a reference plan printed and photographed at phone quality (tests/pages.py),
read back through the same path as a photo sent to the bot (bot.services.plan_files.read_parts),
beside the time to render the photos and to extract the plan from the text directly.

usage: uv run python benchmarks/bench_ocr.py [PLAN.txt]   (default: ../shared/reference-plans/003_*.txt)
"""

import asyncio
import sys
import time
from pathlib import Path

from bot.domain.plans import extract_plan
from bot.services.plan_files import read_parts
from tests.pages import page_photos


def main(argv: list[str]) -> None:
    root = Path(__file__).resolve().parents[1].parent / "shared" / "reference-plans"
    path = Path(argv[0]) if argv else next(root.glob("003_*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    started = time.perf_counter()
    photos = page_photos(lines)
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    read = asyncio.run(read_parts(photos))
    ocr = time.perf_counter() - started
    started = time.perf_counter()
    extract_plan(lines)
    extracted = time.perf_counter() - started
    pages = len(photos)
    print(f"{path.name}: {pages} pages")
    print(f"OCR (Tesseract, vie, one thread a page): {ocr / pages:.2f} s/page, {ocr:.1f} s in all")
    print(f"baseline: rendering the photos {rendered / pages:.3f} s/page; extracting from the text {extracted:.3f} s")
    print(f"lines read {len(read.lines)}, of them marked low-confidence {len(read.uncertain)}")


if __name__ == "__main__":
    main(sys.argv[1:])
