"""The handlers' Bot API calls, made on Zalo: an aiogram session that takes every method object the
handlers send and does what Zalo can.

- sendMessage / editMessageText: the text as plain text (Zalo does not parse HTML), its inline buttons as a
  numbered list below it, cut into pieces of at most 2,000 characters at line ends. An edit is a new message,
  and none when the chat already shows exactly that.
- The chat's last message and its choices are stored (bot.channels.zalo_chats) for the reply that picks one.
  A message the chat did not ask for (a reminder, a notice) that has no choices leaves the stored choices as
  they were: the person's reply still picks from the list they were reading.
- sendDocument: a signed link to the file, served by chibo; sendPhoto: Zalo's sendPhoto with such a link.
- answerCallbackQuery: nothing, or its short text; setMyCommands: remembered for the numbered main menu.
"""

import itertools
import logging
import mimetypes
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SetChatMenuButton,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    User,
)

from bot.channels.files import FileLinks
from bot.channels.render import Choice, compose, pick, split, to_plain
from bot.channels.zalo_api import ZaloApi, ZaloApiError
from bot.channels.zalo_chats import Shown, ZaloChats
from bot.texts import plain

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000  # characters per Zalo message
# The chat whose update is being handled (set by bot.channels.zalo_updates): a message to any other chat,
# or sent outside an update (the outbox), is a push.
answering: ContextVar[int | None] = ContextVar("zalo_answering", default=None)
ZALO_BOT_ID = 2  # the aiogram bot id of the Zalo side: its dialog keys never meet the Telegram bot's
AIOGRAM_TOKEN = f"{ZALO_BOT_ID}:zalo-channel"  # aiogram wants a Telegram-shaped token; Zalo's stays in the session


def _buttons(markup: object) -> tuple[list[Choice], list[tuple[str, str]]]:
    """A keyboard's buttons as numbered choices, and its link buttons as (words, address)."""
    choices: list[Choice] = []
    links: list[tuple[str, str]] = []
    if isinstance(markup, InlineKeyboardMarkup):
        for button in (b for row in markup.inline_keyboard for b in row):
            if button.callback_data is not None:
                choices.append(Choice(button.text, data=button.callback_data))
            elif button.url:
                links.append((button.text, button.url))
    elif isinstance(markup, ReplyKeyboardMarkup):
        choices = [Choice(b.text, send=b.text) for row in markup.keyboard for b in row]
    return choices, links


async def _content(file: InputFile, bot: Bot) -> bytes:
    if isinstance(file, BufferedInputFile):
        return file.data
    return b"".join([chunk async for chunk in file.read(bot)])


class ZaloSession(BaseSession):
    def __init__(self, api: ZaloApi, chats: ZaloChats, files: FileLinks) -> None:
        # Downloads (getFile) give the photo's own address as file_path, so the file URL is the path itself.
        super().__init__(api=TelegramAPIServer(base="zalo://{token}/{method}", file="{path}"))
        self.zalo = api
        self.chats = chats
        self.files = files
        self.commands: list[BotCommand] = []
        self.bot_name = "chibo"
        self._ids = itertools.count(time.time_ns() // 1000)  # message ids: increasing across restarts too
        self._http: aiohttp.ClientSession | None = None
        self._methods: dict[type, Callable[[Bot, Any], Awaitable[Any]]] = {
            GetMe: self._get_me,
            SendMessage: self._send_message,
            EditMessageText: self._edit_text,
            EditMessageCaption: self._edit_caption,
            EditMessageReplyMarkup: self._edit_markup,
            AnswerCallbackQuery: self._answer_callback,
            SendDocument: self._send_document,
            SendPhoto: self._send_photo,
            SendMediaGroup: self._send_album,
            SendChatAction: self._chat_action,
            SetMyCommands: self._set_commands,
            DeleteMyCommands: self._done,
            SetChatMenuButton: self._done,
            DeleteMessage: self._done,  # Zalo cannot take a message back
            GetFile: self._get_file,
        }

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        handler = self._methods.get(type(method))
        if handler is None:
            log.warning("zalo: %s has no Zalo counterpart; not sent", type(method).__name__)
            raise TelegramBadRequest(method=method, message=f"{type(method).__name__} is not supported on Zalo")
        try:
            return await handler(bot, method)
        except ZaloApiError as error:
            raise self._error(method, error) from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise TelegramNetworkError(method=method, message=f"{type(error).__name__}: {error}") from error

    @staticmethod
    def _error(method: TelegramMethod[Any], error: ZaloApiError) -> TelegramAPIError:
        """Zalo's refusal as the aiogram error the outbox and handlers already read."""
        if error.code == 429:
            return TelegramRetryAfter(method=method, message=error.description, retry_after=5)
        if error.code == 403:
            return TelegramForbiddenError(method=method, message=error.description)
        if error.code >= 500:
            return TelegramServerError(method=method, message=error.description)
        return TelegramBadRequest(method=method, message=error.description)

    # -- what a chat is shown -----------------------------------------------------------------

    async def _target(self, method: TelegramMethod[Any], chat_id: int | str | None) -> tuple[int, str]:
        key = int(chat_id) if chat_id is not None else 0
        target = await self.chats.target(key)
        if target is None:
            raise TelegramBadRequest(method=method, message="Bad Request: chat not found")
        return key, target

    def _message(self, bot: Bot, key: int, message_id: int, text: str) -> Message:
        return Message.model_validate({
            "message_id": message_id, "date": int(time.time()), "text": text,
            "chat": {"id": key, "type": "private"},
            "from": {"id": ZALO_BOT_ID, "is_bot": True, "first_name": self.bot_name},
        }, context={"bot": bot})

    async def _say(self, target: str, text: str) -> None:
        for piece in split(text, TEXT_LIMIT):
            await self.zalo.call("sendMessage", {"chat_id": target, "text": piece})

    async def _show(self, bot: Bot, method: TelegramMethod[Any], chat_id: int | str | None, text: str,
                    parse_mode: Any, markup: object, message_id: int | None = None) -> Message:
        """Shows a message (or what an edit of message_id makes it); nothing when the chat shows it already."""
        key, target = await self._target(method, chat_id)
        if isinstance(parse_mode, Default):
            parse_mode = bot.default[parse_mode.name]
        choices, links = _buttons(markup)
        shown_text = compose(to_plain(text, parse_mode), choices, links)
        if message_id is not None:
            last = await self.chats.shown(key)
            if last is not None and last.message_id == message_id and last.text == shown_text:
                return self._message(bot, key, message_id, shown_text)
        else:
            message_id = next(self._ids)
        await self._say(target, shown_text)
        await self._shown(key, Shown(message_id, shown_text, tuple(choices)))
        return self._message(bot, key, message_id, shown_text)

    async def _shown(self, key: int, shown: Shown) -> None:
        """Records what the chat shows now, unless it is a push without choices: that leaves the choices the
        person may be about to answer."""
        if shown.choices or answering.get() == key:
            await self.chats.show(key, shown)

    async def _send_message(self, bot: Bot, method: SendMessage) -> Message:
        return await self._show(bot, method, method.chat_id, method.text, method.parse_mode, method.reply_markup)

    async def _edit_text(self, bot: Bot, method: EditMessageText) -> Message:
        return await self._show(bot, method, method.chat_id, method.text, method.parse_mode, method.reply_markup,
                                method.message_id)

    async def _edit_caption(self, bot: Bot, method: EditMessageCaption) -> Message:
        return await self._show(bot, method, method.chat_id, method.caption or "", method.parse_mode,
                                method.reply_markup, method.message_id)

    async def _edit_markup(self, bot: Bot, method: EditMessageReplyMarkup) -> Message | bool:
        """New buttons under a message: the new numbered list alone; buttons taken away: only the choices go."""
        key, target = await self._target(method, method.chat_id)
        choices, links = _buttons(method.reply_markup)
        last = await self.chats.shown(key)
        if last is not None and last.message_id == method.message_id and last.choices == tuple(choices):
            return True
        if last is not None and last.message_id != method.message_id and not (choices or links):
            return True  # buttons taken off an older message: what the chat can pick from now stays
        shown_text = compose("", choices, links)
        if shown_text:
            await self._say(target, shown_text)
        await self.chats.show(key, Shown(method.message_id or next(self._ids), shown_text, tuple(choices)))
        return True

    async def _answer_callback(self, bot: Bot, method: AnswerCallbackQuery) -> bool:
        # The query's chat is not in the method; the adapter encodes it in the query id (see zalo_updates).
        if method.text:
            key = int(method.callback_query_id.split(":", 1)[0])
            _, target = await self._target(method, key)
            await self._say(target, method.text)
        return True

    async def show_menu(self, key: int) -> None:
        """The bot's command menu as a numbered list; a number sends that command."""
        _, target = await self._target(GetMe(), key)
        choices = tuple(Choice(c.description, send=f"/{c.command}") for c in self.commands)
        text = plain("zalo", "menu", descriptions=[c.label for c in choices])
        await self._say(target, text)
        await self.chats.show(key, Shown(next(self._ids), text, choices))

    @staticmethod
    def pick(reply: str, shown: Shown | None) -> Choice | None:
        return pick(reply, list(shown.choices)) if shown is not None else None

    # -- files --------------------------------------------------------------------------------

    async def _send_document(self, bot: Bot, method: SendDocument) -> Message:
        document = method.document
        if not isinstance(document, InputFile):
            raise TelegramBadRequest(method=method, message="Bad Request: only uploaded files can go to Zalo")
        name = document.filename or "tep"
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        url = self.files.publish(name, mime, await _content(document, bot))
        caption = to_plain(method.caption or "", bot.default["parse_mode"] if isinstance(
            method.parse_mode, Default) else method.parse_mode)
        text = "\n".join(part for part in (caption, plain("zalo", "file", name=name, url=url,
                                                             minutes=self.files.minutes)) if part)
        return await self._show(bot, method, method.chat_id, text, None, method.reply_markup)

    async def _send_album(self, bot: Bot, method: SendMediaGroup) -> list[Message]:
        """An album as its photos one after another, each with its caption: Zalo has no albums."""
        return [await self._send_photo(bot, SendPhoto(chat_id=method.chat_id, photo=item.media, caption=item.caption,
                                                      parse_mode=item.parse_mode))
                for item in method.media]

    async def _send_photo(self, bot: Bot, method: SendPhoto) -> Message:
        photo = method.photo
        if not isinstance(photo, InputFile):
            raise TelegramBadRequest(method=method, message="Bad Request: only uploaded photos can go to Zalo")
        key, target = await self._target(method, method.chat_id)
        name = photo.filename or "anh.png"
        url = self.files.publish(name, mimetypes.guess_type(name)[0] or "image/png", await _content(photo, bot))
        mode = bot.default["parse_mode"] if isinstance(method.parse_mode, Default) else method.parse_mode
        caption = to_plain(method.caption or "", mode)
        await self.zalo.call("sendPhoto", {"chat_id": target, "photo": url, "caption": caption[:TEXT_LIMIT]})
        choices, links = _buttons(method.reply_markup)
        message_id = next(self._ids)
        if choices or links:  # the photo's buttons follow it as their own numbered list
            await self._say(target, compose("", choices, links))
        await self._shown(key, Shown(message_id, caption, tuple(choices)))
        return self._message(bot, key, message_id, caption)

    async def _get_file(self, bot: Bot, method: GetFile) -> File:
        # A Zalo photo's file_id is its address, an uploaded file's its link (see zalo_updates): downloading
        # it fetches that address.
        return File(file_id=method.file_id, file_unique_id=method.file_id[-32:], file_path=method.file_id)

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        """A photo Zalo holds, fetched from its address; a file sent through an upload link, read here."""
        ours = self.files.open_url(url)
        if ours is not None:
            yield ours[2]
            return
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        async with self._http.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout),
                                  raise_for_status=raise_for_status) as resp:
            async for chunk in resp.content.iter_chunked(chunk_size):
                yield chunk

    # -- the rest -----------------------------------------------------------------------------

    async def _get_me(self, bot: Bot, method: GetMe) -> User:
        me = await self.zalo.call("getMe") or {}
        self.bot_name = str(me.get("account_name") or me.get("display_name") or me.get("name") or "chibo")
        return User(id=ZALO_BOT_ID, is_bot=True, first_name=self.bot_name, username=None)

    async def _chat_action(self, bot: Bot, method: SendChatAction) -> bool:
        _, target = await self._target(method, method.chat_id)
        await self.zalo.call("sendChatAction", {"chat_id": target, "action": "typing"})
        return True

    async def _set_commands(self, bot: Bot, method: SetMyCommands) -> bool:
        self.commands = list(method.commands)
        return True

    async def _done(self, bot: Bot, method: TelegramMethod[Any]) -> bool:
        return True

    async def close(self) -> None:
        await self.zalo.close()
        if self._http is not None:
            await self._http.close()
            self._http = None
