"""The sandbox's web chat page as a Zalo user: the channel switch and the HTTP calls the page makes in Zalo
mode (the same routes a test plays a Zalo user with), answered by chibo in plain text with numbered choices."""

import base64

import aiohttp

from tests.pages import page_photos

USER = "zl-1001"


async def call(http: aiohttp.ClientSession, verb: str, url: str, **kwargs) -> object:
    async with http.request(verb, url, **kwargs) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def says(http: aiohttp.ClientSession, base: str, body: dict, route: str = "send") -> list[dict]:
    """What the page does when the person sends: POST, then (as its polling does) the chat once handled."""
    seq = (await call(http, "POST", f"{base}/sandbox/zalo/{route}", json=body))["seq"]
    assert (await call(http, "GET", f"{base}/sandbox/zalo/wait", params={"seq": str(seq)}))["processed"]
    return await call(http, "GET", f"{base}/sandbox/zalo/chat", params={"user_id": USER})


async def test_the_page_talks_as_a_zalo_user_and_shows_plain_text_with_numbered_choices(channels, sandbox):
    base = sandbox.url.rstrip("/")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/") as resp:
            page = await resp.text()
        assert '<option value="zalo">Zalo</option>' in page and '<option value="telegram">Telegram</option>' in page
        for route in ("/sandbox/zalo/send", "/sandbox/zalo/chat?", "/sandbox/zalo/users", "/sandbox/zalo/photo"):
            assert route in page  # the routes its Zalo mode calls, driven below

        chat = await says(http, base, {"user_id": USER, "text": "/start", "display_name": "An"})
        assert [m["from"] for m in chat] == ["user", "bot"] and chat[0]["text"] == "/start"
        welcome = chat[-1]
        assert welcome["text"].endswith("1. 🏛 Tạo chi bộ mới\n👉 Nhắn số 1 để chọn.")
        assert "<b>" not in welcome["text"] and "buttons" not in welcome  # Zalo has none: the page shows text
        chat = await says(http, base, {"user_id": USER, "text": "1"})
        assert "Tên chi bộ" in chat[-1]["text"]

        users = await call(http, "GET", f"{base}/sandbox/zalo/users")
        assert {"id": USER, "display_name": "An", "has_chat": True} in users

        photo = page_photos(["Kế hoạch số 1-KH/ĐU"])[0]
        chat = await says(http, base, {"user_id": USER, "content_base64": base64.b64encode(photo).decode()},
                          route="photo")
        sent = next(m for m in reversed(chat) if m["from"] == "user")
        async with http.get(base + sent["photo_url"]) as resp:  # the page shows the photo the person sent
            assert resp.status == 200 and await resp.read() == photo
