"""Checks that confirm an item (``verify:``): one model per kind, a template and its fill.

A checklist item's ``verify:`` is a template, what any launch must show; a launch file's item
state fills it in with this launch's own target (the address of its pricing page, the path of
its release notes). A check runs only once it names its target, so a template nobody filled
in never runs. Each kind is a model keyed by ``kind``; adding one (an issue closed, a pull
request merged) is a model here, a member of ``Check`` and a checker in ``load/verify``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import warnings
from collections.abc import Iterable, Sequence
from re import _parser as _re_parser  # type: ignore[attr-defined]  # re's own: no cost
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    StringConstraints,
    Tag,
)

from gtm_check.model.problems import quoted
from gtm_check.model.safetext import visible

MAX_PATTERN_LENGTH = 1_000
"""The longest ``matches:`` pattern."""
MAX_TEXT_LENGTH = 1_000
"""The longest ``contains:`` text."""
MAX_URL_LENGTH = 2_048
MAX_PATH_LENGTH = 1_024
URL_SCHEMES = ("http", "https")

Text = Annotated[str, StringConstraints(min_length=1)]


def _contains(value: str) -> str:
    if len(value) > MAX_TEXT_LENGTH:
        raise ValueError(f"is {len(value):,} characters; the limit is {MAX_TEXT_LENGTH:,}")
    return value


def _pattern(value: str) -> str:
    # Only its length here: the loader compiles it (pattern_problem), a bounded number of
    # patterns per launch, where a model would compile every one a file could hold.
    if len(value) > MAX_PATTERN_LENGTH:
        raise ValueError(f"is {len(value):,} characters; the limit is {MAX_PATTERN_LENGTH:,}")
    return value


_ASSERT, _ASSERT_NOT = _re_parser.ASSERT, _re_parser.ASSERT_NOT

MAX_PATTERNS_KNOWN = 4_096
"""Patterns whose verdict a run keeps: more than one launch's checks (at most 1,000)."""


@functools.lru_cache(maxsize=MAX_PATTERNS_KNOWN)
def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a ``matches:`` pattern, in words, or None when it compiles (as
    the search compiles it: each line a line for ``^`` and ``$``).

    Parsed, not compiled: compiling folds the case of every character range, which takes
    a second for a pattern of 1,000 characters of ``(?i)[\u0100-\uffff]`` and there may be
    1,000 of them; the search compiles it again in its own process, within its time. The
    one rule only the compiler checks (a look-behind of fixed width) is checked here.
    Each pattern once a run: a team checklist of 1,000 patterns cost 1.2 s of each of the
    launch files that load it (``MAX_PATTERNS_KNOWN``)."""
    with warnings.catch_warnings():
        # A pattern such as "[[a]" compiles with a FutureWarning in the library's words.
        warnings.simplefilter("ignore")
        try:
            parsed = _re_parser.parse(pattern, re.MULTILINE)
            if not all(_fixed_width(look) for look in _lookbehinds(parsed)):
                return "not a valid regular expression: look-behind requires fixed-width pattern"
        except re.error as exc:
            where = f" at position {exc.pos + 1}" if exc.pos is not None else ""
            return f"not a valid regular expression: {exc.msg}{where}"
        except ValueError as exc:  # incompatible flags: "(?a)(?u)"
            return f"not a valid regular expression: {exc}"
        except (RecursionError, OverflowError, MemoryError):
            return "not a regular expression gtm-check can compile"
    return None


def _lookbehinds(parsed: Any) -> Any:
    """Every look-behind's pattern in a parsed pattern, at any depth."""
    for op, arguments in parsed:
        if op in (_ASSERT, _ASSERT_NOT) and arguments[0] == -1:
            yield arguments[1]
        if isinstance(arguments, _re_parser.SubPattern):  # an atomic group's: (?>...)
            yield from _lookbehinds(arguments)
        for part in arguments if isinstance(arguments, tuple | list) else ():
            if isinstance(part, _re_parser.SubPattern):
                yield from _lookbehinds(part)
            elif isinstance(part, list | tuple):
                for inner in part:
                    if isinstance(inner, _re_parser.SubPattern):
                        yield from _lookbehinds(inner)


def _fixed_width(parsed: Any) -> bool:
    low, high = parsed.getwidth()
    return bool(low == high)


def _path(value: str) -> str:
    if visible(value) != value:
        raise ValueError(f"{quoted(value)} holds a control or invisible character")
    if len(value) > MAX_PATH_LENGTH:
        raise ValueError(f"is {len(value):,} characters; the limit is {MAX_PATH_LENGTH:,}")
    return value


def _url(value: str) -> str:
    """An absolute http(s) address with a host, no credentials, nothing hidden or spaced."""
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"is {len(value):,} characters; the limit is {MAX_URL_LENGTH:,}")
    if visible(value) != value or any(c.isspace() for c in value):
        raise ValueError(f"{quoted(value)} holds a space or a control character")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"{quoted(value)} is not a valid address") from None
    if parts.scheme not in URL_SCHEMES:
        raise ValueError(f"{quoted(value)} is not an http or https address; only those are checked")
    if not parts.hostname:
        raise ValueError(f"{quoted(value)} names no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"{quoted(value)} holds a user name or password; gtm-check sends no credentials, "
            "so remove them"
        )
    if not parts.hostname.isascii():
        raise ValueError(f"write the host of {quoted(value)} in its ASCII form (xn--...)")
    return value


Contains = Annotated[Text, AfterValidator(_contains)]
Pattern = Annotated[Text, AfterValidator(_pattern)]
RepoPath = Annotated[Text, AfterValidator(_path)]
Url = Annotated[Text, AfterValidator(_url)]


class _Model(BaseModel):
    # As the other input models: unknown keys are errors, messages never print the input.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class FileCheck(_Model):
    """A file (or folder) in the launch file's repository exists, optionally holding a text
    or a match of a regular expression in its first bytes."""

    kind: Literal["file"] = "file"
    path: RepoPath | None = None
    """From the repository's root (the folder holding ``.git``)."""
    contains: Contains | None = None
    matches: Pattern | None = None

    @property
    def target(self) -> str | None:
        return self.path


class UrlCheck(_Model):
    """An http(s) address answers 2xx, optionally with a text in the first bytes of its body."""

    kind: Literal["url"] = "url"
    url: Url | None = None
    contains: Contains | None = None

    @property
    def target(self) -> str | None:
        return self.url


KINDS: dict[str, type[FileCheck] | type[UrlCheck]] = {"file": FileCheck, "url": UrlCheck}
"""Every kind of check, by its ``kind:``."""

TARGETS = {"file": "path", "url": "url"}
"""The key that names each kind's target: what a launch file fills in."""


def _tag(value: Any) -> str | None:
    """The kind a ``verify:`` block is, as its model's tag: its ``kind:``, or when it gives
    none, the kind its target key implies (``url:`` a url check, ``path:`` a file check)."""
    if isinstance(value, FileCheck | UrlCheck):
        return f"[kind={value.kind}]"
    if not isinstance(value, dict):
        return None
    kind = value.get("kind")
    if kind is None:
        kind = next((k for k, key in TARGETS.items() if key in value), None)
    return f"[kind={kind}]" if isinstance(kind, str) and kind in KINDS else None


Check = Annotated[
    Annotated[FileCheck, Tag("[kind=file]")] | Annotated[UrlCheck, Tag("[kind=url]")],
    Discriminator(_tag, custom_error_type="verify_kind", custom_error_message="unknown kind"),
]
"""A ``verify:`` block of any kind. Validation errors carry the tag (``[kind=url]``) in
their location; the loader leaves it out of what it shows."""

AnyCheck = FileCheck | UrlCheck


def merged(template: AnyCheck | None, fill: AnyCheck | None) -> AnyCheck | None:
    """The check an item runs: the checklist's template with the launch file's fill over
    it, or either alone; None when there is none, or it names no target yet. The loader has
    already refused a fill of another kind, or one that sets what the template sets."""
    if fill is None or template is None:
        check = fill or template
    elif fill.kind != template.kind:
        check = None
    else:
        check = template.model_copy(update=fill.model_dump(exclude_none=True))
    return check if check is not None and check.target is not None else None


def host_of(check: AnyCheck) -> str | None:
    """The host a url check fetches from (lower case), None for other kinds."""
    if isinstance(check, UrlCheck) and check.url is not None:
        return urlsplit(check.url).hostname
    return None


def describe(check: AnyCheck) -> str:
    """The check in words, e.g. "https://acme.example/pricing contains 'Pricing'"."""
    parts = [check.target or "?"]
    if check.contains is not None:
        parts.append(f"contains {quoted(check.contains)}")
    if isinstance(check, FileCheck) and check.matches is not None:
        parts.append(f"matches {quoted(check.matches)}")
    return " ".join(parts)


# --- the hosts a policy lets a launch file make CI fetch (``verify_hosts:``) -------------------

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def host_entry(value: str) -> str:
    """A ``verify_hosts`` entry: a host name, ``*.`` and a domain for any host under it, an
    IP address, or a network (``10.0.0.0/8``); written in lower case."""
    entry = value.strip().lower().rstrip(".")
    if "/" in entry and "://" not in entry and _network(entry) is None:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            pass
        else:
            raise ValueError(f"{quoted(value)}: write the network as {network}")
    if "://" in entry or ("/" in entry and _network(entry) is None):
        raise ValueError(f"write the host alone, without scheme or path: {quoted(value)}")
    if _network(entry) is not None:
        return entry
    name = entry.removeprefix("*.")
    if ":" in name:
        raise ValueError(
            f"{quoted(value)}: name the host without a port (every port of a host listed "
            "may be fetched)"
        )
    if len(name) > 253 or not all(_LABEL.match(label) for label in name.split(".")):
        raise ValueError(f"{quoted(value)} is not a host name, an IP address or a network")
    return entry


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry, strict=True)
    except ValueError:
        return None


def host_allowed(entries: Sequence[str], host: str) -> bool:
    """Whether a url check may fetch from ``host``: it is listed, or under a ``*.`` entry,
    or it is an IP address in a listed address or network."""
    return _lookups(entries).allows(host)


class HostList(tuple[str, ...]):
    """``verify_hosts`` as one run's checks share it: its lookups built once, on first use,
    rather than for every check and every hop (1,000 checks against 100,000 entries spent
    a run's 60 seconds building them)."""

    _allowed: AllowedHosts | None = None

    @property
    def allowed(self) -> AllowedHosts:
        if self._allowed is None:
            self._allowed = AllowedHosts(self)
        return self._allowed


def _lookups(entries: Sequence[str]) -> AllowedHosts:
    return entries.allowed if isinstance(entries, HostList) else AllowedHosts(entries)


class _Networks:
    """Listed addresses and networks, by IP version and prefix length: an address costs
    one look per prefix length listed (at most 33 or 129), not one per entry (200,000
    networks and 1,000 url checks took 40 s of each launch file's ``validate``)."""

    def __init__(self, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> None:
        self.starts: dict[tuple[int, int], set[int]] = {}
        for network in networks:
            key = (network.version, network.prefixlen)
            self.starts.setdefault(key, set()).add(int(network.network_address))

    def __contains__(self, address: IPAddress) -> bool:
        value, bits = int(address), address.max_prefixlen
        for (version, prefix), starts in self.starts.items():
            if version != address.version:
                continue
            if value & (((1 << prefix) - 1) << (bits - prefix)) in starts:
                return True
        return False


class AllowedHosts:
    """``verify_hosts`` entries for lookups: names and ``*.`` domains in sets, so that a
    host costs one look per label of its name, not one per entry."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.names = {e for e in entries if not e.startswith("*.")}
        self.domains = {e[1:] for e in entries if e.startswith("*.")}
        self.networks = _Networks(n for e in entries if (n := _network(e)) is not None)

    def allows(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        address = parse_address(host)
        if address is not None:
            return address in self.networks
        if host in self.names:
            return True
        dot = host.find(".")
        while dot != -1:
            if host[dot:] in self.domains:
                return True
            dot = host.find(".", dot + 1)
        return False


def address_allowed(entries: Sequence[str], address: IPAddress) -> bool:
    """Whether ``address`` is one a listed address or network names: how a policy lets
    checks reach a private, loopback or link-local address."""
    return address in _lookups(entries).networks


def parse_address(text: str) -> IPAddress | None:
    """``text`` as an IP address (an IPv6 one may carry a zone), or None."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


# Blocks of the IANA special-purpose address registries that are not globally reachable
# but that Python's ``ipaddress`` (3.11) still calls global, or calls nothing in particular:
# judged by this table, in a word, before ``is_global`` is asked.
_NOT_GLOBAL: tuple[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network], ...] = tuple(
    (why, ipaddress.ip_network(network))
    for why, network in (
        ("shared", "100.64.0.0/10"),
        ("special-purpose", "192.0.0.0/24"),
        ("documentation", "192.0.2.0/24"),
        ("relay", "192.88.99.0/24"),
        ("benchmarking", "198.18.0.0/15"),
        ("documentation", "198.51.100.0/24"),
        ("documentation", "203.0.113.0/24"),
        ("discard", "100::/64"),
        ("special-purpose", "64:ff9b:1::/48"),
        ("special-purpose", "2001::/23"),
        ("documentation", "2001:db8::/32"),
        ("documentation", "3fff::/20"),
        ("special-purpose", "5f00::/16"),
        ("site-local", "fec0::/10"),
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def special_address(address: IPAddress) -> str | None:
    """What makes ``address`` one a check may not reach unless the policy names it, in a
    word (``loopback``, ``private``, ...), or None for a public address. An IPv6 form that
    carries an IPv4 address (mapped, 6to4, Teredo, NAT64) is judged by that address too.
    Only an address Python calls global and no special-purpose block above holds is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded_ones = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if address in _NAT64:
            embedded_ones.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        for embedded in embedded_ones:
            if embedded is not None and (why := special_address(embedded)):
                return why
    for why, test in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if test:
            return why
    for why, network in _NOT_GLOBAL:
        if address.version == network.version and address in network:
            return why
    return None if address.is_global else "not public"
