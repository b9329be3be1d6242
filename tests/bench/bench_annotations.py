"""Highlight benchmark: re-anchoring after a re-extraction, and Markdown export of a big library.

Run by hand from the checkout:
    python tests/bench/bench_annotations.py [--words 10000] [--highlights 1000] [--articles 10000]
        [--pages 110]

References are measured in the same run: re-anchoring is compared with a scan of the whole text
per moved highlight (the same bit-parallel edit distance, without candidate windows) and, for a
sample, with the textbook dynamic programme; the export with reading every article and writing
its plain text.
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.core.anchoring import (
    edit_budget,
    levenshtein,
    locate,
    new_annotation,
    reanchor_all,
    search_distances,
)
from reader.core.exporters.markdown import export_markdown
from reader.core.library import Library
from reader.core.models import Annotation, Article, Block, BlockKind

SEED = 20240501


def _vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    weights = [26 - i for i in range(26)]
    words = {"".join(rng.choices(letters, weights, k=rng.randint(2, 10))) for _ in range(size)}
    common = ["the", "of", "and", "a", "to", "in", "is", "that", "it", "was", "for", "on"]
    return common * 40 + sorted(words)  # frequent short words repeat, as in prose


def make_text(rng: random.Random, words: int) -> str:
    vocabulary = _vocabulary(rng)
    paragraphs: list[str] = []
    left = words
    while left > 0:
        size = min(left, rng.randint(40, 160))
        sentence = " ".join(rng.choice(vocabulary) for _ in range(size))
        paragraphs.append(sentence.capitalize() + ".")
        left -= size
    return "\n".join(paragraphs)


def make_highlights(rng: random.Random, text: str, count: int) -> list[Annotation]:
    starts = [i + 1 for i, c in enumerate(text) if c == " "]
    marks = []
    for _ in range(count):
        start = rng.choice(starts)
        end = start
        for _ in range(rng.randint(3, 25)):
            nxt = text.find(" ", end + 1)
            end = len(text) if nxt == -1 else nxt
        marks.append(new_annotation(text, start, end, note="n"))
    return marks


HEADER = "Listen to this article. 12 min read.\n"


def reextract(rng: random.Random, text: str) -> tuple[str, Callable[[int], int | None]]:
    """A newer extractor: a standfirst, a few typos, dropped paragraphs. Returns the new text
    and where each old offset went (None inside a dropped paragraph)."""
    paragraphs = text.split("\n")
    dropped = set(rng.sample(range(len(paragraphs)), k=max(1, len(paragraphs) // 40)))
    changed = []
    for index, paragraph in enumerate(paragraphs):
        chars = list("Advertisement." if index in dropped else paragraph)
        for _ in range(rng.randint(0, 2)):
            at = rng.randrange(len(chars))
            chars[at] = rng.choice("xyz")
        changed.append("".join(chars))
    old_starts, new_starts, old_at, new_at = [], [], 0, len(HEADER)
    for paragraph, new in zip(paragraphs, changed, strict=True):
        old_starts.append(old_at)
        new_starts.append(new_at)
        old_at += len(paragraph) + 1
        new_at += len(new) + 1

    def moved_to(offset: int) -> int | None:
        index = bisect.bisect_right(old_starts, offset) - 1
        return None if index in dropped else new_starts[index] + offset - old_starts[index]

    return HEADER + "\n".join(changed), moved_to


def full_scan(mark: Annotation, text: str) -> int:
    """The reference fuzzy search: edit distances against every end position of the text."""
    return min(search_distances(mark.exact, text))


def textbook(mark: Annotation, text: str) -> int:
    previous = [0] * (len(text) + 1)
    for i, a in enumerate(mark.exact, 1):
        current = [i]
        for j, b in enumerate(text, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return min(previous)


def bench_reanchor(words: int, highlights: int) -> None:
    rng = random.Random(SEED)
    text = make_text(rng, words)
    marks = make_highlights(rng, text, highlights)
    new_text, moved_to = reextract(rng, text)
    print(f"article: {len(text.split())} words, {len(text)} chars; {len(marks)} highlights")

    started = time.perf_counter()
    moved = reanchor_all(marks, new_text)
    elapsed = time.perf_counter() - started
    methods = Counter("orphan" if (m := locate(a, new_text)) is None else m.method for a in marks)
    lost = [a for a in moved if not a.orphaned and new_text[a.start : a.end] != a.exact]
    drift = sum(
        1
        for old, new in zip(marks, moved, strict=True)
        if not new.orphaned and levenshtein(old.exact, new.exact) > edit_budget(len(old.exact))
    )
    print(f"  re-anchor all: {elapsed * 1000:.0f} ms ({elapsed / len(marks) * 1e6:.0f} µs each)")
    print(f"  placed by: {dict(methods)}; mismatched: {len(lost)}; over budget: {drift}")
    expected = [(moved_to(a.start), moved_to(a.end - 1)) for a in marks]
    placeable = [i for i, (s, e) in enumerate(expected) if s is not None and e is not None]
    right = sum(
        1
        for i in placeable
        if not moved[i].orphaned and (moved[i].start, moved[i].end - 1) == expected[i]  # type: ignore[comparison-overlap]
    )
    orphaned_rightly = sum(1 for i, a in enumerate(moved) if a.orphaned and i not in placeable)
    touching = len(marks) - len(placeable)
    print(
        f"  on the same words as before: {right} of {len(placeable)} whose paragraphs survived; "
        f"of {touching} touching a dropped paragraph, {orphaned_rightly} became orphans and "
        f"{touching - orphaned_rightly} kept enough words to stay within the edit budget"
    )
    fuzzy = [a for a in marks if methods and locate(a, new_text) is not None]
    fuzzy = [a for a in fuzzy if locate(a, new_text).method == "fuzzy"]  # type: ignore[union-attr]
    if fuzzy:
        started = time.perf_counter()
        ours = [locate(a, new_text) for a in fuzzy]
        ours_s = time.perf_counter() - started
        started = time.perf_counter()
        for a in fuzzy:
            full_scan(a, new_text)
        scan_s = time.perf_counter() - started
        sample = fuzzy[:3]
        started = time.perf_counter()
        for a in sample:
            textbook(a, new_text)
        dp_each = (time.perf_counter() - started) / len(sample)
        print(
            f"  {len(fuzzy)} fuzzy: candidate windows {ours_s * 1000:.0f} ms, "
            f"whole-text bit-parallel scan {scan_s * 1000:.0f} ms "
            f"(ratio {scan_s / max(ours_s, 1e-9):.1f}x), "
            f"textbook DP ~{dp_each * len(fuzzy):.1f} s extrapolated "
            f"(ratio {dp_each * len(fuzzy) / max(ours_s, 1e-9):.0f}x)"
        )
        assert all(m is not None for m in ours)
    # Orphans must be real: the whole-text scan finds nothing within the budget either.
    for old, new in zip(marks, moved, strict=True):
        if new.orphaned:
            assert full_scan(old, new_text) > edit_budget(len(old.exact)), old.exact


SHARED = Path(__file__).resolve().parents[3] / "shared"


def _previous_extractor(data: bytes, url: str | None) -> str:
    """What an older Readmark might have shown: readability-lxml alone, lines tidied."""
    import lxml.html
    from readability import Document

    summary = Document(data.decode("utf-8", "replace"), url=url).summary(html_partial=True)
    raw = str(lxml.html.fromstring(summary).text_content())
    lines = (" ".join(line.split()) for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def bench_real_pages(pages: int, per_page: int) -> None:
    """Highlights made on an older extractor's text of real pages, re-anchored on ours."""
    import gzip

    from reader.core.extract import extract
    from reader.core.models import RawPage

    folder = SHARED / "extract-cases" / "scrapinghub-dev"
    if not folder.is_dir():
        print("real pages: the extract-cases folder is missing; skipped")
        return
    rng = random.Random(SEED + 2)
    counts = Counter()
    seconds = 0.0
    for case in sorted(p for p in folder.iterdir() if p.is_dir())[:pages]:
        data = gzip.decompress((case / "page.html.gz").read_bytes())
        url_file = case / "url.txt"
        url = url_file.read_text().strip() or None if url_file.exists() else None
        old = _previous_extractor(data, url)
        try:
            new = extract(RawPage(data, "text/html", url=url, charset="utf-8")).text
        except Exception:
            counts["pages without an article"] += 1
            continue
        if len(old.split()) < 60:
            continue
        counts["pages"] += 1
        marks = make_highlights(rng, old, per_page)
        started = time.perf_counter()
        moved = reanchor_all(marks, new)
        seconds += time.perf_counter() - started
        for before, after in zip(marks, moved, strict=True):
            counts["highlights"] += 1
            if not after.orphaned:
                counts["placed"] += 1
                counts["placed, same words"] += after.exact == before.exact
            elif full_scan(before, new) <= edit_budget(len(before.exact)):
                counts["orphans that could have been placed"] += 1
            else:
                counts["orphans (words not in the new text)"] += 1
    print(
        f"real pages ({counts['pages']} pages of scrapinghub-dev, highlights on readability-lxml "
        f"text re-anchored on ours): {dict(counts)}; {seconds * 1000:.0f} ms in all"
    )


def build_library(path: Path, articles: int) -> Library:
    rng = random.Random(SEED + 1)
    vocabulary = _vocabulary(rng, 3000)
    library = Library(path)
    for number in range(articles):
        blocks = [Block(BlockKind.HEADING, f"Part {number}", level=2)]
        for _ in range(rng.randint(4, 10)):
            words = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(40, 120)))
            blocks.append(Block(BlockKind.PARAGRAPH, words.capitalize() + "."))
        article = Article(
            title=f"Article {number}: {vocabulary[number % len(vocabulary)]}",
            blocks=tuple(blocks),
            url=f"https://example.org/{number}",
            site_name="Example",
            byline="A. Writer",
            published="2024-05-01",
        )
        article_id = library.add_article(article, tags=["bench"] if number % 3 == 0 else ())
        text = article.text
        for _ in range(rng.randint(0, 4)):
            start = rng.randrange(0, len(text) - 60)
            library.add_annotation(
                article_id, new_annotation(text, start, start + 50, note="a note")
            )
    return library


def bench_export(articles: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        library = build_library(root / "lib.sqlite3", articles)
        print(f"library of {articles} articles built in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        written = export_markdown(library, root / "md")
        export_s = time.perf_counter() - started
        size = sum(p.stat().st_size for p in written)
        plain = root / "plain"
        plain.mkdir()
        started = time.perf_counter()
        for article_id in [int(r[0]) for r in library.db.execute("SELECT id FROM articles")]:
            (plain / f"{article_id}.txt").write_text(library.get(article_id).article.text)
        plain_s = time.perf_counter() - started
        library.close()
        print(
            f"  Markdown export: {len(written)} files, {size / 1e6:.0f} MB in {export_s:.1f} s "
            f"({export_s / len(written) * 1000:.2f} ms per article); read + write plain text "
            f"{plain_s:.1f} s (ratio {export_s / max(plain_s, 1e-9):.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--highlights", type=int, default=1_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=110, help="real pages to re-anchor on")
    args = parser.parse_args()
    bench_reanchor(args.words, args.highlights)
    if args.pages:
        bench_real_pages(args.pages, per_page=20)
    if args.articles:
        bench_export(args.articles)


if __name__ == "__main__":
    main()
