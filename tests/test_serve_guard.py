"""The guard of `qtime serve` on a real aiohttp server on 127.0.0.1, and the command's refusals.

The end-to-end checks against a running `qtime serve` are in test_serve.py;
here the rules are checked one by one, and every route textual-serve
declares is shown to need the token.
"""
from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import BaseTestServer, TestServer

from tui.cli import main
from tui.commands.serve import is_loopback, served_command
from tui.web.guard import Guard, Token, same_origin
from tui.web.server import GuardedServer


async def ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def guarded_app(guard: Guard) -> web.Application:
    app = web.Application(middlewares=[guard.middleware])
    app.router.add_get("/", ok)
    return app


async def status(server: BaseTestServer, path: str = "/", **headers: str) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url(path), headers=headers) as response:
            return response.status


async def test_every_route_textual_serve_declares_needs_the_token() -> None:
    server = GuardedServer("exec false", Guard(Token()), host="127.0.0.1", port=0)
    app = await server._make_app()
    paths = [resource.canonical for resource in app.router.resources()]
    assert {"/", "/ws", "/static", "/download/{key}"} <= set(paths)
    async with TestServer(app, host="127.0.0.1") as test_server:
        for path in paths:
            concrete = path.replace("{key}", "k") + ("/js/textual.js" if path == "/static" else "")
            assert await status(test_server, concrete) == 403, path


async def test_the_token_is_compared_whole_and_in_any_form_refused_safely() -> None:
    token = Token("s3cret-token_value")
    async with TestServer(guarded_app(Guard(token)), host="127.0.0.1") as server:
        assert await status(server, "/?token=s3cret-token_value") == 200
        for wrong in ("s3cret-token_valu", "s3cret-token_valuee", "S3CRET-TOKEN_VALUE", "%C3%A9", "", "s3cret-token_value%00"):
            assert await status(server, f"/?token={wrong}") == 403, wrong


async def test_the_cookie_is_the_servers_own() -> None:
    token = Token()
    first, second = Guard(token), Guard(token)
    assert first.cookie != second.cookie  # two servers on one machine (cookies ignore ports) keep theirs
    async with TestServer(guarded_app(first), host="127.0.0.1") as server:
        assert await status(server, Cookie=f"{first.cookie}={token.reveal()}") == 200
        assert await status(server, Cookie=f"{second.cookie}={token.reveal()}") == 403
        assert await status(server, Cookie=f"{first.cookie}={token.reveal()}x") == 403


async def test_origin_must_match_the_host_the_page_was_served_under() -> None:
    token = Token()
    async with TestServer(guarded_app(Guard(token)), host="127.0.0.1") as server:
        path = f"/?token={token.reveal()}"
        tunnel = {"Host": "localhost:9000", "Origin": "http://localhost:9000"}  # ssh -L 9000:127.0.0.1:PORT
        assert await status(server, path, **tunnel) == 200
        assert await status(server, path, Host="localhost:9000", Origin="http://localhost:8000") == 403
        assert await status(server, path, Host="localhost:9000", Origin="http://localhost:9000.evil.example") == 403
        assert await status(server, path, Host="[::1]:9000", Origin="http://[::1]:9000") == 200
        assert await status(server, path, Host="localhost:9000", Origin="null") == 403
        assert await status(server, path, Host="bad host") == 403


def test_same_origin_reads_the_origin_strictly() -> None:
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin("https://QTIME.example:443", "qtime.example:443")
    assert not same_origin("http://127.0.0.1:8000/evil", "127.0.0.1:8000")
    assert not same_origin("ftp://127.0.0.1:8000", "127.0.0.1:8000")
    assert not same_origin("http://user@127.0.0.1:8000", "127.0.0.1:8000")
    assert not same_origin("http://[::1", "[::1]:8000")


def test_the_token_never_shows_in_a_repr() -> None:
    token = Token()
    guard = Guard(token)
    assert token.reveal() not in repr(token) and token.reveal() not in repr(vars(guard))


def test_the_served_command_quotes_every_word(tmp_path: Path) -> None:
    path = tmp_path / "a b;$(touch x)`y`'\"z.json"
    words = shlex.split(served_command(path, "host"))
    assert words == ["exec", sys.executable, "-P", "-m", "tui", "run", "--store", str(path.resolve()), "--role", "host"]
    assert shlex.split(served_command(path, "host", "it"))[-2:] == ["--lang", "it"]  # the tabs speak the server's --lang


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.3.2.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example.com", False), ("localhost.evil", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_non_loopback_host_is_refused_without_allow_remote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--store", str(tmp_path / "s.json"), "--host", "0.0.0.0"]) == 2
    error = capsys.readouterr().err
    assert "not a loopback address" in error and "ssh -L 8000:127.0.0.1:8000" in error and "--allow-remote" in error


def test_a_file_that_is_not_a_store_is_refused_before_serving(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "notes.json"
    foreign.write_text('{"someone": "else"}')
    assert main(["serve", "--store", str(foreign), "--port", "0"]) == 2
    assert str(foreign) in capsys.readouterr().err
    assert foreign.read_text() == '{"someone": "else"}'
    assert main(["serve", "--store", str(foreign), "--port", "70000"]) == 2


def test_allow_remote_warns_and_a_port_it_cannot_bind_exits_2(tmp_path: Path) -> None:
    """192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails, nothing is sent anywhere."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "tui", "serve", "--store", str(tmp_path / "s.json"), "--port", "0"]
    remote = subprocess.run([*command, "--host", "192.0.2.1", "--allow-remote"], capture_output=True, text=True,
                            timeout=60, env=env)
    assert remote.returncode == 2
    assert "warning: listening on 192.0.2.1, not loopback: the page is plain http" in remote.stderr
    assert "cannot listen on 192.0.2.1:0" in remote.stderr and "Traceback" not in remote.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run([*command[:-1], str(port)], capture_output=True, text=True, timeout=60, env=env)
    assert busy.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    assert "token=" not in busy.stdout + remote.stdout  # no URL for a server that is not there
