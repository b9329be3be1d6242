"""`readmark-cli extract SOURCE`: print the clean article without saving it."""

from __future__ import annotations

import argparse
import sys

from reader.core import fetch
from reader.core.exporters.html import HtmlArticle, document_html
from reader.core.exporters.markdown import blocks_markdown, escape_markdown
from reader.core.extract import extract
from reader.core.models import Article

from .common import print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "extract", help="print the clean article from a URL, a file or - (stdin); saves nothing"
    )
    parser.add_argument("source", help="URL, path, or - for standard input")
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown", "html"],
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--as", dest="kind", choices=["html", "text"], help="read the input as HTML or as text"
    )
    parser.set_defaults(run=run)


def article_json(article: Article) -> dict[str, object]:
    """The JSON form of an article; the one place that decides its keys."""
    return {
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "section": article.section,
        "published": article.published,
        "lang": article.lang,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "lead_image": article.lead_image,
        "text": article.text,
        "blocks": [block.to_dict() for block in article.blocks],
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
    }


def article_text(article: Article) -> str:
    head = [article.title] if article.title else []
    byline = " · ".join([*article.credits(), *([article.published] if article.published else [])])
    if byline:
        head.append(byline)
    paragraphs = [block.text for block in article.blocks if block.text]
    return "\n\n".join([*head, *paragraphs]) + "\n"


def article_markdown(article: Article) -> str:
    """Title, a line of details, then the body as the Markdown export writes it."""
    lines: list[str] = []
    if article.title:
        lines += [f"# {escape_markdown(article.title)}", ""]
    meta = [*article.credits(), *([article.published] if article.published else [])]
    if meta:
        lines += [f"*{escape_markdown(' · '.join(meta))}*", ""]
    lines.append(blocks_markdown(article.blocks, base=article.url))  # relative links resolve
    return "\n".join(lines).rstrip() + "\n"


def article_html(article: Article) -> str:
    """A standalone, script-free HTML page of the article, as the HTML export writes it."""
    return document_html([HtmlArticle(article)])


def run(args: argparse.Namespace) -> int:
    raw = fetch.load(args.source)
    article = extract(raw, kind=args.kind)
    if args.format == "json":
        from reader.commands.entities import mentions_json
        from reader.core.entities import recognise

        data = article_json(article)
        data["entities"] = mentions_json(article, recognise(article))
        print_json(data)
    elif args.format == "markdown":
        sys.stdout.write(article_markdown(article))
    elif args.format == "html":
        sys.stdout.write(article_html(article))
    else:
        sys.stdout.write(article_text(article))
    return 0
