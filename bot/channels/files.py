"""Files by link, for a channel that takes no uploads: the bytes go to a directory every chibo process
shares, the link carries the file's name, type and expiry, signed, and /files/<token> serves it until then."""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

log = logging.getLogger(__name__)

ROUTE = "/files/{token}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FileLinks:
    def __init__(self, directory: Path, secret: bytes, base_url: str, ttl_seconds: int) -> None:
        self.directory = directory
        self._key = hashlib.sha256(b"chibo-file-links:" + secret).digest()
        self.base_url = base_url.rstrip("/")
        self.ttl = ttl_seconds

    @property
    def minutes(self) -> int:
        return max(1, self.ttl // 60)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest()[:18])

    def token(self, meta: dict[str, object]) -> str:
        """`meta` (with its expiry "e", a Unix time) as a signed token for a link."""
        body = _b64(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def read_token(self, token: str, now: float | None = None) -> dict[str, Any] | None:
        """The meta of a token that is genuine and not expired, else None."""
        body, _, signature = token.partition(".")
        if not signature or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            meta = json.loads(_unb64(body))
        except ValueError:
            return None
        if not isinstance(meta, dict) or meta.get("e", 0) <= (time.time() if now is None else now):
            return None
        return meta

    def publish(self, file_name: str, mime_type: str, content: bytes, now: float | None = None) -> str:
        """Stores the file and returns its link."""
        now = time.time() if now is None else now
        self.directory.mkdir(parents=True, exist_ok=True)
        self._forget_expired(now)
        name = secrets.token_hex(12)
        (self.directory / name).write_bytes(content)
        token = self.token({"f": name, "n": file_name, "m": mime_type, "e": int(now + self.ttl)})
        return f"{self.base_url}/files/{token}"

    def open(self, token: str, now: float | None = None) -> tuple[str, str, bytes] | None:
        """(file name, type, bytes) of a link that is genuine and not expired, else None."""
        meta = self.read_token(token, now)
        if meta is None or not isinstance(meta.get("f"), str):
            return None
        path = self.directory / meta["f"]
        if not path.is_file():
            return None
        return meta["n"], meta["m"], path.read_bytes()

    def open_url(self, url: str) -> tuple[str, str, bytes] | None:
        """What a link of ours stands for, read here rather than over the network; None for another address."""
        prefix = f"{self.base_url}/files/"
        return self.open(url.removeprefix(prefix)) if url.startswith(prefix) else None

    def _forget_expired(self, now: float) -> None:
        for path in self.directory.iterdir():
            try:
                if path.stat().st_mtime + self.ttl < now:
                    path.unlink()
            except FileNotFoundError:  # another process took it first
                pass

    async def serve(self, request: web.Request) -> web.Response:
        opened = self.open(request.match_info["token"])
        if opened is None:
            raise web.HTTPNotFound(text="link expired or unknown")
        file_name, mime_type, content = opened
        headers = {"Content-Disposition": f"inline; filename*=UTF-8''{quote(file_name)}"}
        return web.Response(body=content, content_type=mime_type, headers=headers)

    def add_route(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.serve)
