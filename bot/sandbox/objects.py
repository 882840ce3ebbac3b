"""Sandbox records -> Telegram Bot API JSON objects (what aiogram parses) and control-API views."""

import base64
from typing import Any

from bot.sandbox.state import BOT_FIRST_NAME, BOT_ID, BOT_USERNAME, Chat, ChatMessage, StoredFile, User

# A nominal size: the sandbox does not decode images, and aiogram only needs the fields present.
_PHOTO_SIZE = (800, 600)


def bot_user() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def get_me() -> dict[str, Any]:
    return bot_user() | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "is_bot": False, "first_name": user.first_name, "language_code": "vi"}


def chat_json(user: User) -> dict[str, Any]:
    # Private chat: its id is the user's id.
    return {"id": user.id, "type": "private", "first_name": user.first_name}


def file_json(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def document_json(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": len(stored.content),
    }


def photo_json(stored: StoredFile, sizes: list[tuple[StoredFile, int, int]] | None = None) -> list[dict[str, Any]]:
    """Telegram's PhotoSize list, smallest first; a user's photo has real sizes, the bot's one nominal."""
    return [
        {
            "file_id": size.file_id,
            "file_unique_id": size.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(size.content),
        }
        for size, width, height in (sizes or [(stored, *_PHOTO_SIZE)])
    ]


def message_json(chat: Chat, message: ChatMessage) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "date": message.date,
        "chat": chat_json(chat.user),
        "from": bot_user() if message.from_bot else user_json(chat.user),
    }
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    if message.text is not None:
        data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
    if message.document is not None:
        data["document"] = document_json(message.document)
    if message.photo is not None:
        data["photo"] = photo_json(message.photo, message.photo_sizes)
    if message.media_group_id is not None:
        data["media_group_id"] = message.media_group_id
    if message.caption is not None:
        data["caption"] = message.caption
        if message.caption_entities:
            data["caption_entities"] = message.caption_entities
    # Telegram echoes only inline keyboards; reply keyboards live on the client side.
    if message.reply_markup and "inline_keyboard" in message.reply_markup:
        data["reply_markup"] = message.reply_markup
    return data


# -- control API views --------------------------------------------------------------------


def file_url(stored: StoredFile) -> str:
    return f"/sandbox/file/{stored.file_id}"


def _buttons(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    rows = (markup or {}).get("inline_keyboard") or []
    view = []
    for row in rows:
        view_row = []
        for button in row:
            item = {"text": button.get("text", "")}
            if "callback_data" in button:
                item["data"] = button["callback_data"]
            else:  # url, web_app, switch_inline_query...: shown as-is
                item |= {key: value for key, value in button.items() if key != "text"}
            view_row.append(item)
        view.append(view_row)
    return view


def message_view(message: ChatMessage, *, pinned: bool = False, with_content: bool = True) -> dict[str, Any]:
    """One message as tests and the web page see it: text, buttons, attachments, latest state."""
    markup = message.reply_markup or {}
    document = None
    if message.document is not None:
        document = {
            "file_name": message.document.file_name,
            "mime_type": message.document.mime_type,
            "file_id": message.document.file_id,
            "url": file_url(message.document),
        }
        if with_content:
            document["content_base64"] = base64.b64encode(message.document.content).decode()
    return {
        "message_id": message.message_id,
        "from": "bot" if message.from_bot else "user",
        "date": message.date,
        "text": message.text if message.text is not None else (message.caption or ""),
        "html": message.html,
        "entities": message.entities or message.caption_entities,
        "caption": message.caption,
        "buttons": _buttons(markup),
        "keyboard": [[b.get("text", "") for b in row] for row in markup.get("keyboard") or []],
        "remove_keyboard": bool(markup.get("remove_keyboard")),
        "document": document,
        "photo": message.photo is not None,
        "photo_url": file_url(message.photo) if message.photo is not None else None,
        "media_group_id": message.media_group_id,  # an album's photos share it
        "edited": message.edit_date is not None,
        "pinned": pinned,
    }
