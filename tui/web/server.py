"""textual-serve's server with the guard in front and no access log.

textual-serve (pinned in pyproject.toml: this subclass relies on its routes
and hooks) starts `command` through a shell for each browser session and
relays the terminal over the websocket `/ws`. What changes here:

- `Guard.middleware` runs first on every route (`tui/web/guard.py`);
- no access log (aiohttp's default logs each request line, query string,
  token and Referer included) and no Rich tracebacks with local variables:
  `qtime.serve` logs refusals and sessions, by path;
- the page builds its websocket and static URLs from the request's Host
  (checked by the guard), so an SSH tunnel on another port works;
- no banner: `run` prints the URL once, when the port is bound;
- stopping the server tells each session's app to quit (its drafts are kept)
  and waits for it.
"""
from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from tui.i18n import _
from tui.web.guard import Guard

log = logging.getLogger("qtime.serve")

TITLE = "questiontime"
# How long stopping waits for the sessions' apps to quit (each saves and compacts its store).
SHUTDOWN_TIMEOUT = 20.0


class GuardedServer(Server):
    def __init__(self, command: str, guard: Guard, *, host: str, port: int) -> None:
        super().__init__(command, host=host, port=port, title=TITLE)
        self.guard = guard
        self.sessions: set[web.WebSocketResponse] = set()
        self.processes: set[asyncio.subprocess.Process] = set()  # the sessions' apps, reaped on stop

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.insert(0, self.guard.middleware)  # before every route, static files included
        return app

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner and the command here; `run` prints the URL instead."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every session: textual-serve then tells its app to quit (`wait_for_apps` waits for it)."""
        for websocket in list(self.sessions):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"qtime serve stopped")

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with URLs on the Host it was asked under (the guard checked its form)."""
        secure = request.scheme == "https"
        base = f"{'https' if secure else 'http'}://{request.host}"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{'wss' if secure else 'ws'}://{request.host}/ws",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        log.info(_("a browser session opened from {remote}").format(remote=request.remote))
        try:
            return await super().handle_websocket(request)
        finally:
            log.info(_("a browser session from {remote} closed").format(remote=request.remote))

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        self.sessions.add(websocket)
        self.processes = {process for process in self.processes if process.returncode is None}
        if app_service._process is not None:  # textual-serve never waits for it: `wait_for_apps` does
            self.processes.add(app_service._process)
        try:
            await super()._process_messages(websocket, app_service)
        finally:
            self.sessions.discard(websocket)

    async def wait_for_apps(self, timeout: float) -> None:
        """Wait for the sessions' apps, told to quit, to save and exit; kill what is left after `timeout`."""
        processes = [process for process in self.processes if process.returncode is None]
        if not processes:
            return
        await asyncio.wait([asyncio.ensure_future(process.wait()) for process in processes], timeout=timeout)
        for process in processes:
            if process.returncode is None:
                log.warning(_("a session's app did not quit in {seconds} s: killed").format(seconds=f"{timeout:.0f}"))
                process.kill()
                await process.wait()


def log_to_stderr() -> None:
    """Plain lines on stderr for the server's own news and textual-serve's errors."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("qtime serve: %(message)s"))
    for name in ("qtime.serve", "textual-serve"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


async def serve(server: GuardedServer, announce: Callable[[int], None]) -> None:
    """Listen on the server's host and port until SIGINT or SIGTERM.

    `announce` gets the bound port (the one the system chose for port 0).
    Raises OSError when the address cannot be bound.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # SIGHUP: its terminal closed
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(await server._make_app(), access_log=None, handle_signals=False,
                           shutdown_timeout=SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        await web.TCPSite(runner, server.host, server.port).start()
        announce(runner.addresses[0][1])
        await stop.wait()
    finally:
        await runner.cleanup()  # closes the sessions (`on_shutdown`): each app is told to quit
        await server.wait_for_apps(SHUTDOWN_TIMEOUT)
