"""Turn a RawPage into an Article: HTML through readability plus cleanup, text through declutter."""

from __future__ import annotations

from dataclasses import replace

from reader.core.errors import ExtractionError
from reader.core.models import Article, RawPage
from reader.core.textsafe import clean_article

from .decode import decode_text
from .language import article_language


def extract(raw: RawPage, kind: str | None = None) -> Article:
    """Extract the article from `raw`; `kind` ("html" or "text") overrides the content type.

    Raises ExtractionError (a ReadmarkError) when the page holds no readable article.
    """
    kind = kind or ("text" if raw.content_type == "text/plain" else "html")
    if kind not in ("html", "text"):
        raise ValueError(f"unknown kind {kind!r}")
    try:
        if kind == "text":
            from .text import extract_text

            article = extract_text(decode_text(raw), url=raw.url)
        else:
            from .html import extract_html

            article = extract_html(raw)
    except RecursionError as exc:
        raise ExtractionError("The page is nested too deeply to be read.") from exc
    # Character references are decoded by now, so `&#x1b;` is the control character it names.
    article = clean_article(article)
    if not article.text.strip():
        raise ExtractionError("No readable text was found on this page.")
    lang = article_language(article.lang, article.text)
    if lang != article.lang:
        article = replace(article, lang=lang)
    return article


__all__ = ["decode_text", "extract"]
