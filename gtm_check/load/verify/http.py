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

import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING
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

if TYPE_CHECKING:
    import http.client
    import ssl

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
                previous, current = current, _joined(current, location)
                continue
            if not 200 <= status < 300:
                raise Refused(f"answered {status}")
            return _found(status, contains, found, hops)
        raise Refused(f"redirected more than {MAX_REDIRECTS} times")
    except Refused as refused:
        return Fetched(False, refused.why, hops)


def _joined(current: str, location: str) -> str:
    """The address a redirect's Location names, read against the address that answered;
    Refused when the server's text is no address at all (``http://[::1/x``)."""
    try:
        return urljoin(current, location)
    except ValueError:
        raise Refused(f"redirected to {quoted(location)}, which is not a valid address") from None


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
        except (OSError, ValueError):  # ValueError: idna refuses the name (UnicodeError)
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


def _connect(hop: Hop, timeout: float, held: _Held, tls: ssl.SSLContext | None) -> None:
    """``held.sock``: a socket connected to the hop's judged address itself (nothing is
    resolved again), over TLS with the host's certificate and name verified for https.
    Each socket is held before it is used, so that the watchdog can cut it."""
    family = socket.AF_INET6 if ":" in hop.address else socket.AF_INET
    held.sock = socket.socket(family, socket.SOCK_STREAM)
    held.sock.settimeout(timeout)
    held.sock.connect((hop.address, hop.port))
    if hop.scheme == "https":
        import ssl  # deferred: 34 ms to import, which an audit without a url check never needs

        context = tls or ssl.create_default_context()
        wrapped = context.wrap_socket(
            held.sock, server_hostname=hop.host, do_handshake_on_connect=False
        )
        held.sock = wrapped
        wrapped.do_handshake()


class _Held:
    """The socket of a request, whichever it is at the moment (plain, then TLS)."""

    sock: socket.socket | None = None


class _Watchdog:
    """Shuts the held socket at the deadline: every read, write and handshake then ends."""

    def __init__(self, held: _Held, deadline: float) -> None:
        self.held = held
        self.timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        self.timer.daemon = True

    def _cut(self) -> None:
        sock = self.held.sock
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
        if self.held.sock is not None:
            self.held.sock.close()


def _request(
    hop: Hop, deadline: float, contains: str | None, tls: ssl.SSLContext | None
) -> tuple[int, str | None, bool]:
    """The status, the Location (for a redirect) and whether ``contains`` was found."""
    import http.client  # deferred: 13 ms to import, which an audit without --verify never needs

    left = deadline - time.monotonic()
    if left <= 0:
        raise Refused("no answer in the time a check has")
    held = _Held()
    try:
        with _Watchdog(held, deadline):
            _connect(hop, left, held, tls)
            # A plain connection over the socket made here: it never connects by itself.
            connection = http.client.HTTPConnection(hop.host, hop.port, timeout=left)
            connection.sock = held.sock
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
    import http.client
    import ssl

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
