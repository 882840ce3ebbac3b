"""One deployment, two channels: a call for a chat of the other channel goes through that channel's bot.

A handler answering on Telegram may tell someone who is on Zalo (an inviter, a voter), and the outbox sends
every reminder through one bot: the chat number says which channel it is (bot.channels.ids)."""

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod

from bot.channels.ids import is_zalo


class ToChannel(BaseRequestMiddleware):
    def __init__(self, telegram: Bot | None, zalo: Bot | None) -> None:
        self.bots = {False: telegram, True: zalo}

    async def __call__(self, make_request: NextRequestMiddlewareType, bot: Bot, method: TelegramMethod) -> Any:
        chat_id = getattr(method, "chat_id", None)
        if chat_id is not None:
            owner = self.bots[is_zalo(chat_id)]
            if owner is not None and owner is not bot:
                return await owner(method)
        return await make_request(bot, method)


def link_channels(telegram: Bot | None, zalo: Bot | None) -> None:
    router = ToChannel(telegram, zalo)
    for bot in (telegram, zalo):
        if bot is not None:
            bot.session.middleware(router)
