"""Telegram may deliver an update twice (a crash before it learnt the update was handled, a failed webhook
answer): each update is handled once. Dialogs are stored with the update, so a restart keeps them."""

import asyncio

from aiogram.utils.token import extract_bot_id
from sqlalchemy import func, select

from bot.app import SANDBOX_TOKEN
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import start_sandbox
from storage.models import Membership
from storage.runtime_models import DialogState, HandledUpdate
from tests.e2e.conftest import polling_bot
from tests.helpers import ANOTHER_BOT, SECRETARY, create_branch

BOT_ID = extract_bot_id(SANDBOX_TOKEN)


async def count(engine, model) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model))


async def test_a_new_token_on_the_same_database_answers_its_first_updates(sandbox, engine, db_url, clock):
    """Each bot numbers its updates from its own start: a new bot's update 1 is not the old bot's update 1."""
    async with SandboxClient(sandbox.url) as tg, polling_bot(sandbox, engine, db_url, clock):
        await create_branch(tg)  # the old bot handles updates 1, 2, …
    other = await start_sandbox("127.0.0.1", 0)  # the new bot's Telegram: its numbering starts at 1
    try:
        async with SandboxClient(other.url) as tg, polling_bot(other, engine, db_url, clock, token=ANOTHER_BOT):
            assert await tg.send(SECRETARY, "/doanvien") == 1
            assert "Nguyễn Thị Lan" in await tg.last_text(SECRETARY)
    finally:
        await other.stop()
    async with engine.connect() as connection:
        marks = (await connection.execute(select(HandledUpdate.bot_id, HandledUpdate.update_id))).all()
    assert (BOT_ID, 1) in marks and (extract_bot_id(ANOTHER_BOT), 1) in marks


async def test_a_dialog_halfway_survives_a_restart(sandbox, engine, db_url, clock):
    async with SandboxClient(sandbox.url) as tg:
        async with polling_bot(sandbox, engine, db_url, clock):
            await create_branch(tg)
            await tg.send(SECRETARY, "/themviec")
            await tg.send(SECRETARY, "Họp chi ủy chuẩn bị kiểm điểm")
        assert await count(engine, DialogState) == 1
        async with polling_bot(sandbox, engine, db_url, clock):  # a new process, the same database
            await tg.send(SECRETARY, "05/12/2026")
            assert "Họp chi ủy chuẩn bị kiểm điểm" in await tg.last_text(SECRETARY)
            assert "05/12/2026" in await tg.last_text(SECRETARY)
    assert await count(engine, DialogState) == 0  # a finished dialog leaves no row


async def handled(engine, update_ids: list[int], timeout: float = 30) -> bool:
    """Whether every update is marked handled within timeout (the concurrent bot confirms before it handles)."""
    async with asyncio.timeout(timeout):
        while True:
            async with engine.connect() as connection:
                marked = set((await connection.scalars(select(HandledUpdate.update_id))).all())
            if set(update_ids) <= marked:
                return True
            await asyncio.sleep(0.05)


TEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Lâm", "Nam", "Phong")


async def test_ten_updates_at_once_from_one_user_leave_a_consistent_state(sandbox, engine, db_url, clock):
    async with SandboxClient(sandbox.url) as tg:
        async with polling_bot(sandbox, engine, db_url, clock):
            await create_branch(tg)
            await tg.send(SECRETARY, "/themdv")
        # Handled as concurrent tasks, as `chibo run` does against Telegram: ten names at once; one is the
        # answer, the other nine arrive at the status question, which wants a button.
        async with polling_bot(sandbox, engine, db_url, clock, as_tasks=True):
            sent = await asyncio.gather(*(tg.send(SECRETARY, f"Trần Văn {name}", wait=False) for name in TEN))
            assert await handled(engine, sent)
        answers = [m["text"] for m in (await tg.messages(SECRETARY))[-10:]]
        assert sum(a.endswith("là đảng viên chính thức hay dự bị?") for a in answers) == 1, answers
        assert sum(a.startswith("Bước này chưa nhận tin nhắn đó. Hãy chọn một nút") for a in answers) == 9, answers
        async with polling_bot(sandbox, engine, db_url, clock):
            await tg.click_button(SECRETARY, "Chính thức")
            await tg.send(SECRETARY, "15/01/2010")
            await tg.click_button(SECRETARY, "Đảng viên")
            added = await tg.last_text(SECRETARY)
    assert any(f"Trần Văn {name} — " in added for name in TEN) and "Đảng viên, chính thức, 15/01/2010" in added
    assert await count(engine, Membership) == 2  # the secretary and exactly one new member


