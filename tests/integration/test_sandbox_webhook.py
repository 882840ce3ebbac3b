"""Webhook delivery honours setWebhook's max_connections like Telegram: several updates in flight, at most
one per chat, each chat's updates in order; max_connections=1 is one update at a time, in order."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from bot.sandbox.client import SandboxClient
from bot.sandbox.delivery import chat_queue
from bot.sandbox.server import SandboxServer, start_sandbox

TOKEN = "100000001:sandbox-test-token"


@dataclass
class Hook:
    """A bare webhook that records what arrives and holds each request until told to answer."""

    url: str = ""
    arrived: list[tuple[int, str]] = field(default_factory=list)  # (chat, text) in arrival order
    in_flight: dict[int, int] = field(default_factory=dict)  # chat -> requests being handled
    most_at_once: int = 0
    overlap_in_a_chat: bool = False
    failing: set[int] = field(default_factory=set)  # chats answered with 500
    hold: float = 0.05

    async def handle(self, request: web.Request) -> web.Response:
        message = (await request.json())["message"]
        chat = message["chat"]["id"]
        if chat in self.failing:
            return web.Response(status=500)
        self.overlap_in_a_chat |= self.in_flight.get(chat, 0) > 0
        self.in_flight[chat] = self.in_flight.get(chat, 0) + 1
        self.most_at_once = max(self.most_at_once, sum(self.in_flight.values()))
        self.arrived.append((chat, message["text"]))
        await asyncio.sleep(self.hold)
        self.in_flight[chat] -= 1
        return web.Response()


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    server = await start_sandbox(port=0)
    yield server
    await server.stop()


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    hook = Hook()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    hook.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield hook
    await runner.cleanup()


async def set_webhook(server: SandboxServer, url: str, max_connections: int | None) -> None:
    params = {"url": url} | ({"max_connections": str(max_connections)} if max_connections else {})
    async with aiohttp.ClientSession() as http, http.post(f"{server.url}/bot{TOKEN}/setWebhook", data=params) as r:
        assert (await r.json())["ok"]


async def queue(server: SandboxServer, messages: list[tuple[int, str]]) -> list[int]:
    """Queues user messages without waiting for the bot; their update ids."""
    ids = []
    async with aiohttp.ClientSession() as http:
        for user_id, text in messages:
            async with http.post(f"{server.url}/sandbox/send", json={"user_id": user_id, "text": text}) as resp:
                ids.append((await resp.json())["update_id"])
    return ids


async def wait_all(server: SandboxServer, update_ids: list[int]) -> None:
    async with SandboxClient(server.url) as client:
        for update_id in update_ids:
            await client.wait(update_id, timeout=10)


def in_chat(arrived: list[tuple[int, str]], chat: int) -> list[str]:
    return [text for c, text in arrived if c == chat]


async def test_updates_of_different_chats_are_in_flight_together_up_to_max_connections(
    server: SandboxServer, hook: Hook
) -> None:
    ids = await queue(server, [(5000 + n, f"m{n}") for n in range(8)])  # all waiting when the webhook is set
    await set_webhook(server, hook.url, 3)
    await wait_all(server, ids)
    assert hook.most_at_once == 3
    assert sorted(hook.arrived) == [(5000 + n, f"m{n}") for n in range(8)]


async def test_default_is_telegrams_40_connections(server: SandboxServer, hook: Hook) -> None:
    ids = await queue(server, [(5100 + n, "x") for n in range(45)])
    await set_webhook(server, hook.url, None)
    await wait_all(server, ids)
    assert hook.most_at_once == 40


async def test_one_chat_gets_one_update_at_a_time_in_order(server: SandboxServer, hook: Hook) -> None:
    ids = await queue(server, [(chat, f"{chat}-{n}") for n in range(4) for chat in (5201, 5202)])
    await set_webhook(server, hook.url, 10)
    await wait_all(server, ids)
    assert not hook.overlap_in_a_chat
    assert hook.most_at_once == 2
    for chat in (5201, 5202):
        assert in_chat(hook.arrived, chat) == [f"{chat}-{n}" for n in range(4)]


async def test_max_connections_1_delivers_one_at_a_time_in_order(server: SandboxServer, hook: Hook) -> None:
    sent = [(5300 + n % 3, f"m{n}") for n in range(6)]
    ids = await queue(server, sent)
    await set_webhook(server, hook.url, 1)
    await wait_all(server, ids)
    assert hook.most_at_once == 1
    assert hook.arrived == sent


async def test_a_failing_chat_holds_back_only_itself(server: SandboxServer, hook: Hook) -> None:
    hook.failing.add(5401)
    await set_webhook(server, hook.url, 40)
    failing = await queue(server, [(5401, "a1"), (5401, "a2")])
    passing = await queue(server, [(5402, "b1"), (5402, "b2")])
    await wait_all(server, passing)
    assert hook.arrived == [(5402, "b1"), (5402, "b2")]
    async with SandboxClient(server.url) as client:
        with pytest.raises(TimeoutError):
            await client.wait(failing[0], timeout=0.3)
    assert "500" in server.state.webhook.last_error_message

    hook.failing.clear()  # the retries go through, in order
    await wait_all(server, failing)
    assert in_chat(hook.arrived, 5401) == ["a1", "a2"]


async def test_with_max_connections_1_a_failing_update_holds_back_all(server: SandboxServer, hook: Hook) -> None:
    hook.failing.add(5501)
    await set_webhook(server, hook.url, 1)
    ids = await queue(server, [(5501, "a"), (5502, "b")])
    async with SandboxClient(server.url) as client:
        with pytest.raises(TimeoutError):
            await client.wait(ids[1], timeout=0.3)
    assert hook.arrived == []
    hook.failing.clear()
    await wait_all(server, ids)
    assert hook.arrived == [(5501, "a"), (5502, "b")]


def test_a_button_tap_waits_in_its_private_chats_queue() -> None:
    message = {"update_id": 1, "message": {"message_id": 1, "chat": {"id": 77, "type": "private"}, "text": "hi"}}
    tap = {"update_id": 2, "callback_query": {"id": "1", "from": {"id": 77}, "data": "x"}}
    assert chat_queue(message) == chat_queue(tap) == 77
    assert chat_queue({"update_id": 3, "poll": {"id": "p"}}) == ("update", 3)
