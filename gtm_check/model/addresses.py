"""E-mail addresses as a policy compares them: one plain address, a domain, a person's name.

A policy's ``waiver_approvers`` decides who may credit an item without doing it, so an
approver is matched only as exactly one plain ASCII address (``name@domain``): no display
name (``"x" <a@b>``), no list, no comment, no trailing dot, no Unicode that looks like
ASCII. A domain entry (``@example.com``) matches that domain exactly, never a subdomain
(``evil.example.com``) nor a name that merely ends or starts like it
(``example.com.evil.io``). Case is ignored, as mail servers ignore it in domains and as
people write addresses.

Comparing two names people wrote (``waiver-by-owner``) is looser on purpose: it asks whether
they are the same person, so width, case, invisible or blank-looking characters, a display
name, angle brackets, a comment or a trailing dot around the same address do not tell them
apart.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass

MAX_LOCAL = 64
MAX_DOMAIN = 253

# RFC 5322 dot-atom (atext), ASCII only: no quoted local parts, no comments, no spaces.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PATTERN = rf"{_ATOM}(?:\.{_ATOM})*"
# Host names: letters, digits and inner hyphens, labels of 1-63, joined by single dots.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN_PATTERN = rf"{_LABEL}(?:\.{_LABEL})*"
_LOCAL = re.compile(_LOCAL_PATTERN)
_DOMAIN = re.compile(_DOMAIN_PATTERN)

APPROVER_PATTERN = rf"^(?:{_LOCAL_PATTERN})?@{_DOMAIN_PATTERN}$"
"""A ``waiver_approvers`` entry, for the policy's JSON Schema (lengths checked apart)."""


@dataclass(frozen=True, slots=True)
class Address:
    """One plain address, lower-cased: what a policy compares."""

    local: str
    domain: str

    def __str__(self) -> str:
        return f"{self.local}@{self.domain}"


def domain_of(text: str) -> str | None:
    """``text`` as a host name (lower-cased), or None when it is not exactly one."""
    if len(text) > MAX_DOMAIN or not _DOMAIN.fullmatch(text):
        return None
    return text.lower()


def parse_address(text: str) -> Address | None:
    """``text`` as exactly one plain ASCII address, or None: anything around it, a second
    address, a display name, a trailing dot or a character outside ASCII is refused."""
    local, at, domain = text.rpartition("@")
    if not at or len(local) > MAX_LOCAL or not _LOCAL.fullmatch(local):
        return None
    host = domain_of(domain)
    return None if host is None else Address(local.lower(), host)


def approver_entry(text: str) -> str:
    """A ``waiver_approvers`` entry checked: a plain address, or ``@`` and a domain; its
    lower-cased form. ValueError says what is wrong."""
    if text.startswith("@"):
        host = domain_of(text[1:])
        if host is None:
            raise ValueError(
                "a domain entry is @ and a host name (letters, digits, hyphens, dots), "
                "e.g. @example.com"
            )
        return f"@{host}"
    address = parse_address(text)
    if address is None:
        raise ValueError(
            "expected one plain e-mail address (name@example.com) or a domain (@example.com)"
        )
    return str(address)


class Approvers:
    """Who may approve waivers: addresses and domains, looked up in sets (no scans)."""

    def __init__(self, entries: list[str]) -> None:
        self.addresses = {e.lower() for e in entries if not e.startswith("@")}
        self.domains = {e[1:].lower() for e in entries if e.startswith("@")}

    def allows(self, approver: str) -> bool:
        """Whether ``approver``, which must be one plain address, is listed or is in a listed
        domain (that domain exactly)."""
        address = parse_address(approver)
        if address is None:
            return False
        return str(address) in self.addresses or address.domain in self.domains


def same_person_key(text: str) -> str:
    """``text`` as compared with another name for the same person: invisible and format
    characters removed, compatibility forms folded (NFKC: full-width letters), case folded,
    surrounding space stripped."""
    spaced = "".join(" " if c.isspace() else c for c in text)  # a tab still parts words
    shown = "".join(c for c in spaced if not _invisible(c))
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", shown).casefold())
    return "".join(" " if c.isspace() else c for c in folded if not _invisible(c)).strip()


def same_person(one: str, other: str) -> bool:
    """Whether two names people wrote name the same person: the same ``same_person_key``,
    or an address in common. Addresses are found in display-name (``Pat <pm@x.example>``),
    angle-bracket and comment (``pm@x.example (Pat)``) forms, a trailing dot dropped, so
    that writing an owner's address another way does not make them someone else. Linear in
    the length of both texts."""
    (first, first_addresses), (second, second_addresses) = _person(one), _person(other)
    return first == second or not first_addresses.isdisjoint(second_addresses)


@functools.cache
def _person(text: str) -> tuple[bytes, frozenset[bytes]]:
    """``text``'s key and addresses, worked out once per text for the whole run: every
    waiver on an item compares its approver with the same owner, who may be written at
    length. Kept as digests, so that keeping every text's costs little whatever NFKC made
    of it (one character can become eighteen). A cache of 1,024 texts missed on every
    waiver of a launch with more owners than that, its waivers cycling over their items:
    a 3.9 MB launch took 113 s."""
    key = same_person_key(text)
    return _digest(key), frozenset(_digest(a) for a in _addresses_in(key))


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _addresses_in(key: str) -> set[str]:
    """The addresses in a ``same_person_key``, each as its mailbox (``_mailbox``): around
    every "@", the letters, digits and ``._%+-`` before it (or a quoted local part) and the
    letters, digits, dots and hyphens after it, so that whatever parts an address from the
    words beside it (white space, brackets, quotes, ``/``, ``|``, a comment) parts it.
    Linear: each character is looked at from at most the "@" on either side of it."""
    text = _COMMENT.sub("", key) if "(" in key else key
    found = set()
    at = text.find("@")
    while at != -1:
        start = at
        if at > 0 and text[at - 1] == '"':
            opening = text.rfind('"', 0, at - 1)
            local = text[opening + 1 : at - 1] if opening != -1 else ""
        else:
            while start > 0 and _in_local(text[start - 1]):
                start -= 1
            local = text[start:at]
        end = at + 1
        while end < len(text) and _in_domain(text[end]):
            end += 1
        domain = text[at + 1 : end].translate(_IDEOGRAPHIC_STOPS).strip(".")
        if local and domain:
            found.add(_mailbox(f"{local}@{domain}"))
        at = text.find("@", at + 1)
    return found


_COMMENT = re.compile(r"\([^()]*\)")
"""A comment in an address (``pm(Pat)@x``, ``pm@x (Pat)``): dropped before looking."""
_IDEOGRAPHIC_STOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
"""The full stops IDNA reads as a dot between labels."""


def _in_local(char: str) -> bool:
    return char.isalnum() or char in "._%+-"


def _in_domain(char: str) -> bool:
    return char.isalnum() or char in ".-\u3002\uff0e\uff61"


def _mailbox(address: str) -> str:
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0] or local
    if "xn--" in domain:
        try:
            domain = domain.encode("ascii").decode("idna")
        except UnicodeError:
            pass  # not a name IDNA reads: compared as written
        domain = unicodedata.normalize("NFKC", domain).casefold()
    return f"{local}@{domain}"


# Default-ignorable characters outside the format category (Cf): the combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, reserved ignorables; and symbols that
# show as blank although Unicode does not call them invisible (the Braille pattern
# blank, U+2800), so that a blank-looking character cannot make an owner someone else.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u2065\u2800\u3164\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]"
)


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Cc") or bool(_IGNORABLE.match(char))
