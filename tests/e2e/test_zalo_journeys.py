"""Journeys on Zalo past onboarding: a member's reminders through the outbox (and once only when they are on
both channels, on the one linked last), a numbered list surviving a reminder, the review's reminder and a
supervisor's /tinhhinh and nudge reaching people who are on Zalo only; and the adapter's edits: the same
message again sends nothing."""

import asyncio

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.zalo_chats import ZaloChats
from bot.config import Settings
from scheduling import jobs, runtime
from scheduling.sender import BotSender
from storage.db import create_sessionmaker
from tests.helpers import (
    FIVE,
    NOW,
    ZALO_CODE,
    ZALO_MEMBER,
    ZALO_MEMBER_TELEGRAM,
    ZALO_SECRETARY,
    number_of,
    zalo_branch,
)

TASK = "Nộp báo cáo kiểm điểm cho Đảng ủy"
SUPERVISOR = "zl-supervisor-9"


@pytest.fixture
async def outbox(channels, engine, db_url, clock):
    """The outbox delivery on the test's clock, sending through the bot `chibo run` hands it (its calls for
    Zalo chats go to the Zalo bot)."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    built = runtime.build(Settings(_env_file=None, database_url=db_url), create_sessionmaker(engine),
                          BotSender(channels.bot, 5), clock=clock, sleep=sleep)
    runtime.install(built)
    yield built
    runtime.uninstall(built)


async def deliver(clock) -> None:
    for _ in range(2):  # one message a second to a chat
        await jobs.deliver()
        clock.advance(seconds=2)


async def branch_with_minh_on_zalo(zl) -> None:
    """The secretary's branch on Zalo; Trần Văn Minh (its deputy, who gets the branch's deadlines) joins on
    Zalo with the code of his invitation."""
    await zalo_branch(zl)
    await zl.answer_to(ZALO_SECRETARY, "/nhapds")
    await zl.answer_to(ZALO_SECRETARY, FIVE)
    roster = await zl.answer_to(ZALO_SECRETARY, "/doanvien")
    card = await zl.answer_to(ZALO_SECRETARY, number_of(roster, "Trần Văn Minh"))
    code = ZALO_CODE.search(await zl.answer_to(ZALO_SECRETARY, number_of(card, "Link mời"))).group(1)
    assert "Chào đồng chí Trần Văn Minh" in await zl.answer_to(ZALO_MEMBER, code, display_name="Minh")


def about_the_task(texts: list[str], opening: str) -> list[str]:
    return [t for t in texts if t.startswith(f"{opening}: {TASK}") or t.startswith(f"📌 {opening}")]


async def test_a_member_on_zalo_gets_each_reminder_once_through_the_outbox_on_the_channel_linked_last(
        channels, outbox, clock):
    zl, tg = channels.zalo, channels.telegram
    await branch_with_minh_on_zalo(zl)
    await zl.answer_to(ZALO_SECRETARY, "/themviec")
    await zl.answer_to(ZALO_SECRETARY, TASK)
    await zl.answer_to(ZALO_SECRETARY, "25/11/2026")
    await jobs.replan_requested()

    # Minh is reading /toi's numbered list when the reminder comes.
    me = await zl.answer_to(ZALO_MEMBER, "/toi")
    assert number_of(me, "Dùng cả Telegram và Zalo") == "1"
    clock.advance(days=2)  # 24/11 10:00 in Hà Nội
    await deliver(clock)
    reminder = await zl.last_text(ZALO_MEMBER)
    assert reminder.startswith(f"🔔 Ngày mai đến hạn: {TASK}\nHạn: 25/11/2026 — Chi bộ Khu phố 7")
    assert "<b>" not in reminder  # plain text, as Zalo shows it
    # The reminder had no choices: "1" still picks from the list Minh was reading.
    link = await zl.answer_to(ZALO_MEMBER, "1")
    assert "Dùng chibo ở cả Telegram và Zalo" in link

    # Minh links Telegram too: from now on his reminders go there, and only there.
    await tg.send(ZALO_MEMBER_TELEGRAM, f"/start {ZALO_CODE.search(link).group(1)}", first_name="Minh")
    assert "Đã liên kết" in await tg.last_text(ZALO_MEMBER_TELEGRAM)
    await jobs.replan_requested()
    clock.advance(days=1)  # 25/11 10:00
    await deliver(clock)
    on_zalo = await zl.bot_texts(ZALO_MEMBER)
    on_telegram = [m["text"] for m in await tg.messages(ZALO_MEMBER_TELEGRAM)]
    assert len(about_the_task(on_zalo, "🔔 Ngày mai đến hạn")) == 1
    assert about_the_task(on_telegram, "🔔 Ngày mai đến hạn") == []
    (today,) = [t for t in on_telegram if "Hôm nay là hạn cuối" in t and TASK in t]
    assert not any("Hôm nay là hạn cuối" in t for t in on_zalo)
    assert "Chi bộ Khu phố 7" in today


async def test_a_supervisor_on_zalo_reads_tinhhinh_as_a_numbered_list(channels):
    zl = channels.zalo
    await branch_with_minh_on_zalo(zl)
    invite = await zl.answer_to(ZALO_SECRETARY, "/moigiamsat")
    code = ZALO_CODE.search(invite).group(1)
    joined = await zl.answer_to(SUPERVISOR, code, display_name="Quang")
    assert "Chi bộ Khu phố 7" in joined

    summary = await zl.answer_to(SUPERVISOR, "/tinhhinh")
    assert summary.startswith("📊 Tình hình kiểm điểm — 1 chi bộ\n") and "<b>" not in summary
    assert "1. Chi bộ Khu phố 7 — Chưa bắt đầu kiểm điểm" in summary
    assert summary.endswith("1. 🔎 1. Chi bộ Khu phố 7\n2. 🔔\n3. 📈 Biểu đồ\n4. 📥 Excel\n"
                            "👉 Nhắn số 1, 2, 3 hoặc 4 để chọn.")
    detail = await zl.answer_to(SUPERVISOR, "1")
    assert detail.startswith("🔎 Chi bộ Khu phố 7 — chỉ xem\nBí thư: Nguyễn Thị Lan · Phụ trách: Quang")
    assert number_of(detail, "🔔 Nhắc bí thư") == "1"
    # The nudge reaches the secretary, who is on Zalo only.
    assert "🔔 Đã nhắc bí thư Nguyễn Thị Lan (Chi bộ Khu phố 7)" in await zl.answer_to(SUPERVISOR, "1")
    nudge = await zl.last_text(ZALO_SECRETARY)
    assert nudge.startswith("🔔 Nhắc việc từ đảng ủy viên phụ trách\nĐồng chí Quang đề nghị Chi bộ Khu phố 7")
    # The chart's album (Telegram) comes as its photos one after another, each with its caption.
    await zl.answer_to(SUPERVISOR, "/tinhhinh")
    before = len(await zl.chat(SUPERVISOR))
    await zl.answer_to(SUPERVISOR, "3")
    photos = [m for m in (await zl.chat(SUPERVISOR))[before:] if m["photo"]]
    assert [m["text"] for m in photos] == [
        f"📈 Biểu đồ tiến độ và xếp loại — 1 chi bộ (trang {n}/2)." for n in (1, 2)]


async def test_an_unchanged_edit_sends_nothing_and_a_push_without_choices_keeps_them(channels, engine):
    zl, bot = channels.zalo, channels.bot
    await zalo_branch(zl)
    key = await ZaloChats(create_sessionmaker(engine)).key_for(ZALO_SECRETARY, ZALO_SECRETARY, "Lan", NOW)  # her number
    two = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Đảng viên", callback_data="go:roster")],
                                                [InlineKeyboardButton(text="Thêm", callback_data="go:add")]])
    before = len(await zl.chat(ZALO_SECRETARY))
    sent = await bot.send_message(key, "<b>Chi bộ Khu phố 7</b>", reply_markup=two)
    again = await bot.edit_message_text("<b>Chi bộ Khu phố 7</b>", chat_id=key, message_id=sent.message_id,
                                        reply_markup=two)
    assert again.message_id == sent.message_id
    shown = [m["text"] for m in (await zl.chat(ZALO_SECRETARY))[before:]]
    assert shown == ["Chi bộ Khu phố 7\n\n1. Đảng viên\n2. Thêm\n👉 Nhắn số 1 hoặc 2 để chọn."]  # once

    changed = await bot.edit_message_text("<b>Chi bộ Khu phố 7 (đã sửa)</b>", chat_id=key,
                                          message_id=sent.message_id, reply_markup=two)
    assert (await zl.last_text(ZALO_SECRETARY)).startswith("Chi bộ Khu phố 7 (đã sửa)\n\n1. Đảng viên")  # new message
    assert changed.message_id == sent.message_id and len(await zl.chat(ZALO_SECRETARY)) == before + 2

    await bot.send_message(key, "🔔 Một thông báo không có nút")  # a push: the choices stay
    assert "Họ và tên đảng viên mới" in await zl.answer_to(ZALO_SECRETARY, "2")  # "Thêm" → go:add, as a tap would


async def test_the_review_reminder_reaches_a_member_who_is_on_zalo_only(channels):
    zl = channels.zalo
    await branch_with_minh_on_zalo(zl)
    started = await zl.answer_to(ZALO_SECRETARY, "/kiemdiem")
    assert "Đã bắt đầu kiểm điểm, đánh giá, xếp loại năm 2026 (6 đảng viên)" in started
    reminded = await zl.answer_to(ZALO_SECRETARY, number_of(started, "🔔 Nhắc người còn thiếu"))
    assert reminded.endswith("🔔 Đã nhắc 2 đồng chí: Nguyễn Thị Lan, Trần Văn Minh.\nChưa nhắc được (chưa vào bot — "
                             "gửi link mời hoặc nhắc trực tiếp): Lê Thị Hà, Phạm Văn Đức, Vũ Văn Hùng.")
    to_minh = await zl.last_text(ZALO_MEMBER)
    assert to_minh.startswith("🔔 Chi bộ Khu phố 7 — kiểm điểm năm 2026: đồng chí còn thiếu\n• bản tự kiểm điểm")
