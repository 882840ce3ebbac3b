"""The Bot API methods the sandbox implements, with Telegram's response shapes and error texts.

Routes: `{base}/bot{token}/{method}` (GET or POST) and `{base}/file/bot{token}/{file_path}`.
Any well-formed token is accepted: there is one bot, and tests should not need a real token.
"""

import json
import logging
import mimetypes
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox import objects
from bot.sandbox.formatting import EntityParseError, parse_html, utf16_len
from bot.sandbox.params import ApiError, Params, Upload, bad_request, read_request
from bot.sandbox.state import BOT_FIRST_NAME, Chat, ChatMessage, SandboxState, StoredFile, Webhook, now

log = logging.getLogger(__name__)

STATE_KEY = web.AppKey("sandbox_state", SandboxState)

Method = Callable[[SandboxState, Params], Awaitable[Any]]
_METHODS: dict[str, Method] = {}

MAX_TEXT = 4096
MAX_CAPTION = 1024
MIN_ALBUM, MAX_ALBUM = 2, 10  # photos in a sendMediaGroup
MAX_LONG_POLL = 50  # seconds; Telegram caps long polling similarly
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def method(name: str) -> Callable[[Method], Method]:
    def register(handler: Method) -> Method:
        _METHODS[name.lower()] = handler  # Telegram method names are case-insensitive
        return handler

    return register


async def call_method(state: SandboxState, name: str, params: Params) -> Any:
    handler = _METHODS.get(name.lower())
    if handler is None:
        log.warning("sandbox: the bot called an unsupported Bot API method %r", name)
        raise ApiError(404, "Not Found: method not found")
    return await handler(state, params)


async def handle_api(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    name = request.match_info["method"]
    state.last_bot_contact = now()
    try:
        result = await call_method(state, name, await read_request(request))
    except ApiError as error:
        log.info("sandbox: %s -> %s %s", name, error.code, error.description)
        return _error(error.code, error.description, error.parameters)
    except Exception as error:  # a sandbox bug must reach the bot as an API error, not a hang
        log.exception("sandbox: %s failed", name)
        return _error(500, f"Internal Server Error: sandbox failed on {name}: {error!r}")
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


async def handle_file_download(request: web.Request) -> web.Response:
    stored = request.app[STATE_KEY].file_by_path(request.match_info["file_path"])
    if stored is None:
        return _error(404, "Not Found")
    return web.Response(body=stored.content, content_type=stored.mime_type)


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/bot{token}/{method}", handle_api)
    app.router.add_get("/file/bot{token}/{file_path:.+}", handle_file_download)


# -- shared helpers -----------------------------------------------------------------------


def _chat(state: SandboxState, params: Params) -> Chat:
    raw = params.text("chat_id")
    if not raw:
        raise bad_request("chat_id is empty")
    try:
        chat = state.chat(int(raw))
    except ValueError:  # "@username": private chats have none in the sandbox
        chat = None
    if chat is None:
        raise bad_request("chat not found")
    return chat


def _bot_message(chat: Chat, params: Params, not_found: str) -> ChatMessage:
    message_id = params.int("message_id", missing="message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or not message.from_bot:
        raise bad_request(not_found)
    return message


def _formatted(params: Params, field: str, entities_field: str) -> tuple[str | None, list[Any], str | None]:
    """Returns (plain text, entities, raw text); HTML is parsed like Telegram does."""
    raw = params.text(field)
    if raw is None:
        return None, [], None
    parse_mode = (params.text("parse_mode") or "").lower()
    if parse_mode == "html":
        try:
            text, entities = parse_html(raw)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        return text, entities, raw
    # Markdown modes are passed through unparsed: the bot is expected to use HTML.
    return raw, params.json(entities_field) or [], raw


def _outgoing(handler: Method) -> Method:
    """Wraps a method that sends a message with Telegram's limits and the faults set for the chat
    (see traffic.py): 429 or 403 instead of sending, or a send that hangs past the client's timeout."""

    async def send(state: SandboxState, params: Params) -> Any:
        chat = _chat(state, params)
        hang = state.traffic.admit(chat.user.id)
        if hang is not None and not hang.delivered:
            await state.pulse.wait_until(lambda: state.closing, hang.seconds)
            raise ApiError(502, "Bad Gateway")  # nobody is listening by now
        result = await handler(state, params)
        if hang is not None:
            await state.pulse.wait_until(lambda: state.closing, hang.seconds)
        return result

    return send


MAX_INLINE_BUTTONS = 100  # Telegram refuses a bigger inline keyboard (aiogram's builder stops at it too)


def _reply_markup(params: Params) -> dict[str, Any] | None:
    markup = params.json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard") or []
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            _check_inline_button(button)
    return markup


def _check_inline_button(button: dict[str, Any]) -> None:
    # Catch what Telegram rejects and what is easy to get wrong when building callback data.
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode())
        if not 1 <= size <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    elif len(button) <= 1:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")


def _text_fields(params: Params) -> tuple[str, list[Any], str | None]:
    text, entities, raw = _formatted(params, "text", "entities")
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities, raw


def _caption_fields(params: Params) -> tuple[str | None, list[Any], str | None]:
    caption, entities, raw = _formatted(params, "caption", "caption_entities")
    if caption is not None and utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return caption, entities, raw


# -- bot identity and lifecycle -----------------------------------------------------------


@method("getMe")
async def get_me(state: SandboxState, params: Params) -> Any:
    return objects.get_me()


@method("logOut")
@method("close")
async def log_out(state: SandboxState, params: Params) -> Any:
    return True


# -- updates: long polling and webhook ----------------------------------------------------


@method("getUpdates")
async def get_updates(state: SandboxState, params: Params) -> Any:
    if state.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = params.int("offset") or 0
    state.polled()
    limit = min(max(params.int("limit") or 100, 1), 100)
    timeout = min(max(params.int("timeout") or 0, 0), MAX_LONG_POLL)
    allowed = params.json("allowed_updates")
    if allowed is not None:
        state.allowed_updates = list(allowed)
    if offset < 0 and state.pending:  # Telegram: negative offset = only the last -offset updates
        state.confirm(state.pending[max(offset, -len(state.pending))]["update_id"])
    elif offset > 0:
        state.confirm(offset)
    # A newer getUpdates terminates an older one, as in Telegram (detects two pollers).
    state.poll_generation += 1
    generation = state.poll_generation
    state.pulse.notify()
    state.drop_disallowed()
    await state.pulse.wait_until(
        lambda: (
            bool(state.pending) or state.closing or state.webhook is not None or state.poll_generation != generation
        ),
        timeout,
    )
    if state.poll_generation != generation:
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        )
    state.drop_disallowed()  # updates that arrived while waiting
    if state.webhook is not None:
        return []
    batch = state.pending[:limit]
    state.hand_out(batch)
    return batch


@method("setWebhook")
async def set_webhook(state: SandboxState, params: Params) -> Any:
    url = params.text("url") or ""
    if not url:
        return await delete_webhook(state, params)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTP or HTTPS URL must be provided for webhook")
    secret = params.text("secret_token")
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if params.flag("drop_pending_updates"):
        state.drop([u["update_id"] for u in state.pending], "dropped by setWebhook(drop_pending_updates)")
    allowed = params.json("allowed_updates")
    if allowed is not None:
        state.allowed_updates = list(allowed)
    state.webhook = Webhook(url=url, secret_token=secret, max_connections=params.int("max_connections") or 40)
    state.pulse.notify()
    return True


@method("deleteWebhook")
async def delete_webhook(state: SandboxState, params: Params) -> Any:
    if params.flag("drop_pending_updates"):
        state.drop([u["update_id"] for u in state.pending], "dropped by deleteWebhook(drop_pending_updates)")
    state.webhook = None
    state.pulse.notify()
    return True


@method("getWebhookInfo")
async def get_webhook_info(state: SandboxState, params: Params) -> Any:
    hook = state.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.pending),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    if state.allowed_updates:
        info["allowed_updates"] = state.allowed_updates
    return info


# -- chats and messages --------------------------------------------------------------------


@method("getChat")
async def get_chat(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    return objects.chat_json(chat.user) | {"accent_color_id": 0, "max_reaction_count": 11}


@method("sendChatAction")
async def send_chat_action(state: SandboxState, params: Params) -> Any:
    _chat(state, params)
    if not params.text("action"):
        raise bad_request("wrong parameter action in request")
    return True


@method("sendMessage")
@_outgoing
async def send_message(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    text, entities, raw = _text_fields(params)
    message = chat.add(True, text=text, entities=entities, html=raw, reply_markup=_reply_markup(params))
    return objects.message_json(chat, message)


@method("editMessageText")
async def edit_message_text(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    message = _bot_message(chat, params, "message to edit not found")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities, raw = _text_fields(params)
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    return _apply_edit(chat, message, text=text, entities=entities, html=raw, reply_markup=_reply_markup(params))


@method("editMessageCaption")
async def edit_message_caption(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    message = _bot_message(chat, params, "message to edit not found")
    if message.document is None and message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities, _ = _caption_fields(params)
    return _apply_edit(chat, message, caption=caption, caption_entities=entities, reply_markup=_reply_markup(params))


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    message = _bot_message(chat, params, "message to edit not found")
    return _apply_edit(chat, message, reply_markup=_reply_markup(params))


def _apply_edit(chat: Chat, message: ChatMessage, **changes: Any) -> Any:
    # Telegram compares the resulting content, not the markup that produced it.
    if all(getattr(message, key) == value for key, value in changes.items() if key != "html"):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        setattr(message, key, value)
    message.edit_date = now()
    return objects.message_json(chat, message)


@method("deleteMessage")
async def delete_message(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    message_id = params.int("message_id", missing="message identifier is not specified")
    # In private chats a bot may delete messages from both sides.
    if chat.messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    return True


@method("deleteMessages")
async def delete_messages(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    message_ids = params.json("message_ids")
    if not isinstance(message_ids, list) or not 1 <= len(message_ids) <= 100:
        raise bad_request("message_ids must be a list of 1-100 identifiers")
    for message_id in message_ids:  # Telegram skips the ones it cannot find
        chat.messages.pop(int(message_id), None)
    return True


@method("pinChatMessage")
async def pin_chat_message(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    message_id = params.int("message_id", missing="message identifier is not specified")
    if message_id not in chat.messages:
        raise bad_request("message to pin not found")
    chat.pinned.add(message_id)
    return True


@method("unpinChatMessage")
async def unpin_chat_message(state: SandboxState, params: Params) -> Any:
    chat = _chat(state, params)
    message_id = params.int("message_id")
    if message_id is None:  # Telegram: without message_id, the most recent pin goes
        message_id = max(chat.pinned, default=None)
    chat.pinned.discard(message_id)
    return True


@method("unpinAllChatMessages")
async def unpin_all_chat_messages(state: SandboxState, params: Params) -> Any:
    _chat(state, params).pinned.clear()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(state: SandboxState, params: Params) -> Any:
    query = state.callback_queries.get(params.text("callback_query_id") or "")
    if query is None or query.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    query.answered = True
    chat = state.chat(query.user_id)
    if chat is not None:
        answer = {"text": params.text("text") or "", "show_alert": params.flag("show_alert")}
        if params.text("url"):
            answer["url"] = params.text("url")
        chat.callback_answers.append(answer)
    return True


# -- files ----------------------------------------------------------------------------------


def _stored_media(state: SandboxState, params: Params, kind: str, field: str) -> StoredFile:
    """The file a send names in `field`: an upload (stored now) or the file_id of a file the sandbox holds."""
    media = params.file(field)
    if media is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(media, Upload):
        if not media.content:
            raise bad_request("file must be non-empty")
        mime = mimetypes.guess_type(media.filename)[0] or "application/octet-stream"
        return state.store_file(kind, media.filename, mime, media.content)
    stored = state.files.get(media)
    if stored is None:  # no internet in the sandbox: HTTP URLs cannot be fetched either
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


async def _send_media(state: SandboxState, params: Params, kind: str) -> Any:
    chat = _chat(state, params)
    stored = _stored_media(state, params, kind, kind)
    caption, entities, _ = _caption_fields(params)
    message = chat.add(
        True,
        caption=caption,
        caption_entities=entities,
        reply_markup=_reply_markup(params),
        **{kind: stored},
    )
    return objects.message_json(chat, message)


@method("sendDocument")
@_outgoing
async def send_document(state: SandboxState, params: Params) -> Any:
    return await _send_media(state, params, "document")


@method("sendPhoto")
@_outgoing
async def send_photo(state: SandboxState, params: Params) -> Any:
    return await _send_media(state, params, "photo")


@method("sendMediaGroup")
@_outgoing
async def send_media_group(state: SandboxState, params: Params) -> Any:
    """An album, as Telegram sends one: 2-10 photos (InputMediaPhoto, each its own caption), one message each in
    the chat, sharing a media_group_id; the array of the messages sent is returned. Every item is checked before
    any is sent. Only photos: the bot sends no other album."""
    chat = _chat(state, params)
    items = params.json("media")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise bad_request("can't parse media JSON object")
    if len(items) > MAX_ALBUM:
        raise bad_request("too many messages to send as an album")
    if len(items) < MIN_ALBUM:
        raise bad_request(f"wrong number of media items: an album has {MIN_ALBUM}-{MAX_ALBUM}")
    photos = []
    for item in items:
        if item.get("type") != "photo":
            raise bad_request(f"unsupported media type {item.get('type')!r}: the sandbox sends albums of photos")
        fields = Params(item, params.files)  # "attach://<part>" names a part of this request
        photos.append((_stored_media(state, fields, "photo", "media"), *_caption_fields(fields)[:2]))
    group = state.next_media_group_id()
    sent = [chat.add(True, photo=stored, caption=caption, caption_entities=entities, media_group_id=group)
            for stored, caption, entities in photos]
    return [objects.message_json(chat, message) for message in sent]


@method("getFile")
async def get_file(state: SandboxState, params: Params) -> Any:
    stored = state.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return objects.file_json(stored)


# -- commands and menu button -------------------------------------------------------------


def _commands_key(params: Params) -> str:
    # Commands are stored per (scope, language), as Telegram does.
    scope = params.json("scope") or {"type": "default"}
    return json.dumps([scope, params.text("language_code") or ""], sort_keys=True)


@method("setMyCommands")
async def set_my_commands(state: SandboxState, params: Params) -> Any:
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise bad_request("commands must be a list")
    for command in commands:
        if not _COMMAND_NAME.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be 1-256 characters")
    state.commands[_commands_key(params)] = commands
    return True


@method("getMyCommands")
async def get_my_commands(state: SandboxState, params: Params) -> Any:
    return state.commands.get(_commands_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(state: SandboxState, params: Params) -> Any:
    state.commands.pop(_commands_key(params), None)
    return True


def _profile_methods(field_name: str, setter: str, getter: str, default: str) -> None:
    """setMyName/getMyName and friends: one text per language, returned as {field: text}."""

    @method(setter)
    async def set_text(state: SandboxState, params: Params) -> Any:
        state.profile[(field_name, params.text("language_code") or "")] = params.text(field_name) or ""
        return True

    @method(getter)
    async def get_text(state: SandboxState, params: Params) -> Any:
        text = state.profile.get((field_name, params.text("language_code") or ""), default)
        return {field_name: text}


_profile_methods("name", "setMyName", "getMyName", BOT_FIRST_NAME)
_profile_methods("description", "setMyDescription", "getMyDescription", "")
_profile_methods("short_description", "setMyShortDescription", "getMyShortDescription", "")


@method("setChatMenuButton")
async def set_chat_menu_button(state: SandboxState, params: Params) -> Any:
    state.menu_buttons[params.int("chat_id")] = params.json("menu_button") or {"type": "default"}
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(state: SandboxState, params: Params) -> Any:
    chat_id = params.int("chat_id")
    return state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or {"type": "default"}
