"""Plan extraction speed on the reference plans, beside dateparser's `search_dates`.

    uv run python benchmarks/bench_plan_extract.py [FOLDER]

For each plan: the median of repeated extractions (header, structure, windows, owners) and the
median of `search_dates(text, languages=["vi"])` on the same text in the same run. dateparser
is roughly 10× slower per call, so it gets fewer runs. The two do not do the same work:
dateparser finds single date mentions (citations, the issue date and "thứ tư", the ordinal
"fourth", read as a Wednesday, included); the extractor finds tasks with windows. The ratio
says what reading plans costs compared with the generic tool.
"""

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dateparser.search import search_dates

from bot.domain.plans import extract_plan
from bot.domain.plans.readers import read_plan_file
from bot.domain.plans.structure import split_lines

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "reference-plans"
EXTRACT_RUNS = 50
DATEPARSER_RUNS = 5

T = TypeVar("T")


def median_seconds(run: Callable[[], T], times: int) -> tuple[float, T]:
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        result = run()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    plans = sorted(corpus.glob("*.txt"))
    if not plans:
        sys.exit(f"no plans (*.txt) in {corpus}")
    header = ("plan", "KB", "extract ms", "items", "dateparser ms", "dates", "ratio")
    rows = [header]
    for path in plans:
        text = "\n".join(read_plan_file(path))
        extract_s, plan = median_seconds(lambda text=text: extract_plan(split_lines(text)), EXTRACT_RUNS)
        parse_s, dates = median_seconds(lambda text=text: search_dates(text, languages=["vi"]), DATEPARSER_RUNS)
        rows.append(
            (
                path.name,
                f"{path.stat().st_size / 1024:.0f}",
                f"{extract_s * 1000:.1f}",
                str(len(plan.items)),
                f"{parse_s * 1000:.0f}",
                str(len(dates or [])),
                f"{parse_s / extract_s:.0f}×",
            )
        )
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    for row in rows:
        print(
            "  ".join(
                cell.rjust(width) if k else cell.ljust(width)
                for k, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
    print(f"medians of {EXTRACT_RUNS} extractions and {DATEPARSER_RUNS} dateparser runs per plan")


if __name__ == "__main__":
    main()
