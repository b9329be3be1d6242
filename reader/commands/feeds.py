"""`readmark-cli feeds ...`: subscribe, list, refresh (for cron or a scheduler), remove, OPML in
and out, and rules on new entries."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from reader.commands.common import ProgressLine
from reader.core.feeds.interval import format_interval, parse_interval
from reader.core.feeds.model import DEFAULT_EVERY_S, Feed, FeedOutcome
from reader.core.feeds.opml import read_opml, write_opml
from reader.core.feeds.refresh import Progress, Refresher, RefreshPolicy
from reader.core.feeds.rules import run_rules
from reader.core.feeds.service import Feeds
from reader.core.library import Library
from reader.core.paths import library_path

from .common import one_line, print_json, print_table


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "feeds", help="follow RSS, Atom and JSON feeds: new entries arrive as articles"
    )
    commands = parser.add_subparsers(dest="feeds_command", metavar="ACTION", title="actions")
    parser.set_defaults(run=lambda _args: _help(parser))

    add = commands.add_parser("add", help="subscribe to a feed (or to the feed a page names)")
    add.add_argument("url")
    add.add_argument("--folder", default="", help="folder to file it under")
    add.add_argument("--every", default="1h", help="how often to check it (30m, 1h, 1d; 1h)")
    add.set_defaults(run=run_add)

    listing = commands.add_parser("list", help="the subscriptions with unread counts and errors")
    listing.add_argument("--json", action="store_true", help="as JSON")
    listing.set_defaults(run=run_list)

    refresh = commands.add_parser("refresh", help="fetch new entries (every live feed by default)")
    refresh.add_argument("ids", nargs="*", type=int, metavar="ID")
    refresh.add_argument("--due", action="store_true", help="only feeds whose interval passed")
    refresh.add_argument("--workers", type=int, default=6, help="requests at once (6)")
    refresh.add_argument(
        "--delay", type=float, default=1.0, help="seconds between requests to a site"
    )
    refresh.add_argument("--no-entities", action="store_true", help="skip entity recognition")
    refresh.add_argument("--no-images", action="store_true", help="do not archive images")
    refresh.add_argument("--quiet", action="store_true", help="no progress line")
    refresh.set_defaults(run=run_refresh)

    change = commands.add_parser("set", help="change a feed's title, folder or interval")
    change.add_argument("id", type=int)
    change.add_argument("--title")
    change.add_argument("--folder")
    change.add_argument("--every")
    change.set_defaults(run=run_set)

    remove = commands.add_parser("remove", help="unsubscribe (its articles stay)")
    remove.add_argument("id", type=int)
    remove.set_defaults(run=run_remove)

    opml_in = commands.add_parser("import-opml", help="subscribe to every feed of an OPML file")
    opml_in.add_argument("file")
    opml_in.set_defaults(run=run_import_opml)

    opml_out = commands.add_parser("export-opml", help="write the subscriptions as OPML")
    opml_out.add_argument("file")
    opml_out.set_defaults(run=run_export_opml)

    rule = commands.add_parser("rule", help="act on new entries that match a search")
    actions = rule.add_subparsers(dest="rule_command", metavar="ACTION", title="actions")
    rule.set_defaults(run=lambda _args: _help(rule))
    rule_add = actions.add_parser("add", help="a rule: QUERY and one of --tag/--favourite/...")
    rule_add.add_argument("query", help='the search language, e.g. org:"European Central Bank"')
    what = rule_add.add_mutually_exclusive_group(required=True)
    what.add_argument("--tag", metavar="TAG")
    what.add_argument("--favourite", "--favorite", action="store_true")
    what.add_argument("--archive", action="store_true")
    what.add_argument("--skip", action="store_true", help="do not save matching entries")
    rule_add.add_argument("--feed", type=int, metavar="ID", help="only this feed's entries")
    rule_add.add_argument("--now", action="store_true", help="also run it over the library now")
    rule_add.set_defaults(run=run_rule_add)
    rule_list = actions.add_parser("list", help="the rules")
    rule_list.add_argument("--json", action="store_true")
    rule_list.set_defaults(run=run_rule_list)
    rule_remove = actions.add_parser("remove", help="delete a rule")
    rule_remove.add_argument("id", type=int)
    rule_remove.set_defaults(run=run_rule_remove)
    rule_run = actions.add_parser("run", help="run rules once over the existing library")
    rule_run.add_argument("ids", nargs="*", type=int, metavar="ID")
    rule_run.set_defaults(run=run_rule_run)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _open(args: argparse.Namespace, recognise: Any = None) -> Library:
    return Library(library_path(args.data_dir), recognise=recognise)


def _every(text: str | None) -> int | None:
    return None if text is None else parse_interval(text)


def _describe(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "title": feed.title,
        "url": feed.url,
        "site_url": feed.site_url,
        "folder": feed.folder,
        "every": format_interval(feed.every_s),
        "every_s": feed.every_s,
        "unread": feed.unread,
        "items": feed.items,
        "checked_at": feed.checked_at or None,
        "last_error": feed.last_error,
        "dead": feed.dead,
    }


def run_add(args: argparse.Namespace) -> int:
    every = _every(args.every) or DEFAULT_EVERY_S
    with _open(args) as library:
        feed, new = Feeds(library).add(args.url, folder=args.folder, every_s=every)
    verb = "subscribed to" if new else "already subscribed to"
    print(f"{verb} feed {feed.id}: {one_line(feed.name)} ({one_line(feed.url)})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _open(args) as library:
        feeds = Feeds(library).all()
    if args.json:
        print_json([_describe(feed) for feed in feeds])
        return 0
    if not feeds:
        print("no feeds yet: readmark-cli feeds add URL")
        return 0
    rows = [
        (
            feed.id,
            feed.name[:60],
            feed.folder,
            format_interval(feed.every_s),
            feed.unread,
            "gone" if feed.dead else (feed.last_error[:70] or "ok"),
        )
        for feed in feeds
    ]
    print_table(("id", "feed", "folder", "every", "unread", "state"), rows)
    return 0


def _print_outcome(outcome: FeedOutcome) -> None:
    name = one_line(outcome.name)
    if outcome.error:
        print(f"{outcome.feed_id}\t{name}\tfailed: {one_line(outcome.error)}")
    elif outcome.unchanged:
        print(f"{outcome.feed_id}\t{name}\tunchanged")
    else:
        parts = [f"{outcome.added} new"]
        if outcome.existing:
            parts.append(f"{outcome.existing} already saved")
        if outcome.skipped:
            parts.append(f"{outcome.skipped} skipped by rules")
        if outcome.failed:
            parts.append(f"{outcome.failed} failed")
        print(f"{outcome.feed_id}\t{name}\t{', '.join(parts)}")
    for note in outcome.notes:
        print(f"\t\t{one_line(note)}")


def run_refresh(args: argparse.Namespace) -> int:
    recognise = None
    if not args.no_entities:
        from reader.core.entities import recognise
    policy = RefreshPolicy(
        workers=max(1, args.workers),
        host_delay_s=max(0.0, args.delay),
        fetch_images=not args.no_images,
    )
    cancel = threading.Event()

    line = ProgressLine()

    def show(progress: Progress) -> None:
        line.show(
            f"{progress.feeds_done}/{progress.feeds_total} feeds  {progress.added} new  "
            f"{progress.failed_feeds} failed",
            final=progress.feeds_done >= progress.feeds_total,
        )

    with _open(args, recognise) as library:
        ids = list(args.ids) or None
        if args.due and ids is None:
            ids = [feed.id for feed in Feeds(library).due()]
        refresher = Refresher(
            library, policy, on_progress=None if args.quiet else show, cancel=cancel
        )
        try:
            outcomes = refresher.run(ids)
        except KeyboardInterrupt:
            cancel.set()
            print("\nreadmark-cli: stopped; what was saved stays saved.", file=sys.stderr)
            return 130
        finally:
            if not args.quiet:
                sys.stderr.write("\n")
    for outcome in outcomes:
        _print_outcome(outcome)
    added = sum(o.added for o in outcomes)
    failed = sum(1 for o in outcomes if o.error)
    print(f"{len(outcomes)} feeds refreshed: {added} new articles, {failed} feeds failed")
    return 0


def run_set(args: argparse.Namespace) -> int:
    with _open(args) as library:
        feed = Feeds(library).change(
            args.id, title=args.title, folder=args.folder, every_s=_every(args.every)
        )
    print(
        f"feed {feed.id}: {one_line(feed.name)}, folder {one_line(feed.folder) or '(none)'}, "
        f"every {format_interval(feed.every_s)}"
    )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with _open(args) as library:
        feed = Feeds(library).remove(args.id)
    print(f"unsubscribed from {one_line(feed.name)}; its articles stay in the library")
    return 0


def run_import_opml(args: argparse.Namespace) -> int:
    outlines = read_opml(Path(args.file))
    new = 0
    with _open(args) as library:
        feeds = Feeds(library)
        with library.transaction():
            for outline in outlines:
                _feed, added = feeds.subscribe(
                    outline.url,
                    title=outline.title,
                    folder=outline.folder,
                    site_url=outline.site_url,
                )
                new += int(added)
    print(f"{len(outlines)} feeds in {args.file}: {new} new, {len(outlines) - new} already there")
    return 0


def run_export_opml(args: argparse.Namespace) -> int:
    with _open(args) as library:
        feeds = Feeds(library).all()
    write_opml(Path(args.file), feeds)
    print(f"{len(feeds)} feeds written to {args.file}")
    return 0


def run_rule_add(args: argparse.Namespace) -> int:
    if args.tag is not None:
        action, value = "tag", args.tag
    else:
        action = "favourite" if args.favourite else "archive" if args.archive else "skip"
        value = ""
    with _open(args) as library:
        feeds = Feeds(library)
        rule = feeds.add_rule(args.query, action, value, args.feed)
        print(f"rule {rule.id}: {_rule_text(rule.query, rule.action, rule.value, rule.feed_id)}")
        if args.now:
            counts = run_rules(library, [rule])
            print(f"applied to {counts[rule.id]} articles already in the library")
    return 0


def _rule_text(query: str, action: str, value: str, feed_id: int | None) -> str:
    scope = f"feed {feed_id}" if feed_id is not None else "every feed"
    what = f"tag {value}" if action == "tag" else action
    return f"{what} new entries of {scope} matching {one_line(query)}"


def run_rule_list(args: argparse.Namespace) -> int:
    with _open(args) as library:
        rules = Feeds(library).rules()
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "query": r.query,
                    "action": r.action,
                    "value": r.value,
                    "feed_id": r.feed_id,
                }
                for r in rules
            ]
        )
        return 0
    for rule in rules:
        print(f"{rule.id}\t{_rule_text(rule.query, rule.action, rule.value, rule.feed_id)}")
    if not rules:
        print("no rules yet: readmark-cli feeds rule add QUERY --tag TAG")
    return 0


def run_rule_remove(args: argparse.Namespace) -> int:
    with _open(args) as library:
        Feeds(library).remove_rule(args.id)
    print(f"rule {args.id} removed")
    return 0


def run_rule_run(args: argparse.Namespace) -> int:
    with _open(args) as library:
        rules = Feeds(library).rules()
        if args.ids:
            rules = [r for r in rules if r.id in set(args.ids)]
        counts = run_rules(library, rules)
    for rule in rules:
        note = " (skip rules act on new entries only)" if rule.action == "skip" else ""
        print(f"rule {rule.id}: {counts[rule.id]} articles{note}")
    return 0


def run_mail_import(args: argparse.Namespace) -> int:
    """`readmark-cli import FILE.mbox|FILE.eml|FOLDER`: newsletters become articles."""
    from reader.core.importers.mail import import_mail

    recognise = None
    if not getattr(args, "no_entities", False):
        from reader.core.entities import recognise
    with _open(args, recognise) as library:
        report = import_mail(library, Path(args.file))
    for name, reason in report.failed:
        print(f"failed\t{one_line(name)}\t{one_line(reason)}")
    print(report.summary())
    return 0
