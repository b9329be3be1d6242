"""Saving from the browser into the open window: from the extension's request to the article
listed, for a 5,000-word page, with the window's event loop watched the whole time.

Run by hand from the checkout (offscreen is fine):
    QT_QPA_PLATFORM=offscreen python tests/bench/bench_capture.py [--runs 7] [--no-model]

Prints, measured in the same run:
- the reference: the same page saved by the core the way a fetched page is (extraction,
  entities, write: `Capturer` with `entities_later=False`), no HTTP, no window;
- request sent -> answer received, -> the article's row in the window's list (the target is
  under 1 s), and -> its entities stored (they follow the answer), medians and their ratio to
  the reference;
- the longest the window's event loop went without running a 10 ms timer during a capture, and
  how many gaps were over 50 ms (a window that freezes shows here).
With the entity model installed it is loaded first (as the open window has it after start-up);
`--no-model` leaves entities out.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORDS = 5_000
PLACES = ["Lisbon", "Porto", "Madrid", "Seville", "Bilbao", "Valencia", "Granada", "Toledo"]
PEOPLE = ["Ana Costa", "Miguel Torres", "Lucia Ferreira", "Pablo Ruiz", "Sofia Almeida"]


def long_page(number: int) -> str:
    paragraphs: list[str] = []
    words = 0
    index = 0
    while words < WORDS:
        place, person = PLACES[index % len(PLACES)], PEOPLE[index % len(PEOPLE)]
        text = (
            f"In {place}, {person} kept the record of section {index} of report {number}: the "
            f"trains left at dawn, the markets opened late, and the council met on Tuesday to "
            f"argue about the budget for the harbour, the schools and the old bridge that the "
            f"river had damaged in the spring floods of that long and difficult year."
        )
        paragraphs.append(f"<p>{text}</p>")
        words += len(text.split())
        if index % 12 == 11:
            paragraphs.append(f"<h2>Part {index // 12 + 1}</h2>")
        index += 1
    return (
        f"<!doctype html><html lang='en'><head><title>Report {number}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Report {number}</h1>{''.join(paragraphs)}"
        f"</article><footer>Footer</footer></body></html>"
    )


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-model", action="store_true", help="leave entities out")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    import reader.core.capture.server as server
    from reader.core.capture import Capturer, load_pairing, parse_request
    from reader.core.library import Library
    from reader.ui.controllers import ArticleLoader
    from reader.ui.controllers.entities import load_default_recogniser
    from reader.ui.main_window import MainWindow
    from reader.ui.tasks import TaskRunner
    from tests.capture.helpers import call

    server.PORT_CHOICES = (0,)  # a free port: the default ones may be in use here
    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="readmark-bench-capture-"))
    recognise = None
    if not args.no_model:
        try:
            recognise = load_default_recogniser()
        except Exception as exc:  # reported; the benchmark goes on without
            print(f"entity model not available ({exc}); measuring without entities")
    print(f"page: {len(long_page(0).split())} words of HTML text, entities: {bool(recognise)}")

    # The reference: the core capture of the same page, no HTTP, no window.
    reference_library = folder / "reference" / "library.sqlite3"
    capturer = Capturer(reference_library, recognise=recognise, entities_later=False)
    core: list[float] = []
    for run in range(args.runs):
        request = parse_request(
            {"url": f"https://bench.example/ref-{run}", "title": "", "html": long_page(run)}
        )
        started = time.perf_counter()
        capturer.capture(request)
        core.append(time.perf_counter() - started)
    capturer.close()

    library = Library(folder / "window" / "library.sqlite3")
    library.ensure_sample()
    tasks = TaskRunner()
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        library,
        ArticleLoader(library.path, tasks),
        settings,
        load_recogniser=(lambda: recognise) if recognise else (lambda: lambda article: ((), ())),
    )
    window.resize(1200, 800)
    window.show()
    capture = window.browser_capture  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while (capture.endpoint is None or not window.entities.ready) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    assert capture.endpoint is not None, capture.problem
    token = load_pairing(library.path.parent).token

    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(lambda: gaps.append(clock.restart() / 1000))

    answered: list[float] = []
    listed: list[float] = []
    recognised: list[float] = []
    worst_gap: list[float] = []
    long_gaps = 0
    for run in range(args.runs):
        body = {"url": f"https://bench.example/report-{run}", "title": "", "html": long_page(run)}
        before = window.model.rowCount()
        result: dict[str, float] = {}

        def send(body: dict[str, str] = body, result: dict[str, float] = result) -> None:
            answer = call(capture.endpoint.port, "POST", "/api/v1/capture", body, token=token)[1]
            result["answered"] = time.perf_counter()
            capture.capturer.wait_idle()
            result["recognised"] = time.perf_counter()
            result["id"] = answer["id"]

        gaps.clear()
        clock.start()
        ticker.start()
        started = time.perf_counter()
        thread = threading.Thread(target=send)
        thread.start()
        while window.model.rowCount() == before and time.perf_counter() - started < 60:
            app.processEvents()
            time.sleep(0.001)
        listed.append(time.perf_counter() - started)
        thread.join()
        ticker.stop()
        answered.append(result["answered"] - started)
        recognised.append(result["recognised"] - started)
        worst_gap.append(max(gaps[1:], default=0.0))
        long_gaps += sum(1 for gap in gaps[1:] if gap > 0.05)

    print(f"saved as a fetched page (ref.): median {median_ms(core):7.1f} ms")
    print(
        f"request -> answer:              median {median_ms(answered):7.1f} ms"
        f"  ({statistics.median(answered) / statistics.median(core):.2f}x the reference)"
    )
    print(
        f"request -> listed in window:    median {median_ms(listed):7.1f} ms"
        f"  ({statistics.median(listed) / statistics.median(core):.2f}x the reference;"
        f" target < 1000 ms), worst {max(listed) * 1000:.1f} ms"
    )
    print(
        f"request -> entities stored:     median {median_ms(recognised):7.1f} ms"
        f"  ({statistics.median(recognised) / statistics.median(core):.2f}x the reference)"
    )
    print(
        f"event loop during a capture:    longest gap median {median_ms(worst_gap):.1f} ms, "
        f"worst {max(worst_gap) * 1000:.1f} ms; {long_gaps} gaps over 50 ms in {args.runs} runs"
    )
    window.close()
    tasks.wait(20_000)
    library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
