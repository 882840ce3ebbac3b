"""Sandbox HTTP server: Bot API + control API + web chat page on one aiohttp app."""

import asyncio
import contextlib
import signal

from aiohttp import web

from bot.sandbox import bot_api, control, page, zalo_api
from bot.sandbox.bot_api import STATE_KEY
from bot.sandbox.delivery import WebhookDelivery
from bot.sandbox.state import SandboxState
from bot.sandbox.zalo_api import ZaloState
from bot.sandbox.zalo_delivery import deliver

# Long polls and waits are woken on shutdown, so in-flight requests finish almost at once.
_SHUTDOWN_TIMEOUT = 5.0
# Telegram accepts bot uploads up to 50 MB.
_MAX_REQUEST_SIZE = 60 * 1024 * 1024


def build_app(state: SandboxState, zalo: ZaloState) -> web.Application:
    app = web.Application(client_max_size=_MAX_REQUEST_SIZE)
    app[STATE_KEY] = state

    async def wake_waiters(_: web.Application) -> None:
        state.close()
        zalo.close()

    app.on_shutdown.append(wake_waiters)
    bot_api.add_routes(app)
    control.add_routes(app)
    zalo_api.add_routes(app, zalo)
    page.add_routes(app)
    return app


class SandboxServer:
    def __init__(self, runner: web.AppRunner, state: SandboxState, zalo: ZaloState, host: str, port: int) -> None:
        self._runner = runner
        self.state = state
        self.zalo = zalo
        # A wildcard bind address is not somewhere a client can connect to.
        shown_host = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host
        self.url = f"http://{shown_host}:{port}"
        self.page_url = f"{self.url}/"
        self.zalo_url = f"{self.url}/zalo"  # the Zalo Bot API base URL (CHIBO_ZALO_API_BASE_URL)
        self._delivery = asyncio.create_task(WebhookDelivery(state).run(), name="sandbox-webhook-delivery")
        self._zalo_delivery = asyncio.create_task(deliver(zalo), name="sandbox-zalo-webhook-delivery")

    async def stop(self) -> None:
        if self.state.closing:
            return
        self.state.close()
        self.zalo.close()
        # Cancel rather than await: the delivery may be mid-POST to a slow or dead webhook.
        for delivery in (self._delivery, self._zalo_delivery):
            delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivery
        await self._runner.cleanup()


async def start_sandbox(host: str = "127.0.0.1", port: int = 8080, *, first_update_id: int = 1) -> SandboxServer:
    state, zalo = SandboxState(first_update_id), ZaloState()
    runner = web.AppRunner(build_app(state, zalo), shutdown_timeout=_SHUTDOWN_TIMEOUT, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    real_port = runner.addresses[0][1]  # port=0 asks the OS for a free port
    return SandboxServer(runner, state, zalo, host, real_port)


def run_sandbox(host: str, port: int) -> None:
    async def serve() -> None:
        server = await start_sandbox(host, port)
        print(f"chibo sandbox: mở {server.page_url} trong trình duyệt (Ctrl-C để dừng)", flush=True)
        print(f"Bot API giả lập: TelegramAPIServer.from_base({server.url!r})", flush=True)
        print(f"Zalo Bot API giả lập: CHIBO_ZALO_API_BASE_URL={server.zalo_url}", flush=True)
        stopped = asyncio.Event()
        # SIGTERM (docker, systemd, CI) should stop as cleanly as Ctrl-C does.
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
        try:
            await stopped.wait()
        finally:
            await server.stop()
            print("chibo sandbox: đã dừng.", flush=True)

    # asyncio.run turns Ctrl-C into cancellation of serve(), so stop() runs before we return.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
