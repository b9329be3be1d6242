"""`readmark-cli serve` killed while captures arrive: the library opens as before, every answered
capture is there whole with its highlight, and no capture is there in part."""

from __future__ import annotations

import http.client
import random
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

from tests.processes import SCALE, check_intact, child_env, cli_command, run_cli

from .helpers import article_html, call, paragraph

ROUNDS = 3 * SCALE


def _serve(data_dir: Path) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        cli_command(data_dir, "serve", "--port", "0", "--no-entities", "--no-images"),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env(),
    )  # fmt: skip
    assert server.stdout is not None
    line = server.stdout.readline()
    found = re.search(r"127\.0\.0\.1:(\d+)", line)
    assert found, line
    return server, int(found.group(1))


def test_a_killed_endpoint_leaves_whole_captures_or_none(tmp_path: Path) -> None:
    data_dir = tmp_path / "library"
    token = run_cli(data_dir, "serve", "--print-token").stdout.strip()
    answered: dict[int, dict[str, object]] = {}  # story number -> answer
    numbers = iter(range(1000, 100_000))
    kills = 0
    for _round in range(ROUNDS):
        server, port = _serve(data_dir)
        stop = threading.Event()

        def send(port: int = port, stop: threading.Event = stop) -> None:
            while not stop.is_set():
                number = next(numbers)
                body = {
                    "url": f"https://news.example/{number}",
                    "title": "",
                    "html": article_html(number, paragraphs=40),
                    "selection": paragraph(number, 3),
                }
                try:
                    status, answer = call(port, "POST", "/api/v1/capture", body, token=token)
                except (OSError, http.client.HTTPException):
                    return  # the server is gone, maybe half-way through its answer
                if status == 200:
                    answered[number] = answer

        senders = [threading.Thread(target=send) for _ in range(3)]
        for sender in senders:
            sender.start()
        time.sleep(random.uniform(0.5, 2.0))
        if server.poll() is None:
            server.send_signal(signal.SIGKILL)
            kills += 1
        server.wait(timeout=30)
        stop.set()
        for sender in senders:
            sender.join(timeout=60)
        assert server.stdout is not None
        server.stdout.close()
    assert kills >= 1 and answered
    rows = check_intact(data_dir / "library.sqlite3")
    by_title = {str(row["title"]): row for row in rows.values()}
    for number, answer in answered.items():
        row = rows[int(answer["id"])]  # type: ignore[arg-type]
        assert row["title"] == f"Story {number}"
        assert list(row["highlights"].values()) == [paragraph(number, 3)]  # type: ignore[attr-defined]
    for title, row in by_title.items():  # answered or not, nothing is there in part
        number = int(title.split()[-1])
        assert all(paragraph(number, i) in str(row["text"]) for i in range(40)), title
        assert list(row["highlights"].values()) == [paragraph(number, 3)], title  # type: ignore[attr-defined]
