"""A plan reaching chibo on Zalo, which sends no documents: a file through the one-time upload link the bot
gives, and photos of its pages; both go the way a Telegram document or photo goes."""

import re
import shutil

import aiohttp
import pytest

from tests.corpus import schedule_003
from tests.helpers import ZALO_SECRETARY, number_of, zalo_branch
from tests.pages import as_docx, page_photos

UPLOAD = re.compile(r"(http://127\.0\.0\.1:\d+/upload/\S+)")
OCR_TIMEOUT = 180.0  # two pages, on a machine shared with other jobs


async def post_file(url: str, name: str | None, content: bytes) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("file", content, filename=name, content_type="application/octet-stream")
    async with aiohttp.ClientSession() as http, http.post(url, data=form) as resp:
        return resp.status, await resp.text()


async def since(zl, count: int) -> str:
    """What the bot sent the secretary after its first `count` messages, joined (a preview comes in pieces)."""
    return "\n".join((await zl.bot_texts(ZALO_SECRETARY))[count:])


async def get_page(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.text()


async def test_a_plan_file_comes_through_a_one_time_upload_link(zl, engine):
    await zalo_branch(zl)
    asked = await zl.answer_to(ZALO_SECRETARY, "gửi tệp")
    assert "mở link này, chọn tệp rồi bấm «Gửi tệp» (link dùng một lần, trong 60 phút)" in asked
    assert "<b>" not in asked
    url = UPLOAD.search(asked).group(1)
    status, page = await get_page(url)
    assert status == 200 and "Gửi kế hoạch cho chibo" in page and 'type="file" name="file"' in page

    sent = len(await zl.bot_texts(ZALO_SECRETARY))
    status, page = await post_file(url, "ke-hoach-146.docx", as_docx("\n".join(schedule_003())))
    assert status == 200 and "chibo đã nhận tệp «ke-hoach-146.docx»" in page
    preview = await since(zl, sent)
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview
    assert "[05/11/2014–07/11/2014] Chi bộ triển khai cho đảng viên viết bản kiểm điểm" in preview
    saved = await zl.answer_to(ZALO_SECRETARY, number_of(preview, "Lưu"))
    assert "Đã lưu" in saved
    async with engine.connect() as conn:
        names = (await conn.exec_driver_sql("SELECT source_name FROM plan")).scalars().all()
    assert names == ["ke-hoach-146.docx"]

    for status, page in (await post_file(url, "lai.txt", b"Ke hoach"), await get_page(url)):
        assert status == 410 and "Link này đã được dùng để gửi một tệp. Mỗi link chỉ dùng được một lần." in page
        assert "nhắn «gửi tệp» cho chibo trong Zalo để nhận link mới" in page
    assert await zl.last_text(ZALO_SECRETARY) == saved  # the second send reached nobody


async def test_a_send_without_a_file_keeps_the_link_and_a_forged_link_is_refused(zl):
    await zalo_branch(zl)
    url = UPLOAD.search(await zl.answer_to(ZALO_SECRETARY, "/nhapkehoach")).group(1)
    status, page = await post_file(url, "trong.txt", b"")
    assert status == 400 and "Bạn chưa chọn tệp" in page
    text = "\n".join(schedule_003()).encode()
    sent = len(await zl.bot_texts(ZALO_SECRETARY))
    status, page = await post_file(url, "ke-hoach.txt", text)
    assert status == 200
    assert "[20/11/2014–28/11/2014] Bí thư chi bộ tổ chức họp chi bộ" in await since(zl, sent)
    status, page = await get_page(url[:-4] + ("AAAA" if not url.endswith("AAAA") else "BBBB"))
    assert status == 404 and "Link này không đúng hoặc đã hết hạn." in page


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
async def test_photos_of_the_pages_sent_on_zalo_are_read_as_one_plan(zl):
    await zalo_branch(zl)
    first, second = page_photos(schedule_003())
    await zl.send_photo(ZALO_SECRETARY, first)
    assert (await zl.last_text(ZALO_SECRETARY)).startswith("📥 Đã nhận 1 phần, gửi tiếp hoặc chọn Xong")
    await zl.send_photo(ZALO_SECRETARY, second)
    status = await zl.last_text(ZALO_SECRETARY)
    assert status.startswith("📥 Đã nhận 2 phần, gửi tiếp hoặc chọn Xong")
    sent = len(await zl.bot_texts(ZALO_SECRETARY))
    await zl.wait(await zl.send(ZALO_SECRETARY, number_of(status, "Xong"), wait=False), timeout=OCR_TIMEOUT)
    preview = await since(zl, sent)
    assert "Kế hoạch số 146-KH/ĐU, ngày 04/11/2014" in preview
    assert "[05/11/2014–07/11/2014] Chi bộ triển khai cho đảng viên viết bản kiểm điểm" in preview
    assert "[20/11/2014–28/11/2014] Bí thư chi bộ tổ chức họp chi bộ" in preview
