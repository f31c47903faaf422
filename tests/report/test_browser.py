"""Every example's page, and the portfolio, loaded in headless Chromium at 390 and 1280 px.

Fails on any console message of level SEVERE (a script error, or a load the page's
Content-Security-Policy refused), on any request other than the page itself, on a chart or
table that laid out as an empty box, and on a page wider than a 390 px phone. Driven through
selenium and the chromedriver of the same operating-system package as Chromium, so nothing
is downloaded; skipped, with the reason, where either is missing (.ci/run installs both).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.report.goldens import Golden, goldens

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTHS = (390, 1280)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]  # fmt: skip

if os.environ.get("GTM_CHECK_REQUIRE_BROWSER"):  # CI (.ci/run) installs both: never skip
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), "CI needs Chromium and chromedriver"
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "no browser: install Chromium and its driver (apt-get install chromium "
        "chromium-driver) to run the browser checks; .ci/run does",
        allow_module_level=True,
    )

from selenium.webdriver.chrome.service import Service  # noqa: E402

PAGES = [g for g in goldens() if g.format == "html"]

LAYOUT = """
const box = e => e.getBoundingClientRect();
const empty = [...document.querySelectorAll('svg, table, figure')]
  .filter(e => !e.closest('details') && (box(e).width < 1 || box(e).height < 1))
  .map(e => e.outerHTML.slice(0, 80));
const charts = [...document.querySelectorAll('svg.chart')].map(e => box(e).width);
return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
        empty: empty, charts: charts, rows: document.querySelectorAll('tr.gap').length};
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    profile = tempfile.mkdtemp(prefix="gtm-check-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.get("about:blank")
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requests(driver: object, page: str) -> list[str]:
    """Every URL the page asked for, from the DevTools network events chromedriver logs
    (the browser's own pages, such as a new tab's, are left out)."""
    urls = []
    for entry in driver.get_log("performance"):  # type: ignore[attr-defined]
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent" and params["documentURL"] == page:
            urls.append(params["request"]["url"])
    return urls


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("golden", PAGES, ids=lambda g: g.name)
def test_page_loads_cleanly_and_lays_out(
    browser: object, golden: Golden, width: int, tmp_path: Path
) -> None:
    page = tmp_path / f"{golden.name}.html"
    page.write_text(golden.render(), encoding="utf-8")
    driver = browser
    driver.get_log("browser")  # type: ignore[attr-defined]  # start from a clean log
    driver.get_log("performance")  # type: ignore[attr-defined]
    driver.set_window_size(width, 900)  # type: ignore[attr-defined]
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    layout = driver.execute_script(LAYOUT)  # type: ignore[attr-defined]
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]  # type: ignore[attr-defined]
    assert errors == []
    assert requests(driver, page.as_uri()) == [page.as_uri()], "the page fetched something"
    assert layout["empty"] == [], "a chart or table laid out as an empty box"
    assert layout["charts"] and min(layout["charts"]) > 200
    assert layout["rows"] > 0
    assert layout["scrollWidth"] <= layout["innerWidth"], "wider than the window"


def test_the_filter_box_hides_rows_that_do_not_match(browser: object, tmp_path: Path) -> None:
    (golden,) = [g for g in PAGES if g.name == "launch"]
    page = tmp_path / "launch.html"
    page.write_text(golden.render(), encoding="utf-8")
    driver = browser
    driver.set_window_size(1280, 900)  # type: ignore[attr-defined]
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    shown = driver.execute_script(  # type: ignore[attr-defined]
        "const i = document.querySelector('.find input');"
        "i.value = 'counsel@'; i.dispatchEvent(new Event('input'));"
        "return [...document.querySelectorAll('tr.gap')].filter(r => !r.hidden)"
        ".map(r => r.textContent.includes('counsel@'));"
    )
    assert shown and all(shown)
