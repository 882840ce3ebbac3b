"""The sandbox's Zalo side: the Zalo Bot API as chibo calls it (`POST {base}/zalo/bot{token}/{method}`,
JSON in, `{"ok", "result"}` or `{"ok": false, "error_code", "description"}` out), and control routes under
/sandbox/zalo/ to play a Zalo user and read what the bot sent.

Like the platform as its public clients use it: getUpdates hands out one update per call and takes no offset
(an update handed out counts as handled once the bot asks for the next one); setWebhook turns getUpdates
off and the updates are POSTed to the webhook instead (bot.sandbox.zalo_delivery); texts are plain, at most 2,000
characters; a photo goes out as an address the platform fetches (the sandbox fetches it, so a link chibo
cannot serve fails here as it would there); there are no buttons, edits or documents.
"""

import base64
import binascii
import itertools
import re
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox.state import Pulse, now

ZALO_KEY = web.AppKey("sandbox_zalo", "ZaloState")
MAX_TEXT = 2000
MAX_WAIT = 120.0
_TOKEN = re.compile(r"^\d+:\S+$")
BOT_INFO = {"id": "sandbox-zalo-bot", "account_name": "bot.chibo", "account_type": "BASIC", "can_join_groups": False}
PRESET_USERS = {"zl-1001": "Nguyễn Văn An", "zl-1002": "Trần Thị Bình", "zl-1003": "Lê Văn Cường",
                "zl-1020": "Phan Văn Quang"}


@dataclass
class ZaloMessage:
    message_id: str
    from_bot: bool
    text: str | None = None
    photo: bytes | None = None
    photo_source: str | None = None  # the address the bot gave
    caption: str | None = None
    date: int = field(default_factory=now)


class ZaloApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class ZaloState:
    def __init__(self) -> None:
        self.pulse = Pulse()
        self.closing = False
        self._seq = itertools.count(1)
        self._message_ids = itertools.count(1)
        # Zalo never reuses a message id, and the bot keeps the ids it handled for a day: a sandbox started
        # again numbers its messages apart from the last run's, so they are not taken for redeliveries.
        self._run = secrets.token_hex(4)
        self.reset()

    def reset(self) -> None:
        self.users: dict[str, str] = {}
        self.chats: dict[str, list[ZaloMessage]] = {}
        self.uploads: dict[str, ZaloMessage] = {}  # photos the users sent, for the bot to fetch
        self.pending: deque[tuple[int, dict[str, Any]]] = deque()
        self.handed: int | None = None  # handed out by getUpdates, done when the bot asks again
        self.done = 0  # every update up to this one is handled
        self.webhook: dict[str, str] | None = None
        self.pulse.notify()

    def message_id(self) -> str:
        return f"zmsg-{self._run}-{next(self._message_ids):08d}"

    def user_says(self, user_id: str, name: str | None, event: str, *, photo: tuple[bytes, str] | None = None,
                  **fields: Any) -> int:
        """`photo`: the picture sent and the address prefix the bot fetches it under (plus its message id)."""
        self.users[user_id] = name or self.users.get(user_id) or PRESET_USERS.get(user_id) or f"Zalo {user_id}"
        message = ZaloMessage(self.message_id(), False, text=fields.get("text"), caption=fields.get("caption"),
                              photo=photo[0] if photo else None)
        if photo is not None:
            self.uploads[message.message_id] = message
            fields["photo"] = f"{photo[1]}/{message.message_id}"
        self.chats.setdefault(user_id, []).append(message)
        payload = {"message_id": message.message_id, "date": message.date * 1000,
                   "from": {"id": user_id, "display_name": self.users[user_id], "is_bot": False},
                   "chat": {"id": user_id, "chat_type": "PRIVATE"}} | fields
        seq = next(self._seq)
        self.pending.append((seq, {"event_name": event, "message": payload}))
        self.pulse.notify()
        return seq

    def is_done(self, seq: int) -> bool:
        return seq <= self.done

    def close(self) -> None:
        self.closing = True
        self.pulse.notify()


# -- the Bot API ------------------------------------------------------------------------------


def _chat(state: ZaloState, body: dict[str, Any]) -> list[ZaloMessage]:
    chat_id = str(body.get("chat_id") or "")
    if chat_id not in state.chats:
        raise ZaloApiError(400, "chat not found")  # the bot can only answer people who wrote to it
    return state.chats[chat_id]


async def _get_updates(state: ZaloState, body: dict[str, Any]) -> Any:
    if state.webhook is not None:
        raise ZaloApiError(409, "webhook is active")
    if state.handed is not None:  # the bot is back for more: the one it had is handled
        state.done, state.handed = max(state.done, state.handed), None
        state.pulse.notify()
    try:
        timeout = min(max(float(body.get("timeout") or 0), 0), 50)
    except ValueError:
        raise ZaloApiError(400, "timeout must be a number") from None
    await state.pulse.wait_until(lambda: bool(state.pending) or state.closing, timeout)
    if not state.pending or state.closing:
        raise ZaloApiError(408, "Request timeout")
    seq, update = state.pending.popleft()
    state.handed = seq
    return update


async def _send_message(state: ZaloState, body: dict[str, Any]) -> Any:
    chat = _chat(state, body)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ZaloApiError(400, "text is empty")
    if len(text) > MAX_TEXT:
        raise ZaloApiError(400, f"text is longer than {MAX_TEXT} characters")
    message = ZaloMessage(state.message_id(), True, text=text)
    chat.append(message)
    state.pulse.notify()
    return {"message_id": message.message_id, "date": message.date * 1000}


async def _send_photo(state: ZaloState, body: dict[str, Any]) -> Any:
    chat = _chat(state, body)
    url = str(body.get("photo") or "")
    if not url.startswith(("http://", "https://")):
        raise ZaloApiError(400, "photo must be a URL")
    try:  # the platform fetches the photo from its address
        async with aiohttp.ClientSession() as http, http.get(url, timeout=aiohttp.ClientTimeout(total=10)) as resp:
            if resp.status != 200:
                raise ZaloApiError(400, f"photo URL answered {resp.status}")
            content = await resp.read()
    except (aiohttp.ClientError, TimeoutError) as error:
        raise ZaloApiError(400, f"photo URL unreachable: {error}") from None
    message = ZaloMessage(state.message_id(), True, photo=content, photo_source=url, caption=body.get("caption"))
    chat.append(message)
    state.pulse.notify()
    return {"message_id": message.message_id, "date": message.date * 1000}


async def _set_webhook(state: ZaloState, body: dict[str, Any]) -> Any:
    url, secret = str(body.get("url") or ""), str(body.get("secret_token") or "")
    if not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
        raise ZaloApiError(400, "webhook URL must use HTTPS")
    if not 8 <= len(secret) <= 256:
        raise ZaloApiError(400, "secret_token must be 8-256 characters")
    state.webhook = {"url": url, "secret_token": secret}
    state.pulse.notify()
    return {"url": url, "updated_at": now() * 1000}


async def _delete_webhook(state: ZaloState, body: dict[str, Any]) -> Any:
    state.webhook = None
    state.pulse.notify()
    return {"url": "", "updated_at": now() * 1000}


async def _webhook_info(state: ZaloState, body: dict[str, Any]) -> Any:
    return {"url": state.webhook["url"] if state.webhook else "", "updated_at": now() * 1000}


async def _get_me(state: ZaloState, body: dict[str, Any]) -> Any:
    return BOT_INFO


async def _chat_action(state: ZaloState, body: dict[str, Any]) -> Any:
    _chat(state, body)
    if body.get("action") != "typing":
        raise ZaloApiError(400, "action must be typing")
    return True


_METHODS = {"getme": _get_me, "getupdates": _get_updates, "sendmessage": _send_message, "sendphoto": _send_photo,
            "setwebhook": _set_webhook, "deletewebhook": _delete_webhook, "getwebhookinfo": _webhook_info,
            "sendchataction": _chat_action}


async def handle_api(request: web.Request) -> web.Response:
    state = request.app[ZALO_KEY]
    if not _TOKEN.match(request.match_info["token"]):
        return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
    method = _METHODS.get(request.match_info["method"].lower())
    try:
        if method is None:
            raise ZaloApiError(404, "method not found")
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict):
            raise ZaloApiError(400, "body must be a JSON object")
        result = await method(state, body)
    except ZaloApiError as error:
        return web.json_response({"ok": False, "error_code": error.code, "description": error.description})
    except ValueError:
        return web.json_response({"ok": False, "error_code": 400, "description": "bad JSON"})
    return web.json_response({"ok": True, "result": result})


# -- control: playing a Zalo user ----------------------------------------------------------------


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="the body must be a JSON object") from None
    if not isinstance(body, dict) or not isinstance(body.get("user_id"), str) or not body["user_id"]:
        raise web.HTTPBadRequest(text="'user_id' must be a non-empty string (Zalo ids are strings)")
    return body


async def send(request: web.Request) -> web.Response:
    body = await _body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text:
        raise web.HTTPBadRequest(text="'text' must be a non-empty string")
    seq = request.app[ZALO_KEY].user_says(body["user_id"], body.get("display_name"), "message.text.received",
                                          text=text)
    return web.json_response({"seq": seq})


async def send_photo(request: web.Request) -> web.Response:
    state = request.app[ZALO_KEY]
    body = await _body(request)
    try:
        content = base64.b64decode(str(body.get("content_base64") or ""), validate=True)
    except binascii.Error:
        raise web.HTTPBadRequest(text="'content_base64' is not valid base64") from None
    fields = {"caption": body["caption"]} if body.get("caption") else {}
    seq = state.user_says(body["user_id"], body.get("display_name"), "message.image.received",
                          photo=(content, f"{request.url.origin()}/sandbox/zalo/photo"), **fields)
    return web.json_response({"seq": seq})


async def photo(request: web.Request) -> web.Response:
    stored = request.app[ZALO_KEY].uploads.get(request.match_info["message_id"])
    if stored is None or stored.photo is None:
        raise web.HTTPNotFound()
    return web.Response(body=stored.photo, content_type="image/jpeg")


def _view(message: ZaloMessage, user_id: str) -> dict[str, Any]:
    return {"message_id": message.message_id, "from": "bot" if message.from_bot else "user",
            "text": message.text if message.text is not None else (message.caption or ""),
            "photo": message.photo is not None and message.from_bot, "photo_source": message.photo_source,
            "photo_url": f"/sandbox/zalo/sent/{user_id}/{message.message_id}" if message.photo else None,
            "date": message.date}


async def chat(request: web.Request) -> web.Response:
    user_id = request.query.get("user_id", "")
    return web.json_response([_view(m, user_id) for m in request.app[ZALO_KEY].chats.get(user_id, [])])


async def sent_photo(request: web.Request) -> web.Response:
    messages = request.app[ZALO_KEY].chats.get(request.match_info["user_id"], [])
    found = next((m for m in messages if m.message_id == request.match_info["message_id"] and m.photo), None)
    if found is None:
        raise web.HTTPNotFound()
    return web.Response(body=found.photo, content_type="image/png")


async def wait(request: web.Request) -> web.Response:
    state = request.app[ZALO_KEY]
    try:
        seq = int(request.query["seq"])
        timeout = min(float(request.query.get("timeout", "15")), MAX_WAIT)
    except (KeyError, ValueError):
        raise web.HTTPBadRequest(text="'seq' must be an integer and 'timeout' a number") from None
    await state.pulse.wait_until(lambda: state.is_done(seq) or state.closing, timeout)
    return web.json_response({"processed": state.is_done(seq)})


async def users(request: web.Request) -> web.Response:
    state = request.app[ZALO_KEY]
    listed = PRESET_USERS | state.users
    return web.json_response([{"id": user_id, "display_name": name, "has_chat": user_id in state.chats}
                              for user_id, name in sorted(listed.items())])


async def reset(request: web.Request) -> web.Response:
    request.app[ZALO_KEY].reset()
    return web.json_response({"ok": True})


def add_routes(app: web.Application, state: ZaloState) -> None:
    app[ZALO_KEY] = state
    app.router.add_post("/zalo/bot{token}/{method}", handle_api)
    app.router.add_post("/sandbox/zalo/send", send)
    app.router.add_post("/sandbox/zalo/photo", send_photo)
    app.router.add_get("/sandbox/zalo/photo/{message_id}", photo)
    app.router.add_get("/sandbox/zalo/sent/{user_id}/{message_id}", sent_photo)
    app.router.add_get("/sandbox/zalo/chat", chat)
    app.router.add_get("/sandbox/zalo/wait", wait)
    app.router.add_get("/sandbox/zalo/users", users)
    app.router.add_post("/sandbox/zalo/reset", reset)

