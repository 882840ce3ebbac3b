"""Webhook delivery: POST pending updates to the bot's webhook, as Telegram does.

Like Telegram's Bot API server (tdlib/telegram-bot-api, WebhookActor), up to the webhook's
`max_connections` updates (setWebhook, default 40) are in flight at once, but at most one per chat: a
chat's updates arrive in order, each once the bot has answered the one before. With max_connections=1
every update waits its turn, in order, one at a time.

A non-2xx answer or a connection error keeps the update queued and retries it with backoff; that holds
back the later updates of its chat only (of all chats with max_connections=1). A 2xx answer may carry one
Bot API call (aiogram's SimpleRequestHandler answers with a multipart form whose "method" field names it).
"""

import asyncio
import logging
from collections.abc import Hashable
from typing import Any

import aiohttp

from bot.sandbox.bot_api import call_method
from bot.sandbox.params import ApiError, Params, read_multipart
from bot.sandbox.state import SandboxState, Webhook, now, update_kind

log = logging.getLogger(__name__)

FIRST_RETRY_DELAY = 0.1
MAX_RETRY_DELAY = 2.0
POST_TIMEOUT = aiohttp.ClientTimeout(total=60)
MAX_CONNECTIONS = 100  # Telegram accepts 1-100


def chat_queue(update: dict[str, Any]) -> Hashable:
    """The queue an update waits in: its chat's, else its sender's (a button tap in a private chat joins
    that chat's queue), else its own."""
    payload = update.get(update_kind(update))
    if isinstance(payload, dict):
        for field in ("chat", "from", "user"):
            owner = payload.get(field)
            if isinstance(owner, dict) and "id" in owner:
                return owner["id"]
    return ("update", update["update_id"])


def connections(webhook: Webhook) -> int:
    return min(max(webhook.max_connections, 1), MAX_CONNECTIONS)


class WebhookDelivery:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._posting: dict[int, asyncio.Task[None]] = {}  # update_id -> its POST
        self._retry_at: dict[Hashable, float] = {}  # queue -> loop time of its next attempt
        self._delay: dict[Hashable, float] = {}  # queue -> the wait after its next failure
        self._failures = 0

    async def run(self) -> None:
        state = self.state
        loop = asyncio.get_running_loop()
        async with aiohttp.ClientSession() as session:
            try:
                while True:
                    failures = self._failures  # a new failure sets a retry time: wake up to wait for it

                    def woken(failures: int = failures) -> bool:
                        return state.closing or self._failures != failures or bool(self._ready(loop.time()))

                    await state.pulse.wait_until(woken, self._until_retry(loop.time()))
                    if state.closing:
                        return
                    state.drop_disallowed()
                    for update, webhook, queue in self._ready(loop.time()):
                        self._posting[update["update_id"]] = asyncio.create_task(
                            self._deliver(session, webhook, update, queue)
                        )
            finally:
                posts = list(self._posting.values())
                for task in posts:
                    task.cancel()
                await asyncio.gather(*posts, return_exceptions=True)

    def _ready(self, at: float) -> list[tuple[dict[str, Any], Webhook, Hashable]]:
        """Updates to POST now: the oldest of each queue that is neither in flight nor waiting to be
        retried, oldest first, as many as free connections allow."""
        webhook = self.state.webhook
        if webhook is None:
            return []
        limit = connections(webhook)
        room = limit - len(self._posting)
        ready: list[tuple[dict[str, Any], Webhook, Hashable]] = []
        seen: set[Hashable] = set()
        for update in self.state.pending:
            if len(ready) >= room:
                break
            queue = chat_queue(update) if limit > 1 else None
            if queue in seen:
                continue
            seen.add(queue)
            if update["update_id"] not in self._posting and self._retry_at.get(queue, 0.0) <= at:
                ready.append((update, webhook, queue))
        return ready

    def _until_retry(self, at: float) -> float:
        later = [t - at for t in self._retry_at.values() if t > at]
        return min(later, default=3600.0)

    async def _deliver(self, session: aiohttp.ClientSession, webhook: Webhook, update: dict[str, Any],
                       queue: Hashable) -> None:
        try:
            delivered = await self._post(session, webhook, update)
        finally:
            del self._posting[update["update_id"]]
        if delivered:
            self._retry_at.pop(queue, None)
            self._delay.pop(queue, None)
            self.state.mark_processed(update["update_id"])  # wakes the loop
        else:
            delay = self._delay.get(queue, FIRST_RETRY_DELAY)
            self._retry_at[queue] = asyncio.get_running_loop().time() + delay
            self._delay[queue] = min(delay * 2, MAX_RETRY_DELAY)
            self._failures += 1
            self.state.pulse.notify()

    async def _post(self, session: aiohttp.ClientSession, webhook: Webhook, update: dict[str, Any]) -> bool:
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook.secret_token} if webhook.secret_token else {}
        try:
            async with session.post(webhook.url, json=update, headers=headers, timeout=POST_TIMEOUT) as resp:
                if not 200 <= resp.status < 300:
                    self._failed(webhook, f"Wrong response from the webhook: {resp.status} {resp.reason}")
                    return False
                try:
                    await self._run_reply(resp)
                except (aiohttp.ClientError, TimeoutError):
                    raise
                except Exception:  # a sandbox bug; the bot did answer, so the update counts as delivered
                    log.exception("sandbox: webhook reply to update %s could not be run", update["update_id"])
        except (aiohttp.ClientError, TimeoutError) as error:
            self._failed(webhook, f"Connection failed: {type(error).__name__}: {error}")
            return False
        return True

    def _failed(self, webhook: Webhook, message: str) -> None:
        log.warning("sandbox: webhook %s: %s", webhook.url, message)
        webhook.last_error_date = now()
        webhook.last_error_message = message

    async def _run_reply(self, resp: aiohttp.ClientResponse) -> None:
        if resp.content_type == "multipart/form-data":
            params = await read_multipart(aiohttp.MultipartReader(resp.headers, resp.content))
        elif resp.content_type == "application/json":
            body = await resp.json()
            params = Params(body if isinstance(body, dict) else {})
        else:
            return
        name = params.text("method")
        if not name:
            return
        try:
            await call_method(self.state, name, params)
        except ApiError as error:
            # Telegram cannot report errors of webhook replies either; log so they are visible.
            log.warning("sandbox: webhook reply %s failed: %s", name, error.description)
