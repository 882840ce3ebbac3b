"""Webhook delivery on the sandbox's Zalo side: with a webhook set (setWebhook), each update a Zalo user
makes is POSTed to it, as the platform does, with the secret in the X-Bot-Api-Secret-Token header.

One at a time, in order: an update counts as handled once the bot answers it with a 2xx; any other answer
or a connection error keeps it first in line and tries again with backoff (the bot's handled-update record
keeps a redelivery from being handled twice)."""

import logging

import aiohttp

from bot.sandbox.zalo_api import ZaloState

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
FIRST_RETRY_DELAY, MAX_RETRY_DELAY = 0.1, 2.0
POST_TIMEOUT = aiohttp.ClientTimeout(total=60)


async def deliver(state: ZaloState) -> None:
    """Until the sandbox closes."""
    delay = FIRST_RETRY_DELAY
    async with aiohttp.ClientSession() as http:
        while True:
            await state.pulse.wait_until(lambda: state.closing or (state.webhook is not None and bool(state.pending)),
                                         3600.0)
            if state.closing:
                return
            if state.webhook is None or not state.pending:
                continue
            webhook, (seq, update) = state.webhook, state.pending[0]
            if await _post(http, webhook, update):
                delay = FIRST_RETRY_DELAY
                if state.pending and state.pending[0][0] == seq:  # not reset meanwhile
                    state.pending.popleft()
                    state.done = max(state.done, seq)
                state.pulse.notify()
            else:
                await state.pulse.wait_until(lambda: state.closing, delay)
                delay = min(delay * 2, MAX_RETRY_DELAY)


async def _post(http: aiohttp.ClientSession, webhook: dict[str, str], update: dict) -> bool:
    try:
        async with http.post(webhook["url"], json={"ok": True, "result": update},
                             headers={SECRET_HEADER: webhook["secret_token"]}, timeout=POST_TIMEOUT) as resp:
            if 200 <= resp.status < 300:
                return True
            log.warning("sandbox zalo: webhook %s answered %s", webhook["url"], resp.status)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("sandbox zalo: webhook %s unreachable: %s", webhook["url"], error)
    return False
