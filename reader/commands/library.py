"""Library commands: `add`, `list`, `search`, `show`, `tag`, `archive`, `delete`, `stats`.

Each prints a table (or the article) by default and JSON with `--json`, for scripts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.core.errors import ReadmarkError
from reader.core.importers.saved_pages import add_saved_page, saved_page_kind
from reader.core.library import (
    SORTS,
    ArticleSummary,
    Library,
    SavedArticle,
    SearchHit,
    http_image_fetcher,
)
from reader.core.paths import library_path
from reader.core.query import HELP as QUERY_HELP
from reader.core.textsafe import terminal_text

from .common import one_line, print_json, print_table


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = subparsers.add_parser(
        "add",
        help="save URLs or files to the library (adding one again updates it)",
        description="Fetch, extract and save each SOURCE (a URL or an .html/.txt/.md file).",
    )
    add.add_argument("sources", nargs="+", metavar="SOURCE")
    add.add_argument("--tag", action="append", default=[], metavar="TAG", help="tag to add")
    add.add_argument("--as", dest="kind", choices=["html", "text"], help="force the input kind")
    add.add_argument("--no-entities", action="store_true", help="skip entity recognition")
    add.add_argument("--no-images", action="store_true", help="do not archive the images")
    _json_flag(add)
    add.set_defaults(run=run_add)

    listing = subparsers.add_parser(
        "list",
        help="list the library, newest first",
        description="List articles. FILTER uses the search language. " + QUERY_HELP,
    )
    listing.add_argument("filter", nargs="*", metavar="FILTER", help="e.g. is:unread tag:news")
    listing.add_argument("--sort", choices=list(SORTS), default="newest")
    _paging(listing, 50)
    _json_flag(listing)
    listing.set_defaults(run=run_list)

    search = subparsers.add_parser(
        "search",
        help="full-text search, best matches first",
        description="Search titles, authors, sites, text and notes. " + QUERY_HELP,
    )
    search.add_argument("query", nargs="+", metavar="QUERY")
    _paging(search, 20)
    _json_flag(search)
    search.set_defaults(run=run_search)

    show = subparsers.add_parser("show", help="print a saved article")
    show.add_argument("id", type=int, metavar="ID")
    show.add_argument("--no-text", action="store_true", help="the details only")
    _json_flag(show)
    show.set_defaults(run=run_show)

    tag = subparsers.add_parser("tag", help="add tags to an article (or remove them)")
    tag.add_argument("id", type=int, metavar="ID")
    tag.add_argument("tags", nargs="*", metavar="TAG")
    tag.add_argument("--remove", action="store_true", help="remove the tags instead")
    _json_flag(tag)
    tag.set_defaults(run=run_tag)

    archive = subparsers.add_parser("archive", help="archive articles (--undo to unarchive)")
    archive.add_argument("ids", nargs="+", type=int, metavar="ID")
    archive.add_argument("--undo", action="store_true", help="move back to the reading list")
    archive.set_defaults(run=run_archive)

    delete = subparsers.add_parser(
        "delete", help="move articles to the trash (--restore, --empty-trash)"
    )
    delete.add_argument("ids", nargs="*", type=int, metavar="ID")
    delete.add_argument("--restore", action="store_true", help="take them out of the trash")
    delete.add_argument(
        "--empty-trash", action="store_true", help="delete everything in the trash for good"
    )
    delete.set_defaults(run=run_delete)

    stats = subparsers.add_parser("stats", help="how much the library holds")
    _json_flag(stats)
    stats.set_defaults(run=run_stats)


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def _paging(parser: argparse.ArgumentParser, limit: int) -> None:
    parser.add_argument("--limit", type=int, default=limit, help=f"at most N (default {limit})")
    parser.add_argument("--offset", type=int, default=0, help="skip the first N")


def _open(args: argparse.Namespace, **options: Any) -> Library:
    return Library(library_path(getattr(args, "data_dir", None)), **options)


def summary_json(summary: ArticleSummary) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": summary.id,
        "title": summary.title,
        "url": summary.url,
        "site_name": summary.site_name,
        "byline": summary.byline,
        "published": summary.published,
        "added_at": summary.added_at,
        "opened_at": summary.opened_at,
        "word_count": summary.word_count,
        "unread": summary.unread,
        "archived": summary.archived,
        "favorite": summary.favorite,
        "read_progress": summary.read_progress,
        "tags": list(summary.tags),
    }
    if isinstance(summary, SearchHit):
        data["snippet"] = summary.marked_snippet()
        data["rank"] = summary.rank
    return data


def _state(summary: ArticleSummary | SavedArticle) -> str:
    marks = ["unread" if summary.unread else "read"]
    if summary.archived:
        marks.append("archived")
    if summary.favorite:
        marks.append("favorite")
    return ",".join(marks)


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def print_summaries(summaries: list[ArticleSummary]) -> None:
    print_table(
        ["ID", "TITLE", "SITE", "ADDED", "WORDS", "STATE", "TAGS"],
        [
            [
                s.id,
                _short(s.title, 60),
                _short(s.site_name or _host(s.url), 24),
                s.added_at[:10],
                s.word_count,
                _state(s),
                ",".join(s.tags),
            ]
            for s in summaries
        ],
    )


def _host(url: str | None) -> str:
    if not url:
        return ""
    return url.split("://", 1)[-1].split("/", 1)[0]


def run_add(args: argparse.Namespace) -> int:
    recognise: Callable[..., Any] | None = None
    if not args.no_entities:
        from reader.core.entities import recognise

    options: dict[str, Any] = {"recognise": recognise}
    if not args.no_images:
        options["fetch_image"] = http_image_fetcher()
    failures = 0
    added: list[dict[str, Any]] = []
    with _open(args, **options) as library:
        for source in args.sources:
            try:
                if saved_page_kind(source):  # SingleFile, MHTML, webarchive: their own images
                    article_id = add_saved_page(
                        library.path, Path(source).expanduser(), recognise=recognise, tags=args.tag
                    )
                else:
                    article_id = library.add_source(source, kind=args.kind, tags=args.tag)
            except ReadmarkError as exc:
                failures += 1
                print(
                    f"readmark-cli: {one_line(source)}: {terminal_text(str(exc))}", file=sys.stderr
                )
                continue
            saved = library.get(article_id)
            note = library.entities_note(article_id)
            added.append({"id": article_id, "source": source, "title": saved.article.title})
            if note:
                added[-1]["entities_note"] = note
            if not args.json:
                print(f"{article_id}\t{one_line(saved.article.title)}")
                if note:
                    print(f"readmark-cli: {one_line(source)}: {note}", file=sys.stderr)
    if args.json:
        print_json(added)
    return 1 if failures else 0


def run_list(args: argparse.Namespace) -> int:
    with _open(args) as library:
        found = library.list_articles(
            args.limit, args.offset, filter=" ".join(args.filter), sort=args.sort
        )
    if args.json:
        print_json([summary_json(s) for s in found])
    else:
        print_summaries(found)
    return 0


def run_search(args: argparse.Namespace) -> int:
    with _open(args) as library:
        hits = library.search(" ".join(args.query), args.limit, args.offset)
    if args.json:
        print_json([summary_json(hit) for hit in hits])
        return 0
    if not hits:
        print("No articles match.", file=sys.stderr)
        return 0
    for hit in hits:
        print(f"{hit.id}\t{one_line(hit.title)}  ({one_line(hit.site_name or _host(hit.url))})")
        print(f"\t{one_line(_short(hit.marked_snippet(), 200))}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with _open(args) as library:
        saved = library.get(args.id)
        entities = library.entity_counts(args.id)
        entities_note = library.entities_note(args.id)
        annotations = library.annotations(args.id)
    article = saved.article
    if args.json:
        print_json(
            {
                "id": saved.id,
                "title": article.title,
                "url": article.url,
                "byline": article.byline,
                "site_name": article.site_name,
                "published": article.published,
                "added_at": saved.added_at,
                "opened_at": saved.opened_at,
                "unread": saved.unread,
                "archived": saved.archived,
                "favorite": saved.favorite,
                "read_progress": saved.read_progress,
                "in_trash": saved.deleted_at is not None,
                "tags": list(saved.tags),
                "word_count": article.word_count,
                "entities": [
                    {
                        "key": e.entity.key,
                        "label": e.entity.label,
                        "name": e.entity.name,
                        "mentions": e.count,
                    }
                    for e in entities
                ],
                "entities_note": entities_note,
                "annotations": len(annotations),
                **({} if args.no_text else {"text": article.text}),
            }
        )
        return 0
    details = [
        ("Title", article.title),
        ("By", article.byline),
        ("Site", article.site_name or _host(article.url)),
        ("URL", article.url),
        ("Published", article.published),
        ("Added", saved.added_at),
        ("State", _state(saved) + (", in the trash" if saved.deleted_at else "")),
        ("Progress", f"{round(saved.read_progress * 100)}%"),
        ("Words", str(article.word_count)),
        ("Tags", ", ".join(saved.tags)),
        ("Entities", ", ".join(e.entity.name for e in entities[:12])),
        ("Note", entities_note),
        ("Highlights", str(len(annotations)) if annotations else ""),
    ]
    for name, value in details:
        if value:
            print(f"{name + ':':<12}{one_line(value)}")
    if not args.no_text:
        print()
        print(terminal_text(article.text))
    return 0


def run_tag(args: argparse.Namespace) -> int:
    with _open(args) as library:
        if args.remove:
            library.remove_tags(args.id, args.tags)
        elif args.tags:
            library.add_tags(args.id, args.tags)
        tags = library.tags(args.id)
        library.get(args.id)  # an unknown id is reported even with no tags given
    if args.json:
        print_json({"id": args.id, "tags": tags})
    else:
        print(one_line(", ".join(tags)) if tags else "(no tags)")
    return 0


def run_archive(args: argparse.Namespace) -> int:
    with _open(args) as library:
        for article_id in args.ids:
            library.set_archived(article_id, not args.undo)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    if not args.ids and not args.empty_trash:
        print("readmark-cli delete: give article ids, or --empty-trash.", file=sys.stderr)
        return 2
    with _open(args) as library:
        for article_id in args.ids:
            if args.restore:
                library.restore(article_id)
            else:
                library.delete(article_id)
        if args.empty_trash:
            count = library.empty_trash()
            print(f"Deleted {count} article{'s' if count != 1 else ''} for good.")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    with _open(args) as library:
        stats = library.stats()
        stats_path = str(library.path)
    if args.json:
        print_json({"path": stats_path, **stats})
        return 0
    print_table(["", "COUNT"], [[key.replace("_", " "), value] for key, value in stats.items()])
    print(f"\nLibrary file: {stats_path}")
    return 0
