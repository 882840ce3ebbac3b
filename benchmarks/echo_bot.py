"""A bare aiogram bot for bench_load.py to measure beside chibo: it answers a text with the text (and one
button) and a button tap with the button's data, served in webhook mode by aiogram's SimpleRequestHandler
exactly as `chibo run` serves chibo against a local Bot API server (each update handled inside its request),
and logging at INFO as `chibo run` does (aiohttp's access line and aiogram's "Update ... is handled" line).

Usage: python benchmarks/echo_bot.py API_BASE_URL TOKEN PORT — prints "ready" once the webhook is set.
"""

import asyncio
import contextlib
import logging
import sys

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

AGAIN = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Lại", callback_data="again")]])


async def main(api: str, token: str, port: int) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text, reply_markup=AGAIN)

    @dp.callback_query()
    async def tapped(query: CallbackQuery) -> None:
        await query.message.answer(query.data)
        await query.answer()

    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, handle_in_background=False).register(app, path="/webhook")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await bot.set_webhook(f"http://127.0.0.1:{port}/webhook", allowed_updates=dp.resolve_used_update_types())
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await bot.session.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
