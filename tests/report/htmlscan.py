"""Reads an HTML page with the standard library's HTML5 tokenizer: every element and attribute.

html.parser tokenizes as the HTML5 specification does (tags, attributes, character
references, raw-text script and style), which is what decides whether user text created an
element or an attribute; the browser tests check the tree a real browser builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from gtm_check.report.markup import linkable

# Everything the html format may write; anything else came from somewhere it should not.
TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section",
    "h1", "h2", "h3", "h4", "p", "strong", "b", "span", "code", "br", "ul", "li", "div",
    "figure", "figcaption", "svg", "desc", "g", "rect", "line", "text", "table", "caption",
    "thead", "tbody", "tr", "th", "td", "details", "summary", "a", "label", "input", "script",
}  # fmt: skip
ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "class", "id", "viewbox", "role",
    "aria-labelledby", "aria-label", "xmlns", "x", "y", "width", "height", "x1", "x2", "y1",
    "y2", "text-anchor", "colspan", "scope", "href", "rel", "for", "type", "placeholder",
    "hidden",
}  # fmt: skip


@dataclass
class Page:
    elements: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    texts: dict[str, list[str]] = field(default_factory=dict)
    """The text inside each element name (script, style, title, ...), in order."""
    declarations: list[str] = field(default_factory=list)

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}

    def attributes(self) -> set[str]:
        return {name for _, attrs in self.elements for name in attrs}

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.elements if t == tag]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "rect", "line", "input"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.page.texts.setdefault(self.stack[-1], []).append(data)

    def handle_decl(self, decl: str) -> None:
        self.page.declarations.append(decl)


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def check_inert(html: str) -> Page:
    """No element or attribute but the format's own, no handler, no link but http(s) and
    the page's own anchors."""
    page = read(html)
    assert page.tags() <= TAGS, page.tags() - TAGS
    assert page.attributes() <= ATTRIBUTES, page.attributes() - ATTRIBUTES
    assert len(page.all("script")) == 1 and len(page.all("style")) == 1
    for attrs in page.all("a"):
        href = attrs["href"] or ""
        assert href.startswith("#l") or linkable(href), href
        if not href.startswith("#"):
            assert attrs["rel"] == "noopener noreferrer"
    for _, attrs in page.elements:
        for name, value in attrs.items():
            assert "javascript:" not in (value or "").lower() or name != "href", (name, value)
    return page
