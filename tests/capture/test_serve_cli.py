"""`readmark-cli serve` as a real process: the token it prints is the one it asks for, and a
capture while another `readmark-cli` writes to the same library loses nothing."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

from reader.core.library import Library
from tests.processes import check_intact, child_env, cli_command, run_cli

from .helpers import article_html, call, paragraph


def _token(data_dir: Path) -> str:
    done = run_cli(data_dir, "serve", "--print-token")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_token_is_made_once_per_data_folder(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    token = _token(first)
    assert len(token) >= 24
    assert _token(first) == token
    assert _token(second) != token
    renewed = run_cli(first, "serve", "--renew-token").stdout.strip()
    assert renewed != token and _token(first) == renewed
    assert (first / "capture.json").stat().st_mode & 0o077 == 0


def test_a_capture_while_the_cli_adds_loses_nothing(tmp_path):
    data_dir = tmp_path / "library"
    token = _token(data_dir)
    pages = tmp_path / "pages"
    pages.mkdir()
    files = []
    for number in range(12):
        path = pages / f"local-{number}.html"
        path.write_text(article_html(300 + number), encoding="utf-8")
        files.append(str(path))
    server = subprocess.Popen(
        cli_command(data_dir, "serve", "--port", "0", "--no-entities", "--no-images"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
    )  # fmt: skip
    try:
        assert server.stdout is not None
        first_line = server.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", first_line).group(1))  # type: ignore[union-attr]
        adding = subprocess.Popen(
            cli_command(data_dir, "add", "--no-entities", "--no-images", *files),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
        )  # fmt: skip
        answers: list[tuple[int, dict[str, object]]] = []

        def capture(number: int) -> None:
            body = {
                "url": f"https://news.example/remote-{number}",
                "title": f"Story {number}",
                "html": article_html(number),
            }
            answers.append(call(port, "POST", "/api/v1/capture", body, token=token))

        threads = [threading.Thread(target=capture, args=(400 + n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        _out, err = adding.communicate(timeout=180)
        assert adding.returncode == 0, err
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert [status for status, _ in answers] == [200] * 12
    rows = check_intact(data_dir / "library.sqlite3")
    assert len(rows) == 24
    with Library(data_dir / "library.sqlite3") as library:
        texts = {s.title: library.get(s.id).article.text for s in library.list_articles(100, 0)}
    for number in [*range(300, 312), *range(400, 412)]:
        assert paragraph(number, 7) in texts[f"Story {number}"]
