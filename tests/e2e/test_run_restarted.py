"""`chibo run` without a token, started again and again on the same database (issue 16, point 1): its sandbox
starts afresh each time, yet the first message after each restart is answered, on Telegram and on Zalo.

The bot remembers the updates it handled for a day, per bot; the sandbox numbers Telegram updates after the
highest the bot remembers (as Telegram never goes back), and its Zalo messages never reuse an id."""

import signal
from pathlib import Path

from bot.sandbox.client import SandboxClient
from bot.sandbox.zalo_client import ZaloSandboxClient
from tests.e2e.chibo_process import ChiboProcess
from tests.helpers import SECRETARY, create_branch, free_port

READY = "running against the local sandbox"
ZALO_USER = "zl-restart-1"
WAIT = 60.0


class ChiboRun(ChiboProcess):
    """`chibo run` with its own sandbox on a fixed port, started again and again on one database."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(workdir, {"CHIBO_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'chibo.db'}",
                                   "CHIBO_SANDBOX_HOST": "127.0.0.1", "CHIBO_SANDBOX_PORT": str(self.port)})

    async def restart(self, how: signal.Signals) -> None:
        assert await self.stop(how, within=WAIT), f"`chibo run` did not end on {how.name}:\n{self.tail(8)}"
        await self.start(ready=READY, within=WAIT)


async def first_answers(chibo: ChiboRun) -> tuple[int, str, str]:
    """The first Telegram and Zalo messages of a run, each answered: (its update id, the answers)."""
    async with SandboxClient(chibo.url) as tg, ZaloSandboxClient(chibo.url) as zl:
        update_id = await tg.send(SECRETARY, "/doanvien", wait=False)
        await tg.wait(update_id, WAIT)
        chat = await tg.chat(SECRETARY)
        assert chat[-1]["from"] == "bot", f"update {update_id} got no answer; the bot's log ends:\n{chibo.tail(8)}"
        zalo = await zl.answer_to(ZALO_USER, "/start", display_name="Hà")
        return update_id, chat[-1]["text"], zalo


async def test_the_first_message_after_each_restart_is_answered(tmp_path):
    chibo = ChiboRun(tmp_path)
    await chibo.start(ready=READY, within=WAIT)
    try:
        async with SandboxClient(chibo.url) as tg, ZaloSandboxClient(chibo.url) as zl:
            await create_branch(tg)
            await tg.send(SECRETARY, "/buoc")
            assert "tạo chi bộ" in (await zl.answer_to(ZALO_USER, "/start", display_name="Hà")).lower()
            last = (await tg.chat(SECRETARY))[-1]
            assert last["from"] == "bot"
        handled_before = 0
        for how in (signal.SIGTERM, signal.SIGKILL, signal.SIGTERM):
            await chibo.restart(how)  # a new sandbox: no chats, no pending updates; the same database
            update_id, roster, zalo = await first_answers(chibo)
            assert update_id > max(handled_before, 6), "the sandbox numbered from the start again"
            assert "Nguyễn Thị Lan" in roster and "Đảng viên: 1" in roster, roster
            assert "tạo chi bộ" in zalo.lower(), f"no Zalo answer after restart {chibo.starts - 1}:\n{chibo.tail(8)}"
            handled_before = update_id
            assert "was handled already: skipped" not in chibo.log.read_text(errors="replace")
    finally:
        await chibo.stop()
