"""The web chat page (GET /): one self-contained HTML file, no external assets (no internet)."""

from pathlib import Path

from aiohttp import web

_PAGE = Path(__file__).with_name("static") / "chat.html"


async def chat_page(request: web.Request) -> web.Response:
    # Read on each request so editing the page needs no restart; it is small.
    return web.Response(text=_PAGE.read_text(encoding="utf-8"), content_type="text/html")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", chat_page)
