"""The html format: a self-contained page of real elements, safe links, a small file.

Every example and the portfolio are parsed and checked here; tests/report/test_browser.py
loads them in Chromium when it is installed.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gtm_check.report.html_style import CSP, SCRIPT
from gtm_check.report.markup import evidence_link, linkable
from tests.conftest import ROOT
from tests.report.audits import audit_text
from tests.report.goldens import Golden, goldens
from tests.report.htmlscan import check_inert, read

PAGES = [g for g in goldens() if g.format == "html"]
MAX_300_ITEM_PAGE = 200_000


@pytest.mark.parametrize("golden", PAGES, ids=lambda g: g.name)
def test_every_page_is_self_contained_and_semantic(golden: Golden) -> None:
    html = golden.render()
    page = check_inert(html)
    assert page.declarations == ["DOCTYPE html"]
    metas = {a.get("http-equiv"): a.get("content") for a in page.all("meta")}
    assert metas["Content-Security-Policy"] == CSP
    assert "default-src 'none'" in CSP
    # Nothing is fetched: no src, no stylesheet link, no url() in the style.
    assert not any("src" in attrs for _, attrs in page.elements)
    assert "link" not in page.tags() and "url(" not in html and "@import" not in html
    assert "".join(page.texts["script"]).strip() == SCRIPT.strip()
    # Every chart is a named, described image inside a figure with a caption.
    charts = [a for a in page.all("svg") if a.get("class") == "chart"]
    assert charts and len(page.all("figure")) == len(charts) == len(page.all("figcaption"))
    for attrs in charts:
        assert attrs["role"] == "img" and len((attrs["aria-labelledby"] or "").split()) == 2
    ids = [a["id"] for _, a in page.elements if "id" in a]
    assert len(ids) == len(set(ids))  # aria-labelledby and anchors point at one element
    assert page.all("table") and page.all("th")
    assert len(page.all("h1")) == 1


@pytest.mark.parametrize("golden", PAGES, ids=lambda g: g.name)
def test_verdict_is_in_words_not_only_colour(golden: Golden) -> None:
    text = "".join(read(golden.render()).texts.get("span", []))
    assert re.search(r"[✓✗] Gate (passed|failed)", text)
    assert any(w in text for w in ("blocker", "high", "medium", "low"))


def test_a_portfolio_has_a_row_per_launch_then_each_launchs_section() -> None:
    (golden,) = [g for g in PAGES if g.name == "portfolio"]
    page = read(golden.render())
    anchors = [a["href"] for a in page.all("a") if (a["href"] or "").startswith("#")]
    sections = [a["id"] for a in page.all("section") if a.get("id")]
    assert anchors == [f"#{s}" for s in sections] and len(sections) == len(golden.launches)
    assert len([a for a in page.all("svg") if a.get("class") == "mini"]) == len(sections)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://wiki.acme.example/sla", True),
        ('http://wiki.acme.example/a?b=1&c="x"', True),
        ("HTTPS://WIKI.ACME.EXAMPLE/", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>x</script>", False),
        ("vbscript:x", False),
        ("//evil.example/x", False),
        ("wiki/sla.md", False),
        ("https://", False),
        ("https://wiki.acme.example/a b", False),
        ("https://wiki.acme.example/\u202eexe", False),
        ("http://[::1", False),
        ("signed off in the review, see minutes", False),
    ],
)
def test_evidence_links_only_to_http_and_https(url: str, linked: bool) -> None:
    assert linkable(url) is linked
    shown = evidence_link(url)
    page = read(f"<p>{shown}</p>")
    links = page.all("a")
    if linked:
        assert [a["href"] for a in links] == [url]
        assert links[0]["rel"] == "noopener noreferrer"
    else:
        assert links == [] and page.tags() == {"p"}


def test_an_open_items_evidence_appears_as_a_link(mini) -> None:  # type: ignore[no-untyped-def]
    path = mini(
        """\
        items:
          legal.trademarks: {status: in-progress, evidence: "https://wiki.example/tm"}
          legal.sla-terms: {status: todo, evidence: "javascript:alert(1)"}
        """
    )
    html = audit_text((path,), dt.date(2027, 1, 15), "html")
    page = check_inert(html)
    assert [a["href"] for a in page.all("a")] == ["https://wiki.example/tm"]
    assert "javascript:alert(1)" in html  # shown as text, never followed


def test_a_300_item_page_is_under_200_kb(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tmp_path), "--sizes", "300"],
        check=True,
        capture_output=True,
    )
    launch = tmp_path / "300" / "launch.yaml"
    size = len(audit_text((launch,), dt.date(2027, 1, 15), "html").encode("utf-8"))
    assert size < MAX_300_ITEM_PAGE, size
