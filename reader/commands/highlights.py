"""`readmark-cli highlight`, `highlights`, `highlights-import`, `export-markdown`: your marks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.core.anchoring import COLORS, find_quote, new_annotation
from reader.core.errors import ReadmarkError
from reader.core.exporters import markdown, webannotation
from reader.core.highlights import current_annotations, reanchor_stale
from reader.core.library import Library
from reader.core.models import Annotation

from .common import one_line, open_library, print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = subparsers.add_parser(
        "highlight", help="highlight a passage of an article, found by its words"
    )
    add.add_argument("id", type=int, help="article id")
    add.add_argument("--quote", required=True, help="the words to highlight, as in the article")
    add.add_argument("--note", default="", help="a note (Markdown) on the highlight")
    add.add_argument("--color", choices=COLORS, default=COLORS[0])
    add.set_defaults(run=run_highlight)

    show = subparsers.add_parser("highlights", help="list highlights of one article or all")
    show.add_argument("id", type=int, nargs="?", help="article id (default: the whole library)")
    show.add_argument("--format", choices=["markdown", "json", "jsonld"], default="markdown")
    show.add_argument("--search", metavar="WORDS", help="only highlights whose quote/note match")
    show.set_defaults(run=run_highlights)

    bring = subparsers.add_parser(
        "highlights-import", help="add highlights from a W3C Web Annotation JSON-LD file"
    )
    bring.add_argument("file", help="JSON-LD file, or - for standard input")
    bring.set_defaults(run=run_import)

    export = subparsers.add_parser(
        "export-markdown", help="write articles with their highlights as Markdown files"
    )
    export.add_argument("directory", help="folder to write the .md files into")
    export.add_argument("ids", type=int, nargs="*", help="article ids (default: all)")
    export.set_defaults(run=run_export_markdown)


def _open(args: argparse.Namespace) -> Library:
    return open_library(args)  # a Library places highlights on every text change by default


def run_highlight(args: argparse.Namespace) -> int:
    library = _open(args)
    try:
        text = library.get(args.id).article.text
        found = find_quote(text, args.quote)
        if found is None:
            raise ReadmarkError(f"The words {args.quote!r} are not in article {args.id}.")
        annotation = new_annotation(text, *found, color=args.color, note=args.note)
        library.add_annotation(args.id, annotation)
    finally:
        library.close()
    print(annotation.id)
    return 0


def _annotation_json(article_id: int, title: str, annotation: Annotation) -> dict[str, object]:
    return {
        "id": annotation.id,
        "article_id": article_id,
        "article_title": title,
        "start": annotation.start,
        "end": annotation.end,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "color": annotation.color,
        "note": annotation.note,
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
        "orphaned": annotation.orphaned,
    }


def run_highlights(args: argparse.Namespace) -> int:
    library = _open(args)
    try:
        groups: list[tuple[int, str, str | None, list[Annotation]]] = []
        if args.id is not None:
            saved = library.get(args.id)
            items = current_annotations(library, args.id)
            if args.search:
                needle = args.search.casefold()
                items = [a for a in items if needle in (a.exact + "\n" + a.note).casefold()]
            article = saved.article
            groups.append((args.id, article.title, article.url, items))
        else:
            reanchor_stale(library)
            by_article: dict[int, list[Annotation]] = {}
            titles: dict[int, str] = {}
            for found in library.all_annotations(args.search, limit=1_000_000):
                by_article.setdefault(found.article_id, []).append(found.annotation)
                titles[found.article_id] = found.article_title
            for article_id in sorted(by_article):
                url = library.get(article_id).article.url
                groups.append((article_id, titles[article_id], url, by_article[article_id]))
    finally:
        library.close()
    if args.format == "json":
        print_json([_annotation_json(i, t, a) for i, t, _u, items in groups for a in items])
    elif args.format == "jsonld":
        pairs = [
            (a, webannotation.article_source(i, url)) for i, _t, url, items in groups for a in items
        ]
        print_json(webannotation.collection(pairs))
    else:
        chunks = []
        for _i, title, _url, items in groups:
            if items:
                chunks.append(f"## {title}\n\n{markdown.highlights_markdown(items)}\n")
        sys.stdout.write("\n".join(chunks))
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        data = webannotation.read_jsonld(text)
    except (OSError, UnicodeDecodeError, webannotation.AnnotationFormatError) as exc:
        raise ReadmarkError(f"Cannot read {args.file}: {exc}") from exc
    items = webannotation.from_jsonld(data)
    library = _open(args)
    try:
        report = webannotation.import_annotations(library, items)
    finally:
        library.close()
    print(
        f"{report.added} added, {report.updated} updated, "
        f"{report.orphaned} not found in the text (kept as orphans)"
    )
    for source in report.missing_sources:
        print(f"not in the library, skipped: {one_line(source)}", file=sys.stderr)
    return 0


def run_export_markdown(args: argparse.Namespace) -> int:
    library = _open(args)
    try:
        written = markdown.export_markdown(library, Path(args.directory), args.ids or None)
    finally:
        library.close()
    print(f"{len(written)} files written to {args.directory}")
    return 0
