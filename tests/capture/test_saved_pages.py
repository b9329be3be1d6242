"""Pages saved by other tools open with the images they carry, and never touch the network.

The fixtures are made here the way each tool writes them: SingleFile's HTML with its comment and
`data:` images, a Chrome-style MHTML (quoted-printable page, base64 parts named by
Content-Location), and a Safari binary-plist web archive.
"""

from __future__ import annotations

import base64
import plistlib
import quopri
import socket
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from reader.core.errors import LoadError
from reader.core.importers.saved_pages import (
    EMBEDDED_HOST,
    add_saved_page,
    kind_of,
    read_saved_page,
)
from reader.core.library import Library
from reader.core.paths import library_path
from tests.processes import run_cli

from .helpers import PNG, article_html, paragraph

GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
PAGE_URL = "https://magazine.example/2024/lighthouses"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a saved page must open without the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def singlefile(path: Path, url: str = PAGE_URL) -> Path:
    png = base64.b64encode(PNG).decode()
    gif = base64.b64encode(GIF).decode()
    html = article_html(1, image=f"data:image/png;base64,{png}").replace(
        "</article>", f"<p><img src='data:image/gif;base64,{gif}' alt='x'></p></article>"
    )
    comment = (
        f"<!--\n Page saved with SingleFile \n url: {url} \n"
        " saved date: Mon Mar 04 2024 10:00:00 GMT+0000\n-->"
    )
    path.write_text(html.replace("<html lang='en'>", f"<html lang='en'>{comment}"), "utf-8")
    return path


def mhtml(path: Path, url: str = PAGE_URL) -> Path:
    message = MIMEMultipart("related", type="text/html")
    message["Snapshot-Content-Location"] = url
    message["Subject"] = "Story 2"
    page = MIMEText(article_html(2, image="images/light.png"), "html", "utf-8")
    page.replace_header("Content-Transfer-Encoding", "quoted-printable")
    page.set_payload(quopri.encodestring(article_html(2, image="images/light.png").encode()))
    page["Content-Location"] = url
    message.attach(page)
    image = MIMEBase("image", "png")
    image.set_payload(base64.b64encode(PNG).decode())
    image["Content-Transfer-Encoding"] = "base64"
    image["Content-Location"] = "https://magazine.example/2024/images/light.png"
    message.attach(image)
    path.write_bytes(message.as_bytes())
    return path


def webarchive(path: Path, url: str = PAGE_URL) -> Path:
    archive = {
        "WebMainResource": {
            "WebResourceData": article_html(3, image="/img/keeper.gif").encode("utf-8"),
            "WebResourceMIMEType": "text/html",
            "WebResourceTextEncodingName": "UTF-8",
            "WebResourceURL": url,
            "WebResourceFrameName": "",
        },
        "WebSubresources": [
            {
                "WebResourceData": GIF,
                "WebResourceMIMEType": "image/gif",
                "WebResourceURL": "https://magazine.example/img/keeper.gif",
            },
            {
                "WebResourceData": b"body { color: black }",
                "WebResourceMIMEType": "text/css",
                "WebResourceURL": "https://magazine.example/style.css",
            },
        ],
    }
    path.write_bytes(plistlib.dumps(archive, fmt=plistlib.FMT_BINARY))
    return path


def _saved(library_file: Path, article_id: int) -> tuple[str, str | None, list[bytes]]:
    with Library(library_file) as library:
        article = library.get(article_id).article
        images = [body for _url, _mime, body in library.images(article_id)]
    return article.text, article.url, images


def test_a_singlefile_page_keeps_its_inline_images(tmp_path, data_dir):
    path = singlefile(tmp_path / "Lighthouses.html")
    assert kind_of(path) == "singlefile"
    article_id = add_saved_page(library_path(data_dir), path)
    text, url, images = _saved(library_path(data_dir), article_id)
    assert url == PAGE_URL
    assert paragraph(1, 0) in text and paragraph(1, 7) in text
    assert sorted(images) == sorted([PNG, GIF])
    with Library(library_path(data_dir)) as library:
        blocks = library.get(article_id).article.blocks
    sources = [block.src for block in blocks if block.src]
    assert sources and all(src.startswith(EMBEDDED_HOST) for src in sources)


def test_an_mhtml_page_uses_its_parts_as_images(tmp_path, data_dir):
    for name in ("Lighthouses.mhtml", "Lighthouses.mht"):
        path = mhtml(tmp_path / name)
        page = read_saved_page(path)
        assert page.kind == "mhtml" and page.raw.url == PAGE_URL
    article_id = add_saved_page(library_path(data_dir), path)
    text, url, images = _saved(library_path(data_dir), article_id)
    assert url == PAGE_URL
    assert paragraph(2, 3) in text
    assert images == [PNG]


def test_a_safari_web_archive_uses_its_subresources(tmp_path, data_dir):
    path = webarchive(tmp_path / "Lighthouses.webarchive")
    article_id = add_saved_page(library_path(data_dir), path)
    text, url, images = _saved(library_path(data_dir), article_id)
    assert url == PAGE_URL
    assert paragraph(3, 5) in text
    assert images == [GIF]  # the stylesheet is no image


def test_the_same_page_saved_by_two_tools_is_one_article(tmp_path, data_dir):
    first = add_saved_page(library_path(data_dir), webarchive(tmp_path / "a.webarchive"))
    again = add_saved_page(library_path(data_dir), webarchive(tmp_path / "b.webarchive"))
    assert first == again


def test_the_command_line_adds_saved_pages_with_their_images(tmp_path, data_dir):
    files = [
        singlefile(tmp_path / "one.html", "https://magazine.example/one"),
        mhtml(tmp_path / "two.mhtml", "https://magazine.example/2024/two"),
        webarchive(tmp_path / "three.webarchive", "https://magazine.example/three"),
    ]
    done = run_cli(data_dir, "add", "--no-entities", *map(str, files))
    assert done.returncode == 0, done.stderr
    with Library(library_path(data_dir)) as library:
        summaries = library.list_articles(10, 0)
        assert len(summaries) == 3
        assert all(library.images(s.id) for s in summaries)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.webarchive", b"bplist00 this is not a property list"),
        ("list.webarchive", plistlib.dumps(["not", "an", "archive"], fmt=plistlib.FMT_BINARY)),
        ("empty.mhtml", b""),
        ("plain.mht", b"Subject: hello\r\n\r\njust text, no parts\r\n"),
        (
            "noimages.mhtml",
            b'Content-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
            b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            b"!!!!\r\n--b--\r\n",
        ),
    ],
)
def test_a_damaged_saved_page_is_a_clear_error_and_saves_nothing(tmp_path, data_dir, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        add_saved_page(library_path(data_dir), path)
    assert name in str(caught.value)
    with Library(library_path(data_dir)) as library:
        assert library.list_articles(10, 0) == []


def test_an_ordinary_html_file_is_not_taken_for_a_saved_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(article_html(4), "utf-8")
    assert kind_of(path) is None


def test_a_saved_page_dropped_on_the_window_opens_with_its_own_images(
    make_window, qtbot, library, tmp_path
):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(mhtml(tmp_path / "Lighthouses.mhtml")))])
    event = QDropEvent(
        QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    with qtbot.waitSignal(window.loader.loaded, timeout=20_000) as loaded:
        window.dropEvent(event)
    assert paragraph(2, 3) in window.reading_view.toPlainText()
    text, url, images = _saved(library.path, loaded.args[0])
    assert url == PAGE_URL and paragraph(2, 3) in text
    assert images == [PNG]  # the page's own picture, not fetched
