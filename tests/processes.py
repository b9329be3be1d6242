"""Real processes on one library, for the real-usage tests: the CLI, a driven window, and checks
of the file and of what a live process holds open."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core.library import Library

ROOT = Path(__file__).resolve().parent.parent
WINDOW_DRIVER = ROOT / "tests" / "ui" / "window_driver.py"
LIBRARY_NAME = "library.sqlite3"
CLI_TIMEOUT_S = 120
# More kills and rounds for a longer run by hand: READMARK_REAL_USAGE_SCALE=10 python -m pytest ...
SCALE = max(1, int(os.environ.get("READMARK_REAL_USAGE_SCALE", "1")))


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "QT_QPA_PLATFORM": "offscreen", **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def cli_command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "reader.cli", "--data-dir", str(data_dir), *args]


def window_command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, str(WINDOW_DRIVER), "--data-dir", str(data_dir), *args]


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(data_dir, *args),
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


def integrity(path: Path) -> str:
    """PRAGMA integrity_check of the file, asked of SQLite in a fresh connection."""
    conn = sqlite3.connect(path)
    try:
        return "; ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def fts_integrity(path: Path) -> None:
    """The full-text index agrees with the articles (FTS5's own check raises if not)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def check_intact(path: Path) -> dict[int, dict[str, object]]:
    """After a kill: the library opens as usual, SQLite and the full-text index find no damage,
    and no article is partial. Returns the articles (see `library_rows`)."""
    assert integrity(path) == "ok"
    fts_integrity(path)
    Library(path).close()
    return library_rows(path)


def deleted_library_files(pid: int, name: str = LIBRARY_NAME) -> set[str]:
    """The library's files (main, -wal, -shm) that `pid` holds open or mapped after they were
    deleted: SQLite in that process goes on using a WAL nobody else sees."""
    found: set[str] = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        descriptors = os.listdir(fd_dir)
    except OSError:
        return found
    for fd in descriptors:
        try:
            target = os.readlink(fd_dir / fd)
        except OSError:
            continue
        if name in target and target.endswith("(deleted)"):
            found.add(f"fd: {target}")
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()  # a /proc file, not the library
    except OSError:
        return found
    for line in maps.splitlines():
        if name in line and line.endswith("(deleted)"):
            found.add("map: " + line.split(maxsplit=5)[-1])
    return found


class DeletedFileWatch:
    """Looks at a running process's descriptors and maps until it ends, or until `stop()`."""

    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.seen: set[str] = set()
        self.looks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set() and Path(f"/proc/{self.pid}").exists():
            self.seen |= deleted_library_files(self.pid)
            self.looks += 1
            time.sleep(self.interval_s)

    def stop(self) -> set[str]:
        self._stop.set()
        self._thread.join(timeout=10)
        return self.seen


class WindowProcess:
    """`tests/ui/window_driver.py` in a subprocess; its JSON lines are collected as they come."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            window_command(data_dir, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        self.events: list[dict[str, object]] = []
        self.stderr = ""
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._err_reader = threading.Thread(target=self._read_err, daemon=True)
        self._err_reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a kill
            self.events.append(event)
            if event.get("event") == "ready":
                self._ready.set()
        self._ready.set()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def wait_ready(self, timeout_s: float = 60) -> None:
        self._ready.wait(timeout_s)
        assert any(e.get("event") == "ready" for e in self.events), self.stderr[-3000:]

    def finish(self, timeout_s: float = 120) -> int:
        code = self.proc.wait(timeout_s)
        self._reader.join(timeout=10)
        self._err_reader.join(timeout=10)
        return code

    def close(self) -> None:
        """Kill the process if it still runs, and let go of its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.finish()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def of_kind(self, kind: str) -> list[dict[str, object]]:
        return [e for e in list(self.events) if e.get("event") == kind]


def expected_window_state(
    writes: Sequence[dict[str, object]],
) -> dict[int, dict[str, object]]:
    """What the file must say for each article the window wrote: the last favourite and read
    state, and every tag it added."""
    state: dict[int, dict[str, object]] = {}
    for write in writes:
        entry = state.setdefault(int(write["id"]), {"tags": set()})  # type: ignore[call-overload]
        for key in ("favorite", "read"):
            if key in write:
                entry[key] = write[key]
        if "tag" in write:
            entry["tags"].add(write["tag"])  # type: ignore[attr-defined]
    return state


def library_rows(path: Path) -> dict[int, dict[str, object]]:
    """Every article of the file, checked whole: its text matches its blocks and its hash, and
    every highlight on the current text covers the words it quotes. A write cut short would
    leave one of these out of step; returns the articles with their tags and highlights."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        articles: dict[int, dict[str, object]] = {}
        for row in conn.execute("SELECT id, title, url, text, text_hash, content FROM articles"):
            text = str(row["text"])
            assert text, f"article {row['id']} has no text"
            blocks = json.loads(row["content"])
            lengths = [len(b["text"]) if "text" in b else int(b["n"]) for b in blocks]
            assert sum(lengths) + len(lengths) - 1 == len(text), f"blocks of {row['id']}"
            assert row["text_hash"] == hashlib.sha256(text.encode()).hexdigest(), row["id"]
            articles[int(row["id"])] = {
                "title": row["title"], "url": row["url"], "text": text,
                "tags": set(), "highlights": {},
            }  # fmt: skip
        for article_id, name in conn.execute(
            "SELECT article_id, name FROM article_tags JOIN tags ON tags.id = tag_id"
        ):
            articles[int(article_id)]["tags"].add(name)  # type: ignore[attr-defined]
        for row in conn.execute("SELECT * FROM annotations"):
            article = articles[int(row["article_id"])]
            current = hashlib.sha256(str(article["text"]).encode()).hexdigest()
            if not row["orphaned"] and row["text_hash"] == current:
                quoted = str(article["text"])[row["start"] : row["end"]]
                assert quoted == row["exact"], f"highlight {row['id']} slipped"
            article["highlights"][row["id"]] = row["exact"]  # type: ignore[index]
        return articles
    finally:
        conn.close()


@dataclass
class KilledRun:
    """A child killed with SIGKILL once it had printed `after_lines` lines (and a random pause
    more): `lines` are all it printed, each a write it had committed."""

    lines: list[str]
    stderr: str
    killed: bool  # False when it finished before the kill came


def run_and_kill(
    command: Sequence[str],
    rng: random.Random,
    after_lines: int,
    pause_s: float,
    ready: Callable[[], bool] | None = None,
    timeout_s: float = 120,
) -> KilledRun:
    """Run `command`, wait for `after_lines` lines of output (or for `ready()`), wait a random
    part of `pause_s`, then SIGKILL it, so the kill lands anywhere in the next write."""
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env()
    )
    lines: list[str] = []
    errors: list[str] = []

    def read_out() -> None:
        assert proc.stdout is not None
        lines.extend(line.rstrip("\n") for line in proc.stdout)

    def read_err() -> None:
        assert proc.stderr is not None
        errors.append(proc.stderr.read())

    readers = [threading.Thread(target=read_out), threading.Thread(target=read_err)]
    for thread in readers:
        thread.start()
    try:
        deadline = time.monotonic() + timeout_s
        while proc.poll() is None and time.monotonic() < deadline:
            if ready() if ready is not None else len(lines) >= after_lines:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, pause_s))
    finally:
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout_s)
        for thread in readers:
            thread.join(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    return KilledRun([line for line in lines if line], "".join(errors), killed)
