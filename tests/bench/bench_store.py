"""Library store benchmark on a synthetic 100k-article library.

Run by hand from the checkout (the library is built once and cached under /tmp):
    python tests/bench/bench_store.py [--articles 100000] [--rebuild] [--runs 15]

Prints, measured in the same run on the same file:
- search through `Library.search` against a raw FTS5 query (`MATCH ... ORDER BY rank LIMIT 20`
  with a snippet): median and p95 over a fixed query set, and their ratio (target <= 1.5x);
- the first page of the library list (target <= 20 ms) and a filtered page;
- opening the library with `Library(path)` (target <= 300 ms);
- bytes per article, with the share of each table and index.

Article lengths follow a log-normal distribution (median about 800 words, long tail to 12,000),
words a Zipf distribution over a 60,000-word vocabulary, so posting lists look like real text.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.core.library import Library
from reader.core.migrations import domain_key
from reader.core.models import MATCH_END, MATCH_START, Block, BlockKind
from reader.core.store.articles import SNIPPET_TOKENS
from reader.core.store.rows import blocks_to_json
from reader.core.util import sha256

SEED = 20240501
CACHE = Path(tempfile.gettempdir()) / "readmark-bench-store"
COMMON = (  # noqa: SIM905 - a paragraph reads better than a list of 80 strings
    "the of and to a in is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when what "
    "will more if no out so said who can its about into them than only other new some could "
    "time these two may first then do any like my now over such our man me even most made after"
).split()
SITES = [f"site{n}.example.com" for n in range(400)]
TAGS = [f"topic{n}" for n in range(60)]
LABELS = ["PERSON", "ORG", "GPE", "NORP", "DATE"]
BOILERPLATE = (
    "<html><head><title>{title}</title><script>window.dataLayer=[];</script>"
    + "<link rel='stylesheet' href='/s.css'>" * 20
    + "</head><body><nav>"
    + "".join(f"<a href='/section/{n}'>Section {n}</a>" for n in range(60))
    + "</nav><article>{body}</article><footer>"
    + "".join(f"<a href='/more/{n}'>Related story {n}</a>" for n in range(40))
    + "</footer></body></html>"
)


def vocabulary(seed: int, size: int = 60_000) -> list[str]:
    rng = random.Random(seed)
    consonants = "bcdfghjklmnprstvwz"
    vowels = "aeiou"
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(
            rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(1, 4))
        )
        if rng.random() < 0.3:
            word += rng.choice(consonants)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def build(path: Path, count: int) -> float:
    """Write `count` synthetic articles into a new library at `path`; returns seconds taken."""
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    words = vocabulary(SEED)
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    word_cdf = np.cumsum(1.0 / ranks**1.07)
    word_cdf /= word_cdf[-1]

    def sample_words(size: int) -> list[str]:
        return [words[i] for i in np.searchsorted(word_cdf, rng.random(size)).tolist()]

    lengths = np.clip(rng.lognormal(np.log(800), 0.7, count), 80, 12_000).astype(int)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    entity_names = [f"{words[200 + n].title()} {words[300 + n].title()}" for n in range(20_000)]
    entity_cdf = np.cumsum(1.0 / np.arange(1, 20_001) ** 1.1)
    entity_cdf /= entity_cdf[-1]

    library = Library(path)
    db = library.db
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")  # a throwaway file built in one go
    conn.executemany("INSERT INTO tags(name) VALUES (?)", [(t,) for t in TAGS])
    conn.executemany(
        "INSERT INTO entities(key, label, name) VALUES (?, ?, ?)",
        [
            (f"{name.lower()}|{LABELS[n % len(LABELS)]}", LABELS[n % len(LABELS)], name)
            for n, name in enumerate(entity_names)
        ],
    )
    conn.commit()
    batch = 2_000
    for first in range(0, count, batch):
        rows, tag_rows, mention_rows, link_rows = [], [], [], []
        for n in range(first, min(first + batch, count)):
            total = int(lengths[n])
            picks = sample_words(total)
            sizes = np.clip(rng.normal(70, 30, total // 40 + 1), 15, 200).astype(int)
            paragraphs, at = [], 0
            for size in sizes:
                if at >= total:
                    break
                chunk = picks[at : at + size]
                at += size
                sentence = " ".join(chunk)
                paragraphs.append(sentence[:1].upper() + sentence[1:] + ".")
            title_words = sample_words(int(rng.integers(4, 11)))
            title = " ".join(title_words).capitalize()
            blocks = [Block(BlockKind.HEADING, title, level=1)] + [
                Block(BlockKind.PARAGRAPH, p) for p in paragraphs
            ]
            text = "\n".join(b.text for b in blocks)
            site = SITES[int(rng.integers(len(SITES)))]
            added = base + timedelta(minutes=int(n * 25 + rng.integers(0, 20)))
            html = BOILERPLATE.format(
                title=title, body="".join(f"<p>{p}</p>" for p in paragraphs)
            ).encode()
            opened = rng.random() < 0.4
            rows.append(
                (
                    f"https://{site}/story/{n}",
                    f"https://{site}/story/{n}",
                    site,
                    domain_key(site),
                    title,
                    f"By {entity_names[n % 500]}",
                    site.split(".")[0].title(),
                    added.date().isoformat(),
                    "en",
                    paragraphs[0][:280] if paragraphs else "",
                    len(text.split()),
                    added.isoformat(timespec="seconds"),
                    added.isoformat(timespec="seconds"),
                    (added + timedelta(days=1)).isoformat(timespec="seconds") if opened else None,
                    int(not opened),
                    int(rng.random() < 0.3),
                    int(rng.random() < 0.05),
                    "1",
                    sha256(text),
                    sha256(html),
                    "text/html",
                    blocks_to_json(blocks),
                    text,
                    zlib.compress(html, 6),
                )
            )
            article_id = n + 1
            for tag in rng.choice(len(TAGS), size=int(rng.integers(0, 3)), replace=False):
                tag_rows.append((article_id, int(tag) + 1))
            entity_ids = np.searchsorted(entity_cdf, rng.random(int(rng.integers(2, 30)))).tolist()
            counts: dict[int, int] = {}
            for index, entity in enumerate(entity_ids):
                entity_id = min(int(entity), 19_999) + 1
                counts[entity_id] = counts.get(entity_id, 0) + 1
                start = min(index * 97, max(0, len(text) - 12))
                mention_rows.append(
                    (article_id, start, start + 10, LABELS[(entity_id - 1) % 5], entity_id)
                )
            link_rows.extend((e, article_id, c) for e, c in counts.items())
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO articles (url, canonical_url, domain, domain_key, title, byline, "
            "site_name, "
            "published, lang, excerpt, word_count, added_at, updated_at, opened_at, unread, "
            "archived, favorite, extractor_version, text_hash, content_hash, source_type, "
            "content, text, source) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany("INSERT INTO article_tags(article_id, tag_id) VALUES (?, ?)", tag_rows)
        conn.executemany(
            'INSERT INTO mentions(article_id, start, "end", label, entity_id) '
            "VALUES (?, ?, ?, ?, ?)",
            mention_rows,
        )
        conn.executemany(
            "INSERT INTO article_entities(entity_id, article_id, mentions) VALUES (?, ?, ?)",
            link_rows,
        )
        conn.execute("COMMIT")
        done = min(first + batch, count)
        elapsed = time.perf_counter() - started
        print(f"\r  built {done:,}/{count:,} articles in {elapsed:.0f} s", end="", flush=True)
    print()
    conn.execute("UPDATE articles SET entities_at = added_at")
    conn.commit()
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    library.close()
    return time.perf_counter() - started


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm the cache: both sides are measured warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def paired(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[list[float], list[float]]:
    """Time two functions in alternating order, so machine noise falls on both alike."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for run in range(runs):
        order = (0, 1) if run % 2 == 0 else (1, 0)
        for index in order:
            fn = first if index == 0 else second
            started = time.perf_counter()
            fn()
            times[index].append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def pick_queries(library: Library) -> list[str]:
    """Words from very common to rare, two-word searches and a phrase, from the data itself."""
    conn = library.db.conn
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, articles_fts, row)"
    )
    found = conn.execute(
        "SELECT term, doc FROM temp.fts_terms WHERE length(term) > 3 ORDER BY doc DESC"
    ).fetchall()
    by_docs = [term for term, _ in found]
    queries = []
    for fraction in (0.0005, 0.002, 0.01, 0.03, 0.1, 0.3):
        queries.append(by_docs[int(len(by_docs) * fraction)])
    queries += [
        f"{by_docs[40]} {by_docs[900]}",
        f"{by_docs[300]} {by_docs[5000]}",
        f"{by_docs[2000]} OR {by_docs[3000]}",
    ]
    text = library.get(1234).article.blocks[1].text.lower().split()
    queries.append(f'"{text[3]} {text[4]} {text[5]}"')
    return queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"library-{args.articles}.sqlite3"
    if args.rebuild or not path.exists():
        for stale in CACHE.glob(f"library-{args.articles}.sqlite3*"):
            stale.unlink()
        print(f"Building a {args.articles:,}-article library at {path} ...")
        seconds = build(path, args.articles)
        print(f"  built in {seconds:.0f} s ({args.articles / seconds:,.0f} articles/s)")

    opens = []
    for _ in range(args.runs):
        started = time.perf_counter()
        Library(path).close()
        opens.append((time.perf_counter() - started) * 1000)

    # In a fresh interpreter, as when the app or readmark-cli starts (modules imported first).
    child = (
        "import sys, time; from pathlib import Path; sys.path.insert(0, sys.argv[2]); "
        "from reader.core.library import Library; t = time.perf_counter(); "
        "Library(Path(sys.argv[1])).close(); print((time.perf_counter() - t) * 1000)"
    )
    root = str(Path(__file__).resolve().parents[2])
    fresh_opens = [
        float(
            subprocess.run(
                [sys.executable, "-c", child, str(path), root],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(5)
    ]

    library = Library(path)
    conn = library.db.conn
    queries = pick_queries(library)
    raw_sql = (
        f"SELECT rowid, snippet(articles_fts, -1, '{MATCH_START}', '{MATCH_END}', '…', "
        f"{SNIPPET_TOKENS}), rank FROM articles_fts WHERE articles_fts MATCH ? "
        "ORDER BY rank LIMIT 20"
    )
    ours: list[float] = []
    raw: list[float] = []
    per_query = []
    for query in queries:
        parsed = library_query(query)
        ours_q, raw_q = paired(
            lambda q=query: library.search(q, limit=20),  # type: ignore[misc]
            lambda e=parsed: conn.execute(raw_sql, [e]).fetchall(),  # type: ignore[misc]
            args.runs,
        )
        matches = conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [parsed]
        ).fetchone()[0]
        ours += ours_q
        raw += raw_q
        per_query.append((query, matches, statistics.median(ours_q), statistics.median(raw_q)))

    list_first = timed(lambda: library.list_articles(50, 0), args.runs)
    list_unread = timed(lambda: library.list_articles(50, 0, filter="is:unread"), args.runs)
    list_title = timed(lambda: library.list_articles(50, 0, sort="title"), args.runs)
    list_tag = timed(lambda: library.list_articles(50, 0, filter="tag:topic7"), args.runs)
    list_site = timed(
        lambda: library.list_articles(50, 0, filter="site:site7.example.com"), args.runs
    )
    person = library.top_entities(label="PERSON", limit=1)[0].entity
    entity_search = timed(
        lambda: library.search(f'person:"{person.name}" {queries[2]}', limit=20), args.runs
    )
    mentioning = timed(lambda: library.articles_mentioning(person.key, limit=50), args.runs)
    top = timed(lambda: library.top_entities(limit=30), args.runs)
    count = library.count() + len(library.trash(limit=1_000_000))
    tables = conn.execute(
        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
    ).fetchall()
    file_bytes = path.stat().st_size
    library.close()

    print(f"\nLibrary: {count:,} articles, {file_bytes / 1e9:.2f} GB, {args.runs} runs each (ms)")
    print(f"{'query':<34}{'matches':>9}{'ours':>9}{'raw':>9}")
    for query, matches, ours_ms, raw_ms in per_query:
        print(f"{query[:33]:<34}{matches:>9,}{ours_ms:>9.2f}{raw_ms:>9.2f}")
    results = {
        "search_median_ms": statistics.median(ours),
        "search_p95_ms": p95(ours),
        "raw_fts_median_ms": statistics.median(raw),
        "raw_fts_p95_ms": p95(raw),
        "search_vs_raw_median": statistics.median(ours) / statistics.median(raw),
        "search_vs_raw_p95": p95(ours) / p95(raw),
        "list_first_page_median_ms": statistics.median(list_first),
        "list_first_page_p95_ms": p95(list_first),
        "list_unread_page_median_ms": statistics.median(list_unread),
        "list_by_title_page_median_ms": statistics.median(list_title),
        "list_tag_page_median_ms": statistics.median(list_tag),
        "list_site_page_median_ms": statistics.median(list_site),
        "search_with_person_filter_median_ms": statistics.median(entity_search),
        "articles_mentioning_median_ms": statistics.median(mentioning),
        "top_entities_median_ms": statistics.median(top),
        "open_median_ms": statistics.median(opens),
        "open_max_ms": max(opens),
        "open_in_new_process_median_ms": statistics.median(fresh_opens),
        "bytes_per_article": round(file_bytes / count),
    }
    print()
    for key, value in results.items():
        print(f"{key:<38}{value:>12.2f}" if isinstance(value, float) else f"{key:<38}{value:>12,}")
    print(
        "\nTargets: search within 1.5x of raw FTS5 (median and p95), first page <= 20 ms, "
        "open <= 300 ms."
    )
    print("\nBytes per article by table/index:")
    for name, size in tables[:12]:
        print(f"  {name:<32}{size / count:>10,.0f}")
    (CACHE / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def library_query(query: str) -> str:
    from reader.core.query import parse

    expression = parse(query).match_expression()
    assert expression is not None
    return expression


if __name__ == "__main__":
    sys.exit(main())
