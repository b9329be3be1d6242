"""Idle recognition benchmark: finding the articles never recognised in a large library.

Run by hand from the checkout:
    python tests/bench/bench_idle_entities.py [--articles 100000] [--unrecognised 0.002]

The window asks for the next small batch of articles without entities while it is idle. The
reference, measured in the same run, is the cheapest possible page of ids (a walk down the
primary key, no conditions); the listing should cost about the same, whatever the library size.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.core.library import Library
from reader.core.store.entities import UNBOUNDED_ID, UNRECOGNISED_SQL

LANGS = ("en", "en-GB", None, "fr", "de")


def build(library: Library, count: int, unrecognised: float, seed: int = 7) -> int:
    """Minimal article rows; most recognised, a few not, in several languages."""
    rng = random.Random(seed)
    conn = library.db.conn
    rows = []
    for n in range(1, count + 1):
        recognised = None if rng.random() < unrecognised else "2026-01-01T00:00:00"
        rows.append((n, f"Article {n}", rng.choice(LANGS), "2026-01-01", "words", recognised))
    with conn:
        conn.executemany(
            "INSERT INTO articles(id, title, lang, added_at, text, entities_at, content, unread, "
            "archived, favorite, word_count) VALUES (?, ?, ?, ?, ?, ?, '[]', 1, 0, 0, 1)",
            rows,
        )
    return sum(1 for row in rows if row[5] is None)


def best_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--unrecognised", type=float, default=0.002)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "library.sqlite3")
        start = time.perf_counter()
        waiting = build(library, args.articles, args.unrecognised)
        print(f"{args.articles:,} articles ({waiting:,} never recognised), built in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        plan = library.db.conn.execute(
            "EXPLAIN QUERY PLAN " + UNRECOGNISED_SQL, [UNBOUNDED_ID, 8]
        ).fetchall()
        print("plan:", "; ".join(str(row[-1]) for row in plan))
        conn = library.db.conn
        first = library.unrecognised(8)
        ours = best_ms(lambda: library.unrecognised(8), args.runs)
        walk = best_ms(lambda: library.unrecognised(8, before=first[-1]), args.runs)
        reference = best_ms(
            lambda: conn.execute("SELECT id FROM articles ORDER BY id DESC LIMIT 8").fetchall(),
            args.runs,
        )
        scan_sql = UNRECOGNISED_SQL.replace("FROM articles", "FROM articles NOT INDEXED")
        scan = best_ms(lambda: conn.execute(scan_sql, [UNBOUNDED_ID, 8]).fetchall(), 5)
        everything = best_ms(lambda: library.unrecognised(args.articles), 5)
        print(f"first batch of 8:        {ours:8.3f} ms  ({ours / reference:.1f}x the reference)")
        print(f"next batch of 8:         {walk:8.3f} ms  ({walk / reference:.1f}x the reference)")
        print(f"reference (8 ids by pk): {reference:8.3f} ms")
        print(f"same without the index:  {scan:8.3f} ms  (a scan of the table)")
        print(f"all {waiting:,} waiting ids:  {everything:8.3f} ms")
        library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
