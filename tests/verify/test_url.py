"""url checks against a real server on the loopback address: what passes, what fails and
why, and every network rule of SECURITY.md ("Checks that read and fetch")."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gtm_check.load.verify.http import MAX_BODY_BYTES, MAX_REDIRECTS, USER_AGENT, fetch
from gtm_check.load.verify.url import check_url
from gtm_check.model.problems import quoted
from gtm_check.model.verify import UrlCheck, special_address
from tests.verify.server import Site, serve

LOOPBACK = ["127.0.0.1"]
"""A policy that names the loopback address: the test server may be fetched."""


def soon(seconds: float = 2.0) -> float:
    return time.monotonic() + seconds


def test_a_page_that_answers_200_passes(site: Site) -> None:
    fetched = fetch(site.page("/pricing", "Acme Insights: $10"), LOOPBACK, deadline=soon())
    assert (fetched.passed, fetched.why) == (True, "answered 200")


@pytest.mark.parametrize("status", [201, 204, 299])
def test_any_2xx_passes(site: Site, status: int) -> None:
    assert fetch(site.page("/p", status=status), LOOPBACK, deadline=soon()).passed


@pytest.mark.parametrize("status", [404, 410, 500, 503, 199, 304])
def test_other_statuses_fail_saying_which(site: Site, status: int) -> None:
    fetched = fetch(site.page("/p", status=status), LOOPBACK, deadline=soon())
    assert (fetched.passed, fetched.why) == (False, f"answered {status}")


def test_contains_is_sought_in_the_body(site: Site) -> None:
    url = site.page("/pricing", "<h1>Acme Insights</h1> from $10")
    assert fetch(url, LOOPBACK, deadline=soon(), contains="Acme Insights").passed
    missed = fetch(url, LOOPBACK, deadline=soon(), contains="Acme Atlas")
    assert not missed.passed
    assert missed.why == (
        f"answered 200, but 'Acme Atlas' is not in the first {MAX_BODY_BYTES:,} bytes"
    )


def test_contains_is_utf8_text(site: Site) -> None:
    url = site.page("/p", "Préis: 10 €")
    assert fetch(url, LOOPBACK, deadline=soon(), contains="10 €").passed


def test_a_slow_answer_fails_at_its_deadline(site: Site) -> None:
    url = site.page("/p", "x", hang=True)
    started = time.monotonic()
    fetched = fetch(url, LOOPBACK, deadline=soon(0.3))
    assert (fetched.passed, fetched.why) == (False, "no full answer in the time a check has")
    assert time.monotonic() - started < 5  # not the server's pace: it never answers


def test_a_body_dripped_a_byte_at_a_time_is_cut_at_the_deadline(site: Site) -> None:
    # Each byte comes well within any read timeout; only the deadline ends it.
    url = site.page("/p", "x" * 200, drip=True)
    fetched = fetch(url, LOOPBACK, deadline=soon(0.3), contains="y")
    assert (fetched.passed, fetched.why) == (False, "no full answer in the time a check has")


def test_a_huge_body_is_read_only_up_to_the_limit(site: Site) -> None:
    url = site.page("/huge", size=1024 * MAX_BODY_BYTES)  # a GiB, were it all read
    fetched = fetch(url, LOOPBACK, deadline=soon(10), contains="never there")
    assert not fetched.passed
    assert "is not in the first 1,048,576 bytes" in fetched.why
    site.release.set()
    # The server stops writing when the reader goes: far less than a GiB left it.
    time.sleep(0.1)
    assert site.sent["/huge"] < 64 * MAX_BODY_BYTES


def test_a_huge_body_is_not_read_at_all_without_contains(site: Site) -> None:
    url = site.page("/huge", size=1024 * MAX_BODY_BYTES)
    assert fetch(url, LOOPBACK, deadline=soon(10)).passed


# --- hosts and addresses -----------------------------------------------------------------------


def test_no_host_is_fetched_without_verify_hosts(site: Site) -> None:
    fetched = fetch(site.page("/p"), [], deadline=soon())
    assert not fetched.passed
    assert fetched.why == (
        "the host 127.0.0.1 may not be fetched: the policy's verify_hosts lists no host"
    )
    assert site.requests == []


def test_a_host_the_policy_does_not_list_is_not_fetched(site: Site) -> None:
    fetched = fetch(site.page("/p"), ["docs.acme.example"], deadline=soon())
    assert "verify_hosts does not list it" in fetched.why
    assert site.requests == []


def test_a_private_address_is_refused_unless_the_policy_names_it(site: Site) -> None:
    # localhost is listed by name, but it resolves to a loopback address: refused.
    url = site.page("/p").replace("127.0.0.1", "localhost")
    refused = fetch(url, ["localhost"], deadline=soon())
    assert not refused.passed
    assert "localhost resolves to 127.0.0.1, a loopback address" in refused.why
    assert site.requests == []
    # Named as an address (or a network), it is allowed.
    for named in (["localhost", "127.0.0.1"], ["localhost", "127.0.0.0/8"]):
        assert fetch(url, named, deadline=soon()).passed
    assert len(site.requests) == 2


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("127.0.0.2", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "shared"),
        ("192.0.0.8", "special-purpose"),
        ("198.18.0.1", "private"),
        ("fec0::1", "site-local"),
        ("fec0::ffff:808:808", "site-local"),
        ("64:ff9b::a00:1", "private"),
        ("3fff::1", "documentation"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:a00:1::", "private"),
    ],
)
def test_every_special_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, address: str, kind: str
) -> None:
    resolved = _resolving_to(monkeypatch, address)
    fetched = fetch("http://docs.acme.example/", ["docs.acme.example"], deadline=soon())
    assert not fetched.passed
    assert fetched.why.startswith("docs.acme.example resolves to ")
    assert f"a {kind} address" in fetched.why
    assert resolved == ["docs.acme.example"]


def test_a_name_that_also_resolves_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _resolving_to(monkeypatch, "93.184.216.34", "10.0.0.7")
    fetched = fetch("http://docs.acme.example/", ["docs.acme.example"], deadline=soon())
    assert "resolves to 10.0.0.7, a private address" in fetched.why


def test_the_connection_goes_to_the_address_that_was_judged(
    monkeypatch: pytest.MonkeyPatch, site: Site
) -> None:
    # DNS rebinding: the name resolves to an allowed address when judged, and to another
    # a moment later. The host is resolved once; the connection goes where it was judged.
    answers = iter(["127.0.0.1", "10.9.9.9", "10.9.9.9"])
    calls: list[str] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = site.page("/p").replace("127.0.0.1", "rebind.example")
    fetched = fetch(url, ["rebind.example", "127.0.0.1"], deadline=soon())
    assert fetched.passed, fetched.why
    assert calls == ["rebind.example"]
    assert site.requests[0].headers["Host"] == f"rebind.example:{site.port}"


# --- redirects ---------------------------------------------------------------------------------


def test_a_redirect_to_an_allowed_host_is_followed(site: Site) -> None:
    site.page("/new", "Acme")
    fetched = fetch(site.redirect("/old", "/new"), LOOPBACK, deadline=soon(), contains="Acme")
    assert fetched.passed
    assert site.paths() == ["/old", "/new"]


def test_a_redirect_to_a_host_not_allowed_is_not_followed(site: Site) -> None:
    fetched = fetch(site.redirect("/old", "http://internal.acme.example/admin"), LOOPBACK,
                    deadline=soon())  # fmt: skip
    assert not fetched.passed
    assert "the host internal.acme.example may not be fetched" in fetched.why
    assert site.paths() == ["/old"]


def test_a_redirect_to_a_private_address_is_not_followed(
    monkeypatch: pytest.MonkeyPatch, site: Site
) -> None:
    # internal.test is a listed host, but it resolves to a private address, which is not.
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "internal.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = site.redirect("/old", "http://internal.test/admin")
    fetched = fetch(url, [*LOOPBACK, "internal.test"], deadline=soon())
    assert "internal.test resolves to 10.0.0.5, a private address" in fetched.why
    assert site.paths() == ["/old"]


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("file:///etc/passwd", "not an http or https address"),
        ("gopher://127.0.0.1/", "not an http or https address"),
        ("http://user:secret@127.0.0.1/", "holds a user name or password"),
    ],
)
def test_a_redirect_elsewhere_than_http_is_refused(site: Site, location: str, why: str) -> None:
    fetched = fetch(site.redirect("/old", location), LOOPBACK, deadline=soon())
    assert why in fetched.why
    assert site.paths() == ["/old"]


@pytest.mark.parametrize(
    "location",
    [
        "http://[::1/x",  # an unclosed IPv6 bracket: no address at all
        "//[::1/x",
        "http://[::1\x1b[31m/x",  # a terminal escape in it, shown made safe
        "http://127.0.0.1:99999/",  # a port past 65535
        "http://127.0.0.1:x/",
    ],
)
def test_a_redirect_to_no_valid_address_fails_that_check(site: Site, location: str) -> None:
    fetched = fetch(site.redirect("/old", location), LOOPBACK, deadline=soon())
    assert (fetched.passed, fetched.why) == (
        False,
        f"redirected to {quoted(location)}, which is not a valid address",
    )
    assert "\x1b" not in fetched.why
    assert site.paths() == ["/old"]


def test_a_host_name_no_resolver_takes_fails_that_check(site: Site) -> None:
    # Allowed by a "*." entry, but no name a resolver can be asked for: a label of 300
    # characters (idna refuses it), a NUL in the name.
    hosts = [*LOOPBACK, "*.acme.example"]
    for host in ("a" * 300 + ".acme.example", "a\x00b.acme.example"):
        fetched = fetch(site.redirect("/old", f"http://{host}/"), hosts, deadline=soon())
        assert fetched.why == f"the host {host.lower()} could not be found"


def test_redirects_are_bounded(site: Site) -> None:
    site.redirect("/loop", "/loop")
    fetched = fetch(site.url("/loop"), LOOPBACK, deadline=soon())
    assert fetched.why == f"redirected more than {MAX_REDIRECTS} times"
    assert len(site.requests) == MAX_REDIRECTS + 1


def test_a_redirect_without_a_location_fails(site: Site) -> None:
    fetched = fetch(site.page("/p", status=302), LOOPBACK, deadline=soon())
    assert fetched.why == "answered 302 without saying where to"


# --- what is sent ------------------------------------------------------------------------------


def test_no_credentials_and_a_fixed_request(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A netrc naming the host, proxy settings with credentials: none of them is used.
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login me password secret\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://proxyuser:proxypass@127.0.0.1:9/")
    assert fetch(site.page("/p"), LOOPBACK, deadline=soon()).passed
    (request,) = site.requests
    assert {k.lower() for k in request.headers} == {
        "host", "user-agent", "accept", "accept-encoding", "connection"
    }  # fmt: skip
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Accept-Encoding"] == "identity"
    assert request.path == "/p"


def test_the_fragment_is_never_sent_and_the_query_is(site: Site) -> None:
    site.page("/p?lang=en")
    assert fetch(site.url("/p?lang=en#plans"), LOOPBACK, deadline=soon()).passed
    assert site.paths() == ["/p?lang=en"]


# --- TLS ---------------------------------------------------------------------------------------


@pytest.fixture
def tls_site(certificate: tuple[Path, Path]) -> Iterator[Site]:
    yield from serve(tls=certificate)


def test_a_certificate_that_is_not_trusted_fails(tls_site: Site) -> None:
    fetched = fetch(tls_site.page("/p"), LOOPBACK, deadline=soon())
    assert not fetched.passed
    assert fetched.why.startswith("the TLS certificate of 127.0.0.1 could not be verified")


def test_a_trusted_certificate_passes(tls_site: Site, certificate: tuple[Path, Path]) -> None:
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    assert fetch(tls_site.page("/p"), LOOPBACK, deadline=soon(), tls=trusting).passed


def test_https_never_redirects_to_plain_http(
    tls_site: Site, site: Site, certificate: tuple[Path, Path]
) -> None:
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    url = tls_site.redirect("/old", site.page("/p"))
    fetched = fetch(url, LOOPBACK, deadline=soon(), tls=trusting)
    assert "redirected from https to plain http" in fetched.why
    assert site.requests == []


# --- the check as audit runs it ----------------------------------------------------------------


def test_check_url_says_what_it_found(site: Site) -> None:
    check = UrlCheck(url=site.page("/p", "Acme"), contains="Acme")
    assert check_url(check, LOOPBACK, deadline=soon()) == (True, "answered 200 with 'Acme'")


def _resolving_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[str]:
    """Name resolution that answers ``addresses`` for any host, and records each host
    asked: no test reaches a real resolver or the network."""
    asked: list[str] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return asked


# Every block the IANA special-purpose registries (IPv4 and IPv6) mark as not globally
# reachable, plus the deprecated site-local and 6to4-relay blocks: its first and last address
# are special, whatever Python's ``ipaddress`` of the running version calls them.
_NOT_GLOBALLY_REACHABLE = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "240.0.0.0/4",
    "255.255.255.255/32",
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001::/23",
    "2001:db8::/32",
    "3fff::/20",
    "5f00::/16",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
]


@pytest.mark.parametrize("block", _NOT_GLOBALLY_REACHABLE)
def test_no_address_of_a_special_purpose_block_is_public(block: str) -> None:
    network = ipaddress.ip_network(block)
    for address in (network[0], network[-1], network[network.num_addresses // 2]):
        assert special_address(address) is not None, address


@pytest.mark.parametrize("address", ["64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe"])
def test_a_nat64_address_is_judged_by_the_ipv4_address_it_carries(address: str) -> None:
    assert special_address(ipaddress.ip_address(address)) in {"private", "loopback", "link-local"}


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2001:4860::8888"]
)
def test_a_public_address_stays_public(address: str) -> None:
    assert special_address(ipaddress.ip_address(address)) is None
