"""A person's data through the sandbox: a member downloads their own as a .json document and erases it after a
confirmation; the secretary does both for a member from the member card (refusals: tests/handler/test_privacy)."""

import base64
import json

from tests.helpers import ERASED_PLACEHOLDER, MEMBER, SECRETARY, branch_with_member, card_data


async def document(tg, user_id: int) -> tuple[str, dict]:
    last = (await tg.messages(user_id))[-1]
    assert last["document"] is not None, last["text"]
    return last["document"]["file_name"], json.loads(base64.b64decode(last["document"]["content_base64"]).decode())


async def test_a_member_downloads_and_erases_their_own_data(tg):
    await branch_with_member(tg)
    await tg.send(MEMBER, "/toi")
    assert "tải toàn bộ dữ liệu" in await tg.last_text(MEMBER)
    await tg.click_button(MEMBER, "Tải dữ liệu của tôi")
    name, data = await document(tg, MEMBER)
    assert name.endswith(".json")
    assert data["person"]["full_name"] == "Trần Văn Minh" and data["person"]["telegram_user_id"] == MEMBER
    assert [(m["branch"]["name"], m["role"], m["admitted_on"]) for m in data["memberships"]] == [
        ("Chi bộ Khu phố 7", "deputy", "2011-02-01")]
    assert "invite.accept.member" in [a["action"] for a in data["audit_entries_as_actor"]]

    await tg.click_button(MEMBER, "Xoá dữ liệu của tôi")
    assert "không hoàn tác được" in await tg.last_text(MEMBER)
    await tg.click_button(MEMBER, "Không xoá")
    assert "không xoá gì" in await tg.last_text(MEMBER)
    await tg.send(MEMBER, "/toi")
    assert "Trần Văn Minh" in await tg.last_text(MEMBER)

    await tg.click_button(MEMBER, "Xoá dữ liệu của tôi")
    await tg.click_button(MEMBER, "Đồng ý xoá vĩnh viễn")
    assert "Đã xoá dữ liệu cá nhân của đồng chí" in await tg.last_text(MEMBER)
    await tg.send(MEMBER, "/toi")
    assert "Bạn chưa thuộc chi bộ nào" in await tg.last_text(MEMBER)
    await tg.send(SECRETARY, "/doanvien")
    roster = await tg.last_text(SECRETARY)
    assert "Trần Văn Minh" not in roster and ERASED_PLACEHOLDER in roster
    assert "Đảng viên: 6 (5 chính thức, 1 dự bị) · đã vào bot: 1" in roster  # still counted, no longer linked


async def test_the_secretary_downloads_and_erases_a_members_data_but_not_her_own(tg):
    await branch_with_member(tg)
    card = await card_data(tg, "Hoàng Thị Mai")
    await tg.click_button(SECRETARY, "Tải dữ liệu cá nhân")
    _, data = await document(tg, SECRETARY)
    assert data["person"]["full_name"] == "Hoàng Thị Mai" and data["memberships"][0]["status"] == "probationary"

    await tg.click_button(SECRETARY, "Xoá dữ liệu cá nhân")
    assert "Xoá dữ liệu cá nhân của đồng chí Hoàng Thị Mai?" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "Đồng ý xoá vĩnh viễn")
    assert f"nay là «{ERASED_PLACEHOLDER}" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "Quay lại")
    assert ERASED_PLACEHOLDER in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "/doanvien")
    roster = await tg.last_text(SECRETARY)
    assert "Hoàng Thị Mai" not in roster and "Đảng viên: 6 (5 chính thức, 1 dự bị)" in roster
    assert "Xoá dữ liệu cá nhân" in " ".join(card)  # Mai's card offered it

    # Her own card has no erase button, and from /toi she is told why.
    own = await card_data(tg, "Nguyễn Thị Lan")
    assert "📥 Tải dữ liệu cá nhân" in own and not any("Xoá" in label for label in own)
    await tg.send(SECRETARY, "/toi")
    await tg.click_button(SECRETARY, "Xoá dữ liệu của tôi")
    assert "bí thư duy nhất của Chi bộ Khu phố 7" in (await tg.callback_answers(SECRETARY))[-1]["text"]
    await tg.send(SECRETARY, "/doanvien")
    assert "Nguyễn Thị Lan" in await tg.last_text(SECRETARY)


