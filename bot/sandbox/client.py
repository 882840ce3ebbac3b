"""Async client for the sandbox control API, for tests and scripted checks (HTTP only).

send/click/upload return once the bot has processed the update, so a test can assert on
the bot's reply right after the call; with wait=False they return the update id at once (see `wait`).
"""

import base64
from types import TracebackType
from typing import Any, Self

import aiohttp

WAIT_TIMEOUT = 15.0


class SandboxError(AssertionError):
    """The sandbox refused a control request. An AssertionError so pytest reports a failed check."""


class SandboxClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        # Created lazily so the client can be constructed outside a running event loop.
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _request(self, verb: str, path: str, **kwargs: Any) -> Any:
        async with self._http().request(verb, f"{self.base_url}{path}", **kwargs) as resp:
            body = await resp.json()
            if resp.status != 200:
                detail = body.get("error") if isinstance(body, dict) else body
                raise SandboxError(f"{verb} {path}: {detail}")
            return body

    # -- acting as users -----------------------------------------------------------------

    async def send(self, user_id: int, text: str, first_name: str | None = None, *, wait: bool = True) -> int:
        body: dict[str, Any] = {"user_id": user_id, "text": text}
        if first_name is not None:
            body["first_name"] = first_name
        return await self._post_update("/sandbox/send", body, wait=wait)

    async def click(self, user_id: int, message_id: int, data: str, *, wait: bool = True) -> int:
        body = {"user_id": user_id, "message_id": message_id, "data": data}
        return await self._post_update("/sandbox/click", body, wait=wait)

    async def click_button(self, user_id: int, text: str, *, wait: bool = True) -> int:
        found = await self.messages(user_id)
        for matches in (lambda b: b["text"] == text, lambda b: text in b["text"]):
            for message in reversed(found):
                for button in (b for row in message["buttons"] for b in row):
                    if not matches(button):
                        continue
                    if "data" not in button:
                        raise AssertionError(f"button {button['text']!r} has no callback data: {button}")
                    return await self.click(user_id, message["message_id"], button["data"], wait=wait)
        visible = [b["text"] for m in found for row in m["buttons"] for b in row]
        raise AssertionError(f"no button {text!r} in the chat with user {user_id}; visible buttons: {visible}")

    async def upload(self, user_id: int, file_name: str, content: bytes, caption: str | None = None, *,
                     wait: bool = True, photo: bool = False, media_group_id: str | None = None) -> int:
        """A file as a document, or (photo=True) as a photo in the sizes Telegram keeps."""
        body: dict[str, Any] = {
            "user_id": user_id,
            "file_name": file_name,
            "content_base64": base64.b64encode(content).decode(),
            "photo": photo,
        }
        if caption is not None:
            body["caption"] = caption
        if media_group_id is not None:
            body["media_group_id"] = media_group_id
        return await self._post_update("/sandbox/upload", body, wait=wait)

    async def album(self, user_id: int, photos: list[bytes], *, wait: bool = True) -> list[int]:
        """Photos sent together, as Telegram sends an album: one message each, one media_group_id."""
        group = f"album-{user_id}-{len(await self.chat(user_id))}"
        ids = [await self.upload(user_id, f"trang-{n}.jpg", photo, photo=True, media_group_id=group, wait=False)
               for n, photo in enumerate(photos, start=1)]
        if wait:
            for update_id in ids:
                await self.wait(update_id)
        return ids

    async def redeliver(self, update_id: int) -> None:
        """Delivers an update the bot has handled once more, and waits until it is handled again."""
        await self._post_update("/sandbox/redeliver", {"update_id": update_id})

    async def _post_update(self, path: str, body: dict[str, Any], *, wait: bool = True) -> int:
        update_id = (await self._request("POST", path, json=body))["update_id"]
        if wait:
            await self.wait(update_id)
        return update_id

    async def wait(self, update_id: int, timeout: float = WAIT_TIMEOUT) -> None:
        """Returns once the bot has processed update_id (see /sandbox/wait)."""
        params = {"update_id": str(update_id), "timeout": str(timeout)}
        result = await self._request("GET", "/sandbox/wait", params=params)
        if result.get("dropped"):
            raise SandboxError(f"update {update_id} will never reach the bot: {result['dropped']}")
        if not result["processed"]:
            raise TimeoutError(
                f"the bot did not process update {update_id} within {timeout:g} s; "
                f"is it running against {self.base_url} (polling or webhook)?"
            )

    # -- looking at the chat -------------------------------------------------------------

    async def messages(self, user_id: int) -> list[dict[str, Any]]:
        return await self._request("GET", "/sandbox/messages", params={"user_id": str(user_id)})

    async def chat(self, user_id: int) -> list[dict[str, Any]]:
        return await self._request("GET", "/sandbox/chat", params={"user_id": str(user_id)})

    async def last_text(self, user_id: int) -> str:
        found = await self.messages(user_id)
        if not found:
            raise AssertionError(f"the bot has sent nothing to user {user_id}")
        return found[-1]["text"]

    async def callback_answers(self, user_id: int) -> list[dict[str, Any]]:
        return await self._request("GET", "/sandbox/callback_answers", params={"user_id": str(user_id)})

    async def users(self) -> list[dict[str, Any]]:
        return await self._request("GET", "/sandbox/users")

    async def reset(self) -> None:
        await self._request("POST", "/sandbox/reset")

    # -- Telegram's limits and failures (see traffic.py) ----------------------------------

    async def set_limits(self, per_second: float | None = None,
                         per_chat_per_second: float | None = None) -> dict[str, Any]:
        body = {"per_second": per_second, "per_chat_per_second": per_chat_per_second}
        return await self._request("POST", "/sandbox/limits", json=body)

    async def set_fault(self, chat_id: int, fault: str, **options: Any) -> dict[str, Any]:
        """fault: "blocked", "retry_after", "timeout" or "none"; options: count, retry_after, seconds,
        delivered."""
        return await self._request("POST", "/sandbox/faults", json={"chat_id": chat_id, "fault": fault} | options)

    async def traffic(self) -> dict[str, Any]:
        return await self._request("GET", "/sandbox/traffic")
