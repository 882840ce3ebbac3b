"""Control API under /sandbox/: play the users' side and look at what the bot did.

Scripted checks depend on these routes and shapes; extend them, never change them.
"""

import base64
import binascii
import io
import mimetypes
from typing import Any
from urllib.parse import quote

from aiohttp import web
from PIL import Image

from bot.sandbox import objects
from bot.sandbox.bot_api import STATE_KEY
from bot.sandbox.formatting import command_entities
from bot.sandbox.state import PRESET_USERS, Chat, SandboxState
from bot.sandbox.traffic import FAULT_KINDS, Fault, Limits

MAX_WAIT = 120.0


class ControlError(Exception):
    """A bad control request; answered as 400 {"error": ...}."""


@web.middleware
async def _errors_as_json(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except ControlError as error:
        return web.json_response({"error": str(error)}, status=400)


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ControlError("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _field(body: dict[str, Any], name: str, kind: type, *, optional: bool = False) -> Any:
    value = body.get(name)
    if value is None and optional:
        return None
    # bool is an int subclass; a user id of `true` is a caller bug.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ControlError(f"{name!r} must be {kind.__name__}")
    return value


def _query_int(request: web.Request, name: str) -> int:
    try:
        return int(request.query[name])
    except (KeyError, ValueError):
        raise ControlError(f"query parameter {name!r} must be an integer") from None


# -- the users' side, on the state: the routes below and in-process drivers (tests/handler) share these --


def _user_chat(state: SandboxState, user_id: int, first_name: str | None) -> Chat:
    return state.open_chat(state.user(user_id, first_name))


def _enqueue_message(state: SandboxState, chat: Chat, **fields: Any) -> dict[str, int]:
    message = chat.add(False, **fields)
    update_id = state.enqueue("message", objects.message_json(chat, message))
    return {"update_id": update_id, "message_id": message.message_id}


def post_text(state: SandboxState, user_id: int, text: str, first_name: str | None = None) -> dict[str, int]:
    """The user writes `text`: the message in the chat and its update queued ({"update_id", "message_id"})."""
    if not text:
        raise ControlError("'text' must not be empty")
    # Telegram tags a leading /command, which aiogram's deep-link handling relies on.
    return _enqueue_message(state, _user_chat(state, user_id, first_name), text=text, entities=command_entities(text))


# Telegram keeps a photo in several sizes, each fitting a box this many pixels on its longer side.
PHOTO_BOXES = (90, 320, 800, 1280, 2560)


def _photo_sizes(state: SandboxState, file_name: str, content: bytes) -> list[tuple[Any, int, int]]:
    """A user's photo as Telegram keeps it: JPEGs fitting each box up to the photo's own size, smallest first."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            picture = image.convert("RGB")
    except Exception:  # Pillow raises many types on what is not an image
        raise ControlError("a photo must be an image Pillow can open") from None
    sizes = []
    for box in PHOTO_BOXES:
        scaled = picture.copy()
        scaled.thumbnail((box, box))
        out = io.BytesIO()
        scaled.save(out, "JPEG", quality=87)
        sizes.append((state.store_file("photo", f"{file_name}.jpg", "image/jpeg", out.getvalue()), *scaled.size))
        if box >= max(picture.size):
            break
    return sizes


def post_file(state: SandboxState, user_id: int, file_name: str, content: bytes, caption: str | None = None, *,
              photo: bool = False, media_group_id: str | None = None, first_name: str | None = None
              ) -> dict[str, int]:
    """The user sends a file as a document, or (photo) as a photo in the sizes Telegram keeps."""
    chat = _user_chat(state, user_id, first_name)
    if photo:
        sizes = _photo_sizes(state, file_name, content)
        return _enqueue_message(state, chat, photo=sizes[-1][0], photo_sizes=sizes, media_group_id=media_group_id,
                                caption=caption or None)
    mime = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    stored = state.store_file("document", file_name, mime, content)
    return _enqueue_message(state, chat, document=stored, caption=caption or None, media_group_id=media_group_id)


def post_click(state: SandboxState, user_id: int, message_id: int, data: str) -> int:
    """The user taps a button with callback `data` (as-is, so tests can forge it) on a bot message; the update id."""
    chat = state.chat(user_id)
    message = chat.bot_message(message_id) if chat else None
    if chat is None or message is None:
        raise ControlError(f"no bot message {message_id} in the chat with user {user_id}")
    query = {
        "id": state.new_callback_query(user_id),
        "from": objects.user_json(chat.user),
        "chat_instance": f"sandbox-{user_id}",
        "message": objects.message_json(chat, message),
        "data": data,
    }
    return state.enqueue("callback_query", query)


def views(chat: Chat | None, *, bot_only: bool, with_content: bool) -> list[dict[str, Any]]:
    """A chat's messages as the control API shows them (bot_only: /sandbox/messages, else /sandbox/chat)."""
    if chat is None:
        return []
    return [
        objects.message_view(m, pinned=m.message_id in chat.pinned, with_content=with_content)
        for m in chat.messages.values()
        if m.from_bot or not bot_only
    ]


# -- the routes -------------------------------------------------------------------------------------------


async def send(request: web.Request) -> web.Response:
    body = await _body(request)
    return web.json_response(post_text(request.app[STATE_KEY], _field(body, "user_id", int), _field(body, "text", str),
                                       _field(body, "first_name", str, optional=True)))


async def upload(request: web.Request) -> web.Response:
    """A file sent as a document, or with "photo": true as a photo (in an album with "media_group_id")."""
    body = await _body(request)
    try:
        content = base64.b64decode(_field(body, "content_base64", str), validate=True)
    except binascii.Error:
        raise ControlError("'content_base64' is not valid base64") from None
    return web.json_response(post_file(
        request.app[STATE_KEY], _field(body, "user_id", int), _field(body, "file_name", str), content,
        _field(body, "caption", str, optional=True), photo=body.get("photo") is True,
        media_group_id=_field(body, "media_group_id", str, optional=True),
        first_name=_field(body, "first_name", str, optional=True)))


async def click(request: web.Request) -> web.Response:
    body = await _body(request)
    update_id = post_click(request.app[STATE_KEY], _field(body, "user_id", int), _field(body, "message_id", int),
                           _field(body, "data", str))
    return web.json_response({"update_id": update_id})


def _chat_or_empty(request: web.Request) -> Chat | None:
    return request.app[STATE_KEY].chat(_query_int(request, "user_id"))


async def messages(request: web.Request) -> web.Response:
    return web.json_response(views(_chat_or_empty(request), bot_only=True, with_content=True))


async def chat_history(request: web.Request) -> web.Response:
    # Polled by the page every ~700 ms: file contents are linked, not inlined.
    return web.json_response(views(_chat_or_empty(request), bot_only=False, with_content=False))


async def callback_answers(request: web.Request) -> web.Response:
    chat = _chat_or_empty(request)
    return web.json_response(chat.callback_answers if chat else [])


async def wait(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    update_id = _query_int(request, "update_id")
    try:
        timeout = min(float(request.query.get("timeout", "15")), MAX_WAIT)
    except ValueError:
        raise ControlError("query parameter 'timeout' must be a number") from None
    await state.pulse.wait_until(lambda: state.is_finished(update_id), timeout)
    result: dict[str, Any] = {"processed": state.is_processed(update_id)}
    if update_id in state.dropped:
        result["dropped"] = state.dropped[update_id]
    return web.json_response(result)


async def users(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    listed = {user_id: {"id": user_id, "first_name": name} for user_id, name in PRESET_USERS.items()}
    for user in state.users.values():
        listed[user.id] = {"id": user.id, "first_name": user.first_name}
    for entry in listed.values():
        entry["has_chat"] = entry["id"] in state.chats
    return web.json_response(sorted(listed.values(), key=lambda entry: entry["id"]))


async def status(request: web.Request) -> web.Response:
    """What the bot side looks like: lets the page say whether a bot is connected."""
    state = request.app[STATE_KEY]
    return web.json_response(
        {
            "bot_last_seen": state.last_bot_contact,
            "webhook_url": state.webhook.url if state.webhook else None,
            "pending_updates": len(state.pending),
            "commands": next(iter(state.commands.values()), []),
        }
    )


async def redeliver(request: web.Request) -> web.Response:
    """Delivers an already handled update again, with the same update_id."""
    update_id = _field(await _body(request), "update_id", int)
    try:
        request.app[STATE_KEY].redeliver(update_id)
    except KeyError:
        raise ControlError(f"update {update_id} is unknown or already being redelivered") from None
    return web.json_response({"update_id": update_id})


async def reset(request: web.Request) -> web.Response:
    request.app[STATE_KEY].reset()
    return web.json_response({"ok": True})


async def download(request: web.Request) -> web.Response:
    stored = request.app[STATE_KEY].files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound()
    # RFC 5987 filename* keeps Vietnamese file names intact in the browser download.
    headers = {"Content-Disposition": f"inline; filename*=UTF-8''{quote(stored.file_name)}"}
    return web.Response(body=stored.content, content_type=stored.mime_type, headers=headers)


def _positive(body: dict[str, Any], name: str, default: float | None = None) -> float | None:
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ControlError(f"{name!r} must be a positive number or null")
    return float(value)


async def limits(request: web.Request) -> web.Response:
    """Telegram's send limits (see traffic.py); {} lifts them all."""
    traffic = request.app[STATE_KEY].traffic
    body = await _body(request)
    traffic.set_limits(Limits(*(_positive(body, name) for name in ("per_second", "per_chat_per_second",
                                                                   "per_group_per_minute"))))
    return web.json_response(traffic.view())


async def faults(request: web.Request) -> web.Response:
    """Makes sends to one chat fail like Telegram's do (see traffic.py); "fault": "none" clears it."""
    traffic = request.app[STATE_KEY].traffic
    body = await _body(request)
    chat_id = _field(body, "chat_id", int)
    kind = _field(body, "fault", str)
    if kind == "none":
        traffic.set_fault(chat_id, None)
        return web.json_response(traffic.view())
    if kind not in FAULT_KINDS:
        raise ControlError(f"'fault' must be one of {', '.join(FAULT_KINDS)} or none")
    count = _field(body, "count", int, optional=True)
    if count is not None and count < 1:
        raise ControlError("'count' must be at least 1")
    delivered = body.get("delivered", True)
    if not isinstance(delivered, bool):
        raise ControlError("'delivered' must be true or false")
    fault = Fault(
        kind=kind,
        count=count if count is not None else (None if kind == "blocked" else 1),
        retry_after=int(_positive(body, "retry_after", 5)),
        seconds=_positive(body, "seconds", 30),
        delivered=delivered,
    )
    traffic.set_fault(chat_id, fault)
    return web.json_response(traffic.view())


async def traffic(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].traffic.view())


def add_routes(app: web.Application) -> None:
    app.middlewares.append(_errors_as_json)
    app.router.add_post("/sandbox/send", send)
    app.router.add_post("/sandbox/click", click)
    app.router.add_post("/sandbox/upload", upload)
    app.router.add_get("/sandbox/messages", messages)
    app.router.add_get("/sandbox/chat", chat_history)
    app.router.add_get("/sandbox/callback_answers", callback_answers)
    app.router.add_get("/sandbox/wait", wait)
    app.router.add_get("/sandbox/users", users)
    app.router.add_get("/sandbox/status", status)
    app.router.add_post("/sandbox/reset", reset)
    app.router.add_post("/sandbox/redeliver", redeliver)
    app.router.add_get("/sandbox/file/{file_id}", download)
    app.router.add_post("/sandbox/limits", limits)
    app.router.add_post("/sandbox/faults", faults)
    app.router.add_get("/sandbox/traffic", traffic)
