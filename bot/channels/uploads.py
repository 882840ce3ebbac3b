"""A plan file into chibo from a channel that takes no documents (Zalo): a one-time upload link.

The bot gives the link (signed as the file links are, and expiring with them); its page is a small form;
the file sent through it becomes a document message from that chat, fed to the one dispatcher, so it goes
the way a Telegram document goes (its preview arrives in the chat). A marker file in the shared file
directory, made when the link is given and taken when it is used, makes the link work once, whichever
chibo process serves it.
"""

import logging
import mimetypes
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from bot.channels.files import FileLinks
from bot.domain.plans.readers import MAX_DOCX_BYTES
from bot.texts import render

log = logging.getLogger(__name__)

ROUTE = "/upload/{token}"
MAX_NAME = 200
# Given a chat number, the link's nonce and the uploaded document (Telegram's Document fields): handles it.
Deliver = Callable[[int, str, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class UploadLink:
    url: str
    minutes: int


class PlanUploads:
    def __init__(self, files: FileLinks, deliver: Deliver) -> None:
        self.files = files
        self.deliver = deliver

    def _marker(self, nonce: str) -> Path:
        return self.files.directory / f"upload-{nonce}"

    def issue(self, key: int, now: float | None = None) -> UploadLink:
        """A new link for chat `key` to send one file through."""
        now = time.time() if now is None else now
        nonce = secrets.token_hex(12)
        self.files.directory.mkdir(parents=True, exist_ok=True)
        self._marker(nonce).touch()  # old markers go with the expired files (FileLinks.publish)
        token = self.files.token({"u": key, "k": nonce, "e": int(now + self.files.ttl)})
        return UploadLink(f"{self.files.base_url}/upload/{token}", self.files.minutes)

    def _check(self, token: str) -> tuple[int, str] | str:
        """(chat number, nonce) of a usable link, else why not: "unknown", "expired" or "used"."""
        meta = self.files.read_token(token)
        if meta is None or not isinstance(meta.get("k"), str) or not isinstance(meta.get("u"), int):
            expired = self.files.read_token(token, now=0)  # genuine, only too old
            return "expired" if expired is not None and isinstance(expired.get("k"), str) else "unknown"
        if not self._marker(meta["k"]).exists():
            return "used"
        return meta["u"], meta["k"]

    def _claim(self, nonce: str) -> bool:
        try:
            self._marker(nonce).unlink()  # atomic: of two sends at once, one gets here
        except FileNotFoundError:
            return False
        return True

    @staticmethod
    def _page(html: str, status: int = 200) -> web.Response:
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def _form(self, error: str | None = None, status: int = 200) -> web.Response:
        return self._page(render("upload_page", "form", minutes=self.files.minutes, max_mb=MAX_DOCX_BYTES // 2**20,
                                 error=error), status)

    def _refused(self, reason: str) -> web.Response:
        return self._page(render("upload_page", "refused", reason=reason), 404 if reason == "unknown" else 410)

    async def show(self, request: web.Request) -> web.Response:
        checked = self._check(request.match_info["token"])
        return self._refused(checked) if isinstance(checked, str) else self._form()

    async def receive(self, request: web.Request) -> web.Response:
        checked = self._check(request.match_info["token"])
        if isinstance(checked, str):
            return self._refused(checked)
        key, nonce = checked
        found = await _read_file(request)
        if found is None:
            return self._form("no_file", 400)
        name, content = found
        if len(content) > MAX_DOCX_BYTES:
            return self._form("too_big", 413)
        if not self._claim(nonce):
            return self._refused("used")
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        url = self.files.publish(name, mime, content)
        await self.deliver(key, nonce, {"file_id": url, "file_unique_id": nonce, "file_name": name,
                                        "mime_type": mime, "file_size": len(content)})
        return self._page(render("upload_page", "received", name=name))

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.show)
        app.router.add_post(ROUTE, self.receive)


async def _read_file(request: web.Request) -> tuple[str, bytes] | None:
    """The form's file (name, bytes, at most one byte over the limit), or None when none was chosen."""
    if not request.content_type.startswith("multipart/"):
        return None
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader) or part.name != "file" or not part.filename:
            continue
        content = bytearray()
        while len(content) <= MAX_DOCX_BYTES and (chunk := await part.read_chunk()):
            content += chunk
        if not content:
            return None
        # Browsers percent-encode a quote or a line end in the name (the HTML form rules), aiohttp all of it
        return Path(unquote(part.filename)).name[:MAX_NAME], bytes(content)
    return None
