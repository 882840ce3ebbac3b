"""`chibo run` itself (bot.runner.run) with a token against a separately started sandbox: webhook mode."""

import asyncio
import contextlib

from bot.app import SANDBOX_TOKEN
from bot.config import Settings
from bot.runner import run
from bot.sandbox.client import SandboxClient
from tests.helpers import SECRETARY, free_port


async def test_webhook_mode_answers_through_the_sandbox(sandbox, tmp_path):
    port = free_port()
    settings = Settings(
        _env_file=None, bot_token=SANDBOX_TOKEN.replace("sandbox-token", "sandbox-token-webhook"),
        api_base_url=sandbox.url, database_url=f"sqlite+aiosqlite:///{tmp_path / 'webhook.db'}",
        webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret="s3cret", webhook_port=port,
    )
    bot_task = asyncio.create_task(run(settings))
    async with SandboxClient(sandbox.url) as tg:
        for _ in range(200):  # until the bot has told the sandbox its webhook
            if sandbox.state.webhook is not None:
                break
            await asyncio.sleep(0.05)
        await tg.send(SECRETARY, "/start", first_name="Hoa")
        assert "Xin chào Hoa" in await tg.last_text(SECRETARY)
        await tg.click_button(SECRETARY, "Tạo chi bộ mới")
        assert "Tên chi bộ" in await tg.last_text(SECRETARY)
    bot_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await bot_task
