"""`chibo run` without a token, started again and again on the same database (issue 16, point 1): its sandbox
starts afresh each time, yet the first message after each restart is answered, on Telegram and on Zalo.

The bot remembers the updates it handled for a day, per bot; the sandbox numbers Telegram updates after the
highest the bot remembers (as Telegram never goes back), and its Zalo messages never reuse an id."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.sandbox.client import SandboxClient
from bot.sandbox.zalo_client import ZaloSandboxClient
from tests.e2e.chat import free_port
from tests.e2e.test_onboarding import SECRETARY, create_branch

READY = "running against the local sandbox"
ZALO_USER = "zl-restart-1"
WAIT = 60.0


class ChiboRun:
    """`python -m bot run` with its own sandbox on a fixed port, its output in a log file per start."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")} | {
            "CHIBO_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'chibo.db'}",
            "CHIBO_SANDBOX_HOST": "127.0.0.1", "CHIBO_SANDBOX_PORT": str(self.port),
            "CHIBO_WEBHOOK_PORT": str(free_port())}  # chibo's own web server (file links) beside the sandbox
        self.workdir = workdir
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.workdir / f"chibo-run-{self.starts}.log"

    async def start(self) -> None:
        self.starts += 1
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.workdir, env=self.env, stdout=log,
                stderr=asyncio.subprocess.STDOUT)
        async with asyncio.timeout(WAIT):
            while READY not in self.log.read_text(errors="replace"):
                assert self.process.returncode is None, self.log.read_text(errors="replace")
                await asyncio.sleep(0.1)

    async def stop(self, how: signal.Signals = signal.SIGTERM) -> None:
        assert self.process is not None
        self.process.send_signal(how)
        await asyncio.wait_for(self.process.wait(), WAIT)
        self.process = None

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-8:])


async def first_answers(chibo: ChiboRun) -> tuple[int, str, str]:
    """The first Telegram and Zalo messages of a run, each answered: (its update id, the answers)."""
    async with SandboxClient(chibo.url) as tg, ZaloSandboxClient(chibo.url) as zl:
        update_id = await tg.send(SECRETARY, "/doanvien", wait=False)
        await tg.wait(update_id, WAIT)
        chat = await tg.chat(SECRETARY)
        assert chat[-1]["from"] == "bot", f"update {update_id} got no answer; the bot's log ends:\n{chibo.tail()}"
        zalo = await zl.answer_to(ZALO_USER, "/start", display_name="Hà")
        return update_id, chat[-1]["text"], zalo


async def test_the_first_message_after_each_restart_is_answered(tmp_path):
    chibo = ChiboRun(tmp_path)
    await chibo.start()
    try:
        async with SandboxClient(chibo.url) as tg, ZaloSandboxClient(chibo.url) as zl:
            await create_branch(tg)
            await tg.send(SECRETARY, "/buoc")
            assert "tạo chi bộ" in (await zl.answer_to(ZALO_USER, "/start", display_name="Hà")).lower()
            last = (await tg.chat(SECRETARY))[-1]
            assert last["from"] == "bot"
        handled_before = 0
        for how in (signal.SIGTERM, signal.SIGKILL, signal.SIGTERM):
            await chibo.stop(how)
            await chibo.start()  # a new sandbox: no chats, no pending updates; the same database
            update_id, roster, zalo = await first_answers(chibo)
            assert update_id > max(handled_before, 6), "the sandbox numbered from the start again"
            assert "Nguyễn Thị Lan" in roster and "Đảng viên: 1" in roster, roster
            assert "tạo chi bộ" in zalo.lower(), f"no Zalo answer after restart {chibo.starts - 1}:\n{chibo.tail()}"
            handled_before = update_id
            assert "was handled already: skipped" not in chibo.log.read_text(errors="replace")
    finally:
        if chibo.process is not None:
            await chibo.stop()
