"""The calendar's commands and questions, a plan file that cannot be read, and who may import plans."""

from tests.helpers import SECRETARY, STRANGER, create_branch, member_link, paste

TWO = "Trần Văn Minh, chính thức, 01/02/2011, phó bí thư\nLê Thị Hà, chính thức"


async def test_the_plain_month_commands_and_free_text_without_diacritics(tg):
    await create_branch(tg)
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, "Nộp danh sách đảng viên cho Đảng ủy")
    await tg.send(SECRETARY, "31/11/2026")
    assert "không phải ngày hợp lệ" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "25/11/2026 - 30/11/2026")
    assert "Đã thêm vào lịch" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "/thangnay")
    assert "Nộp danh sách đảng viên cho Đảng ủy — 25/11/2026–30/11/2026" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "thang 11 lam gi")
    assert "Việc tháng 11/2026" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "/thangsau")
    assert "Không có việc nào" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "tháng 13/2026")
    assert "Không có tháng «13»" in await tg.last_text(SECRETARY)


async def test_bad_plan_files_get_a_clear_message_and_nothing_is_saved(tg):
    await create_branch(tg)
    cases = [
        ("rong.docx", b"", "Tệp rỗng"),
        ("anh.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "không phải"),
        ("lon.txt", ("Chi bộ họp trong tháng 4/2012. " * 170_000).encode(), "quá lớn"),
        ("khongngay.txt", "KẾ HOẠCH\nChi bộ học tập nghị quyết.\nĐảng viên tự nghiên cứu.".encode(),
         "không tìm thấy việc nào có thời hạn"),
    ]
    for name, content, expected in cases:
        await tg.upload(SECRETARY, name, content)
        assert expected in await tg.last_text(SECRETARY), name
    await tg.send(SECRETARY, "quá hạn")
    assert "Không có việc nào" in await tg.last_text(SECRETARY)


async def test_members_cannot_import_plans_or_mark_tasks(tg):
    await create_branch(tg)
    await paste(tg, TWO)
    token = await member_link(tg, "Lê Thị Hà")
    await tg.send(STRANGER, f"/start {token}")
    await tg.upload(STRANGER, "kh.txt", "Chi bộ họp trong tháng 12/2026.".encode())
    assert (await tg.last_text(STRANGER)).startswith("⛔️")
    await tg.send(STRANGER, "/nhapkehoach")
    assert (await tg.last_text(STRANGER)).startswith("⛔️")
