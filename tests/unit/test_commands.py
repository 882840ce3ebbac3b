"""The table of commands (handlers/commands.py): every command described for the menu and, when /help lists it,
in a help line; docs/access.md lists exactly its commands; /help lists for each actor what the table says."""

import re
from pathlib import Path

import pytest

from bot.domain.roster import Role
from bot.services.actor import Actor, BranchRole, SupervisedBranch
from bot.texts import plain, render
from handlers import commands
from handlers.commands import COMMANDS
from handlers.common import help_text

ACCESS_MD = Path(__file__).resolve().parents[2] / "docs" / "access.md"
STRANGER = Actor(telegram_user_id=1)
SECRETARY = Actor(2, 2, "Nguyễn Thị Lan", roles=(BranchRole(1, "Chi bộ 1", 1, Role.SECRETARY),))
DEPUTY = Actor(3, 3, "Trần Văn Minh", roles=(BranchRole(1, "Chi bộ 1", 2, Role.DEPUTY),))
SUPERVISOR = Actor(4, 4, "Phan Văn Giám", supervised=(SupervisedBranch(1, "Chi bộ 1"),))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_command_has_its_menu_description_and_help_line(command):
    assert 3 <= len(plain("commands", command.name)) <= 256  # Telegram's bounds for a command's description
    if command.section is not None:
        assert render("commands", f"{command.name}_help")


def test_a_filter_for_a_command_not_in_the_table_fails():
    assert commands.filter("huy").commands == ("huy", "cancel")
    with pytest.raises(KeyError):
        commands.filter("xoachibo")


def test_docs_access_md_lists_exactly_the_table_of_commands():
    text = ACCESS_MD.read_text()
    section = text[text.index("## Commands"):text.index("\n## ", text.index("## Commands") + 1)]
    documented = {key for line in section.splitlines() if line.startswith("| `")
                  for key in re.findall(r"`(/[^`]+)`", line.split("|")[1])}
    assert documented == {f"/{n}" for c in COMMANDS for n in c.names} | {"/start <invitation>"}


@pytest.mark.parametrize(("actor", "listed", "unlisted"), [
    (STRANGER, {"/start", "/huy", "/help", "/toi"}, {"/thangnay", "/tukiemdiem", "/nhapds", "/tinhhinh"}),
    (SECRETARY, {"/thangnay", "/buoc", "/kiemdiem", "/tukiemdiem", "/nhapds", "/doanvien", "/toi"}, {"/tinhhinh"}),
    (DEPUTY, {"/thangnay", "/tukiemdiem", "/toi"}, {"/buoc", "/kiemdiem", "/doanvien", "/nhapds", "/tinhhinh"}),
    (SUPERVISOR, {"/thangnay", "/tinhhinh", "/toi"}, {"/tukiemdiem", "/buoc", "/nhapds", "/start"}),
], ids=["stranger", "secretary", "deputy", "supervisor"])
def test_help_lists_what_the_table_gives_the_actor(actor, listed, unlisted):
    shown = set(re.findall(r"^(/\w+) —", help_text(actor), re.MULTILINE))
    assert listed <= shown
    assert not unlisted & shown
    assert "/donvi" not in shown  # a unit's administrator is not told apart in the actor
