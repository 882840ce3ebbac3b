"""`python -m bot run` under cProfile for `bench_load.py --profile`, switched on and off by signals.

Usage: python benchmarks/profiled_chibo.py PATH (with chibo's environment). SIGUSR1 starts profiling the
main thread (its CPU time) and counting SQL statements (with their compiled-cache outcome) and connections
checked out; SIGUSR2 stops and writes the window's profile to PATH.<n>.prof and its statements to
PATH.<n>.json, n counting the windows from 1.
"""

import cProfile
import json
import os
import runpy
import signal
import sys
import time
from collections import Counter

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

path = sys.argv.pop(1)
profile: list[cProfile.Profile] = []
statements: Counter[str] = Counter()
cache: Counter[str] = Counter()
checkouts = [0]
counting = [False]
windows = [0]


@event.listens_for(Engine, "after_cursor_execute")
def _statement(_conn, _cursor, statement, _parameters, context, executemany) -> None:
    if counting[0]:
        statements[" ".join(statement.split())[:160] + (" [executemany]" if executemany else "")] += 1
        cache[str(getattr(context, "cache_hit", None)).split(".")[-1]] += 1


@event.listens_for(Pool, "checkout")
def _checkout(*_args) -> None:
    checkouts[0] += counting[0]


def start(*_args) -> None:
    statements.clear()
    cache.clear()
    checkouts[0] = 0
    counting[0] = True
    # CPU time of the main thread, not wall time: on a busy machine the wall clock mostly counts waiting for a core.
    profile[:] = [cProfile.Profile(time.thread_time)]
    profile[0].enable()


def stop(*_args) -> None:
    profile[0].disable()
    counting[0] = False
    windows[0] += 1
    profile[0].dump_stats(f"{path}.{windows[0]}.prof")
    window = f"{path}.{windows[0]}.json"
    with open(f"{window}.part", "w") as out:
        json.dump({"statements": statements, "cache": cache, "checkouts": checkouts[0]}, out, ensure_ascii=False)
    os.replace(f"{window}.part", window)


signal.signal(signal.SIGUSR1, start)
signal.signal(signal.SIGUSR2, stop)
sys.argv = ["bot", "run"]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
