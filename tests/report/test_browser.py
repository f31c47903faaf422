"""Every example's page, the portfolio and a page with its trend, loaded in headless Chromium
at 390 and 1280 px, in light mode, dark mode (prefers-color-scheme) and print (emulated media).

Fails on any console message of level SEVERE (a script error, or a load the page's
Content-Security-Policy refused), on any request other than the page itself, on a chart or
table that laid out as an empty box, and on a page wider than a 390 px phone. Measures what a
reader sees: chart text at 11 px or more as drawn, no two labels of a chart on top of each
other and none struck through by the gate's line, ids and dates each on one line, the stage
table within the page's width. Each view is saved as a PNG (in GTM_CHECK_SCREENSHOTS when
set, to look at; else in the test's temporary folder). Driven through selenium and the
chromedriver of the same operating-system package as Chromium, so nothing is downloaded;
skipped, with the reason, where either is missing (.ci/run installs both).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gtm_check.pipeline import AuditRequest, audit
from gtm_check.pipeline.extras import EXTRAS
from gtm_check.report import RenderOptions
from gtm_check.report.registry import AUDIT, render
from tests.report.goldens import Golden, goldens
from tests.review.gitrepo import CHECKLIST, GitRepo, launch

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
MODES = ("light", "dark", "print")

MEASURE = """
const box = e => e.getBoundingClientRect();
const shown = e => box(e).width > 0 && box(e).height > 0;
const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
  && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const small = [], overlaps = [], struck = [];
for (const svg of document.querySelectorAll('svg')) {
  if (!shown(svg)) continue;
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('text')].filter(shown);
  for (const t of texts) {
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (px < 11) small.push([t.textContent, Math.round(px * 10) / 10]);
  }
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++)
      if (meet(box(texts[i]), box(texts[j])))
        overlaps.push([texts[i].textContent, texts[j].textContent]);
  for (const line of svg.querySelectorAll('line.gate'))
    for (const t of texts) if (meet(box(line), box(t))) struck.push(t.textContent);
}
const broken = [...document.querySelectorAll('code, .nw')]
  .filter(e => shown(e) && e.getClientRects().length > 1).map(e => e.textContent);
const dashed = [...document.querySelectorAll('svg.chart *')]
  .filter(e => !['none', ''].includes(getComputedStyle(e).strokeDasharray))
  .map(e => e.getAttribute('class'));
const stages = [...document.querySelectorAll('table.stages')]
  .map(t => [t.getBoundingClientRect().width, t.parentElement.clientWidth]);
return {small, overlaps, struck, broken, dashed, stages,
        background: getComputedStyle(document.body).backgroundColor,
        scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
        milestones: document.querySelectorAll('svg polygon.ms').length,
        today: document.querySelectorAll('svg line.today').length};
"""

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


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: GTM_CHECK_SCREENSHOTS, to look at them, or a temporary
    folder."""
    named = os.environ.get("GTM_CHECK_SCREENSHOTS")
    folder = Path(named) if named else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def trend_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A launch with four weeks of git history and a milestone, audited with --history."""
    root = tmp_path_factory.mktemp("history")
    repo = GitRepo(root / "repo")
    items = ["legal.trademarks: todo", "legal.privacy: todo", "legal.contracts: todo"]
    milestone = "milestones: [{name: beta, date: 2027-02-01, stages: [learn], min_score: 50}]\n"
    repo.commit("2027-01-04", {"legal.yaml": CHECKLIST, "launch.yaml": history(items, milestone)})
    for day, done in (("2027-01-11", 1), ("2027-01-18", 2), ("2027-01-25", 3)):
        now = [i.replace("todo", "done") if n < done else i for n, i in enumerate(items)]
        repo.commit(day, {"launch.yaml": history(now, milestone)})
    request = AuditRequest((repo.root / "launch.yaml",), dt.date(2027, 1, 27), history=True)
    page = root / "trend.html"
    page.write_text(render(AUDIT, "html", audit(request, EXTRAS).reports, RenderOptions()), "utf-8")
    return page


def history(items: list[str], extra: str) -> str:
    return launch("\n".join(items), extra=extra, waivers="[]")


def view(driver: object, page: Path, width: int, mode: str) -> None:
    """Load ``page`` at ``width`` in the colour scheme or media of ``mode``."""
    scheme = "dark" if mode == "dark" else "light"
    driver.set_window_size(width, 900)  # type: ignore[attr-defined]
    driver.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Emulation.setEmulatedMedia",
        {
            "media": "print" if mode == "print" else "",
            "features": [{"name": "prefers-color-scheme", "value": scheme}],
        },
    )
    driver.get(page.as_uri())  # type: ignore[attr-defined]


def save(driver: object, path: Path, width: int) -> None:
    """The whole page as a PNG: the window made as tall as the page (up to 8000 px)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(width, min(int(height), 8000))  # type: ignore[attr-defined]
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
def test_what_a_reader_sees(
    browser: object, shots: Path, trend_page: Path, tmp_path: Path, width: int, mode: str
) -> None:
    pages = {"trend": trend_page}
    for golden in PAGES:
        pages[golden.name] = tmp_path / f"{golden.name}.html"
        pages[golden.name].write_text(golden.render(), encoding="utf-8")
    for name, page in pages.items():
        view(browser, page, width, mode)
        seen = browser.execute_script(MEASURE)  # type: ignore[attr-defined]
        save(browser, shots / f"{name}-{width}-{mode}.png", width)
        where = (name, width, mode)
        assert seen["small"] == [], where
        assert seen["overlaps"] == [], where
        assert seen["struck"] == [], where
        assert seen["broken"] == [], where
        assert set(seen["dashed"]) <= {
            "gate",
            "tl tl-learn proj",
            "tl tl-buy proj",
            "tl tl-use proj",
            "tl tl-grow proj",
        }, where
        assert all(table <= room + 0.5 for table, room in seen["stages"]), where
        assert seen["scrollWidth"] <= seen["innerWidth"], where
        dark = seen["background"] in ("rgb(13, 17, 23)",)
        assert dark is (mode == "dark"), where
    assert seen["milestones"] == 0  # the last page is an example without history
    view(browser, trend_page, width, mode)
    marks = browser.execute_script(MEASURE)  # type: ignore[attr-defined]
    assert (marks["milestones"], marks["today"]) == (1, 1)


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
    view(driver, page, width, "light")
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
