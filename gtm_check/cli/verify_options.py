"""The options of ``audit --verify`` (and ``set --verify``): how long checks may take."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from gtm_check.cli.values import given, number, refuse
from gtm_check.load.verify.options import CheckOptions
from gtm_check.model.problems import quoted

_AGE = re.compile(r"^(\d{1,9})([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86_400}


AGE_FORMS = "seconds, or a number with s, m, h or d, such as 90, 10m or 1h"


def _age_text(value: Any) -> str:
    """``--verify-max-age`` as typed, once it reads as an age."""
    text = given(value, AGE_FORMS)
    if _AGE.match(text.strip()) is None:
        refuse(f"{quoted(text)} is not an age: give {AGE_FORMS}")
    return text


VerifyOption = Annotated[
    bool,
    typer.Option(
        "--verify",
        help="Run the items' checks (verify:): files in the repository, and addresses on the "
        "hosts the policy's verify_hosts lists. Without it nothing is checked or fetched.",
    ),
]
RequireVerified = Annotated[
    bool,
    typer.Option(
        "--require-verified",
        help="Gate: a done item whose check fails counts as open (with --verify).",
    ),
]
VerifyTimeout = Annotated[
    float,
    typer.Option(
        "--verify-timeout",
        metavar="SECONDS",
        parser=number("number of seconds", 0.1, 600),
        help="The longest one check may take (default 10).",
    ),
]
VerifyTotal = Annotated[
    float,
    typer.Option(
        "--verify-total",
        metavar="SECONDS",
        parser=number("number of seconds", 0.1, 3600),
        help="The longest all the checks of a run may take together (default 60).",
    ),
]
VerifyMaxAge = Annotated[
    str,
    typer.Option(
        "--verify-max-age",
        metavar="AGE",
        help="Use a passed address check from the cache while it is younger than AGE: "
        "seconds, or a number with s, m, h or d (default 1h; 0: fetch every address again).",
        parser=_age_text,
    ),
]


def parse_age(value: str) -> float:
    """``--verify-max-age`` in seconds, or a usage error."""
    match = _AGE.match(value.strip())
    if match is None:
        raise typer.BadParameter(
            f"give {AGE_FORMS}",
            param_hint="'--verify-max-age'",
        )
    return int(match.group(1)) * _UNIT[match.group(2)]


def check_options(
    timeout: float, total: float, max_age: str, *, allow_outside: bool
) -> CheckOptions:
    """The checks' options from the command line's."""
    return CheckOptions(
        timeout=timeout, total=total, max_age=parse_age(max_age), allow_outside=allow_outside
    )


def verify_request(
    verify: bool,
    require_verified: bool,
    timeout: float,
    total: float,
    max_age: str,
    *,
    allow_outside: bool,
) -> dict[str, Any]:
    """The audit request's fields for checks. ``--require-verified`` without ``--verify``
    would check nothing: a usage error."""
    if require_verified and not verify:
        raise typer.BadParameter(
            "checks run only with --verify: add it", param_hint="'--require-verified'"
        )
    options = check_options(timeout, total, max_age, allow_outside=allow_outside)
    return {"verify": verify, "require_verified": require_verified, "checks": options}
