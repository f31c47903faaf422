"""One guarded GET for a url check: allowed hosts, public addresses, bounded in time and bytes.

Each hop of the request (the address, then each redirect) is judged before it is made: its
scheme (http or https, never from https down to http), its host (listed in the policy's
``verify_hosts``), and every address the host resolves to (a private, loopback, link-local,
multicast, unspecified or reserved one, or an IPv6 form of one, only when the policy names
it). The host is resolved once and the connection goes to the address that was judged, so a
name that resolves differently a moment later (DNS rebinding) cannot redirect it. Nothing
else is sent but a fixed request: no credentials (no netrc, no cookies, no proxy: the
environment's proxy settings are not read), a fixed User-Agent, ``Accept-Encoding:
identity`` (so no compressed body can inflate). TLS certificates and host names are
verified. At most ``MAX_BODY_BYTES`` of the body are read, and only when a text is sought.
A watchdog shuts the socket at the deadline, so a server that answers a byte at a time
cannot hold the check past it.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urljoin, urlsplit

from gtm_check import __version__
from gtm_check.model.problems import quoted
from gtm_check.model.verify import (
    IPAddress,
    address_allowed,
    host_allowed,
    parse_address,
    special_address,
)

USER_AGENT = f"gtm-check/{__version__} (launch readiness check)"
MAX_REDIRECTS = 5
MAX_BODY_BYTES = 1024 * 1024
"""The most of a body read when a check seeks a text in it (1 MiB)."""
CHUNK = 64 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}


class Refused(Exception):
    """Why the check failed, in words: a hop refused, or the server's failure."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass
class Fetched:
    """What a url check found, and every (host, address) it went to."""

    passed: bool
    why: str
    hops: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Hop:
    """One request of the chain, judged and ready: where it goes and what it asks."""

    scheme: str
    host: str
    port: int
    address: str
    netloc: str
    target: str
    """The path and query, as the request line carries them."""


def fetch(
    url: str,
    hosts: Sequence[str],
    *,
    deadline: float,
    contains: str | None = None,
    tls: ssl.SSLContext | None = None,
    first: Hop | None = None,
) -> Fetched:
    """GET ``url`` by the rules above and say whether it answered 2xx (with ``contains`` in
    the first ``MAX_BODY_BYTES`` of its body, when given) before ``deadline``
    (``time.monotonic``). ``first``: the first hop, already judged."""
    hops: list[tuple[str, str]] = []
    try:
        current = url
        previous: str | None = None
        for _ in range(MAX_REDIRECTS + 1):
            hop = (
                first if first is not None and previous is None else judge(current, previous, hosts)
            )
            hops.append((hop.host, hop.address))
            status, location, found = _request(hop, deadline, contains, tls)
            if status in REDIRECTS:
                if not location:
                    raise Refused(f"answered {status} without saying where to")
                previous, current = current, urljoin(current, location)
                continue
            if not 200 <= status < 300:
                raise Refused(f"answered {status}")
            return _found(status, contains, found, hops)
        raise Refused(f"redirected more than {MAX_REDIRECTS} times")
    except Refused as refused:
        return Fetched(False, refused.why, hops)


def _found(status: int, contains: str | None, found: bool, hops: list[tuple[str, str]]) -> Fetched:
    if contains is None:
        return Fetched(True, f"answered {status}", hops)
    if found:
        return Fetched(True, f"answered {status} with {quoted(contains)}", hops)
    return Fetched(
        False,
        f"answered {status}, but {quoted(contains)} is not in the first {MAX_BODY_BYTES:,} bytes",
        hops,
    )


def judge(url: str, previous: str | None, hosts: Sequence[str]) -> Hop:
    """The request ``url`` makes, if every rule allows it; else Refused, saying which."""
    shown = quoted(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(f"redirected to {shown}, which is not a valid address") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise Refused(f"redirected to {shown}, which is not an http or https address")
    if previous is not None and urlsplit(previous).scheme == "https" and parts.scheme == "http":
        raise Refused(f"redirected from https to plain http ({shown})")
    if "@" in parts.netloc:
        raise Refused(f"redirected to {shown}, which holds a user name or password")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused(f"redirected to {shown}, which names no host")
    if not host_allowed(hosts, host):
        listed = "does not list it" if hosts else "lists no host"
        raise Refused(f"the host {host} may not be fetched: the policy's verify_hosts {listed}")
    port = port or DEFAULT_PORTS[parts.scheme]
    address = _resolve(host, port, hosts)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Hop(parts.scheme, host, port, str(address), parts.netloc, target)


def _resolve(host: str, port: int, hosts: Sequence[str]) -> IPAddress:
    """The address to connect to: the host's first, once every address it resolves to has
    been judged (a name that also resolves to a private address is refused outright)."""
    literal = parse_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise Refused(f"the host {host} could not be found") from None
        found = [parse_address(str(info[4][0])) for info in infos]
        addresses = list(dict.fromkeys(a for a in found if a is not None))
        if not addresses:
            raise Refused(f"the host {host} could not be found")
    for address in addresses:
        why = special_address(address)
        if why is not None and not address_allowed(hosts, address):
            raise Refused(
                f"{host} resolves to {address}, a {why} address: gtm-check reaches one only "
                "when the policy's verify_hosts names it (the address or its network)"
            )
    return addresses[0]


def _connect(hop: Hop, timeout: float | None) -> socket.socket:
    """A socket connected to the hop's judged address itself: nothing is resolved again."""
    family = socket.AF_INET6 if ":" in hop.address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((hop.address, hop.port))
    except BaseException:
        sock.close()
        raise
    return sock


class _Pinned(http.client.HTTPConnection):
    """A connection to the address that was judged, whatever the host name resolves to now."""

    def __init__(self, hop: Hop, timeout: float) -> None:
        super().__init__(hop.host, hop.port, timeout=timeout)
        self.hop = hop
        self.held: socket.socket | None = None
        """The socket, kept for the watchdog: the response takes it from ``sock``."""

    def connect(self) -> None:
        self.sock = self.held = _connect(self.hop, self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """As ``_Pinned``, over TLS with the host's certificate and name verified."""

    def __init__(self, hop: Hop, timeout: float, tls: ssl.SSLContext) -> None:
        super().__init__(hop.host, hop.port, timeout=timeout, context=tls)
        self.hop = hop
        self.tls = tls
        self.held: socket.socket | None = None

    def connect(self) -> None:
        self.held = _connect(self.hop, self.timeout)
        # Handshake after the socket is held, so that the watchdog can cut it too.
        wrapped = self.tls.wrap_socket(
            self.held, server_hostname=self.hop.host, do_handshake_on_connect=False
        )
        self.sock = self.held = wrapped
        wrapped.do_handshake()


class _Watchdog:
    """Shuts the connection's socket at the deadline: every read and write then ends."""

    def __init__(self, connection: _Pinned | _PinnedTLS, deadline: float) -> None:
        self.connection = connection
        self.timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self.timer.daemon = True

    def _cut(self) -> None:
        sock = self.connection.held
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.timer.cancel()
        self.connection.close()
        if self.connection.held is not None:
            self.connection.held.close()


def _request(
    hop: Hop, deadline: float, contains: str | None, tls: ssl.SSLContext | None
) -> tuple[int, str | None, bool]:
    """The status, the Location (for a redirect) and whether ``contains`` was found."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise Refused("no answer in the time a check has")
    connection: _Pinned | _PinnedTLS = (
        _PinnedTLS(hop, left, tls or ssl.create_default_context())
        if hop.scheme == "https"
        else _Pinned(hop, left)
    )
    try:
        with _Watchdog(connection, deadline):
            connection.putrequest("GET", hop.target, skip_host=True, skip_accept_encoding=True)
            for name, value in (
                ("Host", hop.netloc),
                ("User-Agent", USER_AGENT),
                ("Accept", "*/*"),
                ("Accept-Encoding", "identity"),
                ("Connection", "close"),
            ):
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            if response.status in REDIRECTS:
                return response.status, response.getheader("Location"), False
            found = contains is not None and 200 <= response.status < 300
            return response.status, None, found and _seek(response, contains or "", deadline)
    except Refused:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise Refused(_failure(exc, hop, deadline)) from None


def _seek(response: http.client.HTTPResponse, text: str, deadline: float) -> bool:
    """Whether ``text`` (as UTF-8) is in the first MAX_BODY_BYTES of the body."""
    needle = text.encode("utf-8")
    body = bytearray()
    while len(body) < MAX_BODY_BYTES:
        if time.monotonic() >= deadline:
            raise Refused("no full answer in the time a check has")
        chunk = response.read(min(CHUNK, MAX_BODY_BYTES - len(body)))
        if not chunk:
            break
        start = max(0, len(body) - len(needle) + 1)
        body += chunk
        if body.find(needle, start) >= 0:
            return True
    if time.monotonic() >= deadline:
        raise Refused("no full answer in the time a check has")
    return False


def _failure(exc: BaseException, hop: Hop, deadline: float) -> str:
    """A network failure in words (never the library's own)."""
    if time.monotonic() >= deadline - 0.01 or isinstance(exc, TimeoutError):
        return "no full answer in the time a check has"
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or "not trusted"
        return f"the TLS certificate of {hop.host} could not be verified ({reason})"
    if isinstance(exc, ssl.SSLError):
        return f"the TLS handshake with {hop.host} failed"
    if isinstance(exc, ConnectionRefusedError):
        return f"{hop.host} refused the connection"
    if isinstance(exc, http.client.InvalidURL | ValueError):
        return "the address cannot be requested as written"
    if isinstance(exc, http.client.HTTPException):
        return f"{hop.host} did not answer in HTTP"
    return f"could not reach {hop.host}"
