"""A real HTTP server on 127.0.0.1 for platform tests: small handler functions, recorded requests.

    server = LocalServer()
    server.route("GET", "/api/v1/timelines/tag/qtime", lambda req: Response.json([...]))
    server.route("DELETE", "/api/v1/statuses/", handler, prefix=True)   # any path under it
    with server:                       # starts on a free port, in a thread
        url = server.url               # http://127.0.0.1:PORT
        ...
    server.requests                    # every request received, in order

A handler gets a `Request` and returns a `Response`, or a callable taking the
raw socket file for faults (drip a body slowly, drop the connection).
"""
from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    drip: float = 0.0  # seconds between body bytes (slow-drip server)
    drop: bool = False  # close the connection without answering

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None, **kw: Any) -> Response:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})}, **kw)

    @classmethod
    def gzipped(cls, raw: bytes, status: int = 200) -> Response:
        return cls(status, gzip.compress(raw), {"Content-Type": "application/json", "Content-Encoding": "gzip"})


Handler = Callable[[Request], Response]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.prefixes: list[tuple[str, str, Handler]] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def route(self, method: str, path: str, handler: Handler | Response, *, prefix: bool = False) -> None:
        """Serve `path` (with `prefix`: every path under it with no exact route, e.g. `/statuses/:id`)."""
        call = handler if callable(handler) else (lambda _req, r=handler: r)
        if prefix:
            self.prefixes.append((method, path, call))
        else:
            self.routes[(method, path)] = call

    def handler(self, method: str, path: str) -> Handler | None:
        exact = self.routes.get((method, path))
        if exact is not None:
            return exact
        return next((h for m, p, h in self.prefixes if m == method and path.startswith(p)), None)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def seen(self, method: str, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def __enter__(self) -> LocalServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, parts.path, parse_qs(parts.query),
                                  {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                with server._lock:
                    server.requests.append(request)
                handler = server.handler(self.command, parts.path)
                response = handler(request) if handler else Response.json({"error": "not found"}, 404)
                if response.delay:
                    time.sleep(response.delay)
                if response.drop:
                    self.close_connection = True
                    return
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                try:
                    if response.drip:
                        for byte in response.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(response.drip)
                    else:
                        self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
