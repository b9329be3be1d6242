"""Child processes of the real-usage tests, each working on one library until told to stop.

`python tests/core/library_children.py search DATA_DIR STOP_FILE WORD...`
    searches the library in a loop, as a window does (one long-lived connection, and now and then
    a fresh `Library` opened and closed beside it), printing one JSON line per pass, and once
    STOP_FILE exists, what its long-lived connection finds in the end.
`python tests/core/library_children.py reextract DATA_DIR`
    changes every article's text and extracts it again from its stored source, round after
    round, printing each step once its transaction has committed.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from reader.core.errors import ReadmarkError
from reader.core.extract import extract
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from reader.core.paths import library_path

FRESH_EVERY = 5  # passes between the extra, short-lived `Library` a worker thread would open


def say(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def search(data_dir: str, stop_file: str, words: list[str]) -> int:
    path = library_path(data_dir)
    library = Library(path)
    stop = Path(stop_file)
    passes = errors = 0
    try:
        while not stop.exists():
            counts: dict[str, int] = {}
            try:
                for word in words:
                    counts[word] = len(library.search(word, limit=10_000))
                counts["all"] = library.count()
                if passes % FRESH_EVERY == 0:
                    with Library(path) as fresh:
                        fresh.list_articles(50, 0, filter=words[0])
            except ReadmarkError as exc:
                errors += 1
                say(error=str(exc))
                time.sleep(0.05)
                continue
            passes += 1
            say(passes=passes, counts=counts)
            time.sleep(0.02)
        # The writers are done: this long-lived connection must see all they wrote.
        say(final={word: len(library.search(word, limit=10_000)) for word in words})
    finally:
        library.close()
    say(done=passes, errors=errors)
    return 1 if errors else 0


def with_preface(library: Library, article_id: int) -> Article:
    """The article as extracted from its source, with a paragraph the source does not have."""
    raw = library.source(article_id)
    assert raw is not None
    extracted = extract(raw)
    preface = Block(BlockKind.PARAGRAPH, f"A preface written for article {article_id}.")
    return replace(extracted, blocks=(preface, *extracted.blocks))


def reextract(data_dir: str) -> int:
    """Each article in turn: saved again with a preface (its highlights move), then extracted
    again from its source (they move back); each step printed once committed."""
    library = Library(library_path(data_dir))
    try:
        ids = sorted(summary.id for summary in library.list_articles(10_000, 0))
        while True:
            for article_id in ids:
                raw = library.source(article_id)
                saved = library.add_article(with_preface(library, article_id), raw)
                assert saved == article_id
                say(saved=article_id)
                library.reextract(article_id)
                say(reextracted=article_id)
    finally:
        library.close()


def main(argv: list[str]) -> int:
    if argv[0] == "search":
        return search(argv[1], argv[2], argv[3:])
    if argv[0] == "reextract":
        return reextract(argv[1])
    raise SystemExit(f"unknown child {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
