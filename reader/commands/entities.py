"""`readmark-cli entities SOURCE_OR_ID`: the people, places, groups and dates of an article."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from reader.core import entities as stage
from reader.core import fetch
from reader.core.entities import EntityResult, plain_article, supports_language
from reader.core.extract import decode_text, extract
from reader.core.models import Article

from .common import open_library, print_json, print_table


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "entities",
        help="list the people, organisations, places and dates of an article (English only)",
        description=(
            "Recognise entities in a URL, a file, - (stdin) or a saved article's id. "
            "With --as plain the input is tagged exactly as given, one block per line, so the "
            "offsets point into it."
        ),
    )
    parser.add_argument("source", metavar="SOURCE_OR_ID", help="URL, path, - for stdin, or an id")
    parser.add_argument(
        "--as",
        dest="kind",
        choices=["html", "text", "plain"],
        help="force the input kind; plain: no clean-up, blocks split at line breaks",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)


def load_article(args: argparse.Namespace) -> Article:
    source = args.source
    if source.isdigit() and args.kind is None and not Path(source).exists():
        library = open_library(args)
        try:
            return library.get(int(source)).article
        finally:
            library.close()
    raw = fetch.load(source)
    if args.kind == "plain":
        return plain_article(decode_text(raw))
    return extract(raw, kind=args.kind)


def mentions_json(article: Article, result: EntityResult) -> list[dict[str, object]]:
    """The mentions as the CLI and `extract --format json` print them."""
    return [
        {
            "start": m.start,
            "end": m.end,
            "label": m.label,
            "text": article.text[m.start : m.end],
            "entity": m.entity_key,
        }
        for m in result.mentions
    ]


def run(args: argparse.Namespace) -> int:
    article = load_article(args)
    # Looked up at each call, not bound at import: whoever loads this module first does not fix
    # which recogniser every later command runs.
    result = stage.recognise(article)
    if args.format == "json":
        print_json({"text": article.text, "entities": mentions_json(article, result)})
        return 0
    if not supports_language(article.lang):
        print(f"Entities are recognised in English only; this article is in {article.lang!r}.")
        return 0
    counts = Counter(m.entity_key for m in result.mentions)
    entities = sorted(result.entities, key=lambda e: (e.label, -counts[e.key], e.name))
    rows = [(e.label, e.name, counts[e.key], ", ".join(e.aliases)) for e in entities]
    print_table(["label", "name", "mentions", "also written"], rows)
    sys.stdout.flush()
    return 0
