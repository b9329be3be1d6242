"""`readmark-cli extract SOURCE`: print the clean article without saving it."""

from __future__ import annotations

import argparse
import sys

from reader.core import fetch
from reader.core.extract import extract
from reader.core.models import Article

from .common import print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "extract", help="print the clean article from a URL, a file or - (stdin); saves nothing"
    )
    parser.add_argument("source", help="URL, path, or - for standard input")
    parser.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    parser.add_argument("--as", dest="kind", choices=["html", "text"], help="force the input kind")
    parser.set_defaults(run=run)


def article_json(article: Article) -> dict[str, object]:
    return {
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "section": article.section,
        "published": article.published,
        "lang": article.lang,
        "url": article.url,
        "text": article.text,
        "blocks": [block.to_dict() for block in article.blocks],
        "word_count": article.word_count,
    }


def run(args: argparse.Namespace) -> int:
    raw = fetch.load(args.source)
    article = extract(raw, kind=args.kind)
    if args.format == "json":
        from reader.commands.entities import mentions_json
        from reader.core.entities import recognise

        data = article_json(article)
        data["entities"] = mentions_json(article, recognise(article))
        print_json(data)
    else:
        sys.stdout.write(f"{article.title}\n\n{article.text}\n")
    return 0
