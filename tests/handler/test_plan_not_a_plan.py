"""A photo that is not a plan (issue 14 point 6): one clear Vietnamese answer, and nothing stored."""

import io

from PIL import Image, ImageDraw

from tests.helpers import SECRETARY, create_branch, stored
from tests.pages import page_photos

LETTER = [  # a letter that names a date, as prose: no numbered heading, no list item
    "Kính gửi các đồng chí đảng viên chi bộ Khu phố 3.",
    "Nhân dịp năm mới, chi bộ xin gửi lời chúc sức khỏe tới các đồng chí và gia đình.",
    "Buổi gặp mặt đầu xuân sẽ diễn ra vào ngày 15/02/2026 tại nhà văn hóa khu phố.",
    "Rất mong các đồng chí đến dự đông đủ.",
]


def picture() -> bytes:
    """A photo with no text: a sunset of two colours and a round sun."""
    image = Image.new("RGB", (800, 600), (250, 170, 90))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 400, 800, 600), fill=(40, 70, 140))
    draw.ellipse((330, 250, 470, 390), fill=(255, 230, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


async def send_and_finish(tg, photo: bytes) -> str:
    await tg.album(SECRETARY, [photo])
    assert (await tg.last_text(SECRETARY)).startswith("📥 Đã nhận 1 phần, gửi tiếp hoặc chọn Xong")
    await tg.click_button(SECRETARY, "✅ Xong")
    return await tg.last_text(SECRETARY)


async def test_a_photo_of_a_letter_with_a_date_is_no_plan_and_nothing_is_stored(tg, engine):
    await create_branch(tg)
    before = await stored(engine)
    (photo,) = page_photos(LETTER)
    answer = await send_and_finish(tg, photo)
    assert answer.startswith("❌ Ảnh này không giống một kế hoạch: tôi không thấy đề mục đánh số")
    assert "không lưu gì" in answer and "15/02/2026" not in answer
    assert await stored(engine) == before


async def test_a_photo_without_text_is_said_so_and_nothing_is_stored(tg, engine):
    await create_branch(tg)
    before = await stored(engine)
    answer = await send_and_finish(tg, picture())
    assert answer.startswith("❌ Tôi không đọc được chữ nào trong ảnh")
    assert await stored(engine) == before
