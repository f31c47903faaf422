"""The table at any width: the gap list's shortcut gives textwrap's own lines; the verdict
never breaks inside a word; continuation lines are indented under their line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gtm_check.model.vocabulary import Severity, Stage, Verdict
from gtm_check.pipeline import AuditRequest, audit
from gtm_check.report import RenderOptions
from gtm_check.report.markdown import render as render_markdown
from gtm_check.report.table import BADGE, _Layout
from gtm_check.report.table import render as render_table
from tests.conftest import EXAMPLES, WriteFile
from tests.report.audits import audit_text

AS_OF = dt.date(2027, 1, 15)

texts = st.text(st.sampled_from(list("ab ·\t\n\u00a0\u2003-é")), max_size=60) | st.text(max_size=60)


@given(texts, st.integers(40, 130), st.booleans())
def test_the_shortcut_agrees_with_textwrap(text: str, width: int, stacked: bool) -> None:
    layout = _Layout(width, 20, stacked=stacked)
    fits = layout._fits(text)
    lines = layout.detail.wrap(text)
    if fits is True:
        assert lines == [layout.indent + text]
    elif fits is False:
        assert len(lines) >= 2
    assert layout._wrap(text) == lines
    parts = [text, "owner", "todo"]
    title, rest = " · ".join(parts[:-2]), " · ".join(parts[-2:])
    one = layout.detail.wrap(f"{title} · {rest}")
    expected = one if len(one) == 1 else [*layout.detail.wrap(title), *layout.detail.wrap(rest)]
    assert layout._detail(parts) == expected


words = st.text(st.sampled_from(list("abé·-:/")), min_size=1, max_size=50)


@given(st.lists(words, min_size=1, max_size=40), st.integers(20, 130), st.booleans())
def test_the_greedy_wrap_is_textwraps(parts: list[str], width: int, stacked: bool) -> None:
    """Long plain titles (several lines, words longer than a line among them) wrap as
    textwrap wraps them, without its cost."""
    layout = _Layout(width, 20, stacked=stacked)
    text = " ".join(parts)
    assert layout._wrap(text) == layout.detail.wrap(text)


# --- the report at 40, 60, 80 and 120 columns ---------------------------------------------------

WIDTHS = (40, 60, 80, 120)
FAILING_EVERYWHERE = """\
launch: Everything fails
launch_date: 2027-03-01
gate: {stages: [learn, buy, use, grow], min_score: 90}
milestones: [{name: beta, date: 2027-01-10, stages: [learn], min_score: 90}]
"""


def reports(tmp_path: Path) -> dict[str, list[Path]]:
    failing = tmp_path / "failing.yaml"
    failing.write_text(FAILING_EVERYWHERE, encoding="utf-8")
    cases = {path.stem: [path] for path in sorted(EXAMPLES.glob("*.yaml"))}
    return cases | {"portfolio": sorted(EXAMPLES.glob("*.yaml")), "failing": [failing]}


def table(paths: list[Path], width: int) -> list[str]:
    return audit_text(paths, AS_OF, "table", RenderOptions(width=width)).splitlines()


def verdict(lines: list[str]) -> list[str]:
    """The last paragraph: the verdict's lines."""
    return lines[len(lines) - lines[::-1].index("") :]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_verdict_never_breaks_inside_a_word(tmp_path: Path, width: int) -> None:
    for name, paths in reports(tmp_path).items():
        lines = verdict(table(paths, width))
        wide = verdict(table(paths, 1000))
        assert len(wide) == 1, wide
        words = set(wide[0].split()) | {s.value for s in Stage} | {v.value for v in Verdict}
        assert lines[0].startswith((" GATE FAILED  ", " GATE PASSED  ")), (name, lines)
        assert all(line.startswith(" " * len(BADGE)) for line in lines[1:]), (name, lines)
        assert all(len(line) <= width for line in lines), (name, lines)
        assert set(" ".join(lines).split()) <= words, (name, lines)
        assert all(not line.rstrip().endswith("·") for line in lines), (name, lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_continuation_lines_are_indented_under_their_line(tmp_path: Path, width: int) -> None:
    for name, paths in reports(tmp_path).items():
        lines = table(paths, width)
        start = next(i for i, line in enumerate(lines) if line.startswith("Open items ("))
        gap_lines = lines[start + 1 : lines.index("", start)]
        heads = tuple(s.value for s in Severity) + ("Severity", "─", "…")
        assert all(line.startswith((*heads, "  ")) for line in gap_lines), (name, gap_lines)
        # Under the verdict: a gate failure or a warning that wraps goes on under its text.
        header = lines[: lines.index("")]
        for above, line in zip(header, header[1:], strict=False):
            if above.startswith(("  ✗ ", "  ⚠ ", "    ")) and line:
                assert line.startswith("  "), (name, above, line)


@pytest.mark.parametrize(("width", "pad"), [(80, 79), (40, 39), (60, 59), (100, 99)])
def test_a_wrapped_name_starts_no_line_with_a_workflow_command(
    tmp_path: Path, width: int, pad: int
) -> None:
    """/work/hostile/repro-1.sh: the launch name wrapped at the width put "::error ...::"
    first on its own line, which the GitHub runner runs. The table's own text is checked,
    before the registry's final guard."""
    launch = tmp_path / "launch.yaml"
    name = "L" + "a" * pad + "::error file=src/app.py,line=1,title=Forged::never wrote this"
    launch.write_text(
        f'launch: "{name}"\nlaunch_date: 2027-02-10\ntier: 3\ntraits: [saas]\n', "utf-8"
    )
    (report,) = audit(AuditRequest((launch,), AS_OF, critical_path=True)).reports
    for renderer in (render_table, render_markdown):
        text = renderer([report], RenderOptions(width=width))
        assert not [line for line in text.split("\n") if line.lstrip().startswith("::")]
    assert "::error" in render_table([report], RenderOptions(width=1000))  # shown, not cut


def test_the_header_names_five_waivers_in_force_and_counts_the_rest(write: WriteFile) -> None:
    # A launch with 60,606 waivers of one item held the default table 9-14 s, drawing a line
    # for each: the header names five, as it names five expiring items, and counts the rest.
    write("team.yaml", "department: t\nname: T\nitems:\n"
          "  - {id: t.a, stage: use, title: A, severity: low}\n")  # fmt: skip
    waiver = "  - {item: t.a, reason: r, approved_by: a@b.c, expires: 2027-06-01}\n"
    launch = write(
        "launch.yaml",
        "launch: L\nlaunch_date: 2027-03-01\nchecklists: [./team.yaml]\nwaivers:\n" + waiver * 12,
    )
    out = audit_text([launch], dt.date(2027, 1, 15), options=RenderOptions(width=80))
    assert out.count("  waived until 2027-06-01: t.a\n") == 5
    assert "  … 7 more waived (see --format markdown)\n" in out
    markdown = audit_text([launch], dt.date(2027, 1, 15), "markdown")
    assert markdown.count("| `t.a` |") == 12
