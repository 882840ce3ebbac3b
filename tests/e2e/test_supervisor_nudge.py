"""Regression (issue 16, point 7): a supervisor's nudge that did not reach the secretary used to count as the
day's nudge ("Hôm nay … đã được nhắc rồi"); only a nudge that was sent counts."""

from sqlalchemy import text

from tests.helpers import NO_DATE, SUPERVISOR, scalar, supervised_through_the_bot


async def test_a_nudge_that_failed_to_send_is_not_the_days_nudge(tg, engine, uow_factory):
    await supervised_through_the_bot(tg, uow_factory)
    secretary = NO_DATE.secretary[0]
    await tg.set_fault(secretary, "blocked")
    await tg.send(SUPERVISOR, "/tinhhinh")
    await tg.click_button(SUPERVISOR, "🔎 1. Chi bộ Cửu Long")
    await tg.click_button(SUPERVISOR, "🔔 Nhắc bí thư")
    assert "Chưa gửi được lời nhắc tới bí thư Lạc Thị Phương (Chi bộ Cửu Long)" in await tg.last_text(SUPERVISOR)
    assert await scalar(engine, "SELECT count(*) FROM branch_nudge") == 0

    await tg.set_fault(secretary, "none")  # she unblocked the bot: the nudge may go today after all
    await tg.click_button(SUPERVISOR, "🔔 Nhắc bí thư")
    assert "Đã nhắc bí thư Lạc Thị Phương (Chi bộ Cửu Long)" in await tg.last_text(SUPERVISOR)
    assert "Nhắc việc từ đảng ủy viên phụ trách" in await tg.last_text(secretary)
    assert await scalar(engine, "SELECT count(*) FROM branch_nudge") == 1
    await tg.click_button(SUPERVISOR, "🔔 Nhắc bí thư")
    assert "Hôm nay Chi bộ Cửu Long đã được nhắc rồi" in (await tg.callback_answers(SUPERVISOR))[-1]["text"]
    async with engine.connect() as connection:
        actions = (await connection.execute(text(
            "SELECT action FROM audit_log WHERE action LIKE 'supervision.nudge%' ORDER BY id"))).scalars().all()
    assert actions == ["supervision.nudge", "supervision.nudge_undelivered", "supervision.nudge"]
