"""Webhook delivery: POST pending updates to the bot's webhook, in order, one at a time.

Like Telegram, a non-2xx answer or a connection error keeps the update queued and is
retried with backoff, and a 2xx answer may carry one Bot API call (aiogram's
SimpleRequestHandler answers with a multipart form whose "method" field names it).
"""

import asyncio
import logging
from typing import Any

import aiohttp

from bot.sandbox.bot_api import call_method
from bot.sandbox.params import ApiError, Params, read_multipart
from bot.sandbox.state import SandboxState, Webhook, now

log = logging.getLogger(__name__)

FIRST_RETRY_DELAY = 0.1
MAX_RETRY_DELAY = 2.0
POST_TIMEOUT = aiohttp.ClientTimeout(total=60)


class WebhookDelivery:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def run(self) -> None:
        state = self.state
        delay = FIRST_RETRY_DELAY
        async with aiohttp.ClientSession() as session:
            while True:
                await state.pulse.wait_until(
                    lambda: state.closing or (state.webhook is not None and bool(state.pending)), 3600
                )
                if state.closing:
                    return
                state.drop_disallowed()
                webhook = state.webhook
                if webhook is None or not state.pending:
                    continue
                update = state.pending[0]
                if await self._post(session, webhook, update):
                    state.mark_processed(update["update_id"])
                    delay = FIRST_RETRY_DELAY
                else:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_RETRY_DELAY)

    async def _post(self, session: aiohttp.ClientSession, webhook: Webhook, update: dict[str, Any]) -> bool:
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook.secret_token} if webhook.secret_token else {}
        try:
            async with session.post(webhook.url, json=update, headers=headers, timeout=POST_TIMEOUT) as resp:
                if not 200 <= resp.status < 300:
                    self._failed(webhook, f"Wrong response from the webhook: {resp.status} {resp.reason}")
                    return False
                await self._run_reply(resp)
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
