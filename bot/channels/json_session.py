"""Telegram calls as JSON bodies: the Bot API takes application/json as well as forms.

aiogram posts every call as a form, which aiohttp percent-encodes byte by byte in Python: for a Vietnamese
answer with a keyboard that was the largest single cost of sending it (bench_load --profile: ~1.7 ms of CPU a
call). A JSON body is one json.dumps. Calls that upload a file stay multipart forms."""

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiohttp import FormData, JsonPayload


class JsonBodySession(AiohttpSession):
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
