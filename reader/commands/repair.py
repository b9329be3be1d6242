"""`readmark-cli reextract ID` and `readmark-cli extraction-log ID`: repair an article that came
out wrong from the page it was saved from, and see why it came out as it did."""

from __future__ import annotations

import argparse

from reader.core import repairing
from reader.core.extract.log import READINGS, READMARK, reading_name
from reader.core.library import Library
from reader.core.paths import library_path

from .common import open_library, print_json

_CHOICES = [name.replace(" ", "-") for name in READINGS]


def _reading(value: str) -> str:
    try:
        return reading_name(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reextract = subparsers.add_parser(
        "reextract",
        help="extract an article again from the page it was saved from, with a reading you choose",
    )
    reextract.add_argument("id", type=int, help="the article's id")
    reextract.add_argument(
        "--reading",
        type=_reading,
        default=READMARK,
        metavar="|".join(_CHOICES),
        help="readmark (the usual choice), readability, trafilatura or whole-page",
    )
    reextract.add_argument(
        "--no-entities",
        action="store_true",
        help="leave finding entities to the window's idle work",
    )
    reextract.set_defaults(run=run_reextract)

    log = subparsers.add_parser(
        "extraction-log", help="which reading of an article's page is kept, why, and the others"
    )
    log.add_argument("id", type=int, help="the article's id")
    log.add_argument("--reading", type=_reading, default=READMARK, metavar="|".join(_CHOICES))
    log.add_argument("--json", action="store_true", help="print the log as JSON")
    log.set_defaults(run=run_log)


def run_reextract(args: argparse.Namespace) -> int:
    recognise = None
    if not args.no_entities:
        from reader.core.entities import recognise
    with Library(library_path(args.data_dir), recognise=recognise) as library:
        done = repairing.reextract(library, args.id, args.reading)
        title = library.get(args.id).article.title
    what = "Text changed" if done.changed else "Text unchanged"
    print(f"{what}: {title} (reading: {done.log.reading})")
    return 0


def run_log(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        log = repairing.extraction_log(library, args.id, args.reading)
    if args.json:
        print_json(
            {
                "reading": log.reading,
                "rule": log.rule,
                "reason": log.reason,
                "asked": log.asked,
                "words": {name: words for name, words in log.words},
                "left_out": [{"start": start, "words": words} for start, words in log.left_out],
            }
        )
    else:
        print("\n".join(log.lines()))
    return 0
