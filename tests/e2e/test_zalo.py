"""A secretary on Zalo: the same dialogs as on Telegram, with numbered replies instead of buttons."""

import asyncio
import contextlib
import re

import aiohttp
import pytest

from bot.app import ZALO_SANDBOX_TOKEN
from bot.channels.ids import is_zalo
from bot.channels.zalo_updates import SECRET_HEADER
from bot.config import Settings
from bot.runner import run
from bot.sandbox.zalo_client import ZaloSandboxClient
from tests.helpers import (
    FIVE,
    ZALO_CODE,
    ZALO_MEMBER,
    ZALO_MEMBER_TELEGRAM,
    ZALO_SECRETARY,
    free_port,
    number_of,
    zalo_branch,
)


async def test_secretary_runs_the_branch_on_zalo(zl):
    await zalo_branch(zl)
    assert "Dán danh sách" in await zl.answer_to(ZALO_SECRETARY, "/nhapds")
    assert "Đã thêm 5 đảng viên" in await zl.answer_to(ZALO_SECRETARY, FIVE)

    roster = await zl.answer_to(ZALO_SECRETARY, "/doanvien")
    assert "Đảng viên: 6 (5 chính thức, 1 dự bị)" in roster
    assert "Trần Văn Minh — Phó Bí thư" in roster
    card = await zl.answer_to(ZALO_SECRETARY, number_of(roster, "○ Trần Văn Minh"))
    assert "Trần Văn Minh" in card and "Phó Bí thư" in card and "Link mời" in card

    menu = await zl.answer_to(ZALO_SECRETARY, "menu")
    assert "📋 Các việc chibo làm được" in menu
    assert number_of(menu, "Việc tháng này")
    month = await zl.answer_to(ZALO_SECRETARY, number_of(menu, "Việc tháng này"))
    assert "Việc tháng 11/2026 — Chi bộ Khu phố 7" in month
    assert month == await zl.answer_to(ZALO_SECRETARY, "/thangnay")


LINK = re.compile(r"📎 (\S+): (http://127\.0\.0\.1:\d+/files/\S+)")


async def test_a_file_comes_as_a_signed_link_chibo_serves(zl):
    await zalo_branch(zl)
    answer = await zl.answer_to(ZALO_SECRETARY, "/xuatlich")
    name, url = LINK.search(answer).groups()
    assert name.endswith(".ics") and "dùng được trong 60 phút" in answer
    assert b"BEGIN:VCALENDAR" in await zl.download(url)
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    with pytest.raises(AssertionError, match="404"):
        await zl.download(forged)


async def test_a_member_joins_by_code_and_links_telegram_to_the_same_entry(channels):
    zl, tg = channels.zalo, channels.telegram
    await zalo_branch(zl)
    await zl.answer_to(ZALO_SECRETARY, "/nhapds")
    await zl.answer_to(ZALO_SECRETARY, FIVE)
    roster = await zl.answer_to(ZALO_SECRETARY, "/doanvien")
    card = await zl.answer_to(ZALO_SECRETARY, number_of(roster, "Trần Văn Minh"))
    assert "Tài khoản: chưa liên kết — gửi link mời (hoặc mã mời)" in card
    invite = await zl.answer_to(ZALO_SECRETARY, number_of(card, "Link mời"))
    code = ZALO_CODE.search(invite).group(1)
    assert f"https://t.me/chibo_sandbox_bot?start={code}" in invite  # one invitation, both channels

    joined = await zl.answer_to(ZALO_MEMBER, code.lower().replace("-", " "), display_name="Minh")  # typed loosely
    assert "Chào đồng chí Trần Văn Minh" in joined
    assert "Trần Văn Minh đã mở link mời" in await zl.last_text(ZALO_SECRETARY)
    assert "Link mời này đã được dùng" in await zl.answer_to(ZALO_MEMBER, code)  # once only, on Zalo too

    me = await zl.answer_to(ZALO_MEMBER, "/toi")
    assert "Chi bộ Khu phố 7: Phó Bí thư" in me
    account = int(re.search(r"Số tài khoản của bạn trên chibo: (\d+)", me).group(1))
    assert is_zalo(account)  # the number `chibo admin` takes for her (tests/integration/test_supervision_cli.py)
    link = await zl.answer_to(ZALO_MEMBER, number_of(me, "Dùng cả Telegram và Zalo"))
    own_code = ZALO_CODE.search(link).group(1)
    await tg.send(ZALO_MEMBER_TELEGRAM, f"/start {own_code}", first_name="Minh")
    assert "Đã liên kết" in await tg.last_text(ZALO_MEMBER_TELEGRAM)
    await tg.send(ZALO_MEMBER_TELEGRAM, "/toi")
    assert "Chi bộ Khu phố 7: Phó Bí thư" in await tg.last_text(ZALO_MEMBER_TELEGRAM)  # the same roster entry
    roster = await zl.answer_to(ZALO_SECRETARY, "/doanvien")
    assert "đã vào bot: 2" in roster  # still one person
    card = await zl.answer_to(ZALO_SECRETARY, number_of(roster, "Trần Văn Minh"))
    assert "Tài khoản: đã liên kết Telegram và Zalo" in card


async def test_webhook_mode_a_zalo_message_reaches_chibo_run_and_is_answered_once(sandbox, tmp_path):
    port, secret = free_port(), "zalo-hook-s3cret"
    hook = f"http://127.0.0.1:{port}/zalo-hook"
    settings = Settings(_env_file=None, zalo_bot_token=ZALO_SANDBOX_TOKEN, zalo_api_base_url=sandbox.zalo_url,
                        database_url=f"sqlite+aiosqlite:///{tmp_path / 'zalo-webhook.db'}", webhook_port=port,
                        zalo_webhook_url=hook, zalo_webhook_secret=secret, file_dir=str(tmp_path / "files"))
    bot_task = asyncio.create_task(run(settings))
    try:
        for _ in range(200):  # until chibo has told the sandbox its webhook
            if sandbox.zalo.webhook is not None:
                break
            await asyncio.sleep(0.05)
        assert sandbox.zalo.webhook == {"url": hook, "secret_token": secret}
        async with ZaloSandboxClient(sandbox.url) as zl, aiohttp.ClientSession() as http:
            await zl.send("zl-hook-1", "/start", display_name="Hoa")  # POSTed to the webhook, not polled
            (answer,) = await zl.bot_texts("zl-hook-1")
            assert "Xin chào Hoa" in answer and answer.endswith("👉 Nhắn số 1 để chọn.")

            sent = (await zl.chat("zl-hook-1"))[0]
            update = {"event_name": "message.text.received", "message": {
                "message_id": sent["message_id"], "date": sent["date"] * 1000, "text": "/start",
                "from": {"id": "zl-hook-1", "display_name": "Hoa"},
                "chat": {"id": "zl-hook-1", "chat_type": "PRIVATE"}}}
            for headers, status in (({}, 401), ({SECRET_HEADER: "wrong-secret"}, 401), ({SECRET_HEADER: secret}, 200)):
                async with http.post(hook, json={"ok": True, "result": update}, headers=headers) as resp:
                    assert resp.status == status
            assert await zl.bot_texts("zl-hook-1") == [answer]  # Zalo delivering it again: handled once

            assert "Tên chi bộ" in await zl.answer_to("zl-hook-1", "1")  # the next message, through the webhook
    finally:
        bot_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bot_task
