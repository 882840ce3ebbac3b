"""The sandbox answers like Telegram when a bot sends too fast, to a chat that blocked it, or into a timeout."""

import aiohttp
import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter

from bot.app import SANDBOX_TOKEN, create_bot
from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.params import ApiError
from bot.sandbox.server import start_sandbox
from bot.sandbox.traffic import Limits, Traffic, Window

USER, OTHER = 1001, 1002


@pytest.fixture
async def server():
    server = await start_sandbox(port=0)
    for user_id in (USER, OTHER):
        server.state.open_chat(server.state.user(user_id))
    yield server
    await server.stop()


@pytest.fixture
async def client(server):
    async with SandboxClient(server.url) as client:
        yield client


@pytest.fixture
async def bot(server):
    bot = create_bot(SANDBOX_TOKEN, server.url)
    yield bot
    await bot.session.close()


async def raw_send(server, chat_id: int) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.post(
        f"{server.url}/bot{SANDBOX_TOKEN}/sendMessage", json={"chat_id": chat_id, "text": "x"}
    ) as resp:
        return resp.status, await resp.json()


async def test_no_limits_by_default(server, bot):
    for n in range(50):
        await bot.send_message(USER, f"tin {n}")
    assert len(server.state.chat(USER).messages) == 50


async def test_a_chat_over_its_limit_gets_telegrams_429(server, client):
    await client.set_limits(per_chat_per_second=1)
    assert (await raw_send(server, USER))[0] == 200
    assert await raw_send(server, USER) == (429, {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1}})
    assert (await raw_send(server, OTHER))[0] == 200  # another chat is not held back
    traffic = await client.traffic()
    assert (traffic["stats"]["accepted"], traffic["stats"]["rate_limited"]) == (2, 1)
    assert traffic["limits"] == {"per_second": None, "per_chat_per_second": 1.0, "per_group_per_minute": None}


async def test_the_overall_limit_holds_every_chat_back(server, client, bot):
    await client.set_limits(per_second=3)
    for user_id in (USER, OTHER, USER):
        await bot.send_message(user_id, "ok")
    with pytest.raises(TelegramRetryAfter) as refused:
        await bot.send_message(OTHER, "quá nhanh")
    assert refused.value.retry_after == 1
    await client.set_limits()
    await bot.send_message(OTHER, "đã bỏ giới hạn")


def test_the_overall_window_starts_empty_and_slides_as_telegrams():
    window = Window(30, 1.0)
    for n in range(30):  # a whole second's sends at once: the window starts empty, not with a bonus second
        assert window.wait(n / 1000) == 0
        window.accepted.append(n / 1000)
    assert window.wait(0.5) == pytest.approx(0.5)  # a token bucket would have refilled 15 by now
    assert window.wait(0.9995) == pytest.approx(0.0005)
    assert window.wait(1.0) == 0  # the first send left the window after exactly 1 s: one place is free
    window.accepted.append(1.0)
    assert window.wait(1.0) == pytest.approx(0.001)


def test_a_group_gets_20_a_minute_and_a_private_chat_1_a_second():
    traffic = Traffic()
    traffic.set_limits(Limits(per_chat_per_second=1, per_group_per_minute=20))
    for _ in range(20):
        traffic.admit(-100123)
    with pytest.raises(ApiError) as refused:
        traffic.admit(-100123)
    assert (refused.value.code, refused.value.parameters["retry_after"]) == (429, 60)
    traffic.admit(USER)
    with pytest.raises(ApiError):
        traffic.admit(USER)
    assert (traffic.stats["accepted"], traffic.stats["rate_limited"]) == (21, 2)
    assert Window(0.5, 1.0).span == 2.0 and Window(0.5, 1.0).limit == 1  # a rate below one a second


async def test_a_forced_retry_after_counts_down(server, client, bot):
    await client.set_fault(USER, "retry_after", retry_after=9, count=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as refused:
            await bot.send_message(USER, "x")
        assert refused.value.retry_after == 9
    await bot.send_message(USER, "qua rồi")
    assert [m.text for m in server.state.chat(USER).messages.values()] == ["qua rồi"]


async def test_a_blocked_chat_answers_403_until_cleared(server, client, bot):
    await client.set_fault(USER, "blocked")
    status, body = await raw_send(server, USER)
    assert (status, body) == (403, {"ok": False, "error_code": 403,
                                    "description": "Forbidden: bot was blocked by the user"})
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(USER, "x")
    await bot.send_message(OTHER, "người khác vẫn nhận được")
    await client.set_fault(USER, "none")
    await bot.send_message(USER, "đã bỏ chặn")
    assert [m.text for m in server.state.chat(USER).messages.values()] == ["đã bỏ chặn"]


@pytest.mark.parametrize("delivered", [True, False])
async def test_a_send_can_time_out_with_or_without_arriving(server, client, bot, delivered):
    await client.set_fault(USER, "timeout", seconds=5, delivered=delivered)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(USER, "có đến không?", request_timeout=0.2)
    assert len(server.state.chat(USER).messages) == int(delivered)
    await bot.send_message(USER, "lần sau thì được")  # the fault was for one send
    assert (await client.traffic())["stats"]["timed_out"] == 1


@pytest.mark.parametrize(("path", "body", "error"), [
    ("/sandbox/limits", {"per_second": 0}, "'per_second' must be a positive number or null"),
    ("/sandbox/limits", {"per_chat_per_second": "1"}, "'per_chat_per_second' must be a positive number or null"),
    ("/sandbox/faults", {"chat_id": USER, "fault": "explode"}, "'fault' must be one of blocked, retry_after, timeout"),
    ("/sandbox/faults", {"chat_id": "1001", "fault": "blocked"}, "'chat_id' must be int"),
    ("/sandbox/faults", {"chat_id": USER, "fault": "timeout", "count": 0}, "'count' must be at least 1"),
    ("/sandbox/faults", {"chat_id": USER, "fault": "timeout", "delivered": "yes"}, "'delivered' must be true or false"),
])
async def test_bad_control_requests_are_refused(client, path, body, error):
    with pytest.raises(SandboxError, match=error):
        await client._request("POST", path, json=body)


async def test_reset_lifts_limits_and_faults(server, client):
    await client.set_limits(per_second=1)
    await client.set_fault(USER, "blocked")
    await client.reset()
    assert await client.traffic() == {
        "limits": {"per_second": None, "per_chat_per_second": None, "per_group_per_minute": None}, "faults": {},
        "stats": {"accepted": 0, "rate_limited": 0, "blocked": 0, "timed_out": 0,
                  "first_accepted": None, "last_accepted": None}}
