"""A 2026 review under Quy định 366-QĐ/TW through the sandbox, from /kiemdiem: the rule set in /buoc, members fill
their assessment sheets in the bot (a wrong figure refused), the secretary fills one for a member without a phone,
the committee checks and corrects them, a member disciplined (khiển trách) is proposed KHTNV despite 92 points,
the meeting (collective review first, the branch classified after the members), and the proposals recorded with
the one-line explanation the secretary sees.

Five members: the secretary Lan, the deputy Minh and Hà use the bot; Đức and Mai do not.
"""

from sqlalchemy import text

from tests.helpers import HA, MINH, SECRETARY, buttons, create_branch, member_link, paste

ROSTER = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012
Phạm Văn Đức, chính thức, 05/06/1996
Hoàng Thị Mai, chính thức, 07/08/2005"""
MEMBER_BALLOT, BRANCH_BALLOT = "Bỏ phiếu đánh giá, phân loại đảng viên", "Bỏ phiếu đánh giá, xếp loại chi bộ"


async def last(tg, user: int = SECRETARY) -> str:
    return await tg.last_text(user)


async def fill(tg, user: int, figures: tuple[str, ...], remedied: str) -> str:
    """The sheet's six typed figures and the last answer's button; returns what the bot said last."""
    for figure in figures:
        await tg.send(user, figure)
    await tg.click_button(user, remedied)
    return await last(tg, user)


async def press_last(tg, label: str, user: int = SECRETARY) -> None:
    """Presses the button whose label contains `label` on the bot's newest message."""
    message = (await tg.messages(user))[-1]
    data = next(d for t, d in buttons(message).items() if label in t)
    await tg.click(user, message["message_id"], data)


async def sheet_of(tg, name: str) -> str:
    await tg.send(SECRETARY, "/buoc")
    await tg.click_button(SECRETARY, "📝 Phiếu tự đánh giá")
    await press_last(tg, name)
    return await last(tg)


async def agenda_until(tg, title: str, seen: list[str]) -> None:
    """Steps the live meeting to the item titled `title`, keeping every item title passed on the way."""
    for _ in range(60):
        current = (await last(tg)).split("\n")[1]
        seen.append(current)
        if title in current:
            return
        await tg.click_button(SECRETARY, "Mục tiếp")
    raise AssertionError(f"no agenda item {title!r}")


async def test_a_2026_review_under_qd366_from_kiemdiem_to_the_proposals(tg, engine):
    await create_branch(tg)
    await paste(tg, ROSTER)
    for user, name in ((MINH, "Trần Văn Minh"), (HA, "Lê Thị Hà")):
        await tg.send(user, f"/start {await member_link(tg, name)}")

    # The rules in force are the default for 2026; /buoc shows them, with the outstanding-results toggle.
    await tg.send(SECRETARY, "/kiemdiem 2026")
    assert "Quy định áp dụng: Quy định 366-QĐ/TW" in await last(tg)
    await tg.click_button(SECRETARY, "Đặt ngày hội nghị")
    await tg.send(SECRETARY, "20/12/2026 08:00, Hội trường khu phố 7")
    progress = await last(tg)
    assert "Quy định áp dụng: Quy định 366-QĐ/TW" in progress
    assert "Chi bộ có thành tích đặc biệt xuất sắc: không — «Xuất sắc» tối đa 20% số «Tốt» (25% nếu có)" in progress
    assert "Phiếu tự đánh giá: 0/5" in progress and "Chi ủy đã thẩm định: 0/5" in progress
    await tg.click_button(SECRETARY, "Chi bộ có thành tích đặc biệt xuất sắc")
    assert "Chi bộ có thành tích đặc biệt xuất sắc: có — «Xuất sắc» tối đa 25% số «Tốt»" in await last(tg)

    # Minh fills his sheet from /tukiemdiem; a figure over the frame and more tasks done than assigned are refused,
    # and the dialog stays on the same question.
    await tg.send(MINH, "/tukiemdiem")
    await tg.click_button(MINH, "Phiếu tự đánh giá (chấm điểm)")
    assert "1/7." in await last(tg, MINH) and "nhóm tiêu chí chung" in await last(tg, MINH)
    await tg.send(MINH, "31")
    refused = await last(tg, MINH)
    assert "❌ 31 vượt mức tối đa: điểm nhóm tiêu chí chung tối đa 30 điểm" in refused and "1/7." in refused
    await tg.send(MINH, "ba mươi")
    assert "«ba mươi» không phải là một số" in await last(tg, MINH)
    for figure in ("28", "64", "10"):
        await tg.send(MINH, figure)
    await tg.send(MINH, "11")
    refused = await last(tg, MINH)
    assert "không thể lớn hơn số nhiệm vụ được giao (10)" in refused and "4/7." in refused
    saved = await fill(tg, MINH, ("10", "10", "4"), "Không có hạn chế nào được chỉ ra")
    assert "Đã lưu phiếu tự đánh giá của đồng chí Trần Văn Minh" in saved
    assert "92 điểm; 100% nhiệm vụ đúng hạn; 4/10 nhiệm vụ vượt mức yêu cầu (từ 30%) → Hoàn thành xuất sắc nhiệm vụ" \
        in saved

    # Reminded now, Hà is asked for her sheet and Minh, who filled his, is not.
    await tg.send(SECRETARY, "/buoc")
    await tg.click_button(SECRETARY, "Nhắc người còn thiếu")
    assert "Chưa nhắc được (chưa vào bot — gửi link mời hoặc nhắc trực tiếp): Phạm Văn Đức, Hoàng Thị Mai" \
        in await last(tg)
    assert "phiếu tự đánh giá (chấm điểm) — điền trong bot bằng /tudanhgia" in await last(tg, HA)
    assert "bản tự kiểm điểm" in await last(tg, MINH) and "phiếu tự đánh giá" not in await last(tg, MINH)

    # Hà and the secretary fill theirs with /tudanhgia.
    await tg.send(HA, "/tudanhgia")
    assert "tổng 92/100" in await fill(tg, HA, ("28", "64", "10", "10", "10", "5"), "Đã khắc phục hết")
    await tg.send(SECRETARY, "/tudanhgia")
    assert "→ Hoàn thành tốt nhiệm vụ" in await fill(tg, SECRETARY, ("26", "58", "10", "10", "10", "1"),
                                                      "Không có hạn chế")

    # Đức has no phone: the secretary fills his sheet from his card in the review's member list.
    await tg.send(SECRETARY, "/buoc")
    await tg.click_button(SECRETARY, "Đảng viên (tự kiểm điểm")
    await tg.click_button(SECRETARY, "Phạm Văn Đức")
    assert "Phiếu tự đánh giá: chưa có" in await last(tg)
    await tg.click_button(SECRETARY, "📝 Phiếu tự đánh giá")
    assert "chưa dùng bot: bí thư điền thay" in await last(tg)
    await tg.click_button(SECRETARY, "Điền phiếu")
    assert "Bí thư điền thay cho đồng chí chưa dùng bot" in (await tg.messages(SECRETARY))[-2]["text"]
    card = await fill(tg, SECRETARY, ("25", "57", "8", "8", "8", "0"), "Đã khắc phục hết")
    assert "Phiếu tự đánh giá — Phạm Văn Đức" in card and "Người điền: Nguyễn Thị Lan" in card
    assert "82 điểm" in card and "▫️ Chi ủy chưa thẩm định" in card

    # Chi ủy thẩm định: Minh accepted; Đức's on-time count corrected with a reason (a wrong figure refused first);
    # Hà's discipline recorded: khiển trách makes her KHTNV whatever the score.
    assert "▫️ Chi ủy chưa thẩm định" in await sheet_of(tg, "Trần Văn Minh")
    await tg.click_button(SECRETARY, "Chi ủy thẩm định: đạt")
    assert "✅ Chi ủy đã thẩm định (Nguyễn Thị Lan" in await last(tg)
    await sheet_of(tg, "Phạm Văn Đức")
    await tg.click_button(SECRETARY, "Chi ủy sửa một số liệu")
    await tg.click_button(SECRETARY, "Đúng hạn: 8")
    await tg.send(SECRETARY, "9")
    assert "không thể lớn hơn số nhiệm vụ đã hoàn thành (8)" in await last(tg)
    await tg.send(SECRETARY, "7")
    await tg.send(SECRETARY, "1 nhiệm vụ chậm hạn theo nhận xét của chi ủy")
    corrected = await last(tg)
    assert "✏️ Sửa nhiệm vụ hoàn thành đúng hạn: 8 → 7 — lý do: 1 nhiệm vụ chậm hạn theo nhận xét của chi ủy" \
        in corrected
    assert "✅ Chi ủy đã thẩm định" in corrected
    await sheet_of(tg, "Lê Thị Hà")
    await tg.click_button(SECRETARY, "Kỷ luật, suy thoái")
    await tg.click_button(SECRETARY, "Khiển trách")
    grave = await last(tg)
    assert "Kỷ luật từ khiển trách trở lên: khiển trách" in grave
    assert "bị kỷ luật khiển trách → Không hoàn thành nhiệm vụ" in grave
    await tg.click_button(SECRETARY, "⬅️ Phiếu")
    sheet = await last(tg)
    assert "tổng 92/100" in sheet and "👉 Đề xuất: 92 điểm; bị kỷ luật khiển trách → Không hoàn thành nhiệm vụ" in sheet
    await tg.click_button(SECRETARY, "Chi ủy thẩm định: đạt")
    await sheet_of(tg, "Nguyễn Thị Lan")
    await tg.click_button(SECRETARY, "Chi ủy thẩm định: đạt")

    # The branch's own sheet, filled by the secretary.
    await sheet_of(tg, "Chi bộ")
    await tg.click_button(SECRETARY, "Điền phiếu")
    branch = await fill(tg, SECRETARY, ("27", "62", "15", "15", "14", "3"), "Đã khắc phục hết")
    assert "Phiếu tự đánh giá — Chi bộ Khu phố 7" in branch and "→ Hoàn thành tốt nhiệm vụ" in branch

    await tg.send(SECRETARY, "/buoc")
    progress = await last(tg)
    assert "Phiếu tự đánh giá: 4/5" in progress and "Chi ủy đã thẩm định: 4/5" in progress

    # The meeting: the collective review first, then the members; the branch is classified after them.
    await tg.send(SECRETARY, "/buoc")
    await tg.click_button(SECRETARY, "Bắt đầu hội nghị")
    if "Vẫn bắt đầu" in str(buttons((await tg.messages(SECRETARY))[-1])):
        await tg.click_button(SECRETARY, "Vẫn bắt đầu")
    seen: list[str] = []
    await agenda_until(tg, "Biểu quyết thông qua báo cáo kiểm điểm", seen)
    await tg.click_button(SECRETARY, "Ghi kết quả biểu quyết")
    await tg.send(SECRETARY, "5 0 0")
    await agenda_until(tg, MEMBER_BALLOT, seen)
    assert not any(BRANCH_BALLOT in title for title in seen), seen

    await tg.click_button(SECRETARY, "Ghi kết quả biểu quyết")
    await tg.click_button(SECRETARY, "Hoàng Thị Mai")
    alert = (await tg.callback_answers(SECRETARY))[-1]["text"]
    assert "Chưa có phiếu tự đánh giá của Hoàng Thị Mai: đồng chí ấy chưa dùng bot — bí thư điền thay" in alert
    # Mai did not come: she is classified at the next meeting.
    await tg.send(SECRETARY, "/buoc")
    await tg.click_button(SECRETARY, "Đảng viên (tự kiểm điểm")
    await press_last(tg, "Hoàng Thị Mai")
    await tg.click_button(SECRETARY, "Vắng mặt")
    await tg.click_button(SECRETARY, "Bỏ qua")
    await tg.send(SECRETARY, "/buoc")
    await tg.click_button(SECRETARY, "Tiếp tục hội nghị")
    await tg.click_button(SECRETARY, "Ghi kết quả biểu quyết")

    # Minh, Đức and the secretary: the sheet's proposal recorded without a vote; Hà: the vote as the branch's opinion.
    recorded = {}
    for name in ("Trần Văn Minh", "Phạm Văn Đức", "Nguyễn Thị Lan"):
        await tg.click_button(SECRETARY, name)
        offered = buttons((await tg.messages(SECRETARY))[-1])
        assert "Ghi đề xuất theo phiếu (không biểu quyết)" in "".join(offered)
        assert len([b for b in offered if "(HTXSNV)" in b or "(HTTNV)" in b or "(HTNV)" in b]) <= 1
        await tg.click_button(SECRETARY, "Ghi đề xuất theo phiếu")
        recorded[name] = next(m["text"] for m in reversed(await tg.messages(SECRETARY))
                              if "Đã ghi đề xuất cho đồng chí" in m["text"])
    assert "Trần Văn Minh (không biểu quyết): 92 điểm" in recorded["Trần Văn Minh"]
    assert "→ Hoàn thành xuất sắc nhiệm vụ" in recorded["Trần Văn Minh"]
    assert "Phạm Văn Đức (không biểu quyết): 82 điểm" in recorded["Phạm Văn Đức"]
    await tg.click_button(SECRETARY, "Lê Thị Hà")
    assert "92 điểm; bị kỷ luật khiển trách → Không hoàn thành nhiệm vụ" in await last(tg)
    # Only the sheet's proposal is offered: the committee corrects the sheet, not the level.
    levels = ("Xuất sắc (HTXSNV)", "Tốt (HTTNV)", "Hoàn thành (HTNV)", "Không hoàn thành")
    assert [b for b in buttons((await tg.messages(SECRETARY))[-1]) if b in levels] == ["Không hoàn thành"]
    await tg.click_button(SECRETARY, "Không hoàn thành")
    await tg.send(SECRETARY, "4 0 0")

    async with engine.connect() as connection:
        rows = dict((await connection.execute(text(
            "SELECT p.full_name, v.outcome FROM review_vote v JOIN membership m ON v.subject = 'member:' || m.id "
            "JOIN person p ON p.id = m.person_id"))).all())
        checked = (await connection.execute(text(
            "SELECT count(*) FROM review_assessment WHERE reviewed_at IS NOT NULL"))).scalar_one()
    # Đức's corrected sheet (7 of 8 tasks on time) proposes HTNV: HTTNV needs every task on time.
    assert rows == {"Trần Văn Minh": "htxsnv", "Phạm Văn Đức": "htnv", "Nguyễn Thị Lan": "httnv",
                    "Lê Thị Hà": "khtnv"}
    assert checked == 4

    await tg.send(SECRETARY, "/buoc")
    await tg.click_button(SECRETARY, "Tiếp tục hội nghị")
    await agenda_until(tg, BRANCH_BALLOT, seen)
    assert BRANCH_BALLOT in seen[-1] and not any(BRANCH_BALLOT in title for title in seen[:-1])
    # The branch's level is its sheet's proposal (QĐ 366): no score typed, the vote only the branch's opinion.
    await tg.click_button(SECRETARY, "Ghi kết quả biểu quyết")
    offer = await last(tg)
    assert "Theo phiếu tự đánh giá của chi bộ: 89 điểm" in offer and "→ Hoàn thành tốt nhiệm vụ" in offer
    assert "Điểm tự chấm" not in offer and "Ghi đề xuất theo phiếu (không biểu quyết)" in "".join(
        buttons((await tg.messages(SECRETARY))[-1]))
    await tg.send(SECRETARY, "2 2 0")  # 2 of 5: under 2014's «trên 1/2» it would not be adopted
    said = (await tg.messages(SECRETARY))[-2]["text"]
    assert "Chi bộ đề xuất mức «Hoàn thành tốt nhiệm vụ» theo phiếu tự đánh giá: 89 điểm" in said
    assert "2/5 phiếu tán thành" in said and "trên 1/2" not in said

    await tg.click_button(SECRETARY, "Kết quả phân loại")
    results = await last(tg)
    assert "Trần Văn Minh: «Hoàn thành xuất sắc nhiệm vụ» (không biểu quyết)" in results
    assert "Lê Thị Hà: «Không hoàn thành nhiệm vụ» (4/5" in results
    # Helper 3 (SUPERIOR-DECISION): the superior confirms or changes each proposal here.
    # Helper 5 (PAPERS): the papers, saying "đề xuất" until the superior has decided, here.
