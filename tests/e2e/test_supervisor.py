"""The supervisor through the sandbox: three branches in different states → the summary worst first, a branch
read-only, the nudge, the chart (a PNG) and the workbook (right numbers); what a supervisor and a secretary
may not do, forged buttons included; the superior unit's office creating a branch for its secretary."""

import base64
import io

import aiohttp
import openpyxl
from PIL import Image

from bot.services import supervision_admin
from tests.helpers import (
    LINK,
    NEW_SECRETARY,
    NO_DATE,
    NOW,
    SECRETARY,
    STRANGER,
    SUPERVISED_ROSTER,
    SUPERVISOR,
    UNIT_ADMIN,
    UNIT_ADMIN_NAME,
    buttons,
    last_answer,
    supervised_through_the_bot,
)


async def test_the_supervisor_reads_three_branches_and_nudges_one(tg, sandbox, engine, uow_factory):
    await supervised_through_the_bot(tg, uow_factory)

    await tg.send(SUPERVISOR, "/tinhhinh")
    summary = await tg.last_text(SUPERVISOR)
    assert "Tình hình kiểm điểm năm 2026 — 3 chi bộ" in summary
    assert "Có việc trễ hạn: 1/3 chi bộ" in summary and "Đã họp: 1/3" in summary and "Đã báo cáo: 1/3" in summary
    order = [summary.index(name) for name in ("1. ⚠️ Chi bộ Cửu Long", "2. Chi bộ Khu phố 7", "3. Chi bộ An Phú")]
    assert order == sorted(order)  # worst first
    assert "📄 0/4 · 🎙 họp dự kiến 20/12/2026 · 🗳 0/4 · 📨 chưa báo cáo" in summary
    assert "📄 5/5 · 🎙 đã họp 16/11/2026 · 🗳 5/5 · 📨 đã báo cáo" in summary
    assert "Chi bộ Đồng Tâm" not in summary and "Đồng Tâm" not in str(buttons((await tg.messages(SUPERVISOR))[-1]))

    # Drill-down: the review as its secretary sees it in /buoc, and the calendar; nothing to change.
    await tg.click_button(SUPERVISOR, "🔎 1. Chi bộ Cửu Long")
    review, calendar = (await tg.messages(SUPERVISOR))[-2:]
    assert "Chi bộ Cửu Long</b> — chỉ xem" in review["html"] and "Bí thư: Lạc Thị Phương" in review["text"]
    assert "Kiểm điểm năm 2026 — Chi bộ Cửu Long" in review["text"] and "Chưa đặt ngày hội nghị" in review["text"]
    assert not review["buttons"]
    assert "Quá hạn (2)" in calendar["text"] and "Nộp báo cáo chuyên đề số 1" in calendar["text"]
    assert set(buttons(calendar)) == {"🔔 Nhắc bí thư", "⬅️ Tình hình chung"}

    await tg.click_button(SUPERVISOR, "🔔 Nhắc bí thư")
    assert "Đã nhắc bí thư Lạc Thị Phương (Chi bộ Cửu Long)" in await tg.last_text(SUPERVISOR)
    nudge = await tg.last_text(NO_DATE.secretary[0])
    assert "Nhắc việc từ đảng ủy viên phụ trách" in nudge and "Đồng chí Phan Văn Quang" in nudge and "/buoc" in nudge
    await tg.click_button(SUPERVISOR, "🔔 Nhắc bí thư")
    assert "Hôm nay Chi bộ Cửu Long đã được nhắc rồi" in await last_answer(tg, SUPERVISOR)
    assert len([m for m in await tg.messages(NO_DATE.secretary[0]) if "Nhắc việc" in m["text"]]) == 1

    # The chart: a phone screen a page, sent as one album (the overview, then the branches).
    await tg.click_button(SUPERVISOR, "⬅️ Tình hình chung")
    before = len(await tg.messages(SUPERVISOR))
    await tg.click_button(SUPERVISOR, "📈 Biểu đồ")
    photos = (await tg.messages(SUPERVISOR))[before:]
    assert [p["caption"] for p in photos] == [
        "📈 Biểu đồ tiến độ và xếp loại năm 2026 — 3 chi bộ (trang 1/2).",
        "📈 Biểu đồ tiến độ và xếp loại năm 2026 — 3 chi bộ (trang 2/2)."]
    assert all(p["photo"] for p in photos) and len({p["media_group_id"] for p in photos}) == 1
    assert photos[0]["media_group_id"] is not None
    for photo in photos:
        async with aiohttp.ClientSession() as http, http.get(sandbox.url.rstrip("/") + photo["photo_url"]) as got:
            png = await got.read()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG" and image.size == (1080, 1920)

    # The workbook: the superior's three tables, worst branch first.
    await tg.click_button(SUPERVISOR, "📥 Excel")
    document = (await tg.messages(SUPERVISOR))[-1]["document"]
    assert document["file_name"] == "tinh-hinh-20261122.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(document["content_base64"])))
    progress = [list(r) for r in book["Tiến độ"].iter_rows(values_only=True)]
    assert [r[1] for r in progress[1:4]] == ["Chi bộ Cửu Long", "Chi bộ Khu phố 7", "Chi bộ An Phú"]
    assert progress[2][2:6] == ["Nguyễn Thị Lan", "Bước 1: chuẩn bị", 0, 4]
    assert progress[3][4:6] == [5, 5] and progress[3][7] == "Có" and progress[3][10] == "Có"
    assert progress[1][11] == 2 and progress[4][1] == "Tổng cộng (3 chi bộ)" and progress[4][4:6] == [5, 13]
    members = {r[1]: r[2:] for r in book["Xếp loại đảng viên"].iter_rows(min_row=2, values_only=True)}
    assert members["Chi bộ An Phú"] == (5, 0, 3, 1, 1, 0)
    assert members["Tổng cộng (3 chi bộ)"] == (13, 0, 3, 1, 1, 8)
    levels = {r[1]: r[2:4] for r in book["Xếp loại chi bộ"].iter_rows(min_row=2, max_row=4, values_only=True)}
    assert levels["Chi bộ An Phú"] == (93, "Hoàn thành xuất sắc nhiệm vụ") and levels["Chi bộ Cửu Long"] == (None, None)


async def test_the_unit_office_creates_a_branch_and_its_secretary_takes_it_over(tg, uow_factory):
    async with uow_factory() as uow:
        unit, _ = await supervision_admin.add_unit(uow, "Đảng ủy phường Bến Thành", NOW)
        await supervision_admin.add_admin(uow, unit, UNIT_ADMIN, UNIT_ADMIN_NAME, NOW)
    await tg.send(SECRETARY, "/donvi")
    assert "Chỉ văn phòng cấp ủy cấp trên" in await tg.last_text(SECRETARY)

    await tg.send(UNIT_ADMIN, "/donvi")
    assert "Đảng ủy phường Bến Thành</b> — 0 chi bộ" in (await tg.messages(UNIT_ADMIN))[-1]["html"]
    await tg.click_button(UNIT_ADMIN, "➕ Thêm chi bộ")
    assert "Tên chi bộ mới thuộc Đảng ủy phường Bến Thành" in await tg.last_text(UNIT_ADMIN)
    await tg.send(UNIT_ADMIN, "Chi bộ Khu phố 8")
    token = LINK.search(await tg.last_text(UNIT_ADMIN)).group(1)

    await tg.send(NEW_SECRETARY, f"/start {token}", first_name="Nguyễn Thị Hoa")
    assert "Đồng chí là bí thư của Chi bộ Khu phố 8" in await tg.last_text(NEW_SECRETARY)
    assert "Bí thư chi bộ Nguyễn Thị Hoa đã mở link mời" in await tg.last_text(UNIT_ADMIN)
    await tg.send(NEW_SECRETARY, "/nhapds")
    await tg.send(NEW_SECRETARY, SUPERVISED_ROSTER)
    assert "Đã thêm 3 đảng viên" in await tg.last_text(NEW_SECRETARY)
    await tg.send(STRANGER, f"/start {token}", first_name="Trần Văn Lạ")
    assert "đã được dùng" in await tg.last_text(STRANGER)

    await tg.send(UNIT_ADMIN, "/donvi")
    assert "Chi bộ Khu phố 8 — bí thư Nguyễn Thị Hoa" in await tg.last_text(UNIT_ADMIN)
    await tg.send(UNIT_ADMIN, "/tinhhinh")
    overview = await tg.last_text(UNIT_ADMIN)
    assert "1 chi bộ" in overview and "Chi bộ Khu phố 8 — Chưa bắt đầu kiểm điểm" in overview
    async with uow_factory() as uow:
        assert (await supervision_admin.listing(uow))[0].branches[0].secretary_linked
