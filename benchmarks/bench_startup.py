"""Start-up to first answer: `chibo run` with no token (sandbox + bot + fresh SQLite), until /start is answered.

Usage: uv run python benchmarks/bench_startup.py [--runs N]
Beside it, in the same run: the interpreter alone, and `import aiogram` alone (the floor for any aiogram bot).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness import free_port


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def first_answer() -> tuple[float, float]:
    """Seconds until the sandbox page is served, and until the bot has answered /start."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")}
        env |= {"CHIBO_SANDBOX_PORT": str(port), "CHIBO_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/b.db"}
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=folder, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            process.stdout.readline()
            page = time.perf_counter() - started
            base = f"http://127.0.0.1:{port}/sandbox"
            update_id = post(f"{base}/send", {"user_id": 1, "text": "/start"})["update_id"]
            with urllib.request.urlopen(f"{base}/wait?update_id={update_id}&timeout=30", timeout=40) as response:
                assert json.load(response)["processed"]
            return page, time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=15)


def python_alone(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    measured = [first_answer() for _ in range(runs)]
    page = statistics.median(m[0] for m in measured)
    answer = statistics.median(m[1] for m in measured)
    bare = statistics.median(python_alone("pass") for _ in range(runs))
    aiogram = statistics.median(python_alone("import aiogram") for _ in range(runs))
    print(f"median of {runs} runs")
    print(f"  python -c pass                     {bare * 1000:7.0f} ms")
    print(f"  python -c 'import aiogram'         {aiogram * 1000:7.0f} ms")
    print(f"  chibo run: sandbox page served     {page * 1000:7.0f} ms")
    print(f"  chibo run: first answer to /start  {answer * 1000:7.0f} ms  "
          f"({answer / aiogram:.2f}× importing aiogram alone; {(answer - aiogram) * 1000:.0f} ms of our own)")


if __name__ == "__main__":
    main()
