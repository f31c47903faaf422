"""The gap list's shortcut around textwrap gives textwrap's own lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gtm_check.report.table import _Layout

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
