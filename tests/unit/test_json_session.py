"""The Bot API session: calls go out as JSON bodies, and a returned message is read without its echoed keyboard."""

import json

from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.channels.json_session import JsonBodySession, without_echoed_keyboard

KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="✅ 1", callback_data="td:7:1")]])
TOKEN = "123456:" + "a" * 35


def _sent(session: JsonBodySession, bot: Bot) -> SendMessage:
    method = SendMessage(chat_id=42, text="Việc tháng 12 — <b>Chi bộ</b>", reply_markup=KEYBOARD)
    body = json.loads(session.build_form_data(bot, method).decode())
    assert body == {"chat_id": 42, "text": "Việc tháng 12 — <b>Chi bộ</b>",
                    "reply_markup": {"inline_keyboard": [[{"text": "✅ 1", "callback_data": "td:7:1"}]]}}
    return method


def test_a_sent_message_is_read_back_without_the_keyboard_it_carried():
    session = JsonBodySession()
    bot = Bot(TOKEN, session=session)
    method = _sent(session, bot)
    answer = {"ok": True, "result": {
        "message_id": 99, "date": 1_764_720_000, "chat": {"id": 42, "type": "private"},
        "from": {"id": 1, "is_bot": True, "first_name": "chibo"}, "text": "Việc tháng 12 — Chi bộ",
        "reply_markup": {"inline_keyboard": [[{"text": "✅ 1", "callback_data": "td:7:1"}]]}}}
    message = session.check_response(bot, method, 200, json.dumps(answer)).result
    assert isinstance(message, Message)
    assert (message.message_id, message.chat.id, message.text) == (99, 42, "Việc tháng 12 — Chi bộ")
    assert message.reply_markup is None


def test_an_update_and_an_error_are_read_whole():
    update = {"update_id": 5, "callback_query": {
        "id": "q", "chat_instance": "c", "from": {"id": 42, "is_bot": False, "first_name": "An"}, "data": "td:7:1",
        "message": {"message_id": 99, "date": 1, "chat": {"id": 42, "type": "private"}, "text": "x",
                    "reply_markup": {"inline_keyboard": [[{"text": "✅ 1", "callback_data": "td:7:1"}]]}}}}
    read = Update.model_validate(without_echoed_keyboard(json.dumps(update)))
    assert read.callback_query.message.reply_markup.inline_keyboard[0][0].callback_data == "td:7:1"
    error = {"ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 3}}
    assert without_echoed_keyboard(json.dumps(error)) == error
    assert without_echoed_keyboard("[1, 2]") == [1, 2]
