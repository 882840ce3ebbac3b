"""Zalo updates as the updates the handlers already take, fed to the one dispatcher.

A text becomes a Message update; a reply that picks one of the numbered choices the chat was shown last (by
its number or its words) becomes the CallbackQuery of that button, or the text of that menu entry; "menu"
(or "0" outside a dialog step) shows the numbered main menu; an invitation code is /start with that code; a
photo becomes a Message with a photo whose file is the photo's address; "gửi tệp" is /nhapkehoach, whose
answer carries a one-time upload link (bot.channels.uploads), and the file sent through it becomes a Message
with that document. Updates come by long polling (one per getUpdates, no offset) or by webhook
(the X-Bot-Api-Secret-Token header checked, answered once handled).
"""

import asyncio
import hmac
import logging
import time
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiohttp import web

from bot.channels.ids import zalo_update_id
from bot.channels.uploads import PlanUploads
from bot.channels.zalo_api import ZaloApi
from bot.channels.zalo_session import ZaloSession, answering
from bot.domain.invitation_code import typed_code
from bot.domain.text import fold
from bot.texts import plain

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
RETRY_FIRST, RETRY_MAX = 1.0, 30.0
# Typed words (folded) that stand for a command: Zalo sends no documents, so a file is asked for in words.
ALIASES = {"gui tep": "/nhapkehoach", "gui file": "/nhapkehoach"}


def _entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


def _message(key: int, name: str, update_id: int, date: int) -> dict[str, Any]:
    """The fields every message from Zalo user `key` has."""
    user = {"id": key, "is_bot": False, "first_name": name or str(key), "language_code": "vi"}
    return {"message_id": update_id % 2**31, "date": date,
            "chat": {"id": key, "type": "private", "first_name": user["first_name"]}, "from": user}


class ZaloInbound:
    def __init__(self, dp: Dispatcher, bot: Bot) -> None:
        self.dp = dp
        self.bot = bot
        session = bot.session
        assert isinstance(session, ZaloSession)
        self.session = session
        self.uploads = PlanUploads(session.files, self.deliver_document)

    async def _in_dialog(self, key: int) -> bool:
        storage_key = StorageKey(bot_id=self.bot.id, chat_id=key, user_id=key)
        return await self.dp.fsm.storage.get_state(storage_key) is not None

    async def to_update(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        """The aiogram update a Zalo update stands for; None when the adapter answers it itself."""
        message = raw.get("message") or {}
        chat, sender = message.get("chat") or {}, message.get("from") or {}
        if chat.get("chat_type", "PRIVATE") != "PRIVATE" or not sender.get("id") or not message.get("message_id"):
            log.info("zalo: %s not for the bot (group or incomplete): skipped", raw.get("event_name"))
            return None
        name = str(sender.get("display_name") or sender.get("name") or "")
        key = await self.session.chats.key_for(str(sender["id"]), str(chat.get("id") or sender["id"]), name,
                                               datetime.now(UTC))
        update_id = zalo_update_id(str(message["message_id"]))
        base = _message(key, name, update_id, message.get("date") or 0)
        user = base["from"]
        event = raw.get("event_name")
        if event == "message.image.received" and message.get("photo"):
            url = str(message["photo"])
            photo = [{"file_id": url, "file_unique_id": str(update_id), "width": 0, "height": 0}]
            fields = {"photo": photo} | ({"caption": message["caption"]} if message.get("caption") else {})
            return {"update_id": update_id, "message": base | fields}
        text = str(message.get("text") or "").strip()
        if event != "message.text.received" or not text:
            await self.bot.send_message(key, plain("zalo", "unsupported"), parse_mode=None)
            return None
        if fold(text) == "menu" or (text == "0" and not await self._in_dialog(key)):
            await self.session.show_menu(key)
            return None
        text = ALIASES.get(fold(text), text)
        code = typed_code(text)
        if code is not None:  # an invitation: Zalo has no deep links, so the code is sent as a message
            text = f"/start {code}"
        shown = await self.session.chats.shown(key)
        choice = self.session.pick(text, shown)
        if choice is not None and choice.data is not None:
            query_message = {"message_id": shown.message_id, "date": base["date"], "chat": base["chat"],
                             "from": {"id": self.bot.id, "is_bot": True, "first_name": self.session.bot_name},
                             "text": shown.text}
            return {"update_id": update_id, "callback_query": {
                "id": f"{key}:{update_id}", "from": user, "chat_instance": f"zalo-{key}",
                "message": query_message, "data": choice.data}}
        if choice is not None and choice.send is not None:
            text = choice.send
        return {"update_id": update_id, "message": base | {"text": text, "entities": _entities(text)}}

    async def handle(self, raw: dict[str, Any]) -> None:
        update = await self.to_update(raw)
        if update is not None:
            await self.feed(update)

    async def feed(self, update: dict[str, Any]) -> None:
        """Handles an update of this chat; a handler taking `plan_upload` can give the chat an upload link."""
        key = (update.get("message") or update["callback_query"])["from"]["id"]
        token = answering.set(key)
        try:
            await self.dp.feed_raw_update(self.bot, update, plan_upload=lambda: self.uploads.issue(key))
        finally:
            answering.reset(token)

    async def deliver_document(self, key: int, nonce: str, document: dict[str, Any]) -> None:
        """A file sent through an upload link, as the document message Telegram would have brought."""
        update_id = zalo_update_id(f"upload:{nonce}")
        await self.feed({"update_id": update_id,
                         "message": _message(key, "", update_id, int(time.time())) | {"document": document}})

    def add_routes(self, app: web.Application) -> None:
        """What chibo's web server serves for Zalo users: the file links and the upload links."""
        self.session.files.add_route(app)
        self.uploads.add_routes(app)

    async def poll(self, api: ZaloApi) -> None:
        """Long polling until cancelled. Zalo hands out each update once: one in flight at a crash is lost
        (the platform has no offset to confirm with)."""
        delay = RETRY_FIRST
        while True:
            try:
                raw = await api.get_update()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # network, 5xx, a bad token: say so, wait, try again
                log.warning("zalo: getUpdates failed (%s); retrying in %.0f s", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
                continue
            delay = RETRY_FIRST
            if raw is None:
                continue
            try:
                await self.handle(raw)
            except Exception:
                log.exception("zalo: update %s failed", (raw.get("message") or {}).get("message_id"))

    def webhook(self, secret: str | None) -> web.RequestHandler:
        async def receive(request: web.Request) -> web.Response:
            if secret is not None and not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
                return web.Response(status=401)
            try:
                body = await request.json()
            except ValueError:
                return web.Response(status=400)
            raw = body.get("result", body) if isinstance(body, dict) else None
            if not isinstance(raw, dict):
                return web.Response(status=400)
            # Answered once handled: a process killed midway never said "done", so the update can come again,
            # and the handled-update record keeps it from being handled twice.
            await self.handle(raw)
            return web.json_response({"ok": True})

        return receive
