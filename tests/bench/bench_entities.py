"""Entity benchmark: F1 of the stock model against ours on hand-labelled news, and speed.

Run from the checkout: `python tests/bench/bench_entities.py` (add `-v` to list the differences).
F1 counts a mention as right only when its start, end and label all match the gold. Both sides
tag the gold text as `readmark-cli entities - --as plain` does: one block per line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.core.entities import SpacyTagger, plain_article, recognise  # noqa: E402

GOLD_DIR = ROOT / "tests" / "fixtures" / "entities"
ROUNDS = 7

Span = tuple[int, int, str]


def load_gold(directory: Path = GOLD_DIR) -> list[dict[str, object]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(directory.glob("*.json"))]


def gold_spans(case: dict[str, object]) -> set[Span]:
    return {(e["start"], e["end"], e["label"]) for e in case["entities"]}  # type: ignore[union-attr,index]


def stock_spans(tagger: SpacyTagger, text: str) -> set[Span]:
    """The bare model's spans, block by block, offsets into `text`."""
    spans: set[Span] = set()
    lines = text.split("\n")
    offset = 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    for start, tagged in zip(starts, tagger.tag(lines), strict=True):
        spans.update((start + s, start + e, label) for s, e, label in tagged)
    return spans


def our_spans(tagger: SpacyTagger, text: str) -> set[Span]:
    result = recognise(plain_article(text), tagger)
    return {(m.start, m.end, m.label) for m in result.mentions}


def prf(predicted: set[Span], gold: set[Span]) -> tuple[float, float, float, int, int, int]:
    tp = len(predicted & gold)
    fp = len(predicted - gold)
    fn = len(gold - predicted)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def show_differences(text: str, predicted: set[Span], gold: set[Span]) -> None:
    for s, e, label in sorted(gold - predicted):
        print(f"      missed {text[s:e]!r} {label}")
    for s, e, label in sorted(predicted - gold):
        print(f"      extra  {text[s:e]!r} {label}")


def best_time(fn: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def words(texts: Iterable[str]) -> int:
    return sum(len(t.split()) for t in texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    args = parser.parse_args()

    tagger = SpacyTagger()
    t0 = time.perf_counter()
    tagger.load()
    load_s = time.perf_counter() - t0
    cases = load_gold()

    print(f"{'file':28} {'gold':>5} {'stock F1':>9} {'ours F1':>8}   (P / R ours)")
    totals = {"stock": [0, 0, 0], "ours": [0, 0, 0]}
    for case in cases:
        text = str(case["text"])
        gold = gold_spans(case)
        stock = stock_spans(tagger, text)
        ours = our_spans(tagger, text)
        s = prf(stock, gold)
        o = prf(ours, gold)
        for key, score in (("stock", s), ("ours", o)):
            for i in range(3):
                totals[key][i] += score[3 + i]
        name = str(case["name"])
        print(f"{name:28} {len(gold):5d} {s[2]:9.3f} {o[2]:8.3f}   ({o[0]:.3f} / {o[1]:.3f})")
        if args.verbose:
            show_differences(text, ours, gold)
    for key in ("stock", "ours"):
        tp, fp, fn = totals[key]
        p = tp / (tp + fp)
        r = tp / (tp + fn)
        totals[key].append(2 * p * r / (p + r))  # type: ignore[arg-type]
    print(
        f"{'overall (micro)':28} {sum(len(c['entities']) for c in cases):5d} "  # type: ignore[arg-type]
        f"{totals['stock'][3]:9.3f} {totals['ours'][3]:8.3f}"
    )

    # Throughput: the same texts through the bare model and through the whole entity stage,
    # interleaved article by article and measured in process CPU time (the machine is shared, so
    # wall time would mostly measure the neighbours), keeping each article's best of ROUNDS.
    texts = [str(c["text"]) for c in cases]
    n_words = words(texts)
    best_bare = [float("inf")] * len(texts)
    best_whole = [float("inf")] * len(texts)
    for text in texts:  # warm up
        recognise(plain_article(text), tagger)
    for _ in range(ROUNDS):
        for i, text in enumerate(texts):
            t0 = time.process_time()
            tagger.tag(text.split("\n"))
            t1 = time.process_time()
            recognise(plain_article(text), tagger)
            t2 = time.process_time()
            best_bare[i] = min(best_bare[i], t1 - t0)
            best_whole[i] = min(best_whole[i], t2 - t1)
    bare_wps = n_words / sum(best_bare)
    whole_wps = n_words / sum(best_whole)
    print()
    print(f"throughput on {n_words} words ({len(texts)} articles, best of {ROUNDS}, CPU time):")
    print(f"  bare NER-only spaCy        {bare_wps:9.0f} words/s")
    print(
        f"  entity stage (model+pass)  {whole_wps:9.0f} words/s   ratio {whole_wps / bare_wps:.2f}x"
    )

    # The document pass on its own: the model's output replayed from memory.
    replay: dict[tuple[str, ...], list[list[Span]]] = {}

    class Replay:
        def tag(self, lines: list[str]) -> list[list[Span]]:
            key = tuple(lines)
            if key not in replay:
                replay[key] = tagger.tag(lines)
            return replay[key]

    for text in texts:
        recognise(plain_article(text), Replay())  # records the model's output

    best_pass = [float("inf")] * len(texts)
    for _ in range(ROUNDS):
        for i, text in enumerate(texts):
            article = plain_article(text)
            t0 = time.process_time()
            recognise(article, Replay())
            best_pass[i] = min(best_pass[i], time.process_time() - t0)
    share = sum(best_pass) / sum(best_bare)
    print(f"  document pass alone: {share:.0%} of the bare model's time")

    # Time to entities for a 2,000-word article (model already loaded, as in the app).
    long_text = "\n".join(str(c["text"]) for c in cases)
    long_words = long_text.split(" ")
    article_text = " ".join(long_words[:2000])
    article = plain_article(article_text)
    wall = [best_time(lambda: recognise(article, tagger), 1) for _ in range(5)]
    cpu = []
    for _ in range(5):
        t0 = time.process_time()
        recognise(article, tagger)
        cpu.append(time.process_time() - t0)
    print(
        f"  2,000-word article: {min(cpu) * 1000:.0f} ms CPU to entities "
        f"(median wall {statistics.median(wall) * 1000:.0f} ms on this shared machine; "
        f"model load once per process: {load_s * 1000:.0f} ms incl. hash check)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
