"""A review follows its branch's roster (SQLite, and PostgreSQL when configured): members added after it started
join it at the next read, once, in roster order; removed ones leave it."""

from bot.domain.roster import parse_roster
from bot.services import onboarding, review, review_collect, roster
from bot.services.actor import load_actor
from tests.helpers import REMINDER_NOW, SECRETARY

NOW = REMINDER_NOW


async def _names(uow_factory) -> list[str]:
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        states = await review_collect.member_states(uow, await review.open_review(uow, secretary))
    return [m.full_name for m in states]


async def test_members_added_after_the_start_join_the_review_once_and_removed_ones_leave(uow_factory):
    async with uow_factory() as uow:
        await onboarding.create_branch(uow, telegram_user_id=SECRETARY, full_name="Nguyễn Thị Lan",
                                       branch_name="Chi bộ Khu phố 9", superior_unit=None, now=NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        await roster.add_members(uow, secretary, parse_roster("Trần Văn Minh, chính thức, 03/04/2012",
                                                              NOW.date()).accepted, NOW)
    async with uow_factory() as uow:
        started = await review.start_review(uow, await load_actor(uow, SECRETARY), 2026, NOW)
    assert started.members == 2
    assert await _names(uow_factory) == ["Nguyễn Thị Lan", "Trần Văn Minh"]

    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        lines = "Lê Thị Hà, chính thức, 03/04/2012\nPhạm Văn Đức, dự bị, 01/09/2026"
        await roster.add_members(uow, secretary, parse_roster(lines, NOW.date()).accepted, NOW)
    joined = ["Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hà", "Phạm Văn Đức"]
    assert await _names(uow_factory) == joined
    assert await _names(uow_factory) == joined  # read again: nobody added twice
    async with uow_factory() as uow:
        review_id = (await review.open_review(uow, await load_actor(uow, SECRETARY))).id
        assert len(await uow.reviews.members(review_id)) == 4

    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        minh = next(m.id for m in await uow.branches.roster(secretary.home.branch_id) if m.person.full_name
                    == "Trần Văn Minh")
        await roster.remove_member(uow, secretary, minh, NOW)
    assert await _names(uow_factory) == ["Nguyễn Thị Lan", "Lê Thị Hà", "Phạm Văn Đức"]
