"""Someone else's data, and forged buttons: refused, nothing sent, nothing erased."""

from tests.helpers import (
    ERASED_PLACEHOLDER,
    LINK,
    MEMBER,
    OTHER_SECRETARY,
    SECRETARY,
    STRANGER,
    SUPERVISOR,
    branch_with_member,
    card_data,
    forge,
)


async def test_others_and_forged_buttons_are_refused(tg):
    await branch_with_member(tg)
    card = await card_data(tg, "Lê Thị Hà")
    export, erase = card["📥 Tải dữ liệu cá nhân"], card["🧹 Xoá dữ liệu cá nhân"]
    confirm = erase.replace(":erase:", ":erase_ok:")
    await tg.send(SECRETARY, "/moigiamsat")
    await tg.send(SUPERVISOR, f"/start {LINK.search(await tg.last_text(SECRETARY)).group(1)}", first_name="Quang")
    await tg.send(OTHER_SECRETARY, "/start", first_name="Nam")
    await tg.click_button(OTHER_SECRETARY, "Tạo chi bộ mới")
    await tg.send(OTHER_SECRETARY, "Chi bộ Khu phố 9")
    await tg.click_button(OTHER_SECRETARY, "Bỏ qua")
    await tg.send(OTHER_SECRETARY, "Đỗ Văn Nam")
    await tg.send(STRANGER, "/start")

    for user in (MEMBER, SUPERVISOR, OTHER_SECRETARY, STRANGER):
        for data in (export, erase, confirm):
            assert (await forge(tg, user, data)).startswith("⛔️"), (user, data)
        assert (await tg.messages(user))[-1]["document"] is None
    assert (await forge(tg, STRANGER, "pv:export:0")).startswith("⛔️")  # a stranger has no data of their own
    assert (await forge(tg, STRANGER, "pv:erase_ok:0")).startswith("⛔️")
    assert "không thuộc chi bộ của bạn" in await forge(tg, SECRETARY, "pv:erase_ok:999999")
    assert "không còn hiệu lực" in await forge(tg, SECRETARY, "pv:erase_ok:garbage")

    await tg.send(SECRETARY, "/doanvien")
    roster = await tg.last_text(SECRETARY)
    assert "Lê Thị Hà" in roster and ERASED_PLACEHOLDER not in roster
    await tg.send(MEMBER, "/toi")
    assert "Trần Văn Minh" in await tg.last_text(MEMBER)
