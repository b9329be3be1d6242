"""Turn a RawPage into an Article: HTML through readability plus cleanup, text through declutter."""

from __future__ import annotations

from dataclasses import replace

from reader.core.errors import ExtractionError
from reader.core.models import Article, RawPage
from reader.core.textsafe import clean_article

from .decode import decode_text
from .language import article_language
from .log import READINGS, READMARK, ExtractionLog, reading_name


def extract(raw: RawPage, kind: str | None = None, reading: str = READMARK) -> Article:
    """Extract the article from `raw`; `kind` ("html" or "text") overrides the content type and
    `reading` (one of READINGS) forces one reading instead of the usual choice.

    Raises ExtractionError (a ReadmarkError) when the page holds no readable article.
    """
    return extract_logged(raw, kind, reading)[0]


def extract_logged(
    raw: RawPage, kind: str | None = None, reading: str = READMARK, compare: bool = False
) -> tuple[Article, ExtractionLog]:
    """`extract`, and the log of which reading was kept and why; `compare` makes every reading
    so that the log shows all their lengths."""
    kind = kind or ("text" if raw.content_type == "text/plain" else "html")
    if kind not in ("html", "text"):
        raise ValueError(f"unknown kind {kind!r}")
    reading = reading_name(reading)
    try:
        if kind == "text":
            from .text import extract_text

            if reading != READMARK:
                raise ExtractionError(
                    "This article was saved as plain text; it has only one reading."
                )
            article = extract_text(decode_text(raw), url=raw.url)
            log = ExtractionLog(reading="plain text", rule="plain text")
        else:
            from .html import read_html

            article, log = read_html(decode_text(raw), raw.url, reading, compare)
    except RecursionError as exc:
        raise ExtractionError("The page is nested too deeply to be read.") from exc
    # Character references are decoded by now, so `&#x1b;` is the control character it names.
    article = clean_article(article)
    if not article.text.strip():
        raise ExtractionError("No readable text was found on this page.")
    lang = article_language(article.lang, article.text)
    if lang != article.lang:
        article = replace(article, lang=lang)
    return article, log


__all__ = ["READINGS", "ExtractionLog", "decode_text", "extract", "extract_logged"]
