"""`chibo run` as a subprocess, shared by the end-to-end tests that stop, kill and start it again."""

import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.helpers import free_port


class ChiboProcess:
    """`python -m bot run` in `workdir` with `env` (the test's own CHIBO_ settings replaced, chibo's web server
    on a free port), its output in a log file per start."""

    def __init__(self, workdir: Path, env: Mapping[str, str]):
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")} | {
            "CHIBO_WEBHOOK_PORT": str(free_port())} | dict(env)
        self.workdir = workdir
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.workdir / f"chibo-run-{self.starts}.log"

    async def start(self, *, ready: str | None = None, within: float = 60.0) -> None:
        """Starts a new process; with `ready`, returns once its log shows that text (and fails if it exits)."""
        self.starts += 1
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env, stdout=log,
                stderr=asyncio.subprocess.STDOUT)
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
