"""`chibo run` as a subprocess, shared by the end-to-end tests that stop, kill and start it again.

Each start is a fork of one interpreter per test process that has imported chibo already
(tests/e2e/chibo_fork_server.py): the imports cost ~5 s of CPU here, once instead of at every start. What starts
is still `chibo run` in a process of its own, killed and signalled as one; `python -m bot run` from scratch is
test_browser.py's (and test_settings_start_up.py's `python -m bot`)."""

import asyncio
import atexit
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


class ForkServer:
    """The forking interpreter of this test process, started at the first `chibo run`."""

    _running: "ForkServer | None" = None

    def __init__(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.chibo_fork_server"], cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env={k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")})
        self.started: list[int] = []
        self.exited: dict[int, int] = {}
        self.answered = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        atexit.register(self.server.stdin.close)

    @classmethod
    def get(cls) -> "ForkServer":
        if cls._running is None:
            cls._running = cls()
        return cls._running

    def _read(self) -> None:
        for line in self.server.stdout:
            what, pid, *code = line.split()
            with self.answered:
                if what == "started":
                    self.started.append(int(pid))
                else:
                    self.exited[int(pid)] = int(code[0])
                self.answered.notify_all()

    def fork(self, workdir: Path, env: Mapping[str, str], log: Path) -> int:
        """Starts `chibo run`; returns its pid once it is forked (the imports done, at the first start)."""
        with self.answered:
            self.server.stdin.write(json.dumps({"cwd": str(workdir), "env": dict(env), "log": str(log)}) + "\n")
            self.server.stdin.flush()
            if not self.answered.wait_for(lambda: self.started or self.server.poll() is not None, 120):
                raise TimeoutError("the fork server did not start `chibo run`")
            assert self.started, f"the fork server ended with {self.server.returncode}"
            return self.started.pop(0)


class ForkedProcess:
    """A `chibo run` forked by the ForkServer, as asyncio's Process: pid, returncode, send_signal, wait."""

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server, self.pid = server, pid

    @property
    def returncode(self) -> int | None:
        return self.server.exited.get(self.pid)

    def send_signal(self, how: signal.Signals) -> None:
        if self.returncode is None:
            os.kill(self.pid, how)

    async def wait(self) -> int:
        while self.returncode is None:
            await asyncio.sleep(0.01)
        return self.returncode


class ChiboProcess:
    """`python -m bot run` in `workdir` with `env` (the test's own CHIBO_ settings replaced, chibo's web server
    on a free port), its output in a log file per start."""

    def __init__(self, workdir: Path, env: Mapping[str, str]):
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")} | {
            "CHIBO_WEBHOOK_PORT": str(free_port())} | dict(env)
        self.workdir = workdir
        self.process: ForkedProcess | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.workdir / f"chibo-run-{self.starts}.log"

    async def start(self, *, ready: str | None = None, within: float = 60.0) -> None:
        """Starts a new process; with `ready`, returns once its log shows that text (and fails if it exits)."""
        self.starts += 1
        self.log.write_bytes(b"")
        server = ForkServer.get()
        pid = await asyncio.get_running_loop().run_in_executor(None, server.fork, self.workdir, self.env, self.log)
        self.process = ForkedProcess(server, pid)
        if ready is None:
            return
        async with asyncio.timeout(within):
            while ready not in self.log.read_text(errors="replace"):
                assert self.process.returncode is None, self.log.read_text(errors="replace")
                await asyncio.sleep(0.1)

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.process = None

    async def stop(self, how: signal.Signals = signal.SIGTERM, *, within: float = 15.0) -> bool:
        """Sends `how` and waits `within` seconds for the process to end; one still running then is killed.
        True when it ended by itself (or was not running)."""
        if self.process is None or self.process.returncode is not None:
            self.process = None
            return True
        self.process.send_signal(how)
        try:
            await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            await self.kill()
            return False
        self.process = None
        return True

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
