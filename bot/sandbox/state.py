"""In-memory world of the sandbox: users, private chats, messages, files and the update queue.

Everything here is synchronous; the only asyncio piece is `Pulse`, which lets HTTP handlers
sleep until "something changed" (new update, confirmation, shutdown) without polling.
"""

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.traffic import Traffic

BOT_ID = 100000001
BOT_FIRST_NAME = "chibo"
BOT_USERNAME = "chibo_sandbox_bot"

# Update types Telegram leaves out when allowed_updates is empty (the default).
_NOT_DELIVERED_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}

# Users the web page offers; any other id can be typed in.
PRESET_USERS: dict[int, str] = {
    1001: "Nguyễn Văn An",
    1002: "Trần Thị Bình",
    1003: "Lê Văn Cường",
    1004: "Phạm Thị Dung",
    1005: "Hoàng Văn Em",
    1006: "Vũ Thị Giang",
    1007: "Đặng Văn Hải",
    1008: "Bùi Thị Hoa",
    1009: "Đỗ Văn Khánh",
    1010: "Hồ Thị Lan",
    1011: "Ngô Văn Minh",
    1012: "Dương Thị Nga",
    1013: "Lý Văn Phúc",
    2001: "Trịnh Thị Quỳnh",
    2002: "Mai Văn Sơn",
    2003: "Cao Thị Trang",
}


def now() -> int:
    return int(time.time())


def update_kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")


class Pulse:
    """Wakes every waiter whenever the state changes; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        # Swap the event so that waiters arriving after this call wait for the *next* change.
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True


@dataclass
class User:
    id: int
    first_name: str


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    content: bytes


@dataclass
class ChatMessage:
    message_id: int
    from_bot: bool
    date: int = field(default_factory=now)
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    html: str | None = None  # the bot's text exactly as sent (before HTML parsing)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    photo_sizes: list[tuple[StoredFile, int, int]] = field(default_factory=list)  # a user's photo: file, w, h
    media_group_id: str | None = None  # an album: its photos share this
    edit_date: int | None = None


@dataclass
class Chat:
    user: User
    messages: dict[int, ChatMessage] = field(default_factory=dict)  # insertion order == chat order
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    pinned: set[int] = field(default_factory=set)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add(self, from_bot: bool, **fields: Any) -> ChatMessage:
        # Private chats share one message_id sequence for both directions, as in Telegram.
        message = ChatMessage(message_id=next(self._ids), from_bot=from_bot, **fields)
        self.messages[message.message_id] = message
        return message

    def bot_message(self, message_id: int) -> ChatMessage | None:
        message = self.messages.get(message_id)
        return message if message is not None and message.from_bot else None


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackQuery:
    user_id: int
    answered: bool = False


class SandboxState:
    def __init__(self, first_update_id: int = 1) -> None:
        self.pulse = Pulse()
        self.closing = False
        # Survives reset(): a running bot remembers its offset, so ids must never go back. A sandbox started
        # again for the same database continues after the ids the bot remembers (as Telegram never goes back).
        self._update_ids = itertools.count(first_update_id)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._media_group_ids = itertools.count(1)
        self.confirmed_offset = 0
        self.poll_generation = 0
        self.last_bot_contact: int | None = None  # when the bot last called the Bot API
        self.reset()

    def reset(self) -> None:
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.pending: list[dict[str, Any]] = []  # unconfirmed updates, oldest first
        self.history: dict[int, dict[str, Any]] = {}  # every update, for redelivery
        self.redelivering: set[int] = set()  # copies to hand out once more whatever the offset says
        self.handed_out: set[int] = set()  # redelivered copies in the bot's hands (polling)
        self.processed: set[int] = set()  # processed via webhook (polling uses confirmed_offset)
        self.dropped: dict[int, str] = {}  # update_id -> why it will never be processed
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.webhook: Webhook | None = None
        self.allowed_updates: list[str] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.profile: dict[tuple[str, str], str] = {}  # (field, language_code) -> name/description
        self.traffic = Traffic()  # simulated limits and faults of outgoing messages
        self.pulse.notify()

    # -- users and chats -------------------------------------------------------------------

    def user(self, user_id: int, first_name: str | None = None) -> User:
        user = self.users.get(user_id)
        if user is None:
            name = first_name or PRESET_USERS.get(user_id) or f"Người dùng {user_id}"
            user = self.users[user_id] = User(user_id, name)
        elif first_name:
            user.first_name = first_name
        return user

    def open_chat(self, user: User) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user)
        return chat

    def chat(self, chat_id: int) -> Chat | None:
        return self.chats.get(chat_id)

    # -- files -----------------------------------------------------------------------------

    def next_media_group_id(self) -> str:
        """The id the photos of one album the bot sends share (Telegram's are numeric strings)."""
        return f"{next(self._media_group_ids):018d}"

    def store_file(self, kind: str, file_name: str, mime_type: str, content: bytes) -> StoredFile:
        number = next(self._file_ids)
        folder = "photos" if kind == "photo" else "documents"
        # file_path ends up in a download URL: keep only a plain extension from the user's name.
        extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        if not (extension.isascii() and extension.isalnum() and len(extension) <= 8):
            extension = "bin"
        stored = StoredFile(
            file_id=f"{kind[:3].upper()}-sandbox-{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}.{extension}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    def new_callback_query(self, user_id: int) -> str:
        query_id = str(next(self._callback_ids))
        self.callback_queries[query_id] = CallbackQuery(user_id)
        return query_id

    # -- updates ---------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.pending.append({"update_id": update_id, kind: payload})
        self.history[update_id] = self.pending[-1]
        self.drop_disallowed()  # Telegram filters by allowed_updates when the update happens
        self.pulse.notify()
        return update_id

    def confirm(self, offset: int) -> None:
        """getUpdates(offset) confirms every update below offset: the bot has handled them."""
        if offset <= self.confirmed_offset:
            return
        self.confirmed_offset = offset
        self.pending = [u for u in self.pending if u["update_id"] >= offset or u["update_id"] in self.redelivering]
        self.pulse.notify()

    def redeliver(self, update_id: int) -> None:
        """Delivers an update again, as Telegram does when it never learnt that the bot had handled it."""
        update = self.history.get(update_id)
        if update is None or update_id in self.redelivering:
            raise KeyError(update_id)
        self.processed.discard(update_id)
        self.redelivering.add(update_id)
        self.pending = sorted([*self.pending, update], key=lambda u: u["update_id"])
        self.pulse.notify()

    def hand_out(self, updates: list[dict[str, Any]]) -> None:
        """A getUpdates answer carries redelivered copies once; they count as handled at the next poll."""
        for update in updates:
            if update["update_id"] in self.redelivering:
                self.pending.remove(update)
                self.handed_out.add(update["update_id"])

    def polled(self) -> None:
        """A new getUpdates: the bot is done with the copies it was handed."""
        self.redelivering -= self.handed_out
        self.handed_out.clear()

    def mark_processed(self, update_id: int) -> None:
        self.redelivering.discard(update_id)
        self.processed.add(update_id)
        self.pending = [u for u in self.pending if u["update_id"] != update_id]
        self.pulse.notify()

    def drop(self, update_ids: list[int], reason: str) -> None:
        for update_id in update_ids:
            self.dropped[update_id] = reason
        self.pending = [u for u in self.pending if u["update_id"] not in self.dropped]
        self.pulse.notify()

    def drop_disallowed(self) -> None:
        """Drop updates whose type the bot did not ask for: Telegram would never deliver them."""
        allowed = self.allowed_updates
        rejected: dict[str, list[int]] = {}
        for update in self.pending:
            kind = update_kind(update)
            if (kind not in allowed) if allowed else (kind in _NOT_DELIVERED_BY_DEFAULT):
                rejected.setdefault(kind, []).append(update["update_id"])
        for kind, update_ids in rejected.items():
            self.drop(update_ids, f"the bot's allowed_updates {allowed} do not include {kind!r}")

    def is_processed(self, update_id: int) -> bool:
        if update_id in self.dropped:
            return False
        if update_id in self.redelivering:
            return False
        return update_id < self.confirmed_offset or update_id in self.processed

    def is_finished(self, update_id: int) -> bool:
        """True once waiting longer for update_id is pointless (processed, dropped or shutting down)."""
        return self.closing or self.is_processed(update_id) or update_id in self.dropped

    def close(self) -> None:
        self.closing = True
        self.pulse.notify()
