"""Onboarding's single answers: a pasted roster's bad lines, used and expired links, what members and strangers
may not do, /huy and /help."""

from tests.helpers import FIVE, MEMBER, SECRETARY, STRANGER, Clock, buttons, create_branch, member_link, paste


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


async def test_members_added_one_by_one_share_roles_but_the_branch_has_one_deputy(tg):
    await create_branch(tg)
    added = (("Đinh Văn Long", "Đảng viên"), ("Lý Thị Hoa", "Đảng viên"), ("Mai Văn Cường", "Chi ủy viên"),
             ("Tạ Thị Thu", "Chi ủy viên"), ("Hồ Văn Nam", "Phó Bí thư"), ("Vi Thị Yến", "Đảng viên"))
    for number, (name, role) in enumerate(added):
        await tg.send(SECRETARY, "/themdv")
        await tg.send(SECRETARY, name)
        await tg.click_button(SECRETARY, "Chính thức")
        await tg.click_button(SECRETARY, "Bỏ qua")
        offered = set(buttons((await tg.messages(SECRETARY))[-1]))
        deputy_named = number > 4  # Hồ Văn Nam is the deputy from then on
        assert offered == {"Đảng viên", "Chi ủy viên"} | (set() if deputy_named else {"Phó Bí thư"})
        await tg.click_button(SECRETARY, role)
        assert f"{name} — {role}, chính thức" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "/doanvien")
    roster = await tg.last_text(SECRETARY)
    assert "Đảng viên: 7 (7 chính thức, 0 dự bị)" in roster
    assert all(f"{name} — {role}" in roster for name, role in added)


async def test_toi_gives_anyone_the_account_number_the_office_links_them_by(tg):
    """`chibo admin add-unit --admin-id` and `link-supervisor` take the number /toi shows, a stranger's too."""
    await tg.send(STRANGER, "/toi")
    stranger = await tg.last_text(STRANGER)
    assert stranger.startswith("Bạn chưa thuộc chi bộ nào")
    assert f"Số tài khoản của bạn trên chibo: {STRANGER} — văn phòng cấp ủy cần số này" in stranger
    await create_branch(tg)
    await tg.send(SECRETARY, "/toi")
    own = await tg.last_text(SECRETARY)
    assert "Chi bộ Khu phố 7: Bí thư" in own and f"Số tài khoản của bạn trên chibo: {SECRETARY}" in own
