"""A web server on the loopback address for the checks to fetch from: pages a test sets,
and a record of every request it got (its path and headers), so a test can prove what was
fetched, and what was not."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Page:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False
    """Answer nothing until the test ends: a server that never answers."""
    drip: bool = False
    """Send the status line and headers, then the body a byte at a time, slowly."""
    size: int | None = None
    """Send this many bytes of ``x`` (a huge body), in chunks, as long as it is read."""
    then: Page | None = None
    """Served once; every later request of the path gets ``then``: a host that answers
    differently the second time."""


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class Site:
    """The server's pages by path, and what it was asked."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[Request] = []
        self.sent: dict[str, int] = {}
        """Body bytes written for each path (a huge body stops when the reader goes)."""
        self.lock = threading.Lock()
        self.active = 0
        self.most_at_once = 0
        self.release = threading.Event()
        self.server: http.server.ThreadingHTTPServer | None = None
        self.scheme = "http"

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    def url(self, path: str, host: str = LOOPBACK) -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def page(self, path: str, body: str = "", status: int = 200, **kwargs: Any) -> str:
        """Serve ``body`` at ``path``; the page's address."""
        self.pages[path] = Page(status, body.encode("utf-8"), **kwargs)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.pages[path] = Page(status, headers={"Location": location})
        return self.url(path)

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            with site.lock:
                site.requests.append(Request(self.path, dict(self.headers.items())))
                page = site.pages.get(self.path, Page(404, b"not here"))
                if page.then is not None:
                    site.pages[self.path] = page.then
                site.active += 1
                site.most_at_once = max(site.most_at_once, site.active)
            try:
                self._answer(page)
            except OSError:
                pass  # the reader went away: what a check does past its limits
            finally:
                with site.lock:
                    site.active -= 1

        def _answer(self, page: Page) -> None:
            if page.hang:
                site.release.wait()
                return
            self.send_response(page.status)
            for name, value in page.headers.items():
                self.send_header(name, value)
            length = page.size if page.size is not None else len(page.body)
            self.send_header("Content-Length", str(length))
            self.send_header("Connection", "close")
            self.end_headers()
            if page.size is not None:
                self._huge(page.size)
            elif page.drip:
                for byte in page.body:
                    if site.release.wait(0.05):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            else:
                self.wfile.write(page.body)
                self._count(len(page.body))

        def _huge(self, size: int) -> None:
            chunk = b"x" * 65536
            left = size
            while left > 0 and not site.release.is_set():
                piece = chunk[: min(left, len(chunk))]
                self.wfile.write(piece)
                self._count(len(piece))
                left -= len(piece)

        def _count(self, size: int) -> None:
            with site.lock:
                site.sent[self.path] = site.sent.get(self.path, 0) + size

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # every connection of parallel checks at once, none dropped
    daemon_threads = True
    block_on_close = False


def serve(tls: tuple[Path, Path] | None = None) -> Iterator[Site]:
    """A site on 127.0.0.1 at a port the system picks, for as long as the test runs;
    ``tls``: its certificate and key, for https."""
    site = Site()
    server = _Server((LOOPBACK, 0), _handler(site))
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        site.scheme = "https"
    site.server = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield site
    finally:
        site.release.set()
        server.shutdown()
        server.server_close()
