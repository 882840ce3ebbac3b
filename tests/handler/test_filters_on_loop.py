"""Choosing an update's handler never waits on a worker thread: aiogram runs a filter or handler that is not a
coroutine in `asyncio.to_thread`, so every one chibo registers is awaited in place (handlers/registering.py)."""

import asyncio

from aiogram import F, Router

from handlers.registering import Magic, on_loop
from tests.helpers import SECRETARY, buttons, create_branch


def _run_in_threads(router: Router) -> list[str]:
    found = []
    for name, observer in router.observers.items():
        for handler in observer.handlers:
            where = f"{router.name}.{name} {handler.callback.__name__}"
            found += [f"{where}: handler"] * (not handler.awaitable)
            found += [f"{where}: filter {f.callback!r}" for f in handler.filters or () if not f.awaitable]
    for sub in router.sub_routers:
        found += _run_in_threads(sub)
    return found


async def test_no_filter_or_handler_of_the_dispatcher_runs_in_a_thread(tg):
    assert len(tg.dispatcher.sub_routers) > 10
    assert _run_in_threads(tg.dispatcher) == []


def answer_plainly(message) -> None:  # a handler that is no coroutine
    pass


async def test_a_plain_router_would_have_run_its_magic_filters_in_threads():
    """What the walk above finds when a handler and a filter are registered without registrars (it can fail)."""
    router = Router(name="plain")
    router.message.register(answer_plainly, F.text)
    found = _run_in_threads(router)
    assert found[0] == "plain.message answer_plainly: handler"
    assert found[1].startswith("plain.message answer_plainly: filter <bound method MagicFilter.resolve")
    assert len(found) == 2


async def test_magic_filters_keep_what_they_resolve_to():
    """A magic filter's value (a dict from .as_() goes to the handler as aiogram's own resolving gives it)."""
    wrapped = on_loop(F.text.as_("said"))
    assert isinstance(wrapped, Magic)

    class Event:
        text = "tháng này"

    assert await wrapped(Event()) == {"said": "tháng này"}
    assert await on_loop(F.document)(Event()) is None


async def test_a_conversation_through_dialog_steps_and_buttons_uses_no_thread(tg, monkeypatch):
    threaded = []
    to_thread = asyncio.to_thread

    async def recording(function, *args, **kwargs):
        threaded.append(function)
        return await to_thread(function, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", recording)
    await create_branch(tg)  # buttons, and dialog steps chosen by their State and F.text
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, "Nộp danh sách đảng viên cho Đảng ủy")
    await tg.send(SECRETARY, "25/12/2026 - 30/12/2026")
    assert "Đã thêm vào lịch" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "tháng 12/2026 cần làm gì")
    answer = (await tg.messages(SECRETARY))[-1]
    assert "Nộp danh sách đảng viên cho Đảng ủy — 25/12/2026–30/12/2026" in answer["text"]
    assert any(label.startswith("✅") for label in buttons(answer))
    await tg.send(SECRETARY, "xin chào bot")  # the fallback router's F.text | F.document | F.photo
    assert await tg.last_text(SECRETARY)
    assert threaded == []
