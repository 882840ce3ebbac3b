"""Two bot processes behind a balancer, on PostgreSQL and Redis: what only several processes can break.

The sandbox delivers one chat's updates one at a time; Telegram, with several webhook connections, may not.
These tests hand updates to both processes at once, as such a delivery would.
"""

import asyncio

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.sandbox.client import SandboxClient
from storage.models import Membership, Task
from tests.databases import MigratedPostgres, ready_engine
from tests.helpers import NOW, SECRETARY, create_branch

NAMES = ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Lâm", "Nam", "Phong")


@pytest.fixture
async def world(cluster):
    cluster.reset(NOW)
    engine = await ready_engine(MigratedPostgres.get())
    async with SandboxClient(cluster.sandbox.url) as tg:
        yield cluster, engine, tg
    await engine.dispose()


async def post_at_once(urls_and_updates: list[tuple[str, dict]]) -> list[int]:
    async with aiohttp.ClientSession() as http:
        async def post(url: str, update: dict) -> int:
            async with http.post(url, json=update) as answer:
                return answer.status

        return await asyncio.gather(*(post(url, update) for url, update in urls_and_updates))


async def count(engine, model) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model))


async def test_one_users_ten_updates_on_two_processes_take_turns(world):
    cluster, engine, tg = world
    await create_branch(tg)
    await tg.send(SECRETARY, "/themdv")
    before = len(await tg.messages(SECRETARY))
    updates = cluster.user_messages(SECRETARY, [f"Trần Văn {name}" for name in NAMES])
    spread = [(cluster.worker_urls[n % 2], update) for n, update in enumerate(updates)]
    assert await post_at_once(spread) == [200] * 10

    answers = [m["text"] for m in (await tg.messages(SECRETARY))[before:]]
    # Redis's lock makes the processes take turns: one name is the answer, nine meet the status question.
    assert len(answers) == 10
    assert sum(a.endswith("là đảng viên chính thức hay dự bị?") for a in answers) == 1, answers
    assert sum(a.startswith("Bước này chưa nhận tin nhắn đó. Hãy chọn một nút") for a in answers) == 9, answers
    await tg.click_button(SECRETARY, "Chính thức")
    await tg.send(SECRETARY, "15/01/2010")
    await tg.click_button(SECRETARY, "Đảng viên")
    assert "Đảng viên, chính thức, 15/01/2010" in await tg.last_text(SECRETARY)
    assert await count(engine, Membership) == 2


async def test_the_same_update_on_both_processes_at_once_is_handled_once(world):
    cluster, engine, tg = world
    await create_branch(tg)
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, "Nộp biên bản kiểm điểm")
    before = len(await tg.messages(SECRETARY))
    [update] = cluster.user_messages(SECRETARY, ["20/12/2026"])
    assert await post_at_once([(url, update) for url in cluster.worker_urls]) == [200, 200]
    answers = (await tg.messages(SECRETARY))[before:]
    assert len(answers) == 1 and "Nộp biên bản kiểm điểm" in answers[0]["text"]
    assert await count(engine, Task) == 1
