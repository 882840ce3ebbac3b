"""Words that hold on both channels: a Telegram user taps a button, a Zalo user answers a numbered list
("👉 Nhắn số 1 hoặc 2 để chọn", templates/messages/zalo.j2), so a message says «chọn», never «bấm» (press)."""

import re

from bot.texts import TEMPLATES

# The web upload page is a browser page with a real button, and the message that sends the user there names it.
WEB_PAGE = "chọn tệp rồi bấm «Gửi tệp»"


def test_no_message_tells_the_user_to_press_a_button():
    pressed = []
    for path in sorted(TEMPLATES.glob("*.j2")):
        if path.name == "upload_page.j2":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\bbấm\b", line.replace(WEB_PAGE, ""), re.IGNORECASE):
                pressed.append(f"{path.name}:{number}")
    assert pressed == []
