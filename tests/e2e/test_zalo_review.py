"""A secretary on Zalo past onboarding: a plan pasted as text (its numbered preview, saved by its number) and
the month's question in free text, with and without diacritics; a review step from /kiemdiem through /buoc's
numbered list, the 2014 rule set picked there, the meeting date typed, to votes recorded by typed counts."""

import re

from tests.helpers import FIVE, ZALO_SECRETARY, number_of, zalo_branch

ZALO_LIMIT = 2000
PLAN = """ĐẢNG ỦY PHƯỜNG 9
Số: 21-KH/ĐU
TP. Hồ Chí Minh, ngày 02 tháng 11 năm 2026
KẾ HOẠCH
Công tác đảng tháng 11 và tháng 12 năm 2026
I. NHIỆM VỤ
- Chi bộ họp thường kỳ, đánh giá công tác tháng trong tháng 11/2026.
- Bí thư chi bộ nộp báo cáo sơ kết cho Đảng ủy trước ngày 28/11/2026.
- Chi bộ tổng kết công tác năm trong tháng 12/2026.
"""


async def as_zalo_shows(zl) -> list[str]:
    """Every message the bot sent the secretary, checked as Zalo shows them: plain text in pieces of at most
    2,000 characters."""
    texts = await zl.bot_texts(ZALO_SECRETARY)
    for text in texts:
        assert len(text) <= ZALO_LIMIT, text
        assert not re.search(r"</?(b|i|u|s|a|code|pre|blockquote)\b", text), text
    return texts


async def test_a_plan_pasted_on_zalo_is_saved_by_its_number_and_the_month_is_asked_in_free_text(zl, engine):
    await zalo_branch(zl)
    asked = await zl.answer_to(ZALO_SECRETARY, "/nhapkehoach")
    assert "hoặc dán nội dung vào đây" in asked
    preview = await zl.answer_to(ZALO_SECRETARY, PLAN)
    assert preview.startswith("📄 Kế hoạch số 21-KH/ĐU, ngày 02/11/2026\nĐẢNG ỦY PHƯỜNG 9\n")
    assert "Tìm thấy 3 việc có thời hạn: 3 của chi bộ, 0 của các đơn vị khác. Sẽ lưu 3 việc." in preview
    assert "\n2. [hạn 28/11/2026] Bí thư chi bộ nộp báo cáo sơ kết cho Đảng ủy" in preview
    assert preview.endswith("4. ✅ Lưu 3 việc vào lịch\n5. 🗑 Hủy\n"
                            "👉 Nhắn số thứ tự (từ 1 đến 5) hoặc gõ đúng chữ của lựa chọn.")
    saved = await zl.answer_to(ZALO_SECRETARY, number_of(preview, "Lưu 3 việc"))
    assert saved.startswith("✅ Đã lưu 3 việc của kế hoạch 21-KH/ĐU vào lịch chi bộ (3 việc của chi bộ).")
    async with engine.connect() as conn:
        plans = (await conn.exec_driver_sql("SELECT number FROM plan")).scalars().all()
        tasks = (await conn.exec_driver_sql(
            "SELECT due FROM task WHERE plan_id IS NOT NULL AND is_branch_task ORDER BY due")).scalars().all()
    assert plans == ["21-KH/ĐU"]
    assert [str(due) for due in tasks] == ["2026-11-28", "2026-11-30", "2026-12-31"]

    month = await zl.answer_to(ZALO_SECRETARY, "tháng này cần làm gì")
    assert month.startswith("📅 Việc tháng 11/2026 — Chi bộ Khu phố 7\n\n📌 Đến hạn (2)\n"
                            "1. Bí thư chi bộ nộp báo cáo sơ kết cho Đảng ủy trước ngày 28/11/2026. (21-KH/ĐU) — "
                            "hạn 28/11/2026\n2. Chi bộ họp thường kỳ")
    assert "tổng kết công tác năm" not in month  # December's
    assert month.endswith("(chọn lại để bỏ đánh dấu).\n\n1. ✅ 1\n2. ✅ 2\n👉 Nhắn số 1 hoặc 2 để chọn.")
    assert await zl.answer_to(ZALO_SECRETARY, "thang nay can lam gi") == month  # typed without diacritics
    await as_zalo_shows(zl)


async def walk_to(zl, shown: str, title: str) -> str:
    """Through the meeting's agenda by «Mục tiếp»'s number until the item with this title."""
    for _ in range(30):
        if title in shown.split("\n")[1]:
            return shown
        shown = await zl.answer_to(ZALO_SECRETARY, number_of(shown, "Mục tiếp"))
    raise AssertionError(f"no agenda item {title!r}")


async def test_a_review_step_on_zalo_under_the_2014_rules_to_votes_by_typed_counts(zl, engine):
    await zalo_branch(zl)
    await zl.answer_to(ZALO_SECRETARY, "/nhapds")
    await zl.answer_to(ZALO_SECRETARY, FIVE)
    started = await zl.answer_to(ZALO_SECRETARY, "/kiemdiem")
    assert started.startswith("✅ Đã bắt đầu kiểm điểm, đánh giá, xếp loại năm 2026 (6 đảng viên).\n"
                              "Quy định áp dụng: Quy định 366-QĐ/TW (năm 2025).")
    progress = await zl.answer_to(ZALO_SECRETARY, "/buoc")
    assert progress.startswith("🗳 Kiểm điểm năm 2026 — Chi bộ Khu phố 7\n⚠️ Chưa đặt ngày hội nghị.")
    assert "\n1. 📅 Đặt ngày hội nghị\n" in progress and "\n5. ⚖️ Quy định áp dụng\n" in progress
    assert progress.endswith("👉 Nhắn số thứ tự (từ 1 đến 7) hoặc gõ đúng chữ của lựa chọn.")

    rules = await zl.answer_to(ZALO_SECRETARY, number_of(progress, "Quy định áp dụng"))
    assert rules.endswith("1. ⚖️ Kế hoạch 146-KH/ĐU (năm 2014)\n2. ☑️ ⚖️ Quy định 366-QĐ/TW (năm 2025)\n"
                          "👉 Nhắn số 1 hoặc 2 để chọn.")
    progress = await zl.answer_to(ZALO_SECRETARY, number_of(rules, "Kế hoạch 146-KH/ĐU"))
    # The choice said, then the steps again to go on from, numbered anew.
    assert progress.startswith("⚖️ Chi bộ áp dụng: Kế hoạch 146-KH/ĐU (năm 2014).\n🗳 Kiểm điểm năm 2026 — Chi bộ")
    assert "Quy định áp dụng: Kế hoạch 146-KH/ĐU (năm 2014)\n" in progress
    assert progress.endswith("\n6. ⬜️ Chi bộ có thành tích đặc biệt xuất sắc\n"
                             "👉 Nhắn số thứ tự (từ 1 đến 6) hoặc gõ đúng chữ của lựa chọn.")  # no 366-only step
    asked = await zl.answer_to(ZALO_SECRETARY, number_of(progress, "Đặt ngày hội nghị"))
    assert asked.startswith("Ngày giờ và địa điểm hội nghị kiểm điểm? Ví dụ: 20/12/2026 08:00")
    assert "không đúng dạng" in await zl.answer_to(ZALO_SECRETARY, "ngày mai")  # asked again, nothing stored
    dated = await zl.answer_to(ZALO_SECRETARY, "20/12/2026 08:00, Hội trường khu phố 7")
    assert dated.startswith("📅 Hội nghị kiểm điểm: 08:00 ngày 20/12/2026, Hội trường khu phố 7.\n")
    assert "▫️ Bỏ phiếu đánh giá, phân loại đảng viên: 0/5 (hạn 20/12/2026)" in dated
    assert len(dated) > ZALO_LIMIT  # the progress with its deadlines: sent in pieces (checked below)
    async with engine.connect() as conn:
        review = (await conn.exec_driver_sql(
            "SELECT rule_set, meeting_on, meeting_place FROM review")).one()
    assert (review[0], str(review[1]), review[2]) == ("kh146_2014", "2026-12-20", "Hội trường khu phố 7")

    warned = await zl.answer_to(ZALO_SECRETARY, number_of(dated, "Bắt đầu hội nghị"))
    assert "còn hơn một ngày nữa" in warned
    live = await zl.answer_to(ZALO_SECRETARY, number_of(warned, "Vẫn bắt đầu hội nghị"))
    assert live.startswith("🎙 Hội nghị kiểm điểm — mục 1/25 (phần a)\nBáo cáo kiểm điểm của tập thể chi ủy")

    item = await walk_to(zl, live, "Biểu quyết thông qua báo cáo kiểm điểm")
    counts = await zl.answer_to(ZALO_SECRETARY, number_of(item, "Ghi kết quả biểu quyết"))
    assert "Gõ số phiếu: tán thành, không tán thành, ý kiến khác" in counts
    assert "Số đảng viên chính thức có mặt: 5." in counts
    assert "vượt số đảng viên chính thức có mặt (5)" in await zl.answer_to(ZALO_SECRETARY, "6 0 0")
    adopted = await zl.answer_to(ZALO_SECRETARY, "5 0 0")
    assert adopted.startswith("🗳 Biểu quyết thông qua báo cáo kiểm điểm của chi ủy: 5 tán thành, "
                              "0 không tán thành, 0 ý kiến khác.\n✅ 5/5 đảng viên chính thức tán thành — "
                              "đạt «trên 1/2».")

    item = await walk_to(zl, adopted.split("\n", 2)[2], "Bỏ phiếu đánh giá, phân loại đảng viên")
    names = await zl.answer_to(ZALO_SECRETARY, number_of(item, "Ghi kết quả biểu quyết"))
    assert names.startswith("Chọn đảng viên để ghi kết quả bỏ phiếu:\n\n1. Nguyễn Thị Lan\n2. Trần Văn Minh\n")
    assert "Hoàng Thị Mai" not in names  # admitted less than 6 months ago: does not review
    levels = await zl.answer_to(ZALO_SECRETARY, number_of(names, "Trần Văn Minh"))
    assert levels == ("Mức đề xuất cho đồng chí Trần Văn Minh?\n\n1. Xuất sắc (HTXSNV)\n2. Tốt (HTTNV)\n"
                      "3. Hoàn thành (HTNV)\n4. Không hoàn thành\n👉 Nhắn số 1, 2, 3 hoặc 4 để chọn.")
    assert "Gõ số phiếu" in await zl.answer_to(ZALO_SECRETARY, number_of(levels, "Xuất sắc"))
    short = await zl.answer_to(ZALO_SECRETARY, "3 2 0")
    assert ("❌ Chưa xếp loại\n• 3/5 phiếu tán thành — chưa đạt «trên 2/3» (mức «Hoàn thành xuất sắc nhiệm vụ»)\n"
            "• Đề nghị chi bộ bỏ phiếu lại ở mức «Hoàn thành tốt nhiệm vụ»") in short  # 2014: strictly more than 2/3
    assert "\n2. ✅ Trần Văn Minh\n" in short

    await zl.answer_to(ZALO_SECRETARY, number_of(short, "Trần Văn Minh"))
    await zl.answer_to(ZALO_SECRETARY, "tot (httnv)")  # the choice's words, typed without diacritics
    again = await zl.answer_to(ZALO_SECRETARY, "4 1 0")
    assert again.startswith("🗳 Trần Văn Minh — đề xuất «Hoàn thành tốt nhiệm vụ»: 4 tán thành, 1 không tán thành")
    assert "Kết quả: «Hoàn thành tốt nhiệm vụ»" in again
    async with engine.connect() as conn:
        minh = (await conn.exec_driver_sql(
            "SELECT membership.id FROM membership JOIN person ON person.id = membership.person_id "
            "WHERE person.full_name = 'Trần Văn Minh'")).scalar_one()
        votes = (await conn.exec_driver_sql(
            "SELECT subject, proposed, approve, disapprove, other, outcome FROM review_vote ORDER BY subject")).all()
    assert [tuple(v) for v in votes] == [("committee_report", None, 5, 0, 0, "adopted"),
                                         (f"member:{minh}", "httnv", 4, 1, 0, "httnv")]
    await as_zalo_shows(zl)
