"""Hostile input, straight into the dispatcher: files of the wrong kind, broken or explosive .docx files, and full-size
pasted messages of garbage. Each gets exactly one clear answer in Vietnamese; nothing crashes and nothing is
stored half-way (the tables are counted before and after)."""

from bot.domain.plans.readers import MAX_DOCX_BYTES
from tests.helpers import SECRETARY, create_branch, stored
from tests.hostile import EXE, PDF, PNG, docx_bomb, docx_bytes, docx_with_document, truncated_docx


async def one_answer(tg, act) -> str:
    """Do `act`, then the bot's one new message (several, or none, would mean something went wrong)."""
    before = len(await tg.messages(SECRETARY))
    await act
    after = await tg.messages(SECRETARY)
    assert len(after) == before + 1, [m["text"] for m in after[before:]]
    return after[-1]["text"]


def bad_files() -> list[tuple[str, bytes, str]]:
    """(file name, content, how the answer starts); built when the test runs, not when it is collected."""
    return [
        ("anh.png", PNG, "❌ Ảnh bị hỏng hoặc không phải ảnh"),
        ("setup.exe", EXE, "❌ Tệp .exe không phải một kế hoạch tôi đọc được."),
        ("ke-hoach.pdf", PDF, "❌ Tệp PDF bị hỏng"),
        ("anh-doi-ten.txt", PNG, "❌ Ảnh bị hỏng hoặc không phải ảnh"),
        ("rong.docx", b"", "❌ Tệp rỗng"),
        ("cut.docx", truncated_docx(), "❌ Tệp .docx bị hỏng"),
        ("khong-co-noi-dung.docx", docx_with_document(None), "❌ Tệp .docx bị hỏng"),
        ("xml-hong.docx", docx_with_document(b"<w:document><w:body><w:p>Chi b\xe1"), "❌ Tệp .docx bị hỏng"),
        ("bom.docx", docx_bomb(1100), "❌ Tệp .docx giải nén ra quá lớn (hơn 20 MB)"),
        ("bom-khai-gian.docx", docx_bomb(1100, declared=2000), "❌ Tệp .docx giải nén ra quá lớn (hơn 20 MB)"),
        ("qua-lon.docx", b"PK\x03\x04" + bytes(MAX_DOCX_BYTES), "❌ Tệp quá lớn (hơn 20 MB)"),
    ]


async def test_bad_files_get_one_clear_answer_each_and_nothing_is_stored(tg, engine):
    await create_branch(tg)
    before = await stored(engine)
    files = bad_files()
    for name, content, expected in files:
        answer = await one_answer(tg, tg.upload(SECRETARY, name, content))
        assert answer.startswith(expected) and answer.endswith("Không có gì được lưu."), (name, answer)
    assert await stored(engine) == before

    # The same inside the /nhapkehoach dialog.
    await tg.send(SECRETARY, "/nhapkehoach")
    name, content, expected = next(f for f in files if f[0] == "bom-khai-gian.docx")
    assert (await one_answer(tg, tg.upload(SECRETARY, name, content))).startswith(expected)
    assert await stored(engine) == before

    # The bot is still there, and a good plan still goes through.
    answer = await one_answer(tg, tg.upload(SECRETARY, "ke-hoach.docx", docx_bytes("Chi bộ họp trong tháng 12/2026.")))
    assert "Tìm thấy 1 việc có thời hạn" in answer


GOOD = [f"Nguyễn Văn {name}, chính thức, 12/03/2015" for name in
        ("An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khoa", "Lâm", "Minh", "Nam")]
GARBAGE = ["\u202e\x00 31/02/2015 ✅", "Trần Thị, 00/00/0000", "', , ,", "Phạm Đức, chính thức, 99",
           "\u2028\u0301\u0323", "Võ Sáu, dự bị, 01/01/2099", "x" * 30, "Lê Văn 3, dự bị", "\x1b[31m<b>&amp;"]


def roster_paste() -> tuple[str, set[str], int]:
    """A message as long as Telegram allows: ten good lines among garbage, well past the 100-line limit.
    Returns the message, the names that go in, and the first line past the limit."""
    lines = [GOOD[n // 9] if n % 9 == 0 and n // 9 < len(GOOD) else GARBAGE[n % len(GARBAGE)] for n in range(400)]
    message = "\n".join(lines)[:4096]
    counted = message.splitlines()  # as the bot counts them: U+2028 breaks a line too
    kept = {line.split(",")[0] for line in counted[:100] if line in GOOD}
    past = next(n for n, line in enumerate(counted, start=1) if n > 100 and line.strip())
    return message, kept, past


async def test_a_full_message_of_garbage_for_the_roster_keeps_the_good_lines_and_names_every_other(tg, engine):
    await create_branch(tg)
    message, kept, past = roster_paste()
    assert len(message) == 4096 and message.count("\n") > 150 and len(kept) == 10
    before = await stored(engine)
    await tg.send(SECRETARY, "/nhapds")
    answer = await one_answer(tg, tg.send(SECRETARY, message))
    assert f"✅ Đã thêm {len(kept)} đảng viên" in answer
    assert f"Từ dòng {past} trở đi" in answer and "mỗi lần chỉ dán tối đa 100 dòng" in answer
    assert "\u202e" not in answer and "\x00" not in answer  # quoted, they would have turned the answer around
    after = await stored(engine)
    assert after["membership"] == before["membership"] + len(kept) and after["person"] == before["person"] + len(kept)
    assert [after[t] for t in ("plan", "task", "plan_import")] == [before[t] for t in ("plan", "task", "plan_import")]

    # The same message again: nobody is added twice, and the answer still fits.
    answer = await one_answer(tg, tg.send(SECRETARY, message))
    assert "Chưa thêm được ai." in answer and "đã có trong danh sách chi bộ" in answer
    assert (await stored(engine))["membership"] == after["membership"]

    # A file instead of a pasted list gets told to paste it.
    answer = await one_answer(tg, tg.upload(SECRETARY, "danh-sach.docx", docx_bytes(*GOOD)))
    assert "dán thành tin nhắn" in answer
    await tg.send(SECRETARY, "/doanvien")
    roster = await tg.last_text(SECRETARY)
    assert all(name in roster for name in kept) and f"Đảng viên: {len(kept) + 1} (" in roster


def hostile_plan() -> str:
    """A pasted plan whose header fields and item notes are far longer than any real one."""
    lines = [
        "ĐẢNG ỦY " + "PHƯỜNG BẾN THÀNH QUẬN MỘT " * 10,
        "Số 12-KH/" + "ĐU" * 45,
        "KẾ HOẠCH " + "về việc tổ chức " * 30,
        "Thực hiện chỉ đạo của cấp trên, Chi bộ xây dựng kế hoạch như sau:",
    ]
    for n in range(1, 9):
        lines.append(f"- Chi bộ họp lần {n} trong tháng 12/2026 sau khi có văn bản " + "của Thành ủy " * 24)
    return "\n".join(lines)[:4096]


async def test_a_plan_pasted_with_overlong_fields_is_previewed_corrected_and_saved(tg, engine):
    """Every field fits its column (PostgreSQL refuses a longer one) and every answer fits one message."""
    await create_branch(tg)
    before = await stored(engine)
    await tg.send(SECRETARY, "/nhapkehoach")
    # A message this long may be the first piece of a split paste: the bot waits for "Xong".
    assert "Đã nhận 1 phần" in await one_answer(tg, tg.send(SECRETARY, hostile_plan()))
    await tg.click_button(SECRETARY, "✅ Xong")  # the same message becomes the preview
    preview = await tg.last_text(SECRETARY)
    assert "Tìm thấy 8 việc có thời hạn" in preview
    await tg.click_button(SECRETARY, "1")  # the preview becomes the item's card
    card = await tg.last_text(SECRETARY)
    assert card.startswith("Việc 1") and "(dòng 5)" in card
    await tg.click_button(SECRETARY, "Quay lại danh sách")
    save = next(b["text"] for m in reversed(await tg.messages(SECRETARY)) for row in m["buttons"] for b in row
                if b["text"].startswith("✅ Lưu"))
    await tg.click_button(SECRETARY, save)
    assert "✅ Đã lưu 8 việc" in await tg.last_text(SECRETARY)
    after = await stored(engine)
    assert (after["plan"], after["task"]) == (before["plan"] + 1, before["task"] + 8)
    answer = await one_answer(tg, tg.send(SECRETARY, "tháng 12/2026 cần làm gì"))
    assert "Chi bộ họp lần 1" in answer


async def test_a_full_message_of_garbage_outside_any_dialog_stores_nothing(tg, engine):
    await create_branch(tg)
    before = await stored(engine)
    garbage = ("\u202e\x00ưỡ\u0301\u0323 ٣١/١٢ ½ 🇻🇳 \x1b[0m <b>&amp; " * 200)[:4096]
    assert "Đã nhận 1 phần" in await one_answer(tg, tg.send(SECRETARY, garbage))  # maybe a split paste's first
    await tg.click_button(SECRETARY, "✅ Xong")
    answer = await tg.last_text(SECRETARY)
    assert "không tìm thấy việc nào có thời hạn" in answer and "Không có gì được lưu" in answer
    for short in ["\x00", "\u202e tháng 13/0000", "quý 0 năm 99999 cần làm gì", "tháng 31/02/2015", "đến", "-"]:
        await one_answer(tg, tg.send(SECRETARY, short))
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, "Nộp báo cáo")
    for typed in ["đến", "-", "31/02/2026", "00/00/0000", "07/11/2026 - 05/11/2026", "05/11/2026 -" + " " * 3000 + "x"]:
        answer = await one_answer(tg, tg.send(SECRETARY, typed))
        assert "không phải ngày hợp lệ" in answer, (typed, answer)
    assert await stored(engine) == before


async def test_a_text_with_more_dated_tasks_than_any_plan_is_refused_whole(tg, engine):
    await create_branch(tg)
    before = await stored(engine)
    lines = [f"{n}. Chi bộ báo cáo việc số {n} trước ngày {1 + n % 28:02d}/12/2026." for n in range(1, 1202)]
    answer = await one_answer(tg, tg.upload(SECRETARY, "qua-nhieu-viec.txt", "\n".join(lines).encode()))
    assert answer.startswith("❌ Văn bản này có 1201 việc có thời hạn — quá nhiều cho một kế hoạch (tối đa 1000)")
    assert answer.endswith("Không có gì được lưu. Hãy kiểm tra lại tệp, hoặc tách kế hoạch thành nhiều phần.")
    assert await stored(engine) == before
