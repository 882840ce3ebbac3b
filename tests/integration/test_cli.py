"""The command line as a newcomer uses it: --help everywhere, db upgrade, demo."""

import asyncio
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.domain.calendar.periods import next_month, this_month
from bot.domain.roster import Role, Status
from bot.services.actor import load_actor
from bot.services.calendar import agenda
from bot.services.review_progress import progress
from bot.services.roster import roster

COMMANDS = [[], ["run"], ["sandbox"], ["db"], ["db", "upgrade"], ["db", "downgrade"], ["demo"], ["plan"],
            ["plan", "extract"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "chibo")
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


async def test_demo_loads_once_and_prints_who_is_who(db_url, engine, monkeypatch):
    """`engine`: the database empty (PostgreSQL's is shared by a worker's tests, emptied by that fixture)."""
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    first = await asyncio.to_thread(CliRunner().invoke, main, ["demo", "--json"])
    second = await asyncio.to_thread(CliRunner().invoke, main, ["demo", "--json"])
    assert first.exit_code == 0, first.output
    people = json.loads(first.output)
    assert json.loads(second.output) == people
    assert set(people) == {"branch", "secretary", "deputy", "members", "supervisor"}
    assert len(people["members"]) == 12 and {people["secretary"], people["deputy"]} <= set(people["members"])
    text = (await asyncio.to_thread(CliRunner().invoke, main, ["demo"])).output
    assert f"user {people['secretary']}: Nguyễn Thị Hồng Lan — secretary" in text


async def test_the_demo_roster_mixes_roles_and_statuses(db_url, uow_factory, monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    # The command runs its own event loop, so it gets a thread of its own.
    result = await asyncio.to_thread(CliRunner().invoke, main, ["demo", "--json"])
    people = json.loads(result.output)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, people["secretary"])
        view = await roster(uow, secretary)
        supervisor = await load_actor(uow, people["supervisor"])
    assert len(view.members) == 12 and all(m.linked for m in view.members)
    assert {m.role for m in view.members} == set(Role)
    assert sum(m.status == Status.PROBATIONARY for m in view.members) == 2
    assert any(m.exempt for m in view.members) and any(m.suspended for m in view.members)
    assert people["branch"] in [s.branch_name for s in supervisor.supervised]  # among the demo unit's branches


async def test_the_demo_calendar_has_overdue_current_and_coming_tasks(db_url, uow_factory, monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    people = json.loads((await asyncio.to_thread(CliRunner().invoke, main, ["demo", "--json"])).output)
    today = datetime.now(UTC).date()
    async with uow_factory() as uow:
        secretary = await load_actor(uow, people["secretary"])
        now = await agenda(uow, secretary, this_month(today), today, only_branch=True)
        later = await agenda(uow, secretary, next_month(today), today, only_branch=True)
    assert now.overdue and now.due and now.standing and now.waiting
    assert later.due or later.open_windows


async def test_the_demo_has_a_review_halfway_through_collecting(db_url, uow_factory, monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    people = json.loads((await asyncio.to_thread(CliRunner().invoke, main, ["demo", "--json"])).output)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, people["secretary"])
        p = await progress(uow, secretary, manage=True)
    assert p.phase == "prepare" and p.meeting_at is not None
    items = {i.key: i for i in p.current.items}
    assert (items["self_reviews"].done, items["self_reviews"].total) == (4, 9)
    assert (items["residence_comments_in"].done, items["named_feedback"].done) == (2, 1)
    assert {m.full_name: m.exemption for m in p.members if not m.reviews} == {
        "Bùi Văn Tuấn": "exempt", "Ngô Văn Phúc": "suspended", "Dương Thị Thảo": "new_member"}
