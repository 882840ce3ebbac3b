"""A superior unit's rule-set options on a real database (SQLite and PostgreSQL): set by the unit's administrator
(refused for anyone else, and for an option or a value the rule set does not have), used by `rules_for` for every
review of the unit's branches and only theirs, listed and set from `chibo admin`."""

import asyncio
from dataclasses import replace

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.services import rule_options, supervision_admin
from bot.services.actor import load_actor
from bot.services.demo_supervision import Stage, build_branch
from bot.services.errors import AccessDenied, ServiceError
from tests.helpers import COLLECTING, NO_DATE, NOW, TZ

UNDER_QD366 = replace(NO_DATE, stage=Stage.STARTED, rule_set="qd366_2025")
ELSEWHERE = replace(COLLECTING, stage=Stage.STARTED, rule_set="qd366_2025")


async def setting(uow_factory):
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy phường Tân Định", NOW)
        await supervision_admin.add_admin(uow, unit, 950, "Lê Văn Tâm", NOW)
    async with uow_factory() as uow:
        mine = await build_branch(uow, UNDER_QD366, unit, NOW, TZ)
    async with uow_factory() as uow:
        other = await build_branch(uow, ELSEWHERE, None, NOW, TZ)
    return unit.id, mine, other


async def rules_of(uow_factory, branch_id: int):
    async with uow_factory() as uow:
        return await rule_options.rules_for(uow, await uow.reviews.latest(branch_id))


async def test_the_units_option_is_what_its_branches_classify_with(uow_factory):
    unit_id, mine, other = await setting(uow_factory)
    assert (await rules_of(uow_factory, mine)).option("quota_rounding") == "floor"  # the rule set's default
    async with uow_factory() as uow:
        admin = await load_actor(uow, 950)
        listed = await rule_options.admin_options(uow, admin, unit_id)
    [qd366] = listed
    option = next(o for o in qd366.options if o.key == "quota_rounding")
    assert (qd366.rule_set, option.value, qd366.set_here) == ("qd366_2025", "floor", frozenset())
    assert option.source.document == "Quy định 366-QĐ/TW" and "không vượt quá 20%" in option.source.quote

    async with uow_factory() as uow:
        changed = await rule_options.admin_set_option(uow, admin, unit_id, "qd366_2025", "quota_rounding", "ceil",
                                                      NOW)
    assert changed.value == "ceil"
    assert (await rules_of(uow_factory, mine)).option("quota_rounding") == "ceil"
    assert (await rules_of(uow_factory, other)).option("quota_rounding") == "floor"  # not the unit's branch
    async with uow_factory() as uow:
        [qd366] = await rule_options.admin_options(uow, admin, unit_id)
    assert qd366.set_here == {"quota_rounding"}


async def test_a_bad_option_or_value_or_someone_else_is_refused(uow_factory):
    unit_id, mine, _ = await setting(uow_factory)
    async with uow_factory() as uow:
        admin = await load_actor(uow, 950)
        secretary = await load_actor(uow, UNDER_QD366.secretary[0])
    for key, value, code in (("quota_rounding", "half_up", "bad_option_value"), ("quota", "25", "unknown_option")):
        async with uow_factory() as uow:
            with pytest.raises(ServiceError) as refused:
                await rule_options.admin_set_option(uow, admin, unit_id, "qd366_2025", key, value, NOW)
        assert refused.value.code == code
    async with uow_factory() as uow:
        with pytest.raises(AccessDenied) as refused:
            await rule_options.admin_set_option(uow, secretary, unit_id, "qd366_2025", "quota_rounding", "ceil", NOW)
    assert refused.value.code == "not_unit_admin"
    assert (await rules_of(uow_factory, mine)).option("quota_rounding") == "floor"


async def test_chibo_admin_sets_and_lists_a_units_option(db_url, uow_factory, monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", db_url)
    _, mine, _ = await setting(uow_factory)

    def chibo(*args: str):
        return asyncio.to_thread(CliRunner().invoke, main, ["admin", *args])

    done = await chibo("set-option", "Đảng ủy phường Tân Định", "absences", "cap_httnv_from_3")
    assert done.exit_code == 0, done.output
    assert "Đảng ủy phường Tân Định: qd366_2025 absences = cap_httnv_from_3" in done.output
    assert (await rules_of(uow_factory, mine)).option("absences") == "cap_httnv_from_3"
    listing = (await chibo("list")).output
    assert "option qd366_2025 absences = cap_httnv_from_3 (set by the unit; choices: none, cap_httnv_from_3)" in listing
    assert "option qd366_2025 quota_rounding = floor (default; choices: floor, ceil)" in listing
    refused = await chibo("set-option", "Đảng ủy phường Tân Định", "absences", "always")
    assert refused.exit_code == 1 and "Giá trị «always» không hợp lệ cho tùy chọn «absences»" in refused.output
