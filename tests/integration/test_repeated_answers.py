"""An update handled again after a crash repeats answers Telegram already has: those count as done."""

import pytest
from aiogram.exceptions import TelegramBadRequest

from bot.app import SANDBOX_TOKEN, create_bot
from bot.sandbox.server import start_sandbox


@pytest.fixture
async def bot_and_state():
    sandbox = await start_sandbox("127.0.0.1", 0)
    bot = create_bot(SANDBOX_TOKEN, sandbox.url)
    sandbox.state.open_chat(sandbox.state.user(501))
    yield bot, sandbox.state
    await bot.session.close()
    await sandbox.stop()


async def test_a_button_answered_twice_is_done(bot_and_state):
    bot, state = bot_and_state
    query_id = state.new_callback_query(501)
    assert await bot.answer_callback_query(query_id, text="Đã ghi nhận") is True
    assert await bot.answer_callback_query(query_id, text="Đã ghi nhận") is True
    assert [a["text"] for a in state.chat(501).callback_answers] == ["Đã ghi nhận"]


async def test_a_screen_drawn_twice_is_done(bot_and_state):
    bot, _ = bot_and_state
    sent = await bot.send_message(501, "Bước 1")
    await bot.edit_message_text("Bước 2", chat_id=501, message_id=sent.message_id)
    assert await bot.edit_message_text("Bước 2", chat_id=501, message_id=sent.message_id) is True


async def test_other_refusals_still_fail(bot_and_state):
    bot, _ = bot_and_state
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("Bước 2", chat_id=501, message_id=999)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "Bước 1")
