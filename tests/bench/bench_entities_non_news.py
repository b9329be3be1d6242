"""Entity benchmark outside news: exact span + label precision, recall and F1 on the
hand-labelled pages of tests/fixtures/entities/non-news/, for the tuning half and the half kept
aside (see its README), stock model beside ours.

Run from the checkout: `python tests/bench/bench_entities_non_news.py [--split tune] [-v]`.
Tune while looking at `--split tune` only; the held-out half is scored once, at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.core.entities import SpacyTagger, plain_article, recognise  # noqa: E402
from tests.bench.bench_entities import prf, show_differences, stock_spans  # noqa: E402

PAGES = ROOT / "tests" / "fixtures" / "entities" / "non-news"

Span = tuple[int, int, str]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-v", action="store_true", help="list the differences")
    parser.add_argument(
        "--split",
        choices=["tune", "held-out"],
        help="score one half only (tune while looking at the tuning half alone)",
    )
    args = parser.parse_args()
    tagger = SpacyTagger()
    halves: dict[str, dict[str, list[set[Span]]]] = {}
    print(f"{'page':28} {'split':9} {'gold':>4}  {'stock F1':>8}  {'ours F1':>7}   (P / R ours)")
    for path in sorted(PAGES.glob("*.json")):
        case = json.loads(path.read_text("utf-8"))
        if args.split and case["split"] != args.split:
            continue
        text = case["text"]
        gold = {(e["start"], e["end"], e["label"]) for e in case["entities"]}
        ours = {(m.start, m.end, m.label) for m in recognise(plain_article(text), tagger).mentions}
        stock = stock_spans(tagger, text)
        half = halves.setdefault(case["split"], {"gold": [], "ours": [], "stock": []})
        offset = len(half["gold"])
        # Spans of different pages must never meet: tag each with its page.
        half["gold"].append({(offset, *s) for s in gold})  # type: ignore[arg-type]
        half["ours"].append({(offset, *s) for s in ours})  # type: ignore[arg-type]
        half["stock"].append({(offset, *s) for s in stock})  # type: ignore[arg-type]
        p, r, f, *_ = prf(ours, gold)
        print(
            f"{path.stem:28} {case['split']:9} {len(gold):4}  {prf(stock, gold)[2]:8.3f}  "
            f"{f:7.3f}   ({p:.3f} / {r:.3f})"
        )
        if args.v:
            show_differences(text, ours, gold)
    for name, half in sorted(halves.items(), reverse=True):
        gold = set().union(*half["gold"])
        ours = set().union(*half["ours"])
        stock = set().union(*half["stock"])
        p, r, f, *_ = prf(ours, gold)
        sp, sr, sf, *_ = prf(stock, gold)
        print(
            f"{name:9} ({len(half['gold'])} pages, {len(gold)} mentions): ours P {p:.3f} R {r:.3f} "
            f"F1 {f:.3f}; stock P {sp:.3f} R {sr:.3f} F1 {sf:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
