"""Addresses as a policy compares them: one plain address, a domain exactly, a person."""

from __future__ import annotations

import pytest

from gtm_check.model import addresses
from gtm_check.model.addresses import (
    Approvers,
    approver_entry,
    parse_address,
    same_person,
    same_person_key,
)


@pytest.mark.parametrize(
    "text",
    [
        "vp@example.com",
        "VP@Example.COM",
        "first.last+tag@sub.example.com",
        "x@y",
    ],
)
def test_one_plain_address_parses(text: str) -> None:
    address = parse_address(text)
    assert address is not None and str(address) == text.lower()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "vp",
        "@example.com",
        "vp@",
        "vp@example.com.",  # a trailing dot: the same host to DNS, not to a string compare
        "vp@example..com",
        ".vp@example.com",
        "vp.@example.com",
        "vp@-example.com",
        " vp@example.com",
        "vp@example.com ",
        "a@example.com, b@example.com",
        "a@example.com b@example.com",
        "a@b@example.com",
        '"VP" <vp@example.com>',
        "VP <vp@example.com>",
        "<vp@example.com>",
        "vp@example.com (the VP)",
        '"vp"@example.com',
        "vp@exаmple.com",  # Cyrillic а
        "vр@example.com",  # Cyrillic р
        "vp@ｅxample.com",  # full-width e
        "vp\u200b@example.com",
        "vp@example.com\u200b",
        "vp@[127.0.0.1]",
        "vp@example.com\n",
        "x" * 65 + "@example.com",
    ],
)
def test_anything_but_one_plain_ascii_address_is_refused(text: str) -> None:
    assert parse_address(text) is None


@pytest.mark.parametrize(
    ("approver", "allowed"),
    [
        ("vp@example.com", True),
        ("VP@EXAMPLE.com", True),
        ("cfo@partner.example", True),
        ("CFO@Partner.Example", True),
        ("vp@evil.example.com", False),  # a subdomain is another domain
        ("vp@example.com.evil.io", False),
        ("vp@notexample.com", False),
        ("vp@example.com.", False),
        ("vp@exаmple.com", False),  # Cyrillic а
        ('"x" <vp@example.com>', False),
        ("vp@example.com, eve@evil.io", False),
        ("eve@evil.io, vp@example.com", False),
        ("ceo@partner.example", False),  # an address entry names one person
        ("cfo@sub.partner.example", False),
    ],
)
def test_a_domain_entry_matches_that_domain_exactly(approver: str, allowed: bool) -> None:
    approvers = Approvers([approver_entry("@Example.com"), approver_entry("cfo@partner.example")])
    assert approvers.allows(approver) is allowed


@pytest.mark.parametrize(
    "entry",
    ["example.com", "@", "@example.com.", "@*.example.com", "@exаmple.com", "VP <vp@x.io>", "a@b."],
)
def test_a_policy_entry_must_be_one_address_or_one_domain(entry: str) -> None:
    with pytest.raises(ValueError, match="e-mail address|host name"):
        approver_entry(entry)


@pytest.mark.parametrize(
    "name",
    [
        "alice@example.com",
        "Alice@Example.com",
        "ALICE@EXAMPLE.COM",
        "alice\u200b@example.com",
        "\u2060alice@example.com\ufeff",
        " alice@example.com\t",
        "ａｌｉｃｅ@example.com",  # full-width letters fold to ASCII
        "alice\u00ad@example.com",  # a soft hyphen
    ],
)
def test_the_same_person_however_written(name: str) -> None:
    assert same_person_key(name) == "alice@example.com"


def test_different_people_stay_different() -> None:
    assert same_person_key("alice@example.com") != same_person_key("alicia@example.com")
    assert same_person_key("alice@exаmple.com") != same_person_key("alice@example.com")  # а


@pytest.mark.parametrize(
    "approver",
    [
        "Pat <pm@acme.example>",
        "<pm@acme.example>",
        "pm@acme.example.",
        "pm@acme.example (Pat)",
        '"Pat" <PM@ACME.EXAMPLE>',
        "pm@acme.example\u2800",  # the Braille pattern blank: not white space, not Cf
        "pm\u3164@acme.example",  # a Hangul filler
        "\u115fpm@acme.example\u1160",
        "pm@acme.example\uffa0",
        "Pat <pm@acme.example.>, Sam <sam@acme.example>",
        "pm+waiver@acme.example",  # a sub-address: the same mailbox
        "PM+Q3@Acme.Example",
        "pm@acme.example\tPat",  # a tab or a line break parts words as a space does
        "Pat\tpm@acme.example",
        "pm@acme.example\nPat",
        "Pat/pm@acme.example",
        "pm@acme.example|Pat",
        "pm@acme\u3002example",  # the full stops IDNA reads as dots
        "pm@acme\uff61example",
        '"pm"@acme.example',  # a quoted local part
        "pm(Pat)@acme.example",  # a comment in the local part
    ],
)
def test_the_same_address_in_another_form_is_the_same_person(approver: str) -> None:
    assert same_person("pm@acme.example", approver)
    assert same_person("Pat <pm@acme.example>", approver)


@pytest.mark.parametrize(
    ("owner", "approver"),
    [
        ("pm@acme.example", "Pat <pm2@acme.example>"),
        ("pm@acme.example", "pm@acme.example.evil"),
        ("pm@acme.example", "pm"),
        ("Pat", "Pat Smith"),
    ],
)
def test_other_people_stay_other_people(owner: str, approver: str) -> None:
    assert not same_person(owner, approver)


@pytest.mark.parametrize(
    ("owner", "approver"),
    [
        ("pm@bücher.example", "pm@xn--bcher-kva.example"),
        ("pm@xn--bcher-kva.example", "Pat <pm+later@BÜCHER.example>"),
        ("+pm@acme.example", "+pm@acme.example."),  # a local part that starts with "+"
    ],
)
def test_a_mailbox_in_either_form_is_the_same(owner: str, approver: str) -> None:
    assert same_person(owner, approver)
    assert not same_person(owner, "pm@xn--bcher-kvb.example")


def test_a_long_text_without_an_address_is_compared_in_one_pass() -> None:
    word = "a" * 200_000
    assert not same_person(word + "@x", word + ".b")
    assert same_person(f"{word}@x.example", f"<{word}@x.example.>")


def test_each_text_is_worked_out_once_however_many_people_a_run_compares(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A cache of 1,024 texts missed on every comparison once a launch had more owners than
    # that, its waivers cycling over their items: each miss normalized an owner NFKC had
    # made up to 18,000 characters long, and a 3.9 MB launch took 113 s to audit.
    seen: list[str] = []
    key = addresses.same_person_key

    def counted(text: str) -> str:
        seen.append(text)
        return key(text)

    monkeypatch.setattr(addresses, "same_person_key", counted)
    owners = [f"\ufdfa owner {n} of a run with many owners" for n in range(1_100)]
    for _ in range(3):
        for owner in owners:
            assert not addresses.same_person(owner, "approver@many.example")
    assert len(seen) == len(set(seen))  # none twice
    assert sorted(t for t in seen if t in set(owners)) == sorted(owners)
