"""One connection per library file and thread, for as long as the process uses the library: a
search in a worker costs no open, closing one handle never breaks another, writers of one
process take turns, and once the last handle closes nothing holds the file."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from pathlib import Path

import pytest

from reader.core.errors import LibraryError
from reader.core.library import Library
from reader.core.models import Article, Block, BlockKind
from reader.core.store import connections


def article(n: int, prefix: str = "story") -> Article:
    body = f"{prefix} number {n} about tides and rivers"
    return Article(
        f"{prefix} {n}", (Block(BlockKind.PARAGRAPH, body),), url=f"https://{prefix}/{n}"
    )


def open_descriptors(path: Path) -> list[str]:
    fd_dir = Path("/proc/self/fd")
    found = []
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(path)):
            found.append(target)
    return found


def test_a_second_handle_in_a_thread_shares_its_connection_and_outlives_a_close(
    tmp_path: Path,
) -> None:
    path = tmp_path / "library.sqlite3"
    window = Library(path)
    first = window.add_article(article(1))
    search = Library(path)  # what a search used to open for each query
    assert search.db is window.db  # no new connection, no check, no migration
    search.close()
    search.close()  # closing twice is harmless
    assert window.get(first).article.title == "story 1"
    window.add_article(article(2))
    assert window.count() == 2
    with pytest.raises(LibraryError, match="closed"):
        search.count()
    window.close()


def test_one_library_used_from_many_threads_gives_each_its_own_connection(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    library = Library(path)
    seen: dict[str, object] = {}
    errors: list[BaseException] = []
    # All four stay alive until each has its connection: a finished thread's id may be reused.
    together = threading.Barrier(4, timeout=120)

    def worker(name: str) -> None:
        try:
            together.wait()
            for n in range(25):
                library.add_article(article(n, name), tags=[name])
            seen[name] = library.db
            assert library.db is seen[name]  # reused within the thread
            assert library.count(f"tag:{name}") == 25
            together.wait()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len({id(db) for db in seen.values()} | {id(library.db)}) == 5
    assert library.count() == 100  # four writers at once, nothing lost, never "locked"
    library.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
def test_when_the_last_handle_closes_nothing_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    window = Library(path)
    worker = threading.Thread(target=lambda: window.add_article(article(1)))
    worker.start()
    worker.join()
    window.count()
    assert open_descriptors(path)
    window.close()
    assert open_descriptors(path) == []  # the worker thread's connection was closed too
    # Replacing the file now is safe, and the next handle checks the new file.
    path.with_name(path.name + "-wal").unlink(missing_ok=True)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    path.write_bytes(b"not a library at all" * 100)
    with pytest.raises(LibraryError, match="not a Readmark library"):
        Library(path)


def test_close_all_lets_a_restore_replace_the_file_under_open_handles(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    library = Library(path)
    library.add_article(article(1))
    connections.close_all(path)
    with pytest.raises(LibraryError, match="closed"):
        library.count()
    library.close()  # still fine after close_all
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    conn.close()
    with Library(path) as again:
        assert again.count() == 1
