"""The capture endpoint as the extension and a hostile caller see it: every refusal is a clear
HTTP error with nothing saved, every accepted capture a whole article."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reader.core.capture import CaptureEndpoint, Capturer, load_pairing
from reader.core.capture.server import MAX_BODY_BYTES
from reader.core.library import Library, http_image_fetcher
from reader.core.paths import library_path

from .helpers import PNG, article_html, call, page_server, paragraph

EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


@pytest.fixture
def library_file(data_dir: Path) -> Path:
    return library_path(data_dir)


@pytest.fixture
def endpoint(library_file: Path) -> Iterator[CaptureEndpoint]:
    capturer = Capturer(library_file, fetch_image=http_image_fetcher())
    served = CaptureEndpoint(library_file, capturer, port=0)
    served.start()
    yield served
    served.stop()
    capturer.close()


def _token(library_file: Path) -> str:
    return load_pairing(library_file.parent).token


def _articles(library_file: Path) -> list[tuple[int, str, str]]:
    with Library(library_file) as library:
        return [
            (s.id, s.title, library.get(s.id).article.text) for s in library.list_articles(500, 0)
        ]


def _capture(number: int, **extra: object) -> dict[str, object]:
    return {
        "url": f"https://news.example/story-{number}",
        "title": f"Story {number}",
        "html": article_html(number),
        **extra,
    }


def test_status_answers_the_version_with_the_token(endpoint, library_file):
    from reader import __version__

    status, answer = call(endpoint.port, "GET", "/api/v1/status", token=_token(library_file))
    assert status == 200
    assert answer == {"app": "readmark", "version": __version__}


def test_a_capture_is_saved_like_a_fetched_page(endpoint, library_file):
    status, answer = call(
        endpoint.port, "POST", "/api/v1/capture", _capture(1), token=_token(library_file)
    )
    assert status == 200
    assert answer["status"] == "added" and answer["title"] == "Story 1"
    with Library(library_file) as library:
        saved = library.get(int(answer["id"]))
        assert saved.article.url == "https://news.example/story-1"
        assert paragraph(1, 0) in saved.article.text and paragraph(1, 7) in saved.article.text
        assert "Copyright the authors" not in saved.article.text  # extracted, not the whole page
        source = library.source(saved.id)
        assert source is not None and b"Copyright the authors" in source.data  # original kept


def test_capturing_again_updates_the_same_article(endpoint, library_file):
    token = _token(library_file)
    first = call(endpoint.port, "POST", "/api/v1/capture", _capture(2), token=token)[1]
    changed = _capture(2, html=article_html(2, paragraphs=9))
    status, second = call(endpoint.port, "POST", "/api/v1/capture", changed, token=token)
    assert status == 200
    assert second["status"] == "updated" and second["id"] == first["id"]
    (only,) = _articles(library_file)
    assert paragraph(2, 8) in only[2]


def test_the_selection_becomes_a_highlight_anchored_in_the_text(endpoint, library_file):
    # The browser's selection joins paragraphs with blank lines; the article with one newline.
    selection = paragraph(3, 1)[-40:] + "\n\n" + paragraph(3, 2)[:30]
    status, answer = call(
        endpoint.port, "POST", "/api/v1/capture", _capture(3, selection=selection),
        token=_token(library_file),
    )  # fmt: skip
    assert status == 200 and answer["highlight"] == "added"
    with Library(library_file) as library:
        text = library.get(int(answer["id"])).article.text
        (highlight,) = library.annotations(int(answer["id"]))
    assert text[highlight.start : highlight.end] == highlight.exact
    assert " ".join(highlight.exact.split()) == " ".join(selection.split())


def test_a_selection_not_in_the_article_still_saves_the_article(endpoint, library_file):
    body = _capture(4, selection="words that appear nowhere on this page at all, zebra quartz")
    status, answer = call(
        endpoint.port, "POST", "/api/v1/capture", body, token=_token(library_file)
    )
    assert status == 200 and answer["highlight"] == "not_found"
    with Library(library_file) as library:
        assert library.annotations(int(answer["id"])) == []
        assert paragraph(4, 0) in library.get(int(answer["id"])).article.text


def test_images_are_archived_from_the_page_at_save_time(endpoint, library_file):
    with page_server({"/pic.png": (PNG, "image/png")}) as base:
        body = {
            "url": f"{base}/story-5",
            "title": "Story 5",
            "html": article_html(5, image="/pic.png"),
        }
        status, answer = call(
            endpoint.port, "POST", "/api/v1/capture", body, token=_token(library_file)
        )
    assert status == 200
    with Library(library_file) as library:
        assert library.image_data(int(answer["id"]), f"{base}/pic.png") == PNG


def test_without_a_token_nothing_is_saved(endpoint, library_file):
    status, answer = call(endpoint.port, "POST", "/api/v1/capture", _capture(6))
    assert status == 401 and answer["error"] == "not_paired"
    status, answer = call(endpoint.port, "GET", "/api/v1/status")
    assert status == 401
    assert _articles(library_file) == []


def test_a_wrong_token_is_refused(endpoint, library_file):
    for header in ("Bearer not-the-token", f"Basic {_token(library_file)}", "Bearer"):
        status, answer = call(
            endpoint.port, "POST", "/api/v1/capture", _capture(7), headers={"Authorization": header}
        )
        assert status == 401 and answer["error"] == "wrong_token", header
    assert _articles(library_file) == []


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://127.0.0.1:8000", "file://"]
)
def test_a_web_page_is_refused_even_with_the_token(endpoint, library_file, origin):
    status, answer = call(
        endpoint.port,
        "POST",
        "/api/v1/capture",
        _capture(8),
        token=_token(library_file),
        origin=origin,
    )
    assert status == 403 and answer["error"] == "refused_origin"
    assert _articles(library_file) == []
    assert origin not in load_pairing(library_file.parent).origins


def test_an_extension_with_the_token_is_paired_and_one_without_is_not(endpoint, library_file):
    other = "moz-extension://0c7e6a49-4d7e-4bb4-9a61-1f6a2c1f3b55"
    status, _ = call(endpoint.port, "GET", "/api/v1/status", token="wrong-token", origin=other)
    assert status == 401
    status, answer = call(
        endpoint.port,
        "POST",
        "/api/v1/capture",
        _capture(9),
        token=_token(library_file),
        origin=EXTENSION,
    )
    assert status == 200 and answer["status"] == "added"
    assert load_pairing(library_file.parent).origins == [EXTENSION]


def test_the_preflight_answers_extensions_only(endpoint):
    conn = socket.create_connection(("127.0.0.1", endpoint.port), timeout=10)
    with conn:
        conn.sendall(
            b"OPTIONS /api/v1/capture HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example"
            b"\r\nAccess-Control-Request-Method: POST\r\n\r\n"
        )
        assert conn.recv(100).startswith(b"HTTP/1.1 403")


def test_a_page_reached_through_another_host_name_is_refused(endpoint, library_file):
    # DNS rebinding: a web page whose own name now points at 127.0.0.1.
    status, answer = call(
        endpoint.port, "POST", "/api/v1/capture", _capture(10), token=_token(library_file),
        headers={"Host": f"attacker.example:{endpoint.port}"},
    )  # fmt: skip
    assert status == 403 and answer["error"] == "refused_host"
    assert _articles(library_file) == []


def test_a_body_over_the_cap_is_refused_before_it_is_read(endpoint, library_file):
    head = (
        f"POST /api/v1/capture HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.port}\r\n"
        f"Authorization: Bearer {_token(library_file)}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=30) as conn:
        conn.sendall(head + b'{"url": "https://a.example/", "html": "')
        answer = b""
        while piece := conn.recv(4096):  # the server answers and closes without reading on
            answer += piece
    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"too_large"' in answer
    assert _articles(library_file) == []


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"url": "https://a.example/", "html": ', "bad_json"),
        (b"\xff\xfe not utf-8", "bad_json"),
        (b"[" * 100_000 + b"]" * 100_000, "bad_json"),
        (b'["a list"]', "bad_request"),
        (b'{"title": "no url", "html": "<p>x</p>"}', "bad_request"),
        (b'{"url": "https://a.example/"}', "bad_request"),
        (b'{"url": "https://a.example/", "html": "<p>x</p>", "selection": 5}', "bad_request"),
    ],
)
def test_malformed_requests_are_refused(endpoint, library_file, raw, error):
    status, answer = call(
        endpoint.port, "POST", "/api/v1/capture", raw=raw, token=_token(library_file)
    )
    assert status == 400 and answer["error"] == error
    assert answer["message"]
    assert _articles(library_file) == []


def test_only_json_is_accepted(endpoint, library_file):
    status, answer = call(
        endpoint.port, "POST", "/api/v1/capture", raw=b"url=https://a.example/",
        token=_token(library_file), headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert status == 415 and answer["error"] == "json_only"


def test_html_that_is_not_an_article_is_refused(endpoint, library_file):
    for html in ("<html><body><script>var a = 1;</script></body></html>", "<html></html>"):
        body = {"url": "https://a.example/empty", "title": "Empty", "html": html}
        status, answer = call(
            endpoint.port, "POST", "/api/v1/capture", body, token=_token(library_file)
        )
        assert status == 422 and answer["error"] == "not_an_article"
    assert _articles(library_file) == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<p>x</p>",
        "ftp://a.example/",
        "https://",
    ],
)
def test_only_web_addresses_are_saved(endpoint, library_file, url):
    body = {"url": url, "title": "T", "html": article_html(11)}
    status, answer = call(
        endpoint.port, "POST", "/api/v1/capture", body, token=_token(library_file)
    )
    assert status == 400 and answer["message"]
    assert _articles(library_file) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/api/v1/capture"),
        ("POST", "/api/v1/status"),
        ("DELETE", "/api/v1/capture"),
        ("GET", "/api/v1/status/../capture"),
        ("PUT", "/api/v2/capture"),
    ],
)
def test_everything_else_is_not_found(endpoint, library_file, method, path):
    status, answer = call(endpoint.port, method, path, token=_token(library_file))
    assert status == 404 and answer["error"] == "not_found"


def test_fifty_concurrent_captures_are_all_saved_whole(endpoint, library_file):
    token = _token(library_file)

    def one(number: int) -> tuple[int, dict[str, object]]:
        return call(endpoint.port, "POST", "/api/v1/capture", _capture(100 + number), token=token)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(one, range(50)))
    assert [status for status, _ in answers] == [200] * 50
    assert {answer["status"] for _, answer in answers} == {"added"}
    saved = {title: text for _, title, text in _articles(library_file)}
    assert len(saved) == 50
    for number in range(100, 150):
        text = saved[f"Story {number}"]
        assert all(paragraph(number, i) in text for i in range(8))


def test_the_same_page_captured_at_once_is_saved_once(endpoint, library_file):
    token = _token(library_file)
    barrier = threading.Barrier(8)

    def one(_: int) -> dict[str, object]:
        barrier.wait()
        return call(endpoint.port, "POST", "/api/v1/capture", _capture(200), token=token)[1]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one, range(8)))
    assert len({answer["id"] for answer in answers}) == 1
    assert sorted(answer["status"] for answer in answers) == ["added"] + ["updated"] * 7
    assert len(_articles(library_file)) == 1


def test_a_taken_port_is_reported(library_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        capturer = Capturer(library_file)
        try:
            from reader.core.capture import ServeError

            with pytest.raises(ServeError, match=str(port)):
                CaptureEndpoint(library_file, capturer, port=port).bind()
        finally:
            capturer.close()


def test_the_default_port_falls_back_to_the_next(library_file, monkeypatch):
    import reader.core.capture.server as server

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        first = taken.getsockname()[1]
        with socket.socket() as probe:  # a free port to offer second
            probe.bind(("127.0.0.1", 0))
            second = probe.getsockname()[1]
        monkeypatch.setattr(server, "PORT_CHOICES", (first, second))
        capturer = Capturer(library_file)
        endpoint = CaptureEndpoint(library_file, capturer)
        try:
            assert endpoint.start() == second
            status, _ = call(second, "GET", "/api/v1/status", token=_token(library_file))
            assert status == 200
        finally:
            endpoint.stop()
            capturer.close()


def test_the_endpoint_listens_on_loopback_only(endpoint):
    assert endpoint._server is not None
    assert endpoint._server.server_address[0] == "127.0.0.1"


def test_open_shows_an_article_only_while_the_window_listens(endpoint, library_file):
    token = _token(library_file)
    status, _ = call(endpoint.port, "POST", "/api/v1/open", {"id": 1}, token=token)
    assert status == 404  # readmark-cli serve has no window to show it in
    shown: list[int] = []
    endpoint.on_open = lambda article_id: article_id == 7 and not shown.append(article_id)
    assert call(endpoint.port, "POST", "/api/v1/open", {"id": 7}, token=token) == (
        200,
        {"id": 7, "status": "opened"},
    )
    assert shown == [7]
    assert call(endpoint.port, "POST", "/api/v1/open", {"id": 8}, token=token)[0] == 404
    assert call(endpoint.port, "POST", "/api/v1/open", {"id": "7"}, token=token)[0] == 400
    assert call(endpoint.port, "POST", "/api/v1/open", {"id": 7})[0] == 401


def test_a_renewed_token_takes_effect_at_once(endpoint, library_file):
    from reader.core.capture import renew_token

    old = _token(library_file)
    assert call(endpoint.port, "GET", "/api/v1/status", token=old)[0] == 200
    new = renew_token(library_file.parent).token
    assert call(endpoint.port, "GET", "/api/v1/status", token=old)[0] == 401
    assert call(endpoint.port, "GET", "/api/v1/status", token=new)[0] == 200
