"""Onboarding through the sandbox: the secretary builds the branch and people join; one member's entry added,
edited and removed with buttons."""

from tests.helpers import FIVE, LINK, MEMBER, SECRETARY, SUPERVISOR, create_branch, member_link, paste


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


