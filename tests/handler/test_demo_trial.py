"""`chibo demo --branches N`: N more branches for a trial, under the demo's unit and supervisor; /tinhhinh counts
them with the demo's own five."""

from sqlalchemy import func, select

from bot.services import demo
from bot.services.demo_trial import MEMBERS, add_trial_branches
from storage.models import Branch, Membership
from tests.helpers import NOW, TZ


async def test_fifty_trial_branches_show_in_the_supervisors_totals(tg, uow_factory):
    async with uow_factory() as uow:
        await demo.load_demo(uow, NOW, TZ)
    async with uow_factory() as uow:
        assert await add_trial_branches(uow, 50, demo.DEMO_SUPERIOR, demo.SUPERVISOR[0], NOW) == 50

    await tg.send(demo.SUPERVISOR[0], "/tinhhinh")
    summary = (await tg.messages(demo.SUPERVISOR[0]))[0]["text"]  # the first page carries the totals
    assert "— 55 chi bộ" in summary
    assert "Chưa bắt đầu: 51 · Bước 1: 2 · Bước 2: 0 · Bước 3: 1 · Xong: 1" in summary
    assert "🎙 Đã họp: 2/55" in summary and "📨 Đã báo cáo: 1/55" in summary
    assert "Chi bộ Tổ dân phố" in "\n".join(m["text"] for m in await tg.messages(demo.SUPERVISOR[0]))

    async with uow_factory() as uow:  # a second run numbers on
        assert await add_trial_branches(uow, 2, demo.DEMO_SUPERIOR, demo.SUPERVISOR[0], NOW) == 52
        trial = (await uow.session.scalars(select(Branch.name).where(Branch.name.like("%(thử)")))).all()
        members = await uow.session.scalar(select(func.count(Membership.id)).join(Branch)
                                           .where(Branch.name.like("%(thử)")))
    assert len(set(trial)) == 52 and "Chi bộ Tổ dân phố 52 (thử)" in trial and members == 52 * MEMBERS
