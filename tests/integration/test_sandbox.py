"""The sandbox drives a real aiogram bot over HTTP, exactly as Telegram would."""

import asyncio
import base64
import re
import shutil
import time
from collections.abc import AsyncIterator
from html import escape

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.server import SandboxServer, start_sandbox

TOKEN = "100000001:sandbox-test-token"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])


def build_router() -> Router:
    router = Router()

    @router.message(CommandStart(deep_link=True))
    async def start_with_token(message: Message, command: CommandObject) -> None:
        await message.answer(f"Xin chào, {escape(message.from_user.first_name)}! Mã mời: {command.args}")

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"Xin chào, <b>{escape(message.from_user.first_name)}</b>!")

    @router.message(Command("photo"))
    async def photo(message: Message) -> None:
        await message.answer_photo(BufferedInputFile(PNG, "chart.png"), caption="Biểu đồ")

    @router.message(Command("notify"))
    async def notify(message: Message, command: CommandObject, bot: Bot) -> None:
        try:
            await bot.send_message(int(command.args), "Thông báo")
        except TelegramBadRequest as error:
            await message.answer(f"Lỗi: {escape(error.message)}")

    @router.message(Command("reply"))
    async def reply_in_webhook_answer(message: Message) -> SendMessage:
        # Returned, not awaited: in webhook mode aiogram puts it in the HTTP answer.
        return message.answer("Trả lời trong webhook")

    @router.message(F.document)
    async def document_back(message: Message, bot: Bot) -> None:
        downloaded = await bot.download(message.document)
        content = downloaded.read()
        await message.answer_document(
            BufferedInputFile(content, f"ban-sao-{message.document.file_name}"),
            caption=f"Đã nhận {len(content)} byte, ghi chú: {escape(message.caption or '')}",
        )

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(
            f"<b>Bạn viết:</b> {escape(message.text)}",
            reply_markup=keyboard(
                InlineKeyboardButton(text="Đồng ý", callback_data="agree"),
                InlineKeyboardButton(text="Giữ nguyên", callback_data="same"),
                InlineKeyboardButton(text="Hướng dẫn", url="https://example.org/huong-dan"),
            ),
        )

    @router.callback_query(F.data == "agree")
    async def agree(query: CallbackQuery) -> None:
        await query.message.edit_text("Đã đồng ý ✅")
        await query.answer("Đã ghi nhận", show_alert=True)

    @router.callback_query(F.data == "same")
    async def same(query: CallbackQuery) -> None:
        try:
            await query.message.edit_text(query.message.html_text, reply_markup=query.message.reply_markup)
        except TelegramBadRequest as error:
            await query.answer(error.message)

    @router.callback_query()
    async def unknown(query: CallbackQuery) -> None:
        await query.answer(f"Không rõ: {query.data}")

    return router


def make_bot(server: SandboxServer) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    return Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))


def make_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router())
    return dispatcher


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    server = await start_sandbox(port=0)
    yield server
    await server.stop()


@pytest.fixture
async def client(server: SandboxServer) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(server.url) as client:
        yield client


@pytest.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    """A bot long-polling the sandbox, handling one update at a time like the real one."""
    bot = make_bot(server)
    dispatcher = make_dispatcher()
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_as_tasks=False, handle_signals=False, polling_timeout=10)
    )
    yield bot
    await dispatcher.stop_polling()
    await polling  # start_polling closes the bot session on the way out


async def post_update(server: SandboxServer, user_id: int, text: str) -> int:
    """Queue a user message without waiting for the bot (SandboxClient.send waits)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.url}/sandbox/send", json={"user_id": user_id, "text": text}) as resp,
    ):
        return (await resp.json())["update_id"]


async def raw_api(server: SandboxServer, method: str, **params: str) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.url}/bot{TOKEN}/{method}", data=params) as resp,
    ):
        return resp.status, await resp.json()


# -- talking to the bot ----------------------------------------------------------------------


async def test_get_me_matches_the_sandbox_bot(server: SandboxServer) -> None:
    bot = make_bot(server)
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    assert (me.id, me.username, me.first_name, me.is_bot) == (100000001, "chibo_sandbox_bot", "chibo", True)
    assert me.can_join_groups is True


async def test_echo_shows_text_html_and_buttons(bot: Bot, client: SandboxClient) -> None:
    await client.send(1001, "Họp chi bộ <tháng 5>")

    [reply] = await client.messages(1001)
    assert reply["text"] == "Bạn viết: Họp chi bộ <tháng 5>"
    assert reply["html"] == "<b>Bạn viết:</b> Họp chi bộ &lt;tháng 5&gt;"
    assert reply["entities"] == [{"type": "bold", "offset": 0, "length": 9}]
    assert reply["buttons"] == [
        [
            {"text": "Đồng ý", "data": "agree"},
            {"text": "Giữ nguyên", "data": "same"},
            {"text": "Hướng dẫn", "url": "https://example.org/huong-dan"},
        ]
    ]
    assert reply["edited"] is False and reply["document"] is None and reply["photo"] is False
    assert await client.last_text(1001) == "Bạn viết: Họp chi bộ <tháng 5>"


async def test_chat_shows_both_sides_in_order(bot: Bot, client: SandboxClient) -> None:
    await client.send(1002, "một")
    await client.send(1002, "hai")

    chat = await client.chat(1002)
    assert [(m["from"], m["text"]) for m in chat] == [
        ("user", "một"),
        ("bot", "Bạn viết: một"),
        ("user", "hai"),
        ("bot", "Bạn viết: hai"),
    ]
    assert [m["message_id"] for m in chat] == [1, 2, 3, 4]


async def test_start_command_and_deep_link(bot: Bot, client: SandboxClient) -> None:
    await client.send(1003, "/start", first_name="Lan")
    assert await client.last_text(1003) == "Xin chào, Lan!"

    await client.send(1003, "/start MOI-42")  # the name is remembered
    assert await client.last_text(1003) == "Xin chào, Lan! Mã mời: MOI-42"


async def test_click_edits_message_and_answers_callback(bot: Bot, client: SandboxClient) -> None:
    await client.send(1004, "xin duyệt")
    await client.click_button(1004, "Đồng")  # no exact match: falls back to "contains"

    [message] = await client.messages(1004)
    assert message["text"] == "Đã đồng ý ✅"
    assert message["edited"] is True
    assert message["buttons"] == []  # edit without reply_markup drops the keyboard, as in Telegram
    assert await client.callback_answers(1004) == [{"text": "Đã ghi nhận", "show_alert": True}]


async def test_identical_edit_is_reported_as_not_modified(bot: Bot, client: SandboxClient) -> None:
    await client.send(1005, "giữ")
    await client.click_button(1005, "Giữ nguyên")

    [answer] = await client.callback_answers(1005)
    assert answer["text"].startswith("Bad Request: message is not modified")
    [message] = await client.messages(1005)
    assert message["edited"] is False and len(message["buttons"][0]) == 3


async def test_forged_callback_data_reaches_the_bot(bot: Bot, client: SandboxClient) -> None:
    await client.send(1006, "x")
    [message] = await client.messages(1006)
    await client.click(1006, message["message_id"], "forged:999")
    assert await client.callback_answers(1006) == [{"text": "Không rõ: forged:999", "show_alert": False}]


async def test_click_on_missing_button_or_message_fails_clearly(bot: Bot, client: SandboxClient) -> None:
    await client.send(1007, "x")
    with pytest.raises(AssertionError, match=r"no button 'Từ chối'.*'Đồng ý', 'Giữ nguyên', 'Hướng dẫn'"):
        await client.click_button(1007, "Từ chối")
    with pytest.raises(SandboxError, match="no bot message 99"):
        await client.click(1007, 99, "agree")


async def test_document_round_trip(bot: Bot, client: SandboxClient) -> None:
    content = "Biên bản họp chi bộ\n".encode() * 100
    await client.upload(1008, "biên bản.txt", content, caption="tháng 5")

    [reply] = await client.messages(1008)
    assert reply["document"]["file_name"] == "ban-sao-biên bản.txt"
    assert base64.b64decode(reply["document"]["content_base64"]) == content
    assert reply["text"] == f"Đã nhận {len(content)} byte, ghi chú: tháng 5"


async def test_bot_can_resend_a_document_by_file_id(bot: Bot, client: SandboxClient) -> None:
    await client.upload(1009, "a.pdf", b"%PDF-1.4 test")
    [user_upload] = [m for m in await client.chat(1009) if m["from"] == "user"]
    file_id = user_upload["document"]["file_id"]

    sent = await bot.send_document(1009, file_id, caption="gửi lại")
    assert sent.document.file_name == "a.pdf" and sent.document.mime_type == "application/pdf"
    assert base64.b64decode((await client.messages(1009))[-1]["document"]["content_base64"]) == b"%PDF-1.4 test"
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(1009, "no-such-file-id")


async def test_photo_is_shown_and_downloadable(bot: Bot, client: SandboxClient, server: SandboxServer) -> None:
    await client.send(1010, "/photo")

    [reply] = await client.messages(1010)
    assert reply["photo"] is True and reply["text"] == "Biểu đồ"
    async with aiohttp.ClientSession() as http, http.get(server.url + reply["photo_url"]) as resp:
        assert (resp.status, resp.content_type, await resp.read()) == (200, "image/png", PNG)


async def test_an_album_is_one_message_a_photo_sharing_one_media_group(bot: Bot, client: SandboxClient,
                                                                          server: SandboxServer) -> None:
    await client.send(1016, "/start")
    pages = [InputMediaPhoto(media=BufferedInputFile(PNG, f"trang-{n}.png"), caption=f"Trang <b>{n}</b>")
             for n in (1, 2, 3)]
    sent = await bot.send_media_group(1016, pages)
    assert [m.caption for m in sent] == ["Trang 1", "Trang 2", "Trang 3"]
    assert len({m.media_group_id for m in sent}) == 1 and sent[0].media_group_id
    shown = (await client.messages(1016))[-3:]
    assert [(m["photo"], m["text"], m["media_group_id"]) for m in shown] == [
        (True, f"Trang {n}", sent[0].media_group_id) for n in (1, 2, 3)]
    async with aiohttp.ClientSession() as http, http.get(server.url + shown[1]["photo_url"]) as resp:
        assert await resp.read() == PNG
    again = await bot.send_media_group(1016, [InputMediaPhoto(media=sent[0].photo[-1].file_id)] * 2)  # by file_id
    assert again[0].media_group_id != sent[0].media_group_id
    count = len(await client.messages(1016))
    for media, error in ((pages[:1], "wrong number of media items"),
                         ([pages[0]] * 11, "too many messages to send as an album"),
                         ([pages[0], InputMediaPhoto(media="no-such-file-id")], "wrong file identifier")):
        with pytest.raises(TelegramBadRequest, match=error):
            await bot.send_media_group(1016, media)
    assert len(await client.messages(1016)) == count  # a refused album sends none of its photos


# -- Telegram's errors -----------------------------------------------------------------------


async def test_bot_cannot_message_a_user_who_never_wrote(bot: Bot, client: SandboxClient) -> None:
    await client.send(1011, "/notify 424242")
    assert await client.last_text(1011) == "Lỗi: Bad Request: chat not found"
    assert await client.messages(424242) == []


async def test_telegram_validation_errors(bot: Bot, client: SandboxClient) -> None:
    await client.send(1012, "/start")
    cases = [
        (lambda: bot.send_message(1012, " "), "message text is empty"),
        (lambda: bot.send_message(1012, "a" * 4097), "message is too long"),
        (lambda: bot.send_message(1012, "Xin chào <Tên>"), "can't parse entities: Unsupported start tag"),
        (lambda: bot.send_message(1012, "<b>đậm"), 'Can\'t find end tag corresponding to start tag "b"'),
        (lambda: bot.edit_message_text("x", chat_id=1012, message_id=999), "message to edit not found"),
        (lambda: bot.delete_message(1012, 999), "message to delete not found"),
        (lambda: bot.answer_callback_query("nope"), "query ID is invalid"),
        (lambda: bot.send_message(1012, "x", reply_markup=_keyboard(101)), "reply markup is too long"),
    ]
    for call, expected in cases:
        with pytest.raises(TelegramBadRequest, match=expected):
            await call()
    assert await bot.send_message(1012, "a" * 4096)  # exactly at the limit is fine
    assert await bot.send_message(1012, "x", reply_markup=_keyboard(100))


def _keyboard(buttons: int) -> InlineKeyboardMarkup:
    """`buttons` buttons in rows of 5, as chibo's lists draw them."""
    row = [InlineKeyboardButton(text=str(n), callback_data=f"n:{n}") for n in range(buttons)]
    return InlineKeyboardMarkup(inline_keyboard=[row[i:i + 5] for i in range(0, buttons, 5)])


async def test_edit_reply_markup_and_delete(bot: Bot, client: SandboxClient) -> None:
    await client.send(1013, "x")
    [message] = await client.messages(1013)
    new_markup = keyboard(InlineKeyboardButton(text="Mới", callback_data="new"))

    await bot.edit_message_reply_markup(chat_id=1013, message_id=message["message_id"], reply_markup=new_markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=1013, message_id=message["message_id"], reply_markup=new_markup)
    assert (await client.messages(1013))[0]["buttons"] == [[{"text": "Mới", "data": "new"}]]

    assert await bot.delete_message(1013, message["message_id"])
    assert await client.messages(1013) == []


async def test_unknown_method_is_404(server: SandboxServer) -> None:
    status, body = await raw_api(server, "sendTelepathy", chat_id="1")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}


async def test_commands_and_menu_button(bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Bắt đầu"),
        BotCommand(command="hop", description="Họp"),
    ]
    assert await bot.set_my_commands(commands)
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Bắt đầu"),
        ("hop", "Họp"),
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    assert await bot.set_chat_menu_button()
    assert await bot.set_my_description("Trợ lý chi bộ")
    assert (await bot.get_my_description()).description == "Trợ lý chi bộ"
    assert (await bot.get_my_name()).name == "chibo"


async def test_pin_and_bulk_delete(bot: Bot, client: SandboxClient) -> None:
    await client.send(1001, "một")
    await client.send(1001, "hai")
    first, second = await client.messages(1001)
    assert await bot.pin_chat_message(1001, first["message_id"])
    assert [m["pinned"] for m in await client.messages(1001)] == [True, False]
    with pytest.raises(TelegramBadRequest, match="message to pin not found"):
        await bot.pin_chat_message(1001, 999)

    assert await bot.delete_messages(1001, [first["message_id"], second["message_id"], 999])
    assert await client.messages(1001) == []
    assert [m["text"] for m in await client.chat(1001)] == ["một", "hai"]  # the user's side stays


# -- update delivery -------------------------------------------------------------------------


async def test_long_polling_wakes_up_at_once(bot: Bot, client: SandboxClient) -> None:
    await client.send(2001, "khởi động")  # the bot is now idle in a 10 s long poll
    await asyncio.sleep(0.2)

    started = time.monotonic()
    await client.send(2001, "nhanh không?")
    assert time.monotonic() - started < 1.0
    assert await client.last_text(2001) == "Bạn viết: nhanh không?"


async def test_get_updates_offset_confirms_and_marks_processed(server: SandboxServer) -> None:
    async with SandboxClient(server.url) as client:
        poll = asyncio.create_task(raw_api(server, "getUpdates", timeout="10"))
        await asyncio.sleep(0.1)
        update_id = await post_update(server, 2002, "/start x")

        status, body = await asyncio.wait_for(poll, 2)
        [update] = body["result"]
        assert status == 200 and update["update_id"] == update_id
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
        assert update["message"]["chat"] == {"id": 2002, "type": "private", "first_name": "Mai Văn Sơn"}

        with pytest.raises(TimeoutError, match=f"did not process update {update_id}"):
            await client.wait(update_id, timeout=0.2)
        _, body = await raw_api(server, "getUpdates", offset=str(update_id + 1))
        assert body == {"ok": True, "result": []}
        await client.wait(update_id)  # confirmed by the offset: returns at once


async def test_second_poller_terminates_the_first(server: SandboxServer) -> None:
    first = asyncio.create_task(raw_api(server, "getUpdates", timeout="10"))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(raw_api(server, "getUpdates", timeout="1"))
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409 and "terminated by other getUpdates request" in body["description"]
    assert (await second)[1] == {"ok": True, "result": []}


async def test_updates_the_bot_did_not_ask_for_are_dropped(server: SandboxServer) -> None:
    async with SandboxClient(server.url) as client:
        await raw_api(server, "getUpdates", allowed_updates='["callback_query"]')
        with pytest.raises(SandboxError, match=r"allowed_updates.*'message'"):
            await client.send(2003, "không ai nghe")


async def test_users_and_reset(bot: Bot, client: SandboxClient) -> None:
    await client.send(5555, "chào", first_name="Khách")
    users = {u["id"]: u for u in await client.users()}
    assert {1001, 1013} <= users.keys()
    assert users[5555] == {"id": 5555, "first_name": "Khách", "has_chat": True}
    assert users[1001]["has_chat"] is False

    await client.reset()
    assert await client.messages(5555) == []
    await client.send(5555, "lại")  # the bot keeps working after a reset
    assert await client.last_text(5555) == "Bạn viết: lại"


async def test_page_has_the_elements_browser_tests_use(server: SandboxServer) -> None:
    async with aiohttp.ClientSession() as http, http.get(server.page_url) as resp:
        page = await resp.text()
    assert resp.status == 200 and resp.content_type == "text/html"
    for element_id in ("user-id", "first-name", "text", "send", "file", "messages"):
        assert f'id="{element_id}"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # self-contained: there is no internet


@pytest.fixture
async def webhook_bot(server: SandboxServer) -> AsyncIterator[tuple[Bot, str]]:
    """A bot behind aiogram's own webhook handler on a local port."""
    bot = make_bot(server)
    app = web.Application()
    handler = SimpleRequestHandler(make_dispatcher(), bot, handle_in_background=False, secret_token="s3cret")
    handler.register(app, path="/hook")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield bot, url
    await runner.cleanup()  # closes the bot session via the handler's shutdown hook


async def test_webhook_mode(webhook_bot: tuple[Bot, str], client: SandboxClient) -> None:
    bot, url = webhook_bot
    assert await bot.set_webhook(url, secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == url

    await client.send(3001, "qua webhook")
    assert await client.last_text(3001) == "Bạn viết: qua webhook"
    await client.click_button(3001, "Đồng ý")
    assert await client.last_text(3001) == "Đã đồng ý ✅"
    await client.send(3001, "/reply")  # the reply rides in the webhook's HTTP answer
    assert await client.last_text(3001) == "Trả lời trong webhook"

    with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_webhook_wrong_secret_is_retried_until_fixed(
    webhook_bot: tuple[Bot, str], client: SandboxClient, server: SandboxServer
) -> None:
    bot, url = webhook_bot
    await bot.set_webhook(url, secret_token="wrong")
    update_id = await post_update(server, 3002, "thử lại")
    with pytest.raises(TimeoutError):
        await client.wait(update_id, timeout=0.5)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1 and "401" in info.last_error_message

    await bot.set_webhook(url, secret_token="s3cret")  # the queued update goes through on a retry
    await client.wait(update_id)
    assert await client.last_text(3002) == "Bạn viết: thử lại"
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_delete_webhook_can_drop_pending_updates(
    webhook_bot: tuple[Bot, str], client: SandboxClient, server: SandboxServer
) -> None:
    bot, _ = webhook_bot
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    update_id = await post_update(server, 3003, "x")
    assert await bot.delete_webhook(drop_pending_updates=True)
    with pytest.raises(SandboxError, match="drop_pending_updates"):
        await client.wait(update_id)
    assert await bot.get_updates() == []


# -- the web chat page in a real browser ------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs a system Chromium")
async def test_web_page_chat_with_the_bot(bot: Bot, server: SandboxServer) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 800})
            page.set_default_timeout(10_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(server.page_url)

            await page.fill("#user-id", "1005")
            assert await page.input_value("#first-name") == "Hoàng Văn Em"  # preset user
            await page.click("#start")
            await page.wait_for_selector(".message.bot >> text=Xin chào, Hoàng Văn Em!")
            assert await page.inner_text(".message.bot b") == "Hoàng Văn Em"  # HTML entities rendered

            await page.fill("#text", "Họp <chi bộ>")
            await page.press("#text", "Enter")
            await page.wait_for_selector(".message.user >> text=Họp <chi bộ>")
            await page.wait_for_selector(".message.bot >> text=Bạn viết: Họp <chi bộ>")
            assert await page.get_attribute("a.inline-url", "href") == "https://example.org/huong-dan"

            await page.click("button.inline >> text=Đồng ý")
            await page.wait_for_selector(".message.bot >> text=Đã đồng ý ✅")
            await page.wait_for_selector("#toast >> text=Đã ghi nhận")

            await page.set_input_files("#file", files=[{"name": "bb.txt", "mimeType": "text/plain", "buffer": b"hi"}])
            link = await page.wait_for_selector(".message.bot a.document >> text=ban-sao-bb.txt")
            assert await link.get_attribute("download") == "ban-sao-bb.txt"
            assert errors == []
        finally:
            await browser.close()
