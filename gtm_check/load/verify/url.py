"""The ``url`` check: an address the policy allows answers 2xx, with a text when asked.

The request is ``http.fetch``'s, hop by hop under the policy's ``verify_hosts``; a pass is
kept in the cache (``cache``), and a later run takes it while it is young enough and every
host and address it went to is still allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gtm_check.load.verify.cache import Cache, key_of
from gtm_check.load.verify.http import MAX_BODY_BYTES, Refused, fetch, judge
from gtm_check.model.verify import (
    UrlCheck,
    address_allowed,
    host_allowed,
    parse_address,
    special_address,
)

if TYPE_CHECKING:
    import ssl


def check_url(
    check: UrlCheck,
    hosts: Sequence[str],
    *,
    deadline: float,
    cache: Cache | None = None,
    tls: ssl.SSLContext | None = None,
) -> tuple[bool, str]:
    """Whether the check passes, and what was found, in words."""
    assert check.url is not None
    try:
        first = judge(check.url, None, hosts)
    except Refused as refused:
        return False, refused.why
    key = key_of(
        {
            "kind": "url",
            "url": check.url,
            "contains": check.contains,
            "address": first.address,
            "limit": MAX_BODY_BYTES,
        }
    )
    if cache is not None:
        cached = cache.get(key, lambda host, address: _still_allowed(hosts, host, address))
        if cached is not None:
            return True, cached
    fetched = fetch(
        check.url, hosts, deadline=deadline, contains=check.contains, tls=tls, first=first
    )
    if fetched.passed and cache is not None:
        cache.put(key, fetched.why, fetched.hops)
    return fetched.passed, fetched.why


def _still_allowed(hosts: Sequence[str], host: str, text: str) -> bool:
    """Whether a cached hop would be allowed now: its host, and its address."""
    address = parse_address(text)
    if address is None or not host_allowed(hosts, host):
        return False
    return special_address(address) is None or address_allowed(hosts, address)
