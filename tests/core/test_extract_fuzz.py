"""Random and mutated input never raises anything but Readmark's own errors."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.errors import ReadmarkError
from reader.core.extract import extract
from reader.core.models import RawPage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"
SEED_PAGE = (FIXTURES / "list-and-quote.html").read_bytes()

TAGS = [
    "p",
    "div",
    "a",
    "em",
    "b",
    "ul",
    "li",
    "ol",
    "table",
    "tr",
    "td",
    "h1",
    "h2",
    "pre",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "script",
    "style",
    "br",
    "span",
    "article",
    "iframe",
    "form",
    "svg",
    "math",
    "code",
    "?xml",
    "!--",
    "meta",
    "base",
    "title",
]
ATTRS = [
    ' href="javascript:x()"',
    ' href="//x"',
    ' src="data:,"',
    ' class="share related"',
    ' style="display:none"',
    " hidden",
    ' href="http://[::1"',
    ' charset="nope"',
    ' href="https://example.org/a b"',
    ' itemprop="author"',
    ' lang="zz-ZZ-x"',
]

fragments = st.one_of(
    st.text(max_size=40),
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(TAGS), st.sampled_from(["", *ATTRS])),
    st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
    st.sampled_from(["&amp;", "&#0;", "&#xD800;", "\x00", "\ufeff", "<![CDATA[", "]]>", "\r\n"]),
)
html_docs = st.lists(fragments, max_size=60).map("".join)


def check(raw: RawPage, kind: str | None = None) -> None:
    try:
        article = extract(raw, kind=kind)
    except ReadmarkError:
        return
    assert article.text == "\n".join(block.text for block in article.blocks)
    for block in article.blocks:
        for inline in block.inlines:
            assert 0 <= inline.start < inline.end <= len(block.text)
            if inline.href is not None:
                assert inline.href.startswith(("http://", "https://"))


FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(html_docs, st.sampled_from([None, "https://example.org/news/a"]))
def test_random_html(doc: str, url: str | None) -> None:
    check(RawPage(data=doc.encode("utf-8", "surrogatepass"), content_type="text/html", url=url))


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_as_html_and_text(data: bytes) -> None:
    check(RawPage(data=data, content_type="text/html"))
    check(RawPage(data=data, content_type="text/plain"))


@FAST
@given(st.integers(0, len(SEED_PAGE)), st.integers(0, 400), st.binary(max_size=40))
def test_mutated_page(position: int, cut: int, insert: bytes) -> None:
    data = SEED_PAGE[:position] + insert + SEED_PAGE[position + cut :]
    check(RawPage(data=data, content_type="text/html", url="https://example.org/"))


@FAST
@given(st.lists(st.text(max_size=80), max_size=40), st.sampled_from([" | ", " - ", "\n\n", "\n"]))
def test_random_text(lines: list[str], separator: str) -> None:
    text = separator.join(lines)
    check(RawPage(data=text.encode("utf-8", "surrogatepass"), content_type="text/plain"))
    check(RawPage(data=text.encode("utf-8", "surrogatepass"), content_type="text/html"), "text")
