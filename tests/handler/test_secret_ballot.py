"""The secret e-ballot: private ballots, changeable until closed, counts only — and no link to a voter anywhere."""

import logging

from sqlalchemy import inspect, text

from tests.helpers import DUC, HA, MINH, SECRETARY, buttons, create_branch, member_link, paste

VOTERS = {"Trần Văn Minh": MINH, "Lê Thị Hà": HA, "Phạm Văn Đức": DUC}
PROBATIONARY = 614
ROSTER = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên
Phạm Văn Đức, chính thức, 05/06/1996
Vũ Thị Lụa, dự bị, 05/01/2026"""




async def ballot_about(tg, user: int, name: str) -> dict:
    return next(m for m in reversed(await tg.messages(user)) if "Phiếu kín" in m["text"] and name in m["text"])


async def vote(tg, user: int, name: str, choice: str) -> dict:
    message = await ballot_about(tg, user, name)
    data = next(d for t, d in buttons(message).items() if t.endswith(choice))
    await tg.click(user, message["message_id"], data)
    return await ballot_about(tg, user, name)


async def meeting_at_member_ballot(tg) -> None:
    await create_branch(tg)
    await paste(tg, ROSTER)
    for name, user in [*VOTERS.items(), ("Vũ Thị Lụa", PROBATIONARY)]:
        await tg.send(user, f"/start {await member_link(tg, name)}")
    await tg.send(SECRETARY, "/kiemdiem 2026")
    await tg.click_button(SECRETARY, "Quy định áp dụng")
    await tg.click_button(SECRETARY, "146")  # the 2014 set: counts and thresholds, no assessment sheets
    await tg.click_button(SECRETARY, "Đặt ngày hội nghị")
    await tg.send(SECRETARY, "20/12/2026 08:00")
    await tg.click_button(SECRETARY, "Bắt đầu hội nghị")
    await tg.click_button(SECRETARY, "Vẫn bắt đầu hội nghị")
    for _ in range(40):
        if "Bỏ phiếu đánh giá, phân loại đảng viên" in (await tg.last_text(SECRETARY)).split("\n")[1]:
            return
        await tg.click_button(SECRETARY, "Mục tiếp")
    raise AssertionError("the member ballot never came")


async def test_secret_ballot_counts_only_and_changeable_until_closed(tg, engine, caplog):
    caplog.set_level(logging.DEBUG)
    await meeting_at_member_ballot(tg)
    await tg.click_button(SECRETARY, "Bỏ phiếu kín trên bot")
    await tg.click_button(SECRETARY, "Trần Văn Minh: Tốt")  # the level put to the ballot, HTTNV by default
    await tg.click_button(SECRETARY, "Xuất sắc")
    assert "Trần Văn Minh: «Hoàn thành xuất sắc nhiệm vụ»" in await tg.last_text(SECRETARY)
    await tg.click_button(SECRETARY, "Mở phiếu kín")
    assert "Đã gửi phiếu kín cho 4 đồng chí" in await tg.last_text(SECRETARY)  # secretary + 3 full members
    assert not any("Phiếu kín" in m["text"] for m in await tg.messages(PROBATIONARY))

    minh_voter, ha, duc = VOTERS.values()
    first = await ballot_about(tg, ha, "Trần Văn Minh")
    assert "Đồng chí chưa bỏ phiếu" in first["text"]
    changed = await vote(tg, ha, "Trần Văn Minh", "Tán thành")
    assert "Đồng chí đã chọn: Tán thành" in changed["text"]
    changed = await vote(tg, ha, "Trần Văn Minh", "Không tán thành")
    assert "Đồng chí đã chọn: Không tán thành" in changed["text"]
    # The button of the first ballot state is stale now: a replay takes nothing away.
    stale = next(d for t, d in buttons(first).items() if t.endswith("Tán thành") and "Không" not in t)
    await tg.click(ha, changed["message_id"], stale)
    assert "đã cũ" in (await tg.callback_answers(ha))[-1]["text"]
    await vote(tg, duc, "Trần Văn Minh", "Tán thành")
    await vote(tg, minh_voter, "Trần Văn Minh", "Tán thành")
    for name in ("Nguyễn Thị Lan", "Lê Thị Hà", "Phạm Văn Đức", "Vũ Thị Lụa"):
        await vote(tg, duc, name, "Tán thành")

    # The probationary member replays a full member's button from her own chat: refused.
    forged = buttons(await ballot_about(tg, duc, "Lê Thị Hà"))
    await tg.click(PROBATIONARY, (await tg.messages(PROBATIONARY))[-1]["message_id"], next(iter(forged.values())))
    assert "Chỉ đảng viên chính thức có mặt" in (await tg.callback_answers(PROBATIONARY))[-1]["text"]

    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        columns = {t: await connection.run_sync(lambda c, t=t: {col["name"] for col in inspect(c).get_columns(t)})
                   for t in tables}
        assert columns["ballot_voter"] == {"id", "ballot_id", "person_id", "version"}
        assert columns["ballot_tally"] == {"id", "ballot_id", "choice", "count"}
        # No table but the tally has a choice, and the tally names no person.
        assert [t for t, cols in columns.items() if "choice" in cols] == ["ballot_tally"]
        audit = (await connection.execute(text("SELECT action, details FROM audit_log"))).all()
        assert not [a for a in audit if "ballot" in a.action and a.action not in ("ballot.open", "ballot.close")]
        tally = dict((await connection.execute(text(
            "SELECT t.choice, t.count FROM ballot_tally t JOIN ballot b ON b.id = t.ballot_id "
            "WHERE b.subject LIKE 'member:%' AND t.count > 0 AND b.proposed = 'htxsnv'"))).all())
        assert tally == {"a": 2, "d": 1}
    assert "bv:" not in caplog.text and "Không tán thành" not in caplog.text

    await tg.click_button(SECRETARY, "Đóng phiếu")
    await tg.click_button(SECRETARY, "Đúng, đóng phiếu")
    closed = await tg.last_text(SECRETARY)
    assert "3/4 đồng chí đã bỏ phiếu" in closed
    assert "Trần Văn Minh — mức «Hoàn thành xuất sắc nhiệm vụ»: 2 tán thành, 1 không tán thành, 0 ý kiến khác" in closed
    assert "kết quả bỏ phiếu kín" in await tg.last_text(ha)

    await vote(tg, ha, "Trần Văn Minh", "Tán thành")
    assert "Phiếu đã đóng" in (await tg.callback_answers(ha))[-1]["text"]
    async with engine.connect() as connection:
        counts = (await connection.execute(text(
            "SELECT approve, disapprove, other FROM review_vote WHERE subject LIKE 'member:%' AND proposed = 'htxsnv'"
        ))).one()
    assert tuple(counts) == (2, 1, 0)


async def test_a_ballot_opened_for_ten_minutes_refuses_votes_after_its_time(tg, clock):
    await meeting_at_member_ballot(tg)
    await tg.click_button(SECRETARY, "Bỏ phiếu kín trên bot")
    await tg.click_button(SECRETARY, "tự đóng sau 10 phút")
    assert "Phiếu tự đóng sau 10 phút" in await tg.last_text(SECRETARY)
    ha = VOTERS["Lê Thị Hà"]
    assert "Đồng chí đã chọn: Tán thành" in (await vote(tg, ha, "Phạm Văn Đức", "Tán thành"))["text"]
    clock.advance(minutes=11)
    await vote(tg, ha, "Phạm Văn Đức", "Không tán thành")
    assert "Phiếu đã đóng" in (await tg.callback_answers(ha))[-1]["text"]
    await tg.click_button(SECRETARY, "Đóng phiếu")
    await tg.click_button(SECRETARY, "Đúng, đóng phiếu")
    assert "Phạm Văn Đức — mức «Hoàn thành tốt nhiệm vụ»: 1 tán thành, 0 không tán thành" in \
        await tg.last_text(SECRETARY)
