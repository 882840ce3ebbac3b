"""What a Telegram-shaped answer becomes on Zalo: plain text, numbered choices, pieces, replies matched."""

from bot.channels.files import FileLinks
from bot.channels.ids import ZALO_BASE, is_zalo, zalo_key, zalo_update_id
from bot.channels.render import Choice, compose, pick, split, to_plain

CHOICES = [Choice("○ Trần Văn Minh", data="m:1"), Choice("⏭ Bỏ qua", data="skip"), Choice("Xong", send="Xong")]


def test_html_becomes_the_text_zalo_shows():
    html = '<b>Chi bộ</b> &amp; <i>Đảng ủy</i>\n<a href="https://x.vn/a">kế hoạch</a> · <a href="https://x.vn">https://x.vn</a>'
    assert to_plain(html, "HTML") == "Chi bộ & Đảng ủy\nkế hoạch (https://x.vn/a) · https://x.vn"
    assert to_plain("<b>as typed</b>", None) == "<b>as typed</b>"


def test_buttons_become_a_numbered_list_under_the_text():
    text = compose("Chọn một người:", CHOICES[:2], [("Hướng dẫn", "https://x.vn/hd")])
    assert text == ("Chọn một người:\n\n🔗 Hướng dẫn: https://x.vn/hd\n\n1. ○ Trần Văn Minh\n2. ⏭ Bỏ qua\n"
                    "👉 Nhắn số 1 hoặc 2 để chọn.")
    assert compose("x", CHOICES).endswith("👉 Nhắn số 1, 2 hoặc 3 để chọn.")
    many = [Choice(f"Việc {n}", data=str(n)) for n in range(1, 8)]
    assert compose("x", many).endswith("👉 Nhắn số thứ tự (từ 1 đến 7) hoặc gõ đúng chữ của lựa chọn.")
    assert compose("Không có nút", []) == "Không có nút"


def test_a_reply_picks_by_number_or_by_the_words_with_or_without_diacritics():
    assert pick("1", CHOICES) == CHOICES[0]
    assert pick(" 2. ", CHOICES) == CHOICES[1]
    assert pick("tran van minh", CHOICES) == CHOICES[0]  # marks and diacritics are not typed
    assert pick("Bỏ qua", CHOICES) == CHOICES[1]
    assert pick("xong", CHOICES).send == "Xong"
    assert pick("4", CHOICES) is None and pick("0", CHOICES) is None
    assert pick("Trần Văn", CHOICES) is None  # a part of the words is not a choice
    twins = [Choice("An", data="a"), Choice("an", data="b")]
    assert pick("an", twins) is None  # ambiguous words pick nothing


def test_long_texts_are_cut_at_line_ends_and_nothing_is_lost():
    lines = [f"{n}. Nguyễn Văn Thành — Đảng viên, chính thức, vào Đảng 01/02/2011" for n in range(1, 120)]
    text = "\n".join(lines)
    pieces = split(text, 2000)
    assert len(pieces) > 1 and all(len(p) <= 2000 for p in pieces)
    assert "\n".join(pieces) == text  # every cut is at a line end
    long_line = "chữ " * 700
    cut = split(long_line.strip(), 2000)
    assert all(len(p) <= 2000 for p in cut) and " ".join(cut) == long_line.strip()
    assert split("x" * 4500, 2000) == ["x" * 2000, "x" * 2000, "x" * 500]
    assert split("a\n\n\nb", 2000) == ["a\n\n\nb"]


def test_zalo_chat_numbers_and_update_ids_never_meet_telegrams():
    assert is_zalo(zalo_key(1)) and not is_zalo(2**52 - 1) and not is_zalo(-100123) and not is_zalo(None)
    assert zalo_key(7) == ZALO_BASE + 7 < 2**53  # still exact in JavaScript
    assert zalo_update_id("zmsg-1") == zalo_update_id("zmsg-1") != zalo_update_id("zmsg-2")
    assert zalo_update_id("zmsg-1") >= 2**62 and zalo_update_id("zmsg-1") < 2**63  # a BIGINT, above Telegram's


def test_file_links_are_signed_and_expire(tmp_path):
    links = FileLinks(tmp_path, b"secret", "https://chibo.example/", ttl_seconds=3600)
    url = links.publish("Lịch chi bộ.ics", "text/calendar", b"BEGIN:VCALENDAR", now=1000.0)
    assert url.startswith("https://chibo.example/files/")
    token = url.rsplit("/", 1)[1]
    assert links.open(token, now=1001.0) == ("Lịch chi bộ.ics", "text/calendar", b"BEGIN:VCALENDAR")
    assert links.open(token, now=1000.0 + 3600) is None  # expired
    body, signature = token.split(".")
    assert links.open(f"{body}.{signature[::-1]}", now=1001.0) is None  # forged
    other = FileLinks(tmp_path, b"another secret", "https://chibo.example", ttl_seconds=3600)
    assert other.open(token, now=1001.0) is None  # signed with another key
