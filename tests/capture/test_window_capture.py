"""The open window runs the endpoint: a page saved in the browser is announced and listed at once,
the popup's link shows it, and File ▸ Pair Browser… gives the token (Copy, New Token)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtGui import QGuiApplication

import reader.core.capture.server as server
from reader.core.capture import load_pairing

from .helpers import article_html, call, paragraph


@pytest.fixture(autouse=True)
def any_free_port(monkeypatch: pytest.MonkeyPatch) -> None:
    # The default ports may be held by another Readmark on this machine.
    monkeypatch.setattr(server, "PORT_CHOICES", (0,))


def _in_background(work):  # type: ignore[no-untyped-def]
    """Run `work` on a thread (as the browser would, outside the window); returns its answer."""
    answer: list[object] = []
    thread = threading.Thread(target=lambda: answer.append(work()), daemon=True)
    thread.start()
    return thread, answer


def test_a_page_from_the_browser_is_listed_and_announced(qtbot, make_window, library):
    window = make_window()
    capture = window.browser_capture
    qtbot.waitUntil(lambda: capture.endpoint is not None, timeout=10_000)
    token = load_pairing(library.path.parent).token
    before = window.model.rowCount()
    body = {"url": "https://news.example/night", "title": "Story 9", "html": article_html(9)}
    thread, answer = _in_background(
        lambda: call(capture.endpoint.port, "POST", "/api/v1/capture", body, token=token)
    )
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=30_000)
    thread.join(30)
    status, saved = answer[0]
    assert status == 200 and saved["status"] == "added"
    assert saved["id"] in window.model.article_ids()
    assert window.message_bar.isVisible()
    assert window.message_bar.label.text().startswith("Saved from the browser: Story 9")
    assert window.session.current_id != saved["id"]  # arriving does not take the reader away

    thread, answer = _in_background(
        lambda: call(
            capture.endpoint.port, "POST", "/api/v1/open", {"id": saved["id"]}, token=token
        )
    )
    qtbot.waitUntil(lambda: window.session.current_id == saved["id"], timeout=30_000)
    thread.join(30)
    assert answer[0] == (200, {"id": saved["id"], "status": "opened"})
    qtbot.waitUntil(lambda: paragraph(9, 0) in window.reading_view.toPlainText(), timeout=10_000)


def test_the_endpoint_stops_with_the_window(qtbot, make_window, library):
    window = make_window()
    capture = window.browser_capture
    qtbot.waitUntil(lambda: capture.endpoint is not None, timeout=10_000)
    port = capture.endpoint.port
    token = load_pairing(library.path.parent).token
    assert call(port, "GET", "/api/v1/status", token=token)[0] == 200
    window.close()
    assert capture.endpoint is None
    with pytest.raises(OSError):
        call(port, "GET", "/api/v1/status", token=token, timeout=5)


def test_pair_browser_shows_copies_and_renews_the_token(qtbot, make_window, library):
    from reader.ui.browser_capture import PairingDialog

    window = make_window()
    capture = window.browser_capture
    qtbot.waitUntil(lambda: capture.endpoint is not None, timeout=10_000)
    assert window.pair_browser_action.text() == "Pair Browser…"
    dialog = PairingDialog(capture, window)
    qtbot.addWidget(dialog)
    token = load_pairing(library.path.parent).token
    assert dialog.token_field.text() == token
    assert f"127.0.0.1:{capture.endpoint.port}" in dialog.status.text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == token
    dialog.renew_button.click()
    renewed = dialog.token_field.text()
    assert renewed and renewed != token
    assert call(capture.endpoint.port, "GET", "/api/v1/status", token=token)[0] == 401
    assert call(capture.endpoint.port, "GET", "/api/v1/status", token=renewed)[0] == 200


def test_a_saved_page_opens_in_the_window_with_its_images(qtbot, make_window, library, tmp_path):
    from .test_saved_pages import GIF, webarchive

    window = make_window()
    path = webarchive(tmp_path / "Lighthouses.webarchive")
    window.browser_capture.open_saved_page(path)
    qtbot.waitUntil(lambda: window.session.current_id is not None, timeout=30_000)
    article_id = window.session.current_id
    qtbot.waitUntil(lambda: article_id in window.model.article_ids(), timeout=10_000)
    assert [body for _url, _mime, body in library.images(article_id)] == [GIF]
    qtbot.waitUntil(lambda: paragraph(3, 5) in window.reading_view.toPlainText(), timeout=10_000)


def test_a_damaged_saved_page_says_so(qtbot, make_window, tmp_path):
    window = make_window()
    path = tmp_path / "broken.webarchive"
    path.write_bytes(b"bplist00 not really")
    window.browser_capture.open_saved_page(path)
    qtbot.waitUntil(lambda: window.message_bar.kind == "error", timeout=10_000)
    assert "broken.webarchive" in window.message_bar.label.text()
    assert "not a Safari web archive" in window.message_bar.label.text()
