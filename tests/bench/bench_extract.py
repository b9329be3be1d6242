"""Extraction benchmark: ours against readability-lxml alone, measured in the same run.

Run by hand from the checkout:
    python tests/bench/bench_extract.py [--set NAME] [--text | --html] [--worst N] [--misses]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from extract_metric import prf, summary

from reader.core.extract import extract
from reader.core.models import RawPage

# The shared data sits beside the checkout; a worktree sits one folder deeper.
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[2:] if (p / "shared").is_dir()),
    Path(__file__).resolve().parents[3] / "shared",
)
HTML_SETS = ("scrapinghub-dev", "mozilla-readability")


def _cases(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir())


def _url(case: Path) -> str | None:
    url_file = case / "url.txt"
    return url_file.read_text().strip() or None if url_file.exists() else None


def readability_alone(data: bytes, url: str | None) -> str:
    import lxml.html
    from readability import Document

    summary_html = Document(data.decode("utf-8"), url=url).summary(html_partial=True)
    return str(lxml.html.fromstring(summary_html).text_content())


def ours_html(data: bytes, url: str | None) -> str:
    raw = RawPage(data=data, content_type="text/html", url=url, charset="utf-8")
    return extract(raw).text


def _timed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        result = function(*args)
    except Exception as exc:  # a benchmark reports failures as empty output
        result = ""
        print(f"  ! {type(exc).__name__}: {exc}", file=sys.stderr)
    return result, time.perf_counter() - start


def run_html(name: str, worst: int) -> None:
    cases = _cases(SHARED / "extract-cases" / name)
    results: dict[str, tuple[list, list]] = {"readability-lxml": ([], []), "ours": ([], [])}
    per_page = []
    for case in cases:
        data = gzip.decompress((case / "page.html.gz").read_bytes())
        truth = (case / "truth.txt").read_text()
        url = _url(case)
        row = []
        for label, function in (("readability-lxml", readability_alone), ("ours", ours_html)):
            text, seconds = _timed(function, data, url)
            score = prf(text, truth)
            results[label][0].append(score)
            results[label][1].append(seconds)
            row.append(score[2])
        per_page.append((row[1], row[0], case.name))
    print(f"== {name} ({len(cases)} pages)")
    for label, (scores, times) in results.items():
        print(f"  {label:17} {summary(scores, times)}")
    # Every fifth page is kept aside from tuning; its figure is reported on its own.
    held_scores, held_times = results["ours"][0][4::5], results["ours"][1][4::5]
    print(f"  {'ours, held out':17} {summary(held_scores, held_times)}")
    ratio = _median(results["ours"][1]) / max(1e-9, _median(results["readability-lxml"][1]))
    print(f"  median time ratio ours / readability-lxml: {ratio:.2f}")
    for ours_f1, base_f1, case_name in sorted(per_page)[:worst]:
        print(f"    {ours_f1:.3f} (readability {base_f1:.3f})  {case_name}")
    if name == "mozilla-readability":
        metadata(cases)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def metadata(cases: list[Path]) -> None:
    fields = {
        "title": "title",
        "byline": "byline",
        "siteName": "site_name",
        "publishedTime": "published",
    }
    hits = {k: 0 for k in fields}
    totals = {k: 0 for k in fields}
    misses: dict[str, list[str]] = {k: [] for k in fields}
    for case in cases:
        meta = json.loads((case / "meta.json").read_text())
        data = gzip.decompress((case / "page.html.gz").read_bytes())
        raw = RawPage(data=data, content_type="text/html", url=_url(case), charset="utf-8")
        try:
            article = extract(raw)
        except Exception:
            article = None
        for key, attr in fields.items():
            expected = meta.get(key)
            if not expected:
                continue
            totals[key] += 1
            got = getattr(article, attr, None) if article else None
            ok = _same(got, expected)
            if key == "publishedTime" and got:
                ok = str(got)[:10] == str(expected)[:10]
            hits[key] += ok
            if not ok:
                misses[key].append(f"{case.name}: want {expected!r} got {got!r}")
    print("  metadata (exact, of cases that have one):")
    for key in fields:
        share = hits[key] / totals[key] if totals[key] else 0.0
        print(f"    {key:14} {hits[key]:3}/{totals[key]:3} = {share:.1%}")
    if "--misses" in sys.argv:
        for key, rows in misses.items():
            for row in rows:
                print(f"      {key} {row}")


def run_text(name: str, worst: int) -> None:
    from reader.core.extract.text import extract_text

    cases = _cases(SHARED / "text-cases" / name)
    scores, times, per_page = [], [], []
    whole = []
    for case in cases:
        page = (case / "page.txt").read_text()
        truth = (case / "truth.txt").read_text()
        article, seconds = _timed(extract_text, page)
        text = article.text if article else ""
        score = prf(text, truth)
        scores.append(score)
        times.append(seconds)
        whole.append(prf(page, truth))
        per_page.append((score[2], score[0], score[1], case.name))
    print(f"== text dumps: {name} ({len(cases)} pages)")
    print(f"  {'whole dump':17} {summary(whole, [0.0])}")
    print(f"  {'ours':17} {summary(scores, times)}")
    for f1, p, r, case_name in sorted(per_page)[:worst]:
        print(f"    F1 {f1:.3f} P {p:.3f} R {r:.3f}  {case_name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=HTML_SETS)
    parser.add_argument("--text", action="store_true", help="only the text-dump sets")
    parser.add_argument("--html", action="store_true", help="only the HTML sets")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--misses", action="store_true", help="list metadata misses")
    args = parser.parse_args()
    if not args.html and not args.set:
        run_text("scrapinghub-dev", args.worst)
        run_text("seed", args.worst)
    if not args.text:
        for name in (args.set,) if args.set else HTML_SETS:
            run_html(name, args.worst)


if __name__ == "__main__":
    main()
