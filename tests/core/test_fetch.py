"""Loading URLs, files and stdin: limits and typed errors, against a server on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reader.core import fetch
from reader.core.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    LoadError,
    NetworkError,
    NotFoundError,
    ReadmarkError,
    TooLargeError,
    UnsupportedContentError,
)
from reader.core.extract import extract

PAGE = (
    "<html><head><title>Café notes</title></head><body><article><p>"
    + "Crème brûlée and naïve café owners in Zürich and Kraków. " * 8
    + "</p></article></body></html>"
)
CYRILLIC = (
    '<html><head><meta charset="windows-1251"><title>Новости</title></head><body><p>'
    + "Городской совет проголосовал за продление набережной на две мили. " * 6
    + "</p></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html", **headers: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/page":
            self.send(200, PAGE.encode(), "text/html; charset=utf-8")
        elif path == "/ua":
            self.send(200, self.headers.get("User-Agent", "").encode(), "text/plain")
        elif path == "/latin":
            self.send(200, PAGE.encode("cp1252"), "text/html; charset=iso-8859-1")
        elif path == "/wrong-charset":
            self.send(200, PAGE.encode(), "text/html; charset=iso-8859-1")
        elif path == "/meta-charset":
            self.send(200, CYRILLIC.encode("cp1251"), "text/html")
        elif path == "/redirect":
            self.send(302, b"", Location="/page")
        elif path == "/loop":
            self.send(302, b"", Location="/loop")
        elif path == "/slow":
            time.sleep(1.0)
            self.send(200, PAGE.encode())
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(12):
                self.wfile.write(b"<p>drip</p>" * 10)
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"x" * 1024)
        elif path == "/big-declared":
            self.send(200, b"", Content_Length=str(50 * 1024 * 1024))
        elif path == "/bomb":
            self.send(200, BOMB, "text/html", Content_Encoding="gzip")
        elif path == "/gzip":
            self.send(200, gzip.compress(PAGE.encode()), "text/html", Content_Encoding="gzip")
        elif path == "/broken-gzip":
            self.send(200, b"\x1f\x8b\x08\x00garbage", "text/html", Content_Encoding="gzip")
        elif path == "/png-as-html":
            self.send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "text/html")
        elif path == "/pdf":
            self.send(200, b"%PDF-1.4", "application/pdf")
        elif path == "/missing":
            self.send(404, b"not here")
        elif path == "/error":
            self.send(500, b"oops")
        elif path == "/truncated":
            self.send(200, b"<p>short</p>", Content_Length="5000")
        else:
            self.send(404, b"")


BOMB = gzip.compress(b"\0" * (4 * 1024 * 1024), compresslevel=9)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_page_is_loaded_with_our_user_agent(server: str) -> None:
    raw = fetch.load(f"{server}/page")
    assert raw.content_type == "text/html"
    assert raw.charset == "utf-8"
    assert raw.url == f"{server}/page"
    assert "Crème brûlée" in extract(raw).text
    assert fetch.load(f"{server}/ua").data.decode().startswith("Readmark/")


def test_redirect_is_followed_to_the_final_url(server: str) -> None:
    assert fetch.load(f"{server}/redirect").url == f"{server}/page"


@pytest.mark.parametrize("path", ["/latin", "/wrong-charset", "/gzip"])
def test_declared_or_misdeclared_charsets_give_no_mojibake(server: str, path: str) -> None:
    text = extract(fetch.load(server + path)).text
    assert "Crème brûlée and naïve café owners in Zürich and Kraków." in text


def test_meta_charset_is_used_when_the_header_has_none(server: str) -> None:
    article = extract(fetch.load(f"{server}/meta-charset"))
    assert "Городской совет проголосовал" in article.text


def test_redirect_loop(server: str) -> None:
    with pytest.raises(NetworkError, match="redirects too many times"):
        fetch.load(f"{server}/loop")


def test_slow_server_times_out(server: str) -> None:
    with pytest.raises(FetchTimeoutError):
        fetch.fetch_url(f"{server}/slow", timeout=(1.0, 0.2))


def test_total_time_limit_stops_a_dripping_body(server: str) -> None:
    with pytest.raises(FetchTimeoutError):
        fetch.fetch_url(f"{server}/drip", total_timeout_s=0.2)


def test_oversize_body_is_refused(server: str) -> None:
    with pytest.raises(TooLargeError):
        fetch.fetch_url(f"{server}/big", max_bytes=16 * 1024)


def test_declared_oversize_body_is_refused_before_reading(server: str) -> None:
    with pytest.raises(TooLargeError, match="50 MB"):
        fetch.load(f"{server}/big-declared")


def test_gzip_bomb_is_stopped_at_the_decompressed_limit(server: str) -> None:
    assert len(BOMB) < 64 * 1024
    with pytest.raises(TooLargeError, match="unpacks to more than 1 MB"):
        fetch.fetch_url(f"{server}/bomb", max_decompressed_bytes=1024 * 1024)


def test_damaged_compression_is_a_load_error(server: str) -> None:
    with pytest.raises(LoadError, match="damaged"):
        fetch.load(f"{server}/broken-gzip")


@pytest.mark.parametrize("path", ["/png-as-html", "/pdf"])
def test_binary_content_is_not_supported(server: str, path: str) -> None:
    with pytest.raises(UnsupportedContentError):
        fetch.load(server + path)


def test_http_errors_are_typed(server: str) -> None:
    with pytest.raises(NotFoundError, match="404"):
        fetch.load(f"{server}/missing")
    with pytest.raises(HTTPStatusError) as info:
        fetch.load(f"{server}/error")
    assert info.value.status == 500


def test_truncated_body_is_a_network_error(server: str) -> None:
    with pytest.raises(ReadmarkError):
        fetch.load(f"{server}/truncated")


def test_refused_connection_is_a_network_error() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError, match="Could not connect"):
        fetch.load(f"http://127.0.0.1:{port}/")


def test_unknown_host_is_reported_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_such_host(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(NetworkError, match=r"Could not find the server news\.example"):
        fetch.load("https://news.example/story")


def test_other_schemes_are_refused() -> None:
    with pytest.raises(UnsupportedContentError):
        fetch.load("ftp://example.org/file.html")


def test_local_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.HTM"
    page.write_text(PAGE, encoding="utf-8")
    assert fetch.load(str(page)).content_type == "text/html"
    note = tmp_path / "note.md"
    note.write_text("# Title\n\nSome words.", encoding="utf-8")
    assert fetch.load(str(note)).content_type == "text/plain"
    with pytest.raises(NotFoundError):
        fetch.load(str(tmp_path / "absent.html"))
    with pytest.raises(UnsupportedContentError):
        fetch.load(str(tmp_path / "paper.pdf"))
    (tmp_path / "folder.html").mkdir()
    with pytest.raises(LoadError, match="folder"):
        fetch.load(str(tmp_path / "folder.html"))
    image = tmp_path / "image.html"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(UnsupportedContentError, match="PNG"):
        fetch.load(str(image))
    monkeypatch.setattr(fetch, "MAX_RESPONSE_BYTES", 100)
    with pytest.raises(TooLargeError):
        fetch.load(str(page))


def test_stdin_is_sniffed_and_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fetch.load_stream(io.BytesIO(b"<!doctype html><p>x</p>")).content_type == "text/html"
    assert fetch.load_stream(io.BytesIO(b"plain words")).content_type == "text/plain"
    monkeypatch.setattr(fetch, "MAX_RESPONSE_BYTES", 10)
    with pytest.raises(TooLargeError):
        fetch.load_stream(io.BytesIO(b"x" * 11))
