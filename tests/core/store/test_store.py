"""The library file survives what users do to it: a killed process, two programs writing at once,
and a wrong or damaged file, which is refused with a message and left exactly as it was."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from reader.core.errors import LibraryError
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from tests.conftest import ROOT

# A child that adds tiny articles and prints each id once `add_article` has returned (committed).
ADDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from reader.core.library import Library
    from reader.core.models import Article, Block, BlockKind

    path, prefix, count, start_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    while start_file != "-" and not Path(start_file).exists():
        time.sleep(0.005)
    library = Library(Path(path))
    for n in range(count):
        body = f"{prefix} article number {n} about tides, rivers and the sea. " * 8
        article = Article(
            title=f"{prefix} {n}",
            blocks=(Block(BlockKind.PARAGRAPH, body),),
            url=f"https://{prefix}.example/{n}",
        )
        article_id = library.add_article(article, tags=[prefix, "shared"])
        if n % 10 == 0:
            library.set_progress(article_id, 0.5)
        print(article_id, flush=True)
    library.close()
    """
)


def start_adder(
    path: Path, prefix: str, count: int, start_file: str = "-"
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", ADDER, str(path), prefix, str(count), start_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("run", range(3))
def test_a_process_killed_while_adding_loses_nothing_it_committed(tmp_path: Path, run: int) -> None:
    path = tmp_path / "library.sqlite3"
    Library(path).close()  # created and migrated, as the app would have done
    rng = random.Random(run)
    child = start_adder(path, f"run{run}", 1000)
    assert child.stdout is not None
    reported: list[int] = []
    first = child.stdout.readline()  # the child is writing from here on
    assert first.strip(), child.stderr.read() if child.stderr else ""
    reported.append(int(first))
    reader = threading.Thread(
        target=lambda: reported.extend(int(line) for line in child.stdout)  # type: ignore[union-attr]
    )
    reader.start()
    # Kill after a random number of committed adds, then a random instant into the next one:
    # a kill timed by the clock alone misses a child that finishes early on an idle machine.
    target = rng.randint(20, 500)
    deadline = time.monotonic() + 60
    while len(reported) < target and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(rng.uniform(0, 0.003))
    child.send_signal(signal.SIGKILL)
    child.wait()
    reader.join()
    child.stdout.close()
    child.stderr.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL, "the child finished before it was killed"
    assert integrity(path) == "ok"
    with Library(path) as library:
        for article_id in reported:
            assert library.get(article_id).article.title.startswith(f"run{run} ")
        assert library.count() >= len(reported)
        # an article is never there without the tags added with it: each add is one transaction
        for summary in library.list_articles(limit=2000):
            assert set(summary.tags) == {"shared", f"run{run}"}, summary
        assert library.search("tides")  # the search index survived too
        check = library.db.execute(
            "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')"
        )
        assert check.fetchall() == []


def test_two_processes_writing_at_once_never_see_a_locked_database(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    Library(path).close()
    start_file = tmp_path / "go"
    children = [start_adder(path, name, 150, str(start_file)) for name in ("left", "right")]
    time.sleep(0.3)  # both imported and waiting
    start_file.touch()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert "locked" not in err and "busy" not in err, err
        assert child.returncode == 0, err
        assert len(out.split()) == 150
    with Library(path) as library:
        assert library.count() == 300
        assert library.count("tag:shared") == 300
    assert integrity(path) == "ok"


def test_a_writer_waits_for_another_writers_transaction(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    article = Article("Waiting", (Block(BlockKind.PARAGRAPH, "patience"),), url="https://w/")
    done: list[int] = []

    def add_from_another_thread() -> None:
        with Library(path) as second:  # each thread has its own connection
            done.append(second.add_article(article))

    with Library(path) as first:
        first.db.conn.execute("BEGIN IMMEDIATE")
        first.db.conn.execute("UPDATE settings SET value = value")
        worker = threading.Thread(target=add_from_another_thread)
        worker.start()
        time.sleep(0.3)
        assert not done  # still waiting for the lock, not failed
        first.db.conn.execute("COMMIT")
        worker.join(timeout=30)
        assert done and first.count() == 1


def snapshot(path: Path) -> bytes:
    return path.read_bytes()


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    path.write_bytes(b"My shopping list\n" + bytes(range(256)) * 20)
    before = snapshot(path)
    with pytest.raises(LibraryError, match="not a Readmark library"):
        Library(path)
    assert snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library.sqlite3"]


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.com')")
    conn.commit()
    conn.close()
    before = snapshot(path)
    with pytest.raises(LibraryError, match="not a Readmark library"):
        Library(path)
    assert snapshot(path) == before


def make_library(path: Path, count: int = 20) -> None:
    with Library(path) as library:
        for n in range(count):
            body = f"Paragraph {n} of a long story about the sea. " * 40
            library.add_article(
                Article(f"Story {n}", (Block(BlockKind.PARAGRAPH, body),), url=f"https://s/{n}")
            )
        library.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_a_library_with_a_damaged_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    make_library(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # page 1 holds the schema
    path.write_bytes(bytes(data))
    before = snapshot(path)
    with pytest.raises(LibraryError, match=r"cannot be opened.*left untouched"):
        Library(path)
    assert snapshot(path) == before


def test_a_truncated_library_is_refused_or_reported_never_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    make_library(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    before = snapshot(path)
    try:
        library = Library(path)
    except LibraryError as exc:
        assert "left untouched" in str(exc)
    else:
        try:
            with pytest.raises(LibraryError, match="damaged"):
                for n in range(20):
                    library.get(n + 1)
        finally:
            library.close()
    assert snapshot(path) == before


def test_a_library_folder_that_cannot_be_created_gives_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(LibraryError, match="Cannot create the library folder"):
        Library(blocker / "library.sqlite3")


def test_the_library_is_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Library(tmp_path / "library.sqlite3") as library:
        assert library.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert library.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert library.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_opening_more_libraries_keeps_the_process_locks(tmp_path: Path) -> None:
    """A long-lived connection keeps its locks while other handles in the same process open and
    close: another process must still see it and leave the WAL in place."""
    path = tmp_path / "library.sqlite3"
    window = Library(path)
    window.add_article(Article(title="kept", blocks=(Block(BlockKind.PARAGRAPH, "kept words"),)))
    for _ in range(3):
        Library(path).close()  # a search's worker opening its own connection and closing it
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()
    # Another process opens and closes the library: with our locks dropped it would think it is
    # alone, checkpoint and delete the WAL the window still uses.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (
        "import sys; from pathlib import Path; from reader.core.library import Library; "
        "Library(Path(sys.argv[1])).close()"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=True, timeout=60)
    assert wal.exists(), "another process deleted the WAL of a live connection"
    window.add_article(Article(title="after", blocks=(Block(BlockKind.PARAGRAPH, "more words"),)))
    window.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {r[0] for r in conn.execute("SELECT title FROM articles")} >= {"kept", "after"}
    conn.close()
