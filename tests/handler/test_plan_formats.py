"""Plans as they reach a secretary: photos (an album), a split paste and what comes while its pieces arrive, a
PDF, a .doc; and a clear answer when a tool is missing."""

from bot.domain.plans.pasted import MESSAGE_LIMIT
from tests.corpus import QUARTER_PLAN, reference_plan, schedule_003
from tests.helpers import SECRETARY, buttons, create_branch
from tests.pages import converted, page_photos


async def test_an_album_of_page_photos_is_one_plan_read_in_order_with_progress(tg):
    await create_branch(tg)
    photos = page_photos(schedule_003())
    assert len(photos) == 2
    await tg.album(SECRETARY, photos)
    status = (await tg.messages(SECRETARY))[-1]
    assert status["text"].startswith("📥 Đã nhận 2 phần, gửi tiếp hoặc chọn Xong")
    await tg.click_button(SECRETARY, "✅ Xong")
    preview = (await tg.messages(SECRETARY))[-1]
    assert preview["message_id"] == status["message_id"] and preview["edited"]  # one message, edited in place
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview["text"]
    assert "[05/11/2014–07/11/2014] Chi bộ triển khai cho đảng viên viết bản kiểm điểm" in preview["text"]
    assert "[20/11/2014–28/11/2014] Bí thư chi bộ tổ chức họp chi bộ" in preview["text"]


async def test_a_paste_split_by_the_messenger_is_joined_before_reading(tg):
    text = reference_plan("003").read_text(encoding="utf-8")
    await create_branch(tg)
    await tg.send(SECRETARY, "/nhapkehoach")
    pieces = [text[at : at + MESSAGE_LIMIT] for at in range(0, len(text), MESSAGE_LIMIT)]
    for count, piece in enumerate(pieces, start=1):
        await tg.send(SECRETARY, piece)
        assert (await tg.last_text(SECRETARY)).startswith(f"📥 Đã nhận {count} phần, gửi tiếp hoặc chọn Xong")
    assert len([m for m in await tg.messages(SECRETARY) if "Đã nhận" in m["text"]]) == 1  # edited in place
    await tg.click_button(SECRETARY, "✅ Xong")
    preview = await tg.last_text(SECRETARY)
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview
    assert "Việc của chi bộ" in preview
    assert "[10/11/2014–12/11/2014] Bí thư chi bộ báo cáo" in preview
    assert "Không tìm thấy việc nào" not in preview


async def test_a_pdf_and_a_doc_are_read_like_the_docx(tg):
    text = "\n".join(schedule_003())
    await create_branch(tg)
    await tg.upload(SECRETARY, "ke-hoach-146.pdf", converted(text, "pdf"))
    preview = await tg.last_text(SECRETARY)
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview
    assert "[05/11/2014–07/11/2014] Chi bộ triển khai cho đảng viên viết bản kiểm điểm" in preview
    await tg.click_button(SECRETARY, "🗑 Hủy")
    await tg.upload(SECRETARY, "ke-hoach-146.doc", converted(text, "doc"))
    preview = await tg.last_text(SECRETARY)
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview
    assert "[20/11/2014–28/11/2014] Bí thư chi bộ tổ chức họp chi bộ" in preview


async def test_photos_without_tesseract_get_a_clear_message(tg, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract, no soffice on it
    await create_branch(tg)
    await tg.upload(SECRETARY, "trang-1.jpg", page_photos(["Chi bộ họp trong tháng 4/2026."])[0], photo=True)
    await tg.click_button(SECRETARY, "✅ Xong")
    answer = await tg.last_text(SECRETARY)
    assert answer.startswith("❌ Máy chủ chưa cài Tesseract") and "tesseract-ocr-vie" in answer
    assert answer.endswith("Không có gì được lưu.")
    await tg.upload(SECRETARY, "cu.doc", b"\xd0\xcf\x11\xe0" + bytes(600))
    assert (await tg.last_text(SECRETARY)).startswith("❌ Máy chủ chưa cài LibreOffice")
    assert "✅ Xong" not in buttons((await tg.messages(SECRETARY))[-1])


async def status_text(tg) -> str:
    """The one "Đã nhận N phần" message, edited in place as pieces arrive."""
    return next(m["text"] for m in await tg.messages(SECRETARY) if m["text"].startswith("📥"))


async def pieces_of_003(tg) -> list[str]:
    """Plan 003 pasted after /nhapkehoach, cut where the messenger cuts it; all but the last piece sent."""
    text = reference_plan("003").read_text(encoding="utf-8")
    await create_branch(tg)
    await tg.send(SECRETARY, "/nhapkehoach")
    pieces = [text[at : at + MESSAGE_LIMIT] for at in range(0, len(text), MESSAGE_LIMIT)]
    for piece in pieces[:-1]:
        await tg.send(SECRETARY, piece)
    assert (await tg.last_text(SECRETARY)).startswith(f"📥 Đã nhận {len(pieces) - 1} phần")
    return pieces


async def test_a_command_leaves_the_collection_and_keeps_the_pieces(tg):
    pieces = await pieces_of_003(tg)
    await tg.send(SECRETARY, "/thangnay")
    texts = [m["text"] for m in await tg.messages(SECRETARY)][-2:]
    assert texts[0].startswith(f"⏸ Đã dừng nhận các phần kế hoạch để làm lệnh này. {len(pieces) - 1} phần đã nhận")
    assert texts[1].startswith("📅 Việc tháng 11/2026 — Chi bộ Khu phố 7")  # the command ran
    await tg.send(SECRETARY, "Chi bộ họp trong tháng 12/2026 để tổng kết năm")  # no longer taken as a piece
    assert (await tg.last_text(SECRETARY)).startswith("Tôi chưa hiểu tin nhắn này")
    status = next(m for m in await tg.messages(SECRETARY) if m["text"].startswith("📥 Đã nhận"))
    await tg.click_button(SECRETARY, "✅ Xong")  # the pieces received before the command are still there
    preview = next(m for m in await tg.messages(SECRETARY) if m["message_id"] == status["message_id"])["text"]
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview and "tổng kết năm" not in preview


async def test_a_short_question_while_pieces_arrive_is_asked_about_not_taken(tg, clock):
    pieces = await pieces_of_003(tg)
    clock.advance(seconds=60)  # typed a minute later, not the rest of a cut paste
    await tg.send(SECRETARY, "tháng này cần làm gì")
    asked = (await tg.messages(SECRETARY))[-1]
    assert asked["text"].startswith(f"❓ «tháng này cần làm gì» ngắn và không giống một phần kế hoạch, nên tôi chưa "
                                    f"thêm vào {len(pieces) - 1} phần đã nhận.")
    assert buttons(asked).keys() == {"➕ Thêm tin này vào kế hoạch", "✅ Xong", "🗑 Bỏ các phần đã gửi"}
    await tg.send(SECRETARY, pieces[-1])  # the real last piece, after the question
    status = next(m for m in await tg.messages(SECRETARY) if m["text"].startswith("📥"))
    assert status["text"].startswith(f"📥 Đã nhận {len(pieces)} phần")  # the one status message, edited
    await tg.click_button(SECRETARY, "✅ Xong")
    preview = await tg.last_text(SECRETARY)  # in place of the question, whose Xong was tapped
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview and "cần làm gì" not in preview
    assert "[20/11/2014–28/11/2014] Bí thư chi bộ tổ chức họp chi bộ" in preview
    # The plan is read: nothing is held any more (the button, tapped from an older copy of the chat).
    await tg.click(SECRETARY, asked["message_id"], buttons(asked)["➕ Thêm tin này vào kế hoạch"])
    assert (await tg.callback_answers(SECRETARY))[-1]["text"] == "Không còn tin nào đang chờ thêm vào kế hoạch."


async def test_the_short_tail_of_a_cut_paste_is_a_piece(tg):
    await create_branch(tg)
    await tg.send(SECRETARY, "/nhapkehoach")
    head = "- Chi bộ họp trong tháng 4/2026. " * (MESSAGE_LIMIT // 33) + "- Bí thư chi bộ báo cáo trước"
    await tg.send(SECRETARY, head[:MESSAGE_LIMIT])
    await tg.send(SECRETARY, head[MESSAGE_LIMIT:] + " ngày 30/06/2026")  # the messenger's cut, at once
    assert (await tg.last_text(SECRETARY)).startswith("📥 Đã nhận 2 phần")


async def test_a_short_piece_held_back_can_be_added_in_its_place(tg):
    await create_branch(tg)
    await tg.upload(SECRETARY, "trang-1.jpg", page_photos(["Chi bộ họp trong tháng 4/2026."])[0], photo=True)
    await tg.send(SECRETARY, "Bí thư chi bộ báo cáo trước ngày 30/06/2026")  # one line, no list mark: asked
    assert (await tg.last_text(SECRETARY)).startswith("❓ «Bí thư chi bộ báo cáo trước ngày 30/06/2026» ngắn")
    await tg.send(SECRETARY, "- Chi bộ tổng kết năm trong tháng 12/2026.")  # a list item: a piece
    assert (await status_text(tg)).startswith("📥 Đã nhận 2 phần")
    await tg.click_button(SECRETARY, "➕ Thêm tin này vào kế hoạch")
    assert (await tg.last_text(SECRETARY)).startswith(
        "➕ Đã thêm «Bí thư chi bộ báo cáo trước ngày 30/06/2026» vào kế hoạch")
    assert (await status_text(tg)).startswith("📥 Đã nhận 3 phần")
    status = next(m["message_id"] for m in await tg.messages(SECRETARY) if m["text"].startswith("📥"))
    await tg.click_button(SECRETARY, "✅ Xong")
    preview = next(m["text"] for m in await tg.messages(SECRETARY) if m["message_id"] == status)
    lines = [line for line in preview.splitlines() if line[:1].isdigit()]
    assert [line.split("] ", 1)[1] for line in lines] == [  # in the order sent: the photo, the held text, the item
        "Chi bộ họp trong tháng 4/2026. — Chi bộ", "Bí thư chi bộ báo cáo trước ngày 30/06/2026 — Bí thư chi bộ",
        "Chi bộ tổng kết năm trong tháng 12/2026. — Chi bộ"]


async def test_a_command_in_the_date_correction_runs_and_is_not_taken_for_a_date(tg):
    await create_branch(tg)
    await tg.upload(SECRETARY, "kh12.txt", QUARTER_PLAN.format(day="02", due="15", extra="").encode())
    await tg.click_button(SECRETARY, "1")
    await tg.click_button(SECRETARY, "📅 Sửa ngày")
    await tg.send(SECRETARY, "/thangnay")
    assert (await tg.last_text(SECRETARY)).startswith("📅 Việc tháng 11/2026")
    await tg.send(SECRETARY, "tháng 4/2026 cần làm gì")  # the dialog is over: a question again, not a date
    assert (await tg.last_text(SECRETARY)).startswith("📅 Việc tháng 4/2026")
