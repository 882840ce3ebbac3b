"""Telegram in process: the real dispatcher fed each update directly, its Bot API calls recorded and answered
without HTTP, in the shape of aiogram's own MockedBot/MockedSession (tests/mocked_bot.py in aiogram).

The answers come from the sandbox's in-memory world (bot/sandbox: state and Bot API methods), called as
functions: a sendMessage gets a Message with the chat's next message_id, an edit changes the stored message,
answerCallbackQuery gives True, and Telegram's refusals (a text too long, "message is not modified", callback
data over 64 bytes) are raised as aiogram raises them. `TelegramInProcess` is a SandboxClient whose requests
are done on that state, so a test reads the same in this tier and against the HTTP sandbox."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from aiogram import Bot, Dispatcher, loggers
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiogram.types import InputFile, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import SANDBOX_TOKEN, create_bot, create_dispatcher, set_menu
from bot.config import Settings
from bot.domain.dates import Clock
from bot.sandbox import control
from bot.sandbox.bot_api import call_method
from bot.sandbox.client import WAIT_TIMEOUT, SandboxClient, SandboxError
from bot.sandbox.params import ApiError, Params, Upload
from bot.sandbox.state import SandboxState, now

# The Bot API's address as the bot sees it; nothing listens there: file downloads are served from the state.
API = TelegramAPIServer.from_base("http://telegram.in-process")


class RecordingSession(BaseSession):
    """Every Bot API call the bot makes, in `requests`, answered by the sandbox's methods on `state`."""

    def __init__(self, state: SandboxState) -> None:
        super().__init__(api=API)
        self.state = state
        self.requests: list[TelegramMethod[Any]] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        files: dict[str, InputFile] = {}
        values = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:  # what AiohttpSession leaves out of the form
                values[key] = prepared
        uploads = {key: Upload(file.filename or key, b"".join([chunk async for chunk in file.read(bot)]))
                   for key, file in files.items()}
        self.state.last_bot_contact = now()
        try:
            body: dict[str, Any] = {"ok": True, "result": await call_method(self.state, method.__api_method__,
                                                                            Params(values, uploads))}
            status = 200
        except ApiError as error:
            status = error.code
            body = {"ok": False, "error_code": error.code, "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
        return self.check_response(bot, method, status, json.dumps(body)).result

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
                             chunk_size: int = 65536, raise_for_status: bool = True):
        stored = self.state.file_by_path(url.split("/file/bot", 1)[1].split("/", 1)[1])
        if stored is None:
            raise SandboxError(f"no file at {url}")
        yield stored.content

    async def close(self) -> None:
        pass


class TelegramInProcess(SandboxClient):
    """SandboxClient, its requests done on the state in process: what users send goes straight into the
    dispatcher, one update after another as polling hands them out; what they see is read from the state."""

    def __init__(self, state: SandboxState, dispatcher: Dispatcher, bot: Bot) -> None:
        super().__init__("in-process")
        self.state, self.dispatcher, self.bot = state, dispatcher, bot
        self._handling: dict[int, asyncio.Task[None]] = {}
        self._last: asyncio.Task[None] | None = None

    @property
    def requests(self) -> list[TelegramMethod[Any]]:
        """Every Bot API call the bot has made, in order (aiogram's method objects)."""
        return self.bot.session.requests

    async def _request(self, verb: str, path: str, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{verb} {path}: the in-process driver has no such control yet")

    # -- acting as users -----------------------------------------------------------------

    async def send(self, user_id: int, text: str, first_name: str | None = None, *, wait: bool = True) -> int:
        posted = _control(control.post_text, self.state, user_id, text, first_name)
        return await self._deliver(posted["update_id"], wait)

    async def click(self, user_id: int, message_id: int, data: str, *, wait: bool = True) -> int:
        return await self._deliver(_control(control.post_click, self.state, user_id, message_id, data), wait)

    async def upload(self, user_id: int, file_name: str, content: bytes, caption: str | None = None, *,
                     wait: bool = True, photo: bool = False, media_group_id: str | None = None) -> int:
        posted = _control(control.post_file, self.state, user_id, file_name, content, caption, photo=photo,
                          media_group_id=media_group_id)
        return await self._deliver(posted["update_id"], wait)

    async def redeliver(self, update_id: int) -> None:
        try:
            self.state.redeliver(update_id)
        except KeyError:
            raise SandboxError(f"update {update_id} is unknown or already being redelivered") from None
        await self._deliver(update_id, wait=True)

    async def wait(self, update_id: int, timeout: float = WAIT_TIMEOUT) -> None:
        handling = self._handling.pop(update_id, None)
        if handling is not None:
            await asyncio.wait_for(asyncio.shield(handling), timeout)

    async def _deliver(self, update_id: int, wait: bool) -> int:
        previous, update = self._last, self.state.history[update_id]
        self._last = self._handling[update_id] = asyncio.create_task(self._handle(previous, update))
        if wait:
            await self.wait(update_id)
        return update_id

    async def _handle(self, previous: asyncio.Task[None] | None, raw: dict[str, Any]) -> None:
        """As aiogram's polling handles an update: after the one before, an error logged, not raised."""
        if previous is not None:
            await asyncio.wait([previous])
        update = Update.model_validate(raw, context={"bot": self.bot})
        try:
            response = await self.dispatcher.feed_update(self.bot, update, bots=[self.bot])
            if isinstance(response, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=self.bot, result=response)
        except Exception as error:
            loggers.event.exception("Cause exception while process update id=%d by bot id=%d\n%s: %s",
                                    update.update_id, self.bot.id, error.__class__.__name__, error)
        self.state.mark_processed(update.update_id)

    async def settle(self) -> None:
        """Waits for every update still being handled (sent with wait=False and never waited for)."""
        if self._last is not None:
            await asyncio.wait([self._last])

    # -- looking at the chat -------------------------------------------------------------

    async def messages(self, user_id: int) -> list[dict[str, Any]]:
        return control.views(self.state.chat(user_id), bot_only=True, with_content=True)

    async def chat(self, user_id: int) -> list[dict[str, Any]]:
        return control.views(self.state.chat(user_id), bot_only=False, with_content=False)

    async def callback_answers(self, user_id: int) -> list[dict[str, Any]]:
        chat = self.state.chat(user_id)
        return list(chat.callback_answers) if chat else []


def _control(action, *args: Any, **kwargs: Any) -> Any:
    """A control action on the state; a bad one fails the test as the HTTP control API's 400 does."""
    try:
        return action(*args, **kwargs)
    except control.ControlError as error:
        raise SandboxError(str(error)) from None


@contextlib.asynccontextmanager
async def running(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock,
                  state: SandboxState | None = None) -> AsyncIterator[TelegramInProcess]:
    """chibo's bot and dispatcher as bot.app builds them, the bot's session recording; started and stopped as
    polling starts and stops them."""
    state = state if state is not None else SandboxState()
    bot = create_bot(SANDBOX_TOKEN, None)
    session = RecordingSession(state)
    session.middleware = bot.session.middleware  # the request middlewares chibo puts on its session
    bot.session = session
    me = await bot.me()
    dp = create_dispatcher(settings, sessionmaker, bot_username=me.username, clock=clock)
    await set_menu(bot)
    client = TelegramInProcess(state, dp, bot)
    await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot])
    try:
        yield client
        await client.settle()
    finally:
        await dp.emit_shutdown(bot=bot, dispatcher=dp, bots=[bot])
        await dp.fsm.storage.close()
