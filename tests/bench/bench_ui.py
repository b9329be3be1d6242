"""Reading app benchmark: open-to-painted time, start-up with a 100k library, list scrolling.

Run by hand from the checkout (offscreen is fine):
    QT_QPA_PLATFORM=offscreen python tests/bench/bench_ui.py [--library PATH] [--runs 21]

Prints, measured in the same run:
- selecting a saved 2,000-word article with about 150 stored mentions until it is painted with
  its highlights, against a bare `QTextBrowser.setHtml` of the same content (the view's own
  document as HTML) painted the same way: medians and their ratio (targets <= 100 ms, <= 2x);
- the time from launching a process to the main window shown on a 100k-article library
  (target <= 1.5 s), with the entity model loading after the window is up;
- scrolling the 100k list: time per `data()` batch for one screenful of rows, a page fetch
  (`fetchMore`) at growing depths, and a scroll step painted by the delegate.

The 100k library is the store benchmark's synthetic library (built by bench_store.py and cached
under /tmp); it is copied first, so this benchmark never writes to that file.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STORE_CACHE = Path(tempfile.gettempdir()) / "readmark-bench-store" / "library-100000.sqlite3"
WORK = Path(tempfile.gettempdir()) / "readmark-bench-ui"
TARGET_WORDS = 2_000
TARGET_MENTIONS = 150
SCREEN_ROWS = 30
DEEP_ROWS = 20_000
SEARCH_DEBOUNCE = "150 ms"


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


# -- open to painted ------------------------------------------------------------------------


def long_article(seed_text: str, title: str):  # type: ignore[no-untyped-def]
    """About 2,000 words: the sample's paragraphs repeated, with a few headings between."""
    from reader.core.models import Article, Block, BlockKind

    paragraphs = [p.strip() for p in seed_text.split("\n") if len(p.split()) > 8]
    blocks: list[Block] = []
    words = 0
    round_ = 0
    while words < TARGET_WORDS:
        round_ += 1
        blocks.append(Block(BlockKind.HEADING, f"Part {round_}", level=2))
        for paragraph in paragraphs:
            blocks.append(Block(BlockKind.PARAGRAPH, paragraph))
            words += len(paragraph.split())
            if words >= TARGET_WORDS:
                break
    return Article(title=title, blocks=tuple(blocks), site_name="bench.example", lang="en")


def mentions_for(article):  # type: ignore[no-untyped-def]
    """About 150 mentions: the real recogniser's, thinned evenly (capitalised words if the
    model is not available)."""
    import re

    from reader.core.models import Entity, Mention

    try:
        from reader.core.entities import recognise

        result = recognise(article)
        mentions, entities = list(result.mentions), list(result.entities)
        source = "spaCy + document pass"
    except Exception as exc:  # the model may be missing on a bench machine
        labels = ["PERSON", "ORG", "GPE", "NORP", "DATE"]
        mentions, entities = [], []
        for n, found in enumerate(re.finditer(r"\b[A-Z][a-z]+\b", article.text)):
            key = f"{labels[n % 5].lower()}:{found.group().lower()}"
            mentions.append(Mention(found.start(), found.end(), labels[n % 5], key))
            entities.append(Entity(key, labels[n % 5], found.group()))
        source = f"capitalised words ({exc.__class__.__name__})"
    step = max(1, len(mentions) // TARGET_MENTIONS)
    kept = mentions[::step][:TARGET_MENTIONS]
    keys = {m.entity_key for m in kept}
    unique = {e.key: e for e in entities if e.key in keys}
    return kept, list(unique.values()), source


def bench_open(runs: int) -> dict[str, float]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from reader.core.library import Library
    from reader.core.resources import sample_article_path
    from reader.ui.controllers import ArticleLoader
    from reader.ui.main_window import MainWindow
    from reader.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="readmark-bench-open-"))
    library = Library(folder / "library.sqlite3")
    seed = sample_article_path().read_text(encoding="utf-8")
    ids = []
    for n in range(2):
        article = long_article(seed, f"Long article {n}")
        article_id = library.add_article(article)
        mentions, entities, source = mentions_for(article)
        library.set_entities(article_id, mentions, entities)
        stored = len(mentions)
        ids.append(article_id)
    words = library.get(ids[0]).article.word_count
    tasks = TaskRunner()
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        library, ArticleLoader(library.path, tasks), settings,
        load_recogniser=lambda: (lambda article: ([], [])),
    )  # fmt: skip
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    view = window.reading_view
    window.open_article(ids[1])
    app.processEvents()

    html = view.document().toHtml()
    bare = QTextBrowser()
    bare.resize(view.size())
    bare.show()
    app.processEvents()

    # Interleaved, so both sides see the same machine load; wall time and GUI-thread CPU time.
    opened: list[float] = []
    opened_cpu: list[float] = []
    plain: list[float] = []
    plain_cpu: list[float] = []
    for n in range(runs):
        article_id = ids[n % 2]
        started, cpu = time.perf_counter(), time.thread_time()
        window.library_pane.select_id(article_id)  # what a click in the list does
        view.viewport().repaint()
        opened.append(time.perf_counter() - started)
        opened_cpu.append(time.thread_time() - cpu)
        assert window.current_id == article_id
        app.processEvents()
        started, cpu = time.perf_counter(), time.thread_time()
        bare.setHtml(html)
        bare.viewport().repaint()
        plain.append(time.perf_counter() - started)
        plain_cpu.append(time.thread_time() - cpu)
        app.processEvents()
    painted_mentions = len(view._painted)
    window.close()
    tasks.wait(5000)
    library.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "words": words,
        "mentions": painted_mentions,
        "stored": stored,
        "source": source,  # type: ignore[dict-item]
        "open_ms": median_ms(opened),
        "open_p95_ms": p95_ms(opened),
        "bare_ms": median_ms(plain),
        "ratio": statistics.median(opened) / statistics.median(plain),
        "open_cpu_ms": median_ms(opened_cpu),
        "bare_cpu_ms": median_ms(plain_cpu),
        "cpu_ratio": statistics.median(opened_cpu) / statistics.median(plain_cpu),
    }


# -- start-up with 100k ---------------------------------------------------------------------


CHILD = """
import sys, time
started = float(sys.argv[1])
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from reader.core.library import Library
from reader.core.paths import library_path
from reader.ui.controllers import ArticleLoader
from reader.ui.main_window import MainWindow
from reader.ui.tasks import TaskRunner
app = QApplication([])
folder = sys.argv[2]
library = Library(library_path(folder))
library.ensure_sample()
tasks = TaskRunner()
settings = QSettings(folder + "/settings.ini", QSettings.Format.IniFormat)
window = MainWindow(library, ArticleLoader(library.path, tasks), settings)
window.resize(1280, 800)
target = library.last_opened_id()
if target is not None:
    window.open_article(target)
window.show()
app.processEvents()
shown = time.time() - started
rows = window.model.rowCount()
print(f"{shown:.4f} {rows} {library.count()}", flush=True)
import os
os._exit(0)  # do not wait for the model loading in the background
"""


CHILD_REFERENCE = """
import sys, time
started = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QMainWindow, QTextBrowser
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QTextBrowser())
window.resize(1280, 800)
window.show()
app.processEvents()
print(f"{time.time() - started:.4f} 0 0", flush=True)
"""


def bench_startup(library_file: Path, runs: int) -> dict[str, float]:
    folder = WORK / "startup"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "library.sqlite3"
    if not target.exists():
        print(f"  copying {library_file} ...", flush=True)
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(library_file) + suffix)
            if source.exists():
                shutil.copyfile(source, Path(str(target) + suffix))
    times: list[float] = []
    reference: list[float] = []
    rows = total = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        for script, into in ((CHILD, times), (CHILD_REFERENCE, reference)):
            started = time.time()
            out = subprocess.run(
                [sys.executable, "-c", script, str(started), str(folder)],
                capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
            )  # fmt: skip
            if out.returncode != 0:
                raise SystemExit(out.stderr)
            shown, rows_text, total_text = out.stdout.split()
            into.append(float(shown))
            if script is CHILD:
                rows, total = int(rows_text), int(total_text)
    return {
        "shown_s": statistics.median(times),
        "max_s": max(times),
        "reference_s": statistics.median(reference),
        "rows": rows,
        "total": total,
    }


# -- scrolling the list ---------------------------------------------------------------------


def bench_scroll(library_file: Path) -> dict[str, float]:
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.ui.library_access import LibraryAccess
    from reader.ui.library_model import LibraryListModel, SummaryRole
    from reader.ui.library_pane import LibraryPane
    from reader.ui.theme import THEMES

    app = QApplication.instance() or QApplication([])
    target = WORK / "startup" / "library.sqlite3"
    library = Library(target if target.exists() else library_file)
    access = LibraryAccess(library)
    model = LibraryListModel(access)
    model.set_query("", "newest", background=False)
    batches: list[float] = []
    fetches: dict[int, float] = {}
    depth_marks = {1_000, 10_000, 50_000, 99_000}
    while model.canFetchMore(QModelIndex()) and model.rowCount() < 100_000:
        rows = model.rowCount()
        for first in range(max(0, rows - 200), rows, SCREEN_ROWS):
            started = time.perf_counter()
            for row in range(first, min(first + SCREEN_ROWS, rows)):
                index = model.index(row)
                index.data(SummaryRole)
                index.data(Qt.ItemDataRole.DisplayRole)
                index.data(Qt.ItemDataRole.ToolTipRole)
            batches.append(time.perf_counter() - started)
        started = time.perf_counter()
        model.fetchMore(QModelIndex())
        elapsed = time.perf_counter() - started
        for mark in list(depth_marks):
            if rows >= mark - 200:
                fetches[mark] = elapsed
                depth_marks.discard(mark)
        if rows == 0:
            fetches[0] = elapsed
    loaded = model.rowCount()

    pane = LibraryPane(access, None, lambda: THEMES["light"])
    pane.resize(320, 800)
    pane.show()
    pane.apply_query(background=False)
    app.processEvents()
    bar = pane.list_view.verticalScrollBar()
    row_px = pane.list_view.sizeHintForRow(0)

    def scroll(count: int, rows: int) -> list[float]:
        times = []
        for _ in range(count):
            started = time.perf_counter()
            bar.setValue(bar.value() + rows * row_px)
            pane.list_view.viewport().repaint()
            app.processEvents()  # lets the view fetch the next page when it reaches the end
            times.append(time.perf_counter() - started)
        return times

    steps = scroll(300, 3)
    while pane.model.rowCount() < DEEP_ROWS and pane.model.canFetchMore(QModelIndex()):
        pane.model.fetchMore(QModelIndex())
    app.processEvents()
    bar.setValue(bar.maximum())
    app.processEvents()
    deep = scroll(100, -3)
    library.close()
    return {
        "loaded": loaded,
        "batch_ms": median_ms(batches),
        "batch_p95_ms": p95_ms(batches),
        "batch_max_ms": max(batches) * 1000,
        "fetch_ms": {depth: ms * 1000 for depth, ms in sorted(fetches.items())},  # type: ignore[dict-item]
        "step_ms": median_ms(steps),
        "step_p95_ms": p95_ms(steps),
        "deep_ms": median_ms(deep),
        "deep_p95_ms": p95_ms(deep),
    }


def bench_search(library_file: Path) -> dict[str, float]:
    """Type a common word into the search field of a 100k library: how long until the list
    shows the results, and the longest the GUI thread went without handling events meanwhile."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from reader.core.library import Library
    from reader.ui.library_access import LibraryAccess
    from reader.ui.library_pane import LibraryPane
    from reader.ui.tasks import TaskRunner
    from reader.ui.theme import THEMES

    app = QApplication.instance() or QApplication([])
    target = WORK / "startup" / "library.sqlite3"
    library = Library(target if target.exists() else library_file)
    tasks = TaskRunner()
    pane = LibraryPane(LibraryAccess(library), tasks, lambda: THEMES["light"])
    pane.resize(320, 800)
    pane.show()
    results: dict[str, float] = {}
    for word in ("the", "ka"):
        ticks: list[float] = [time.perf_counter()]
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
        timer.start()
        done: list[float] = []
        pane.model.query_applied.connect(lambda done=done: done.append(time.perf_counter()))
        started = time.perf_counter()
        for n in range(1, len(word) + 1):  # typed one letter at a time
            pane.search.setText(word[:n])
            app.processEvents()
        while not done or done[-1] < started:
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        results[f"{word}_s"] = done[-1] - started
        results[f"{word}_gap_ms"] = max(gaps) * 1000 if gaps else 0.0
        pane.model.query_applied.disconnect()
    tasks.wait(10_000)
    library.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=STORE_CACHE, help="a 100k library")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument(
        "--only",
        choices=["open", "startup", "scroll"],
        help="run one part (start-up and scrolling need the library)",
    )
    args = parser.parse_args()

    if args.only not in ("startup", "scroll"):
        print_open(args.runs)
    if args.only == "open":
        return 0
    if not args.library.exists():
        print(f"\nNo 100k library at {args.library}: run tests/bench/bench_store.py first.")
        return 0
    if args.only == "scroll":
        print_scroll(args.library)
        return 0
    print("\nStart-up with the 100k library (process launch -> window shown)")
    startup = bench_startup(args.library, args.startup_runs)
    print(
        f"  {startup['total']:,} articles, {startup['rows']} rows in the first page\n"
        f"  window shown after median {startup['shown_s']:.2f} s, worst {startup['max_s']:.2f} s "
        f"(target <= 1.5 s)\n"
        f"  an empty Qt window with a QTextBrowser, same run: {startup['reference_s']:.2f} s, "
        f"ratio {startup['shown_s'] / startup['reference_s']:.1f}x (target <= 3x)"
    )
    if args.only == "startup":
        return 0
    print_rest(args.library)
    return 0


def print_open(runs: int) -> None:
    print("Open to painted (2,000-word article, ~150 stored mentions)")
    found = bench_open(runs)
    print(
        f"  {found['words']} words, {found['stored']} mentions stored ({found['source']}), "
        f"{found['mentions']} painted (numbers are off by default)\n"
        f"  select -> painted with highlights: median {found['open_ms']:.1f} ms "
        f"(p95 {found['open_p95_ms']:.1f} ms)\n"
        f"  bare QTextBrowser.setHtml + paint of the same content: {found['bare_ms']:.1f} ms\n"
        f"  ratio {found['ratio']:.2f}x   (targets <= 100 ms and <= 2x)\n"
        f"  GUI-thread CPU time: {found['open_cpu_ms']:.1f} ms vs {found['bare_cpu_ms']:.1f} ms, "
        f"ratio {found['cpu_ratio']:.2f}x"
    )


def print_rest(library: Path) -> None:
    print("\nSearch as you type on the 100k library")
    search = bench_search(library)
    for word in ("the", "ka"):
        print(
            f"  {word!r}: results listed {search[f'{word}_s']:.2f} s after the last key "
            f"(debounce {SEARCH_DEBOUNCE}), longest GUI stall meanwhile "
            f"{search[f'{word}_gap_ms']:.0f} ms"
        )
    print_scroll(library)


def print_scroll(library: Path) -> None:
    print("\nScrolling the 100k list")
    scroll = bench_scroll(library)
    fetch = ", ".join(f"{d:,}: {ms:.1f} ms" for d, ms in scroll["fetch_ms"].items())  # type: ignore[attr-defined]
    print(
        f"  data() for a screenful ({SCREEN_ROWS} rows x 3 roles): median "
        f"{scroll['batch_ms']:.3f} ms, p95 {scroll['batch_p95_ms']:.3f} ms, "
        f"max {scroll['batch_max_ms']:.3f} ms over {scroll['loaded']:,} rows\n"
        f"  fetchMore of 200 rows by depth: {fetch}\n"
        f"  a painted 3-row scroll step in the list view: median {scroll['step_ms']:.2f} ms, "
        f"p95 {scroll['step_p95_ms']:.2f} ms (first rows, fetching pages as it goes); "
        f"median {scroll['deep_ms']:.2f} ms, p95 {scroll['deep_p95_ms']:.2f} ms "
        f"{DEEP_ROWS:,} rows down"
    )


if __name__ == "__main__":
    sys.exit(main())
