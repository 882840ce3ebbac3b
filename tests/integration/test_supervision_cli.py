"""`chibo admin` as the superior unit's office uses it: --help everywhere, a unit, a branch and its secretary's
link, supervisors, the listing; refusals in one line with exit code 1."""

import asyncio
import json
import re

import pytest
from click.testing import CliRunner

from bot.channels.ids import zalo_key
from bot.cli import main
from bot.services import invitations
from bot.services.actor import load_actor
from storage.channel_models import ZaloChat
from tests.helpers import NOW

COMMANDS = [["admin"], ["admin", "add-unit"], ["admin", "add-branch"], ["admin", "invite-secretary"],
            ["admin", "link-supervisor"], ["admin", "list"], ["admin", "set-option"]]
TOKEN = re.compile(r"https://t\.me/chibo_sandbox_bot\?start=([\w-]+)")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_admin_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


async def chibo(*args: str):
    # The command runs its own event loop, so it gets a thread of its own.
    return await asyncio.to_thread(CliRunner().invoke, main, ["admin", *args])


async def test_the_office_creates_a_branch_whose_link_makes_the_secretary(db_url, uow_factory, monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    unit = await chibo("add-unit", "Đảng ủy phường Tân Định", "--admin-telegram-id", "7001", "--admin-name",
                       "Lê Văn Tâm")
    assert unit.exit_code == 0, unit.output
    assert "unit 1: Đảng ủy phường Tân Định — created" in unit.output and "administrator: Lê Văn Tâm" in unit.output
    assert "already there" in (await chibo("add-unit", "Đảng ủy phường Tân Định")).output

    branch = await chibo("add-branch", "Đảng ủy phường Tân Định", "Chi bộ Khu phố 9")
    assert branch.exit_code == 0, branch.output
    token = TOKEN.search(branch.output).group(1)
    assert f"on Zalo: send the code {token} to the bot" in branch.output  # Zalo opens no links to the bot
    async with uow_factory() as uow:
        accepted = await invitations.accept(uow, telegram_user_id=7010, display_name="Nguyễn Thị Hoa", token=token,
                                            now=NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, 7010)
    assert accepted.kind == "secretary" and secretary.home.role == "secretary"

    again = await chibo("invite-secretary", str(accepted.branch_id))
    assert again.exit_code == 1 and "đã có bí thư" in again.output
    second = await chibo("add-branch", "1", "Chi bộ Khu phố 10", "--bot-username", "chibo_bot")
    assert "https://t.me/chibo_bot?start=" in second.output
    assert TOKEN.search((await chibo("invite-secretary", "2")).output)

    linked = await chibo("link-supervisor", "7002", "--unit", "1", "--name", "Phan Văn Quang")
    assert linked.exit_code == 0, linked.output
    assert "Phan Văn Quang (Telegram user 7002) supervises 2 branch(es)" in linked.output
    listing = json.loads((await chibo("list", "--json")).output)
    assert listing[0].pop("options")["qd366_2025.quota_rounding"] == {"value": "floor", "set": False,
                                                                      "choices": ["floor", "ceil"]}
    assert listing == [{"unit_id": 1, "name": "Đảng ủy phường Tân Định", "admins": ["Lê Văn Tâm"], "branches": [
        {"branch_id": 2, "name": "Chi bộ Khu phố 10", "secretary": None, "secretary_linked": False,
         "supervisors": ["Phan Văn Quang"]},
        {"branch_id": 1, "name": "Chi bộ Khu phố 9", "secretary": "Nguyễn Thị Hoa", "secretary_linked": True,
         "supervisors": ["Phan Văn Quang"]},
    ]}]
    text = (await chibo("list")).output
    assert "branch 1: Chi bộ Khu phố 9 — secretary Nguyễn Thị Hoa; supervisors: Phan Văn Quang" in text


async def test_refusals_are_one_line_and_change_nothing(db_url, engine, monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    missing = await chibo("add-branch", "Đảng ủy không có", "Chi bộ A")
    assert missing.exit_code == 1 and "Không tìm thấy đơn vị «Đảng ủy không có»" in missing.output
    nameless = await chibo("link-supervisor", "7003", "1")
    assert nameless.exit_code == 1 and "Cần họ tên cho tài khoản 7003" in nameless.output
    unknown = await chibo("link-supervisor", str(zalo_key(99)), "1", "--name", "Phan Văn Quang")
    assert unknown.exit_code == 1 and f"Tài khoản Zalo {zalo_key(99)} chưa nhắn tin cho bot chibo" in unknown.output
    assert (await chibo("link-supervisor", "7003")).exit_code == 2  # neither branches nor --unit
    assert "no units yet" in (await chibo("list")).output


async def test_the_office_reaches_zalo_users_by_the_number_toi_shows(db_url, uow_factory, monkeypatch):
    """A Zalo user who has written to the bot is made a unit's administrator and a supervisor by the number /toi
    gives them (the Zalo chat number), as a Telegram user is by their Telegram id."""
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    async with uow_factory() as uow:
        chats = [ZaloChat(zalo_user_id=f"zl-{n}", zalo_chat_id=f"zl-{n}", display_name=f"Zalo {n}", created_at=NOW)
                 for n in (1, 2)]
        for chat in chats:
            uow.zalo_chats.add(chat)
        await uow.flush()
        admin, supervisor = (zalo_key(chat.id) for chat in chats)
        await uow.commit()
    unit = await chibo("add-unit", "Đảng ủy xã Hòa Phú", "--admin-id", str(admin), "--admin-name", "Lê Văn Tâm")
    assert unit.exit_code == 0, unit.output
    assert f"administrator: Lê Văn Tâm (Zalo user {admin})" in unit.output
    assert (await chibo("add-branch", "1", "Chi bộ Thôn 1")).exit_code == 0
    linked = await chibo("link-supervisor", str(supervisor), "--unit", "1", "--name", "Phan Văn Quang")
    assert linked.exit_code == 0, linked.output
    assert f"Phan Văn Quang (Zalo user {supervisor}) supervises 1 branch(es):\n  Chi bộ Thôn 1" in linked.output
    async with uow_factory() as uow:
        actor = await load_actor(uow, supervisor)
        admin_person = await uow.people.by_zalo_chat_id(admin)
        assert admin_person.full_name == "Lê Văn Tâm" and admin_person.channel == "zalo"
    assert [s.branch_name for s in actor.supervised] == ["Chi bộ Thôn 1"]
    exported = await chibo("export-person", str(supervisor), "--account")
    assert exported.exit_code == 0 and json.loads(exported.output)["person"]["full_name"] == "Phan Văn Quang"
