"""Async client for the sandbox's Zalo control routes: act as a Zalo user and read what the bot sent.

send/send_photo return once the bot has handled the update (it asked Zalo for the next one), so a test can
assert on the answer right after the call."""

import base64
from types import TracebackType
from typing import Any, Self

import aiohttp

WAIT_TIMEOUT = 15.0


class ZaloSandboxClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(self, verb: str, path: str, **kwargs: Any) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.request(verb, f"{self.base_url}{path}", **kwargs) as resp:
            if resp.status != 200:
                raise AssertionError(f"{verb} {path}: {resp.status} {await resp.text()}")
            return await resp.json()

    async def send(self, user_id: str, text: str, display_name: str | None = None, *, wait: bool = True) -> int:
        body = {"user_id": user_id, "text": text} | ({"display_name": display_name} if display_name else {})
        seq = (await self._request("POST", "/sandbox/zalo/send", json=body))["seq"]
        if wait:
            await self.wait(seq)
        return seq

    async def send_photo(self, user_id: str, content: bytes, caption: str | None = None, *, wait: bool = True) -> int:
        body = {"user_id": user_id, "content_base64": base64.b64encode(content).decode()}
        seq = (await self._request("POST", "/sandbox/zalo/photo", json=body | ({"caption": caption} if caption
                                                                               else {})))["seq"]
        if wait:
            await self.wait(seq)
        return seq

    async def wait(self, seq: int, timeout: float = WAIT_TIMEOUT) -> None:
        result = await self._request("GET", "/sandbox/zalo/wait", params={"seq": str(seq), "timeout": str(timeout)})
        if not result["processed"]:
            raise TimeoutError(f"the bot did not handle Zalo update {seq} within {timeout:g} s")

    async def chat(self, user_id: str) -> list[dict[str, Any]]:
        return await self._request("GET", "/sandbox/zalo/chat", params={"user_id": user_id})

    async def bot_texts(self, user_id: str) -> list[str]:
        return [m["text"] for m in await self.chat(user_id) if m["from"] == "bot"]

    async def last_text(self, user_id: str) -> str:
        texts = await self.bot_texts(user_id)
        if not texts:
            raise AssertionError(f"the bot has sent nothing to Zalo user {user_id}")
        return texts[-1]

    async def answer_to(self, user_id: str, text: str, display_name: str | None = None) -> str:
        """Sends `text` and returns everything the bot sent back, joined (a long answer comes in pieces)."""
        before = len(await self.chat(user_id))
        await self.send(user_id, text, display_name)
        after = await self.chat(user_id)
        return "\n".join(m["text"] for m in after[before:] if m["from"] == "bot")

    async def download(self, url: str) -> bytes:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get(url) as resp:
            if resp.status != 200:
                raise AssertionError(f"GET {url}: {resp.status}")
            return await resp.read()

    async def reset(self) -> None:
        await self._request("POST", "/sandbox/zalo/reset")
