"""The real `qtime serve` on 127.0.0.1: the token, its cookie, the Origin check, the sessions it runs.

Every request goes over a real socket to a real `qtime serve` process; a
websocket that gets through starts a real `qtime run` on the store.
"""
from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.serving import TITLE, Served, alive, descendants, make_store

pytestmark = pytest.mark.timeout(180)

# A folder and a store name a shell would run commands from, had the served command not been quoted.
HOSTILE_FOLDER = "we ird;touch PWNED1;'q`touch PWNED2`"
HOSTILE_STORE = "s $(touch PWNED3) \"x\".json"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("serve")
    folder = root / HOSTILE_FOLDER
    folder.mkdir()
    make_store(folder / HOSTILE_STORE).close()
    with Served(folder / HOSTILE_STORE, cwd=root) as server:
        server.root = root  # type: ignore[attr-defined]
        yield server


def jar() -> aiohttp.CookieJar:
    return aiohttp.CookieJar(unsafe=True)  # aiohttp keeps no cookie for an IP address otherwise


def ws_url(served: Served, query: str = "") -> str:
    return served.base.replace("http://", "ws://") + "ws" + query


async def screen_until(websocket: aiohttp.ClientWebSocketResponse, text: bytes) -> bytes:
    """What the session's app wrote to its terminal, until `text` shows up."""
    seen = b""
    while text not in seen:
        message = await asyncio.wait_for(websocket.receive(), 60)
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), f"the session ended: {message}"
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
    return seen


async def handshake_status(url: str, **kwargs: Any) -> int:
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        try:
            async with http.ws_connect(url, **kwargs):
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


async def test_without_the_token_every_route_is_refused(served: Served) -> None:
    wrong = served.token[:-1] + ("A" if served.token[-1] != "A" else "B")
    paths = ["", "?token=", f"?token={wrong}", "?token=%C3%A9t%C3%A9", "static/js/textual.js", "static/",
             "download/anything", "ws", f"ws?token={wrong}"]
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        for path in paths:
            async with http.get(served.base + path) as response:
                body = await response.text()
                assert response.status == 403, path
                assert "Set-Cookie" not in response.headers
                assert wrong not in body and "textual" not in body


async def test_the_token_opens_the_page_once_then_its_cookie_alone_does(served: Served) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        async with http.get(served.url) as response:
            page = await response.text()
            assert response.status == 200
            cookie = response.headers["Set-Cookie"]
        assert served.token in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert served.token not in page  # the page itself never carries it
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
        assert response.headers["Referrer-Policy"] == "no-referrer"  # the URL with the token goes nowhere else
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        for path in ("", "static/js/textual.js", "static/css/xterm.css"):
            async with http.get(served.base + path) as response:  # the cookie alone
                assert response.status == 200, path
                assert "Set-Cookie" not in response.headers


async def test_a_websocket_without_the_token_is_refused(served: Served) -> None:
    assert await handshake_status(ws_url(served)) == 403
    assert await handshake_status(ws_url(served), headers={"Cookie": "qtime-serve-0=nope"}) == 403
    assert await handshake_status(ws_url(served, "?token=nope"), origin=served.base.rstrip("/")) == 403


async def test_another_origin_is_refused_even_with_the_token(served: Served) -> None:
    origins = ["http://evil.example", f"http://127.0.0.1:{served.port + 1}", f"http://localhost:{served.port}",
               "null", f"http://127.0.0.1:{served.port}.evil.example"]
    for origin in origins:
        assert await handshake_status(ws_url(served, f"?token={served.token}"), origin=origin) == 403, origin
        async with aiohttp.ClientSession(cookie_jar=jar()) as http:
            async with http.get(served.url, headers={"Origin": origin}) as response:
                assert response.status == 403, origin


async def test_the_page_asked_through_a_tunnel_uses_the_tunnels_port(served: Served) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        async with http.get(served.url, headers={"Host": "localhost:9999", "Origin": "http://localhost:9999"}) as response:
            page = await response.text()
            assert response.status == 200
        assert 'data-session-websocket-url="ws://localhost:9999/ws"' in page
        assert "http://localhost:9999/static/js/textual.js" in page
        async with http.get(served.url, headers={"Host": 'x"><script>alert(1)</script>'}) as response:
            assert response.status == 403  # a Host the page would have to echo is refused


async def test_a_websocket_from_the_page_runs_the_app_on_the_quoted_store(served: Served) -> None:
    async with aiohttp.ClientSession(cookie_jar=jar()) as http:
        async with http.get(served.url) as response:
            assert response.status == 200
        async with http.ws_connect(ws_url(served, "?width=120&height=40"), origin=served.base.rstrip("/")) as websocket:
            screen = await screen_until(websocket, TITLE.encode())
    assert b"Quando arriva la fibra" in screen  # the store's first question, in the session's terminal
    root: Path = served.root  # type: ignore[attr-defined]
    assert not list(root.rglob("PWNED*"))  # no word of the store's path ran as a command


async def test_the_token_is_printed_once_and_never_logged_nor_stored(tmp_path: Path) -> None:
    make_store(tmp_path / "s.json").close()
    with Served(tmp_path / "s.json") as served:
        origin = served.base.rstrip("/")
        async with aiohttp.ClientSession(cookie_jar=jar()) as http:
            async with http.get(served.url) as response:
                assert response.status == 200
            async with http.get(f"{served.base}static/css/xterm.css?token={served.token}",
                                headers={"Referer": served.url}) as response:
                assert response.status == 200
            async with http.get(f"{served.base}nowhere?token={served.token}", headers={"Referer": served.url}) as response:
                assert response.status == 404
            async with http.get(served.url, headers={"Origin": "http://evil.example", "Referer": served.url}) as response:
                assert response.status == 403
            async with http.ws_connect(ws_url(served, f"?token={served.token}"), origin=origin) as websocket:
                await screen_until(websocket, TITLE.encode())
    assert served.returncode == 0
    output = served.stdout + served.stderr
    assert output.count(served.token) == 1
    assert [line for line in output.splitlines() if served.token in line] == [f"    {served.url}"]
    assert "refused GET / from 127.0.0.1: an Origin other than the served page's" in served.stderr
    assert "a browser session opened from 127.0.0.1" in served.stderr
    stored = [path for path in tmp_path.glob("s.json*") if path.is_file()]
    assert stored and all(served.token.encode() not in path.read_bytes() for path in stored)


async def test_stopping_the_server_ends_every_session_it_runs(tmp_path: Path) -> None:
    make_store(tmp_path / "s.json").close()
    with Served(tmp_path / "s.json") as served:
        async with aiohttp.ClientSession(cookie_jar=jar()) as http:
            async with http.ws_connect(ws_url(served, f"?token={served.token}"), origin=served.base.rstrip("/")) as websocket:
                await screen_until(websocket, TITLE.encode())
                sessions = descendants(served.process.pid)
                assert sessions  # the session's app runs below the server
                served.process.send_signal(signal.SIGINT)
                while (last := await asyncio.wait_for(websocket.receive(), 60)).type == aiohttp.WSMsgType.BINARY:
                    pass  # the app's last frames
                # The server's close frame says why (the client's own close_code reads 1006 when the
                # server drops the connection before the client's reply is written).
                assert (last.type, last.data, last.extra) == (aiohttp.WSMsgType.CLOSE, aiohttp.WSCloseCode.GOING_AWAY,
                                                              "qtime serve stopped")
    assert served.returncode == 0
    assert not [pid for pid in sessions if alive(pid)]
    assert "a browser session from 127.0.0.1 closed" in served.stderr
