"""Telegram calls as JSON bodies, and their answers read without the keyboard echoed back.

aiogram posts every call as a form, which aiohttp percent-encodes byte by byte in Python: for a Vietnamese
answer with a keyboard that was the largest single cost of sending it (bench_load --profile: ~1.7 ms of CPU a
call). A JSON body is one json.dumps. Calls that upload a file stay multipart forms.

Telegram answers a sent or edited message with the whole message, its inline keyboard included; aiogram
builds a model of every button again (~0.3 ms for /thangnay's 21 buttons, three quarters of reading the
answer). chibo never reads back a keyboard it sent, so the echo is dropped before the answer is read: the
returned Message has no reply_markup. The webhook reads updates with the same loader (aiogram's
SimpleRequestHandler): an update has no "result", so it is read whole."""

import json
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiohttp import FormData, JsonPayload


def without_echoed_keyboard(content: str | bytes) -> Any:
    """The Bot API's answer as JSON, less the reply_markup of the message it returns."""
    answer = json.loads(content)
    result = answer.get("result") if isinstance(answer, dict) else None
    if isinstance(result, dict):
        result.pop("reply_markup", None)
    return answer


class JsonBodySession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(json_loads=without_echoed_keyboard, **kwargs)

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> FormData | JsonPayload:
        files: dict[str, Any] = {}
        body = {}
        for key, value in method.model_dump(warnings=False).items():
            value = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if value is not None and value != "":  # what the form leaves out
                body[key] = value
        if files:
            return super().build_form_data(bot, method)
        return JsonPayload(body, dumps=self.json_dumps)
