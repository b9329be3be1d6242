"""What each reading of Extract Again gives on WCXB dev pages, and what the log costs.

Run by hand from the checkout:
    python tests/bench/bench_repair.py [--every N]

For every Nth page (default 5) each reading a person can ask for (readmark, readability,
trafilatura, whole page) is scored against the page's truth (word F1, macro per page type),
beside "best of four": what a reader who picks the right Extract Again for each page gets. Also
the median and p95 time per page of each reading and of the extraction log (every reading made),
as ratios of the usual extraction's median measured in the same run, and how many pages each
reading finds no text on (an error the window shows; the article stays as it was).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench_wcxb import CASES, _p95
from extract_metric import prf

from reader.core.errors import ExtractionError
from reader.core.extract import READINGS, extract_logged
from reader.core.models import RawPage

LOG = "log (every reading)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=5, help="take every Nth page")
    args = parser.parse_args()
    folders = sorted(p for p in CASES.iterdir() if p.is_dir())[:: args.every]
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    times: dict[str, list[float]] = defaultdict(list)
    empty: dict[str, int] = defaultdict(int)
    for case in folders:
        kind = (case / "type.txt").read_text().strip()
        truth = (case / "truth.txt").read_text()
        url_file = case / "url.txt"
        url = (url_file.read_text().strip() or None) if url_file.exists() else None
        data = gzip.decompress((case / "page.html.gz").read_bytes())
        raw = RawPage(data=data, content_type="text/html", url=url)
        best = 0.0
        for reading in (*READINGS, LOG):
            start = time.perf_counter()
            try:
                if reading == LOG:
                    extract_logged(raw, compare=True)
                    text = ""
                else:
                    text = extract_logged(raw, reading=reading)[0].text
            except ExtractionError:
                text, empty[reading] = "", empty[reading] + 1
            times[reading].append(time.perf_counter() - start)
            if reading != LOG:
                f1 = prf(text, truth)[2]
                scores[(reading, kind)].append(f1)
                best = max(best, f1)
        scores[("best of four", kind)].append(best)

    kinds = sorted({kind for _, kind in scores})
    names = (*READINGS, "best of four")
    print(f"{len(folders)} WCXB dev pages (every {args.every}th), word F1 macro per type")
    print(f"{'type':14}" + "".join(f"{name:>14}" for name in names))
    for kind in (*kinds, "all"):
        cells = []
        for name in names:
            values = [
                v for (n, k), vs in scores.items() if n == name and kind in (k, "all") for v in vs
            ]
            cells.append(f"{statistics.mean(values):14.3f}")
        print(f"{kind:14}" + "".join(cells))
    usual = statistics.median(times["readmark"])
    print("\ntime per page (ratio of the usual extraction's median in this run)")
    for name in (*READINGS, LOG):
        median, p95 = statistics.median(times[name]), _p95(times[name])
        print(
            f"{name:20} median {median * 1000:7.1f} ms (x{median / usual:.2f})  "
            f"p95 {p95 * 1000:7.1f} ms  no text on {empty[name]} page(s)"
        )


if __name__ == "__main__":
    main()
