"""The library as people really use it: several processes at once, and processes killed mid-write.

Every test here runs real `readmark-cli` processes (or small scripts calling the core, where no
command exists) on one library file, then checks the file with SQLite itself: it opens, passes
`PRAGMA integrity_check`, and holds every write a process reported as done. These are the slow
tests of the suite (marked `slow`); the concurrent-writers one runs for WRITERS_DURATION_S.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reader.core.atomic import PARTIAL_SUFFIX
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from tests.processes import (
    LIBRARY_NAME,
    ROOT,
    SCALE,
    DeletedFileWatch,
    check_intact,
    child_env,
    cli_command,
    fts_integrity,
    integrity,
    library_rows,
    run_and_kill,
    run_cli,
)

CHILDREN = ROOT / "tests" / "core" / "library_children.py"
WRITERS = 4
WRITERS_DURATION_S = 30.0
SEED_ARTICLES = 12
LOCK_WORDS = ("locked", "busy")
ADD_BATCH = 20
ADD_KILLS = 3 * SCALE
ADD_FILES = 30
IMPORT_ARTICLES = 20 + 20 * SCALE
IMPORT_KILLS = 2 * SCALE
EXPORT_ATTEMPTS = 4
URL_ARTICLES = 20 + 10 * SCALE
REEXTRACT_ARTICLES = 6
REEXTRACT_KILLS = 3 * SCALE


def seed(path: Path, count: int = SEED_ARTICLES) -> list[int]:
    library = Library(path)
    try:
        return [
            library.add_article(
                Article(
                    title=f"Seed article {n}",
                    blocks=(Block(BlockKind.PARAGRAPH, f"seedword {n}: kestrels hover on wind."),),
                )
            )
            for n in range(count)
        ]
    finally:
        library.close()


@dataclass
class WriterLog:
    """What one writer process loop did and what the CLI said while doing it."""

    added: dict[int, str] = field(default_factory=dict)  # id -> title
    tags: list[tuple[int, str]] = field(default_factory=list)
    highlights: list[tuple[int, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    commands: int = 0


def writer_loop(data_dir: Path, folder: Path, number: int, deadline: float, log: WriterLog) -> None:
    """add, tag, highlight, over and over: one person's terminal."""

    def cli(*args: str) -> str | None:
        if time.monotonic() > deadline:
            return None  # time is up: what was written so far is checked
        result = run_cli(data_dir, *args)
        log.commands += 1
        if result.returncode != 0 or any(w in result.stderr.lower() for w in LOCK_WORDS):
            log.failures.append(f"{' '.join(args)}: {result.returncode} {result.stderr}")
            return None
        return result.stdout

    batch = 0
    while time.monotonic() < deadline:
        pages, titles = [], []
        for n in range(ADD_BATCH):
            page = folder / f"w{number}-{batch}-{n}.txt"
            titles.append(f"Writer {number} batch {batch} page {n}")
            page.write_text(f"{titles[-1]}\n\nwriterword {number}: swifts nest under eaves.\n")
            pages.append(str(page))
        # One `add` of several files: a transaction each, back to back.
        out = cli("add", *pages, "--no-entities", "--no-images")
        if out is None:
            return
        ids = []
        for line in out.splitlines():
            article_id, title = line.split("\t", 1)
            log.added[int(article_id)] = title
            ids.append(int(article_id))
        tag = f"w{number}-{batch}"
        if cli("tag", str(ids[0]), tag, "swift") is None:
            return
        log.tags.append((ids[0], tag))
        out = cli("highlight", str(ids[-1]), "--quote", "swifts nest")
        if out is None:
            return
        log.highlights.append((ids[-1], out.strip()))
        batch += 1


@pytest.mark.slow
def test_four_cli_writers_and_a_searching_reader_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    path = data_dir / LIBRARY_NAME
    seed(path)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, str(CHILDREN), "search", str(data_dir), str(stop), "writerword",
         "seedword"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
    )  # fmt: skip
    watch = DeletedFileWatch(reader.pid)
    logs = [WriterLog() for _ in range(WRITERS)]
    deadline = time.monotonic() + WRITERS_DURATION_S
    threads = [
        threading.Thread(target=writer_loop, args=(data_dir, tmp_path, n, deadline, logs[n]))
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.touch()
    out, err = reader.communicate(timeout=60)
    deleted = watch.stop()

    failures = [f for log in logs for f in log.failures]
    assert not failures, failures
    reports = [json.loads(line) for line in out.splitlines()]
    assert reader.returncode == 0, err + "\n".join(str(r) for r in reports if "error" in r)
    passes = [r for r in reports if "passes" in r]
    assert len(passes) > 10, "the reader hardly searched"
    # A reader never sees a commit disappear: what it found once, it finds ever after.
    seen = [r["counts"]["writerword"] for r in passes]
    assert seen == sorted(seen), "a search found fewer written articles than an earlier one"
    assert seen[-1] > 0
    assert not deleted, f"the reader used library files another process deleted: {deleted}"

    assert integrity(path) == "ok"
    fts_integrity(path)
    library = Library(path)
    try:
        for log in logs:
            assert log.added, "a writer added nothing"
            for article_id, title in log.added.items():
                assert library.get(article_id).article.title == title
            for article_id, tag in log.tags:
                assert tag in library.tags(article_id)
            for article_id, highlight in log.highlights:
                assert highlight in {a.id for a in library.annotations(article_id)}
        added = sum(len(log.added) for log in logs)
        assert len(library.search("writerword", limit=10_000)) == added
        (final,) = [r["final"] for r in reports if "final" in r]
        assert final["writerword"] == added, "the reader's connection missed commits"
    finally:
        library.close()
    print(  # figures for `pytest -s`
        f"writers: {sum(log.commands for log in logs)} commands, {added} added, "
        f"{sum(len(log.tags) for log in logs)} tagged, "
        f"{sum(len(log.highlights) for log in logs)} highlighted; reader: {len(passes)} passes"
    )


# -- SIGKILL at random moments ---------------------------------------------------------------


def import_progress(path: Path) -> int:
    """How many entries of the running import are finished, asked of SQLite."""
    try:
        # mode=rw: never create the file before the import does.
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10)
    except sqlite3.OperationalError:
        return 0
    try:
        row = conn.execute("SELECT count(*) FROM import_items WHERE status != 'pending'")
        return int(row.fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet
    finally:
        conn.close()


def next_kill_target(rng: random.Random, done: int, total: int, kills_left: int) -> int:
    """After how many finished entries to kill a resumed import: somewhere in its next share
    of what is left, so each kill interrupts real work and the last leaves some undone."""
    share = max(1, (total - done - 1) // kills_left)
    return done + rng.randint(1, share)


@pytest.mark.slow
def test_add_killed_at_random_moments_keeps_every_committed_article(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    path = data_dir / LIBRARY_NAME
    seed(path, 2)
    rng = random.Random()
    committed: dict[int, tuple[str, str]] = {}  # id -> (title, tag), as `add` printed them
    kills = 0
    # On a quiet machine an `add` may finish before its kill lands: such a run is still checked,
    # and another batch is tried until the wanted number of kills happened.
    for batch in range(ADD_KILLS * 3):
        if kills == ADD_KILLS:
            break
        files = []
        for n in range(ADD_FILES):
            page = tmp_path / f"b{batch}-{n}.txt"
            title = f"Batch {batch} page {n}"
            page.write_text(f"{title}\n\naddword {batch} {n} " + "lapwings call. " * 300, "utf-8")
            files.append(str(page))
        tag = f"batch-{batch}"
        run = run_and_kill(
            cli_command(data_dir, "add", *files, "--tag", tag, "--no-entities", "--no-images"),
            rng, after_lines=rng.randint(1, ADD_FILES // 3), pause_s=0.05,
        )  # fmt: skip
        kills += run.killed
        for line in run.lines:
            article_id, title = line.split("\t", 1)
            committed[int(article_id)] = (title, tag)
        articles = check_intact(path)
        for article_id, (title, tag) in committed.items():
            assert articles[article_id]["title"] == title, "a committed article was lost"
            assert tag in articles[article_id]["tags"]  # type: ignore[operator]
        for article in articles.values():
            title = str(article["title"])
            if title.startswith("Batch "):
                # The tag was written in the article's own transaction.
                assert f"batch-{title.split()[1]}" in article["tags"], title  # type: ignore[operator]
        titles = [a["title"] for a in articles.values()]
        assert len(titles) == len(set(titles)), "an article was saved twice"
    assert kills == ADD_KILLS, "add finished before it could be killed"
    print(f"add: {kills} kills, {len(committed)} committed articles checked")
    assert len(committed) >= ADD_KILLS


def source_library(path: Path, base_url: str, count: int) -> dict[str, dict[str, object]]:
    """A library worth exporting: tagged, highlighted articles with addresses; by URL."""
    from reader.core.anchoring import new_annotation

    library = Library(path)
    try:
        for n in range(count):
            body = f"exportword {n}: curlews probe the mud at low tide. " * 20
            article_id = library.add_article(
                Article(
                    title=f"Estuary {n}",
                    url=f"{base_url}/estuary/{n}",
                    blocks=(Block(BlockKind.PARAGRAPH, body),),
                ),
                tags=[f"e{n}", "estuary"],
            )
            text = library.get(article_id).article.text
            start = text.index("curlews probe")
            library.add_annotation(article_id, new_annotation(text, start, start + 13))
    finally:
        library.close()
    return {str(a["url"]): a for a in library_rows(path).values()}


@pytest.mark.slow
def test_export_and_import_killed_at_random_moments(tmp_path: Path) -> None:
    source_dir = tmp_path / "source"
    source_path = source_dir / LIBRARY_NAME
    source = source_library(source_path, "http://127.0.0.1:9", IMPORT_ARTICLES)
    rng = random.Random()
    exported = tmp_path / "library.json"
    # JSON is what the import below reads; HTML is the format the issue saw cut short.
    targets = {"json": exported, "html": tmp_path / "library.html"}
    for fmt, dest in targets.items():
        done = run_cli(source_dir, "export", str(dest), "--format", fmt)
        assert done.returncode == 0, done.stderr
    export_kills = 0
    for fmt, dest in targets.items():

        def writing(dest: Path = dest) -> bool:
            return any(dest.parent.glob(f".{dest.name}*{PARTIAL_SUFFIX}"))

        for _attempt in range(EXPORT_ATTEMPTS):  # until a kill lands while the file is written
            for stale in dest.parent.glob(f".{dest.name}*{PARTIAL_SUFFIX}"):
                stale.unlink()  # what an earlier killed export left behind
            run = run_and_kill(
                cli_command(source_dir, "export", str(dest), "--format", fmt),
                rng, after_lines=0, pause_s=0.05, ready=writing,
            )  # fmt: skip
            # An export only reads: the library is exactly as it was...
            assert {str(a["url"]): a for a in check_intact(source_path).values()} == source
            # ...and the file a person already had is still whole (the new one goes in by rename).
            assert_complete_export(fmt, dest)
            if run.killed:
                export_kills += 1
                break

    data_dir = tmp_path / "data"
    path = data_dir / LIBRARY_NAME
    import_kills = 0
    for left in range(IMPORT_KILLS, 0, -1):
        target = next_kill_target(rng, import_progress(path), IMPORT_ARTICLES, left)
        run = run_and_kill(
            cli_command(data_dir, "import", str(exported), "--quiet", "--no-entities",
                        "--no-images"),
            rng, after_lines=0, pause_s=0.02, ready=lambda n=target: import_progress(path) >= n,
        )  # fmt: skip
        import_kills += run.killed
        assert_imported_whole(path, source)
    resumed = run_cli(data_dir, "import", str(exported), "--quiet", "--no-entities", "--no-images")
    assert resumed.returncode == 0, resumed.stderr
    final = assert_imported_whole(path, source)
    assert set(final) == set(source), "the resumed import did not bring every article"
    # A JSON import or a small export may end before its kill lands on a quiet machine.
    assert import_kills >= 1 and export_kills >= 1
    print(f"export: {export_kills} kills; JSON import: {import_kills} kills, then resumed")


def assert_complete_export(fmt: str, dest: Path) -> None:
    if fmt == "json":
        assert len(json.loads(dest.read_text("utf-8"))["articles"]) == IMPORT_ARTICLES
        return
    if fmt == "html":
        page = dest.read_text("utf-8")
        assert page.rstrip().endswith("</html>"), "a truncated HTML export"
        assert all(f"Estuary {n}<" in page for n in range(IMPORT_ARTICLES))
        return
    raise AssertionError(f"no completeness check for {fmt}")


def assert_imported_whole(
    path: Path, source: dict[str, dict[str, object]]
) -> dict[str, dict[str, object]]:
    """Every imported article is complete (its tags and highlights came in its transaction),
    none twice, and every entry the job marked done is there."""
    articles = check_intact(path)
    by_url: dict[str, dict[str, object]] = {}
    for article in articles.values():
        url = str(article["url"])
        assert url not in by_url, f"{url} imported twice"
        by_url[url] = article
        original = source[url]
        assert article["text"] == original["text"]
        assert article["tags"] == original["tags"], f"tags of {url} are partial"
        assert set(article["highlights"].values()) == set(original["highlights"].values())  # type: ignore[attr-defined]
    conn = sqlite3.connect(path)
    try:
        for (article_id,) in conn.execute(
            "SELECT article_id FROM import_items WHERE status IN ('added', 'existing')"
        ):
            assert article_id in articles, "the job marked an entry done that is not there"
    finally:
        conn.close()
    return by_url


class PageHandler(BaseHTTPRequestHandler):
    """Article pages at /page/N, each with its own title and words."""

    def do_GET(self) -> None:
        number = self.path.rsplit("/", 1)[-1]
        paragraphs = "".join(
            f"<p>pageword {number}: paragraph {k} on godwits, dunlins and knots at the shore, "
            "where the tide turns twice a day and the birds follow it.</p>"
            for k in range(12)
        )
        body = (
            f"<html><head><title>Shore page {number}</title></head><body><article>"
            f"<h1>Shore page {number}</h1>{paragraphs}</article></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a killed import drops its connections mid-answer; that is the point


@pytest.mark.slow
def test_url_list_import_killed_at_random_moments(tmp_path: Path) -> None:
    server = QuietServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/page/{n}" for n in range(URL_ARTICLES)]
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls) + "\n", "utf-8")
    data_dir = tmp_path / "data"
    path = data_dir / LIBRARY_NAME
    command = cli_command(
        data_dir, "import", str(listing), "--quiet", "--no-entities", "--no-images",
        "--delay", "0", "--per-host", "4", "--workers", "4",
    )  # fmt: skip
    rng = random.Random()
    kills = 0
    try:
        for left in range(IMPORT_KILLS, 0, -1):
            target = next_kill_target(rng, import_progress(path), URL_ARTICLES, left)
            run = run_and_kill(
                command, rng, after_lines=0, pause_s=0.1,
                ready=lambda n=target: import_progress(path) >= n,
            )  # fmt: skip
            kills += run.killed
            assert_url_import_whole(path, urls)
        resumed = subprocess.run(command, capture_output=True, text=True, env=child_env())
        assert resumed.returncode == 0, resumed.stderr
    finally:
        server.shutdown()
        server.server_close()
    found = assert_url_import_whole(path, urls)
    assert sorted(found) == sorted(urls), "the resumed import did not bring every page"
    # The last run may finish its few remaining pages before its kill lands on a quiet machine.
    assert kills >= IMPORT_KILLS - 1
    print(f"URL-list import: {kills} kills, then resumed: {len(found)} pages once each")


def assert_url_import_whole(path: Path, urls: list[str]) -> list[str]:
    articles = check_intact(path)
    found = [str(a["url"]) for a in articles.values()]
    assert len(found) == len(set(found)), "a page was imported twice"
    assert set(found) <= set(urls)
    for article in articles.values():
        number = str(article["url"]).rsplit("/", 1)[-1]
        assert article["title"] == f"Shore page {number}"
        assert f"pageword {number}: paragraph 11" in str(article["text"]), "a partial page"
    conn = sqlite3.connect(path)
    try:
        for (article_id,) in conn.execute(
            "SELECT article_id FROM import_items WHERE status IN ('added', 'existing')"
        ):
            assert article_id in articles, "the job marked an entry done that is not there"
        failed = conn.execute("SELECT url, reason FROM import_items WHERE status = 'failed'")
        assert not failed.fetchall()
    finally:
        conn.close()
    return found


@pytest.mark.slow
def test_reextraction_killed_at_random_moments_keeps_text_and_highlights_together(
    tmp_path: Path,
) -> None:
    from reader.core.anchoring import new_annotation

    data_dir = tmp_path / "data"
    path = data_dir / LIBRARY_NAME
    library = Library(path)
    try:
        ids = []
        for n in range(REEXTRACT_ARTICLES):
            page = tmp_path / f"marsh-{n}.html"
            paragraphs = "".join(
                f"<p>marshword {n}: paragraph {k}, where bitterns boom among the reeds and "
                "harriers quarter the fen at dusk.</p>"
                for k in range(8)
            )
            page.write_text(
                f"<html><head><title>Marsh {n}</title></head><body><article><h1>Marsh {n}</h1>"
                f"{paragraphs}</article></body></html>",
                "utf-8",
            )
            article_id = library.add_source(str(page))
            text = library.get(article_id).article.text
            start = text.index("bitterns boom", text.index("paragraph 5"))
            library.add_annotation(article_id, new_annotation(text, start, start + 13))
            ids.append(article_id)
    finally:
        library.close()
    steps = [(article_id, step) for article_id in sorted(ids) for step in ("saved", "reextracted")]
    possible: dict[int, set[bool]] = {article_id: {False} for article_id in ids}  # preface?
    rng = random.Random()
    kills = 0
    for _ in range(REEXTRACT_KILLS):
        run = run_and_kill(
            [sys.executable, str(CHILDREN), "reextract", str(data_dir)],
            rng, after_lines=rng.randint(1, len(steps) - 1), pause_s=0.3,
        )  # fmt: skip
        kills += run.killed
        printed = [json.loads(line) for line in run.lines]
        for event in printed:
            ((step, article_id),) = event.items()
            possible[article_id] = {step == "saved"}
        if run.killed:  # the step after the last printed one may have committed too
            article_id, step = steps[len(printed) % len(steps)]
            possible[article_id].add(step == "saved")

        articles = check_intact(path)
        conn = sqlite3.connect(path)
        try:
            for article_id, article in articles.items():
                preface = str(article["text"]).startswith("A preface written for")
                assert preface in possible[article_id], f"article {article_id} lost a commit"
                assert len(article["highlights"]) == 1, "a highlight was lost"  # type: ignore[arg-type]
                current = conn.execute(
                    "SELECT count(*) FROM annotations a JOIN articles t ON t.id = a.article_id "
                    "WHERE t.id = ? AND a.text_hash = t.text_hash AND NOT a.orphaned",
                    [article_id],
                ).fetchone()[0]
                assert current == 1, "the text changed without its highlight"
        finally:
            conn.close()
    assert kills == REEXTRACT_KILLS
    print(f"re-extraction: {kills} kills")
