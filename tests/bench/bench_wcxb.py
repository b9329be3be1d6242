"""Extraction by page type on WCXB dev: ours beside readability-lxml and trafilatura, one run.

Run by hand from the checkout:
    python tests/bench/bench_wcxb.py [--split tuned|aside|all] [--type T] [--worst N] [--dump F]

Every fifth page (the 5th, 10th, ... of each type, in folder order) is set aside: rules are tuned
on the other four fifths only, and the aside figure is printed beside the tuned one so that a
gain which does not generalise shows. Prints macro F1 per page type for the three extractors,
the median and p95 time per page, and pages where extraction failed although the page has text.
The outputs of the two reference extractors are cached under /tmp (they do not change between
runs); pass --fresh to measure their time again.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from extract_metric import prf

from reader.core.extract import extract
from reader.core.models import RawPage

# ../shared beside the checkout (or beside the folder that holds worktrees of it).
SHARED = next(
    folder / "shared"
    for folder in Path(__file__).resolve().parents
    if (folder / "shared" / "extract-cases").is_dir()
)
CASES = SHARED / "extract-cases" / "wcxb-dev"
CACHE = Path("/tmp/readmark-bench-wcxb")
TYPES = ("article", "collection", "documentation", "forum", "listing", "product", "service")


def readability_alone(html: str, url: str | None) -> str:
    import lxml.html
    from readability import Document

    summary_html = Document(html, url=url).summary(html_partial=True)
    return str(lxml.html.fromstring(summary_html).text_content())


def trafilatura_alone(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def ours(html: str, url: str | None) -> str:
    raw = RawPage(data=html.encode("utf-8"), content_type="text/html", url=url, charset="utf-8")
    return extract(raw).text


def _timed(
    function: Callable[[str, str | None], str], html: str, url: str | None
) -> tuple[str, float, str]:
    start = time.perf_counter()
    try:
        text, error = function(html, url), ""
    except Exception as exc:  # a benchmark reports failures as empty output
        text, error = "", f"{type(exc).__name__}: {exc}"
    return text, time.perf_counter() - start, error


def _cached(
    name: str,
    function: Callable[[str, str | None], str],
    case: Path,
    html: str,
    url: str | None,
    fresh: bool,
) -> tuple[str, float, str]:
    key = hashlib.sha256(f"{name}\0{case.name}\0{len(html)}".encode()).hexdigest()[:20]
    path = CACHE / f"{key}.json"
    if path.exists() and not fresh:
        found = json.loads(path.read_text())
        return found["text"], found["seconds"], found["error"]
    text, seconds, error = _timed(function, html, url)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"text": text, "seconds": seconds, "error": error}))
    return text, seconds, error


def cases(split: str, only: str | None) -> list[tuple[Path, str, bool]]:
    """(folder, type, set aside) for every page of the split."""
    by_type: dict[str, list[Path]] = defaultdict(list)
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        by_type[(case / "type.txt").read_text().strip()].append(case)
    chosen = []
    for kind, folders in sorted(by_type.items()):
        if only and kind != only:
            continue
        for index, case in enumerate(folders):
            aside = index % 5 == 4
            if split == "all" or (split == "aside") == aside:
                chosen.append((case, kind, aside))
    return chosen


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuned", "aside", "all"), default="all")
    parser.add_argument("--type", choices=TYPES)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of ours")
    parser.add_argument("--dump", type=Path, help="write per-page scores as JSON lines here")
    parser.add_argument("--fresh", action="store_true", help="re-run the reference extractors")
    args = parser.parse_args()

    systems = ("ours", "readability-lxml", "trafilatura")
    scores: dict[tuple[str, str, bool], list[float]] = defaultdict(list)
    times: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    rows = []
    for case, kind, aside in cases(args.split, args.type):
        html = gzip.decompress((case / "page.html.gz").read_bytes()).decode("utf-8", "replace")
        truth = (case / "truth.txt").read_text()
        url_file = case / "url.txt"
        url = url_file.read_text().strip() or None if url_file.exists() else None
        row: dict[str, object] = {"case": case.name, "type": kind, "aside": aside}
        for name in systems:
            if name == "ours":
                text, seconds, error = _timed(ours, html, url)
            else:
                function = readability_alone if name == "readability-lxml" else trafilatura_alone
                text, seconds, error = _cached(name, function, case, html, url, args.fresh)
            f1 = prf(text, truth)[2]
            scores[(name, kind, aside)].append(f1)
            times[name].append(seconds)
            row[name] = round(f1, 4)
            if name == "ours" and error and truth.strip():
                failures.append(f"{case.name} ({kind}): {error}")
        rows.append(row)
    if args.dump:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in rows))

    def mean(name: str, kinds: tuple[str, ...], aside: bool | None) -> tuple[float, int]:
        values = [
            f
            for (system, kind, is_aside), found in scores.items()
            if system == name and kind in kinds and (aside is None or is_aside == aside)
            for f in found
        ]
        return (statistics.fmean(values) if values else float("nan")), len(values)

    print(f"WCXB dev, split {args.split}: macro F1 (tuned pages / set-aside pages)")
    print(f"  {'type':14} {'pages':>9}  " + "  ".join(f"{s:>17}" for s in systems))
    for kind in (*TYPES, "all"):
        kinds = TYPES if kind == "all" else (kind,)
        counts = [mean("ours", kinds, flag)[1] for flag in (False, True)]
        if not sum(counts):
            continue
        cells = []
        for name in systems:
            tuned, aside = mean(name, kinds, False)[0], mean(name, kinds, True)[0]
            cells.append(f"{tuned:7.3f} / {aside:7.3f}")
        print(f"  {kind:14} {counts[0]:>4}/{counts[1]:<4}  " + "  ".join(f"{c:>17}" for c in cells))
    for name in systems:
        ms = [t * 1000 for t in times[name]]
        print(f"  time {name:17} median {statistics.median(ms):6.1f} ms  p95 {_p95(ms):6.1f} ms")
    print(f"  extraction failed on {len(failures)} page(s) that have text")
    for line in failures:
        print(f"    {line}")
    if args.worst:
        ranked = sorted(rows, key=lambda r: float(r["ours"]) - float(r["trafilatura"]))  # type: ignore[arg-type]
        print(f"  the {args.worst} pages where ours trails trafilatura most:")
        for r in ranked[: args.worst]:
            ours_f1, theirs = r["ours"], r["trafilatura"]
            print(f"    {r['case']} {r['type']:13} ours {ours_f1:.3f}  trafilatura {theirs:.3f}")


if __name__ == "__main__":
    main()
