"""Onboarding through the sandbox: what the secretary, a member and a supervisor see."""

import re

from tests.e2e.conftest import Clock

SECRETARY, MEMBER, SUPERVISOR, STRANGER = 501, 502, 503, 504
FIVE = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên
Phạm Văn Đức, chính thức, 05/06/1996
Hoàng Thị Mai, dự bị, 07/08/2026
Vũ Văn Hùng, chính thức"""
LINK = re.compile(r"https://t\.me/chibo_sandbox_bot\?start=([\w-]+)")


async def create_branch(tg) -> None:
    await tg.send(SECRETARY, "/start", first_name="Lan")
    assert "tạo chi bộ" in (await tg.last_text(SECRETARY)).lower()
    await tg.click_button(SECRETARY, "Tạo chi bộ mới")
    assert "Tên chi bộ" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Chi bộ Khu phố 7")
    await tg.click_button(SECRETARY, "Bỏ qua")
    assert "Họ và tên" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Nguyễn Thị Lan")
    assert "Đã tạo Chi bộ Khu phố 7" in await tg.last_text(SECRETARY)


async def paste(tg, text: str) -> str:
    await tg.send(SECRETARY, "/nhapds")
    await tg.send(SECRETARY, text)
    return await tg.last_text(SECRETARY)


async def member_link(tg, name: str) -> str:
    await tg.send(SECRETARY, "/doanvien")
    await tg.click_button(SECRETARY, name)
    await tg.click_button(SECRETARY, "Link mời")
    return LINK.search(await tg.last_text(SECRETARY)).group(1)


async def test_secretary_builds_the_branch_and_people_join(tg):
    await create_branch(tg)
    assert "Đã thêm 5 đảng viên" in await paste(tg, FIVE)

    await tg.send(SECRETARY, "/doanvien")
    roster = await tg.last_text(SECRETARY)
    assert "Đảng viên: 6 (5 chính thức, 1 dự bị) · đã vào bot: 1" in roster
    assert "2. Trần Văn Minh — Phó Bí thư, chính thức, vào Đảng 01/02/2011 ○" in roster
    buttons = [b["text"] for row in (await tg.messages(SECRETARY))[-1]["buttons"] for b in row]
    assert "○ Hoàng Thị Mai" in buttons and "➕ Thêm đảng viên" in buttons

    token = await member_link(tg, "Trần Văn Minh")
    await tg.send(MEMBER, f"/start {token}", first_name="Minh")
    assert "Chào đồng chí Trần Văn Minh" in await tg.last_text(MEMBER)
    assert "Trần Văn Minh đã mở link mời" in await tg.last_text(SECRETARY)
    await tg.send(MEMBER, "/toi")
    assert "Chi bộ Khu phố 7: Phó Bí thư, đảng viên chính thức, vào Đảng 01/02/2011" in await tg.last_text(MEMBER)

    await tg.send(SECRETARY, "/moigiamsat")
    token = LINK.search(await tg.last_text(SECRETARY)).group(1)
    await tg.send(SUPERVISOR, f"/start {token}", first_name="Quang")
    assert "đảng ủy viên phụ trách Chi bộ Khu phố 7" in await tg.last_text(SUPERVISOR)
    await tg.send(SECRETARY, "/doanvien")
    assert "Đảng ủy viên phụ trách: Quang" in await tg.last_text(SECRETARY)
    assert "đã vào bot: 2" in await tg.last_text(SECRETARY)


async def test_bad_lines_are_reported_line_by_line_and_good_ones_kept(tg):
    await create_branch(tg)
    answer = await paste(tg, "Trần Văn Minh, chính thức\nNguyễn Văn A, 31/02/2015\nLê Văn B, chính thứcc\n"
                             "Đỗ Thị C, dự bị, 02/03/2024")
    assert "Đã thêm 2 đảng viên" in answer
    assert "Dòng 2 «Nguyễn Văn A, 31/02/2015»: ngày «31/02/2015» không có thật" in answer
    assert "Dòng 3 «Lê Văn B, chính thứcc»: không hiểu «chính thứcc»" in answer
    await tg.send(SECRETARY, "/doanvien")
    roster = await tg.last_text(SECRETARY)
    assert "Trần Văn Minh" in roster and "Đỗ Thị C" in roster and "Lê Văn B" not in roster


async def test_used_and_expired_links_get_a_clear_answer(tg, clock: Clock):
    await create_branch(tg)
    await paste(tg, FIVE)
    token = await member_link(tg, "Lê Thị Hà")
    await tg.send(MEMBER, f"/start {token}")
    await tg.send(STRANGER, f"/start {token}")
    assert "đã được dùng" in await tg.last_text(STRANGER)

    token = await member_link(tg, "Phạm Văn Đức")
    clock.advance(days=15)
    await tg.send(STRANGER, f"/start {token}")
    assert "đã hết hạn" in await tg.last_text(STRANGER)
    await tg.send(STRANGER, "/start not-a-real-token")
    assert "không đúng" in await tg.last_text(STRANGER)


async def test_members_and_strangers_cannot_use_the_secretarys_commands_or_buttons(tg):
    await create_branch(tg)
    await paste(tg, FIVE)
    token = await member_link(tg, "Vũ Văn Hùng")
    await tg.send(MEMBER, f"/start {token}")
    await tg.send(SECRETARY, "/doanvien")
    await tg.click_button(SECRETARY, "Hoàng Thị Mai")
    card = (await tg.messages(SECRETARY))[-1]
    remove = next(b["data"] for row in card["buttons"] for b in row if "Xóa" in b["text"])
    confirm = remove.replace(":remove", ":remove_ok")

    for user in (MEMBER, STRANGER):
        for command in ("/doanvien", "/nhapds", "/themdv", "/moigiamsat"):
            await tg.send(user, command)
            assert (await tg.last_text(user)).startswith(("⛔️", "Bạn chưa thuộc chi bộ"))
        # Forged: the secretary's button data replayed from the member's own chat.
        await tg.click(user, (await tg.messages(user))[-1]["message_id"], confirm)
        assert "⛔️" in (await tg.callback_answers(user))[-1]["text"]

    await tg.click(SECRETARY, card["message_id"], "m:999999:remove_ok")
    assert "không thuộc chi bộ của bạn" in (await tg.callback_answers(SECRETARY))[-1]["text"]
    await tg.click(SECRETARY, card["message_id"], "m:garbage")
    assert "không còn hiệu lực" in (await tg.callback_answers(SECRETARY))[-1]["text"]
    await tg.send(SECRETARY, "/doanvien")
    assert "Hoàng Thị Mai" in await tg.last_text(SECRETARY)


async def test_secretary_adds_edits_and_removes_one_member_with_buttons(tg):
    await create_branch(tg)
    await tg.send(SECRETARY, "/themdv")
    await tg.send(SECRETARY, "Đinh Văn Long")
    await tg.click_button(SECRETARY, "Dự bị")
    await tg.send(SECRETARY, "30/02/2025")
    assert "không có thật" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "15/01/2026")
    await tg.click_button(SECRETARY, "Chi ủy viên")
    assert "Đinh Văn Long — Chi ủy viên, dự bị, 15/01/2026" in await tg.last_text(SECRETARY)

    await tg.send(SECRETARY, "/doanvien")
    await tg.click_button(SECRETARY, "Đinh Văn Long")
    await tg.click_button(SECRETARY, "Đổi sang chính thức")
    assert "Trạng thái: đảng viên chính thức" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "Sửa họ tên")
    await tg.send(SECRETARY, "Đinh Văn Long Hải")
    assert (await tg.last_text(SECRETARY)).startswith("Đinh Văn Long Hải")
    await tg.click_button(SECRETARY, "Xóa khỏi danh sách")
    await tg.click_button(SECRETARY, "Đồng ý xóa")
    assert "Đã xóa Đinh Văn Long Hải" in await tg.last_text(SECRETARY)


async def test_cancel_works_from_any_state_and_help_lists_the_menu(tg):
    await create_branch(tg)
    await tg.send(SECRETARY, "/themdv")
    await tg.send(SECRETARY, "/huy")
    assert "Đã hủy" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Ngô Văn Tám")
    assert "chưa hiểu" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "/help")
    assert "/nhapds" in await tg.last_text(SECRETARY)
    await tg.send(STRANGER, "/help")
    assert "/nhapds" not in await tg.last_text(STRANGER)
