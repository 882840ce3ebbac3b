"""Plan extraction speed on the reference plans, beside dateparser's `search_dates`.

    uv run python benchmarks/bench_plan_extract.py [FOLDER] [--against REV]

For each plan: the least CPU time of repeated extractions (header, structure, windows, owners) and
of `search_dates(text, languages=["vi"])` on the same text in the same run. The least CPU time is
what the work costs when other processes share the machine (their load shows in wall time and in
medians, hardly in a run's best CPU time). dateparser is roughly 10× slower per call, so it gets
fewer runs. The two do not do the same work: dateparser finds single date mentions (citations, the
issue date and "thứ tư", the ordinal "fourth", read as a Wednesday, included); the extractor finds
tasks with windows. The ratio says what reading plans costs compared with the generic tool.

`--against REV` also times the reader of a git revision (its `bot/` unpacked in a temporary folder,
run in a child process) in the same run, rounds of the two taking turns: "was" and "now/was".
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dateparser.search import search_dates

from bot.domain.plans import extract_plan
from bot.domain.plans.readers import read_plan_file
from bot.domain.plans.structure import split_lines

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "reference-plans"
EXTRACT_RUNS = 20
DATEPARSER_RUNS = 5
ROUNDS = 3  # with --against: rounds of this reader and the other, taking turns

T = TypeVar("T")

# Run by the child process in the unpacked revision: the least CPU time of each plan's extractions.
_CHILD = """
import json, sys, time
from bot.domain.plans import extract_plan
from bot.domain.plans.structure import split_lines
texts, runs = json.loads(sys.stdin.read()), int(sys.argv[1])
best = {}
for name, text in texts.items():
    for _ in range(runs):
        started = time.process_time()
        extract_plan(split_lines(text))
        best[name] = min(best.get(name, 1e9), time.process_time() - started)
print(json.dumps(best))
"""


def least_cpu_seconds(run: Callable[[], T], times: int) -> tuple[float, T]:
    best, result = float("inf"), None
    for _ in range(times):
        started = time.process_time()
        result = run()
        best = min(best, time.process_time() - started)
    return best, result  # type: ignore[return-value]


def _other_reader(texts: dict[str, str], folder: Path) -> dict[str, float]:
    return json.loads(
        subprocess.run(
            [sys.executable, "-c", _CHILD, str(EXTRACT_RUNS)],
            input=json.dumps(texts), capture_output=True, text=True, check=True, cwd=folder,
            env=dict(os.environ, PYTHONPATH=str(folder)),
        ).stdout
    )


def main() -> None:
    args = sys.argv[1:]
    against = None
    if "--against" in args:
        at = args.index("--against")
        against, args = args[at + 1], args[:at] + args[at + 2 :]
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    plans = sorted(corpus.glob("*.txt"))
    if not plans:
        sys.exit(f"no plans (*.txt) in {corpus}")
    texts = {path.name: "\n".join(read_plan_file(path)) for path in plans}
    now: dict[str, float] = {}
    was: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        if against:
            archive = subprocess.run(["git", "archive", against, "bot"], cwd=ROOT, capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        for _ in range(ROUNDS if against else 1):
            for name, text in texts.items():
                seconds, plan = least_cpu_seconds(lambda text=text: extract_plan(split_lines(text)), EXTRACT_RUNS)
                now[name] = min(now.get(name, seconds), seconds)
            if against:
                for name, seconds in _other_reader(texts, Path(folder)).items():
                    was[name] = min(was.get(name, seconds), seconds)
    header = ("plan", "KB", "extract ms", "items", "dateparser ms", "dates", "ratio")
    if against:
        header += (f"{against} ms", "now/was")
    rows = [header]
    for path in plans:
        text = texts[path.name]
        plan = extract_plan(split_lines(text))
        parse_s, dates = least_cpu_seconds(lambda text=text: search_dates(text, languages=["vi"]), DATEPARSER_RUNS)
        row = (
            path.name,
            f"{path.stat().st_size / 1024:.0f}",
            f"{now[path.name] * 1000:.1f}",
            str(len(plan.items)),
            f"{parse_s * 1000:.0f}",
            str(len(dates or [])),
            f"{parse_s / now[path.name]:.0f}×",
        )
        if against:
            row += (f"{was[path.name] * 1000:.1f}", f"{now[path.name] / was[path.name]:.2f}")
        rows.append(row)
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    for row in rows:
        print(
            "  ".join(
                cell.rjust(width) if k else cell.ljust(width)
                for k, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
    runs = f"{EXTRACT_RUNS} extractions" + (f" × {ROUNDS} rounds (each reader)" if against else "")
    print(f"least CPU time of {runs} and of {DATEPARSER_RUNS} dateparser runs per plan")


if __name__ == "__main__":
    main()
