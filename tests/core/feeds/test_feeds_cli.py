"""`readmark-cli feeds ...` end to end on feeds served on 127.0.0.1, and a refresh killed
half-way that loses nothing and doubles nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.feeds.opml import parse_opml
from reader.core.library import Library
from tests.core.feeds.server import FeedServer, Item, Route, feed_server, prose, rss
from tests.processes import child_env, cli_command, run_cli


@pytest.fixture
def server() -> FeedServer:
    with feed_server() as running:
        yield running  # type: ignore[misc]


def cli(data: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_refresh_remove(
    server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.page("/post/1", "First post", 1)
    server.routes["/feed"] = Route(
        rss("Cli feed", [Item("a", "First post", server.url("/post/1"), "Teaser.", full=False)])
    )
    code, out, _ = cli(
        tmp_path,
        "feeds",
        "add",
        server.url("/feed"),
        "--folder",
        "Tech",
        "--every",
        "2h",
        capsys=capsys,
    )
    assert code == 0 and "subscribed to feed 1: Cli feed" in out
    code, out, _ = cli(
        tmp_path,
        "feeds",
        "refresh",
        "--no-entities",
        "--no-images",
        "--delay",
        "0",
        "--quiet",
        capsys=capsys,
    )
    assert code == 0 and "1 new" in out and "1 new articles" in out
    code, out, _ = cli(tmp_path, "feeds", "list", "--json", capsys=capsys)
    [listed] = json.loads(out)
    assert (listed["title"], listed["folder"], listed["every"], listed["unread"]) == (
        "Cli feed",
        "Tech",
        "2h",
        1,
    )
    code, out, _ = cli(tmp_path, "feeds", "list", capsys=capsys)
    assert "Cli feed" in out and "Tech" in out
    code, out, _ = cli(tmp_path, "feeds", "remove", "1", capsys=capsys)
    assert code == 0 and "its articles stay" in out
    with Library(tmp_path / "library.sqlite3") as library:
        assert library.count() == 1
    code, _, err = cli(tmp_path, "feeds", "remove", "1", capsys=capsys)
    assert code == 1 and "no feed 1" in err
    code, _, err = cli(
        tmp_path, "feeds", "add", server.url("/feed"), "--every", "soon", capsys=capsys
    )
    assert code == 1 and "not an interval" in err


def test_opml_round_trip_keeps_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.opml"
    source.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>'
        '<outline text="Tech"><outline text="Rust" type="rss" xmlUrl="https://r.example/feed"/>'
        '<outline text="Python"><outline text="Py blog" xmlUrl="https://p.example/atom"'
        ' htmlUrl="https://p.example/"/></outline></outline>'
        '<outline text="Loose" type="rss" xmlUrl="https://l.example/rss"/>'
        '<outline text="Again" type="rss" xmlUrl="https://r.example/feed"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    data = tmp_path / "lib"
    code, out, _ = cli(data, "feeds", "import-opml", str(source), capsys=capsys)
    assert code == 0 and "3 feeds" in out and "3 new" in out
    code, out, _ = cli(data, "feeds", "import-opml", str(source), capsys=capsys)
    assert "0 new" in out
    exported = tmp_path / "out.opml"
    code, out, _ = cli(data, "feeds", "export-opml", str(exported), capsys=capsys)
    assert code == 0
    back = {(o.url, o.title, o.folder, o.site_url) for o in parse_opml(exported.read_bytes())}
    assert back == {
        ("https://r.example/feed", "Rust", "Tech", ""),
        ("https://p.example/atom", "Py blog", "Tech / Python", "https://p.example/"),
        ("https://l.example/rss", "Loose", "", ""),
    }
    # A second library reading the export has the same subscriptions.
    other = tmp_path / "other"
    cli(other, "feeds", "import-opml", str(exported), capsys=capsys)
    _, out, _ = cli(other, "feeds", "list", "--json", capsys=capsys)
    assert {(f["url"], f["folder"]) for f in json.loads(out)} == {(u, f) for u, _, f, _ in back}


def test_a_file_that_is_not_opml_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.opml"
    bad.write_text("<html><body>nope</body></html>", encoding="utf-8")
    code, _, err = cli(tmp_path, "feeds", "import-opml", str(bad), capsys=capsys)
    assert code == 1 and "not OPML" in err


def _slow_page(seed: int, title: str):  # type: ignore[no-untyped-def]
    body = (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>{prose(seed, 300)}</article></body></html>"
    ).encode()

    def handler(request: BaseHTTPRequestHandler) -> None:
        time.sleep(0.15)
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


def test_a_refresh_killed_half_way_loses_nothing_and_doubles_nothing(
    server: FeedServer, tmp_path: Path
) -> None:
    count = 40
    entries = []
    for n in range(count):
        title = f"Killed story {n}"
        server.routes[f"/post/{n}"] = Route(handler=_slow_page(n, title))
        entries.append(Item(f"k{n}", title, server.url(f"/post/{n}"), "Teaser.", full=False))
    server.routes["/feed"] = Route(rss("Kill feed", entries), etag='"same"')
    assert run_cli(tmp_path, "feeds", "add", server.url("/feed")).returncode == 0
    path = tmp_path / "library.sqlite3"
    killed_at = None
    for attempt in range(3):
        process = subprocess.Popen(
            cli_command(
                tmp_path,
                "feeds",
                "refresh",
                "--no-entities",
                "--no-images",
                "--delay",
                "0",
                "--workers",
                "2",
                "--quiet",
            ),
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        with Library(path) as library:
            while time.monotonic() < deadline and process.poll() is None:
                saved = library.count()
                if saved >= 5 * (attempt + 1):
                    process.send_signal(signal.SIGKILL)
                    killed_at = saved
                    break
                time.sleep(0.02)
        process.wait(timeout=30)
        if killed_at is not None and killed_at < count:
            break
    assert killed_at is not None and killed_at < count, "the refresh ended before its kill"

    done = run_cli(tmp_path, "feeds", "refresh", "--no-entities", "--no-images", "--delay", "0")
    assert done.returncode == 0, done.stderr

    with Library(path) as library:
        titles = [a.title for a in library.list_articles(limit=500)]
    assert sorted(titles) == sorted(f"Killed story {n}" for n in range(count))
    # The entries saved before the kill were not fetched again.
    assert sum(server.hits[f"/post/{n}"] for n in range(count)) <= count + 2 * 2
    # And now the feed is settled: one more refresh is a single 304.
    again = run_cli(tmp_path, "feeds", "refresh", "--no-entities", "--no-images")
    assert "unchanged" in again.stdout and server.not_modified["/feed"] == 1


def test_rules_and_settings_from_the_command_line(
    server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.page("/post/1", "Harbour news", 1)
    server.routes["/feed"] = Route(
        rss("Rules feed", [Item("r1", "Harbour news", server.url("/post/1"), prose(1))])
    )
    cli(tmp_path, "feeds", "add", server.url("/feed"), capsys=capsys)
    code, out, _ = cli(
        tmp_path, "feeds", "set", "1", "--folder", "Ports", "--every", "6h", capsys=capsys
    )
    assert code == 0 and "folder Ports, every 6h" in out
    code, out, _ = cli(tmp_path, "feeds", "rule", "add", "harbour", "--tag", "ports", capsys=capsys)
    assert code == 0 and "rule 1: tag ports new entries of every feed matching harbour" in out
    code, _, err = cli(tmp_path, "feeds", "rule", "add", "colour:red", "--skip", capsys=capsys)
    assert code == 1 and "Unknown filter colour:" in err
    cli(tmp_path, "feeds", "refresh", "--no-entities", "--no-images", "--quiet", capsys=capsys)
    with Library(tmp_path / "library.sqlite3") as library:
        [saved] = library.list_articles()
        assert library.get(saved.id).tags == ("ports",)
        library.set_tags(saved.id, [])
    code, out, _ = cli(tmp_path, "feeds", "rule", "list", "--json", capsys=capsys)
    assert json.loads(out) == [
        {"id": 1, "query": "harbour", "action": "tag", "value": "ports", "feed_id": None}
    ]
    code, out, _ = cli(tmp_path, "feeds", "rule", "run", capsys=capsys)
    assert code == 0 and "rule 1: 1 articles" in out
    with Library(tmp_path / "library.sqlite3") as library:
        assert library.get(saved.id).tags == ("ports",)
    code, out, _ = cli(tmp_path, "feeds", "rule", "remove", "1", capsys=capsys)
    assert code == 0
    code, out, _ = cli(tmp_path, "feeds", "rule", "list", capsys=capsys)
    assert "no rules yet" in out
