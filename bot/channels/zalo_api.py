"""The Zalo Bot API over HTTP: `POST {base}/bot{token}/{method}` with a JSON body, answered
`{"ok", "result", "error_code", "description"}` (see ../shared/channels.md for what we know of it)."""

import logging
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
POLL_TIMEOUT = 30  # seconds a getUpdates call may wait for an update


class ZaloApiError(Exception):
    def __init__(self, status: int, error_code: int | None, description: str) -> None:
        super().__init__(f"{status} {error_code}: {description}")
        self.status = status
        self.error_code = error_code
        self.description = description

    @property
    def code(self) -> int:
        """The error as an HTTP-like code: the body's error_code when given, else the status."""
        return self.error_code or self.status


class ZaloApi:
    def __init__(self, token: str, base_url: str | None = None, timeout: float = 60) -> None:
        self._url = f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/bot{token}/"
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def call(self, method: str, payload: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        """The call's result; a refusal raises ZaloApiError, a network failure aiohttp's or TimeoutError."""
        wait = aiohttp.ClientTimeout(total=timeout or self._timeout)
        async with self._http().post(self._url + method, json=payload or {}, timeout=wait) as resp:
            try:
                body = await resp.json(content_type=None)
            except ValueError:
                raise ZaloApiError(resp.status, None, (await resp.text())[:200]) from None
        if not isinstance(body, dict) or not body.get("ok"):
            body = body if isinstance(body, dict) else {}
            raise ZaloApiError(resp.status, body.get("error_code"), str(body.get("description") or "error"))
        return body.get("result")

    async def get_update(self) -> dict[str, Any] | None:
        """One update, as the platform hands them out (one per call, no offset), or None after the wait."""
        try:
            result = await self.call("getUpdates", {"timeout": str(POLL_TIMEOUT)}, timeout=POLL_TIMEOUT + 10)
        except ZaloApiError as error:
            if error.code == 408:  # nothing came within the wait
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
