"""The extension in a real browser: headless Chromium loads it unpacked, opens a page whose
article is written by JavaScript after load, and saves it and a highlight through the extension's
own context-menu handler; the library then holds the text the script wrote and the highlight.

The menu itself is browser chrome that headless Chromium does not draw, so the test calls the
handler the menu is wired to (`onMenuClicked`) inside the extension's service worker over the
DevTools protocol; everything from there on (reading the page, the request, the app) is the code a
click runs. The extension carries no test-only code.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core.capture import CaptureEndpoint, Capturer, load_pairing
from reader.core.library import Library, http_image_fetcher
from reader.core.paths import library_path
from tests.conftest import ROOT

from .browser import Chromium, ProtocolError, find_chromium
from .helpers import PNG, page_server

EXTENSION = ROOT / "extension"
WAIT_S = 60.0

SCRIPTED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Night trains of the north</title></head>
<body><nav><a href="/">Home</a></nav>
<main><article id="story"><h1>Night trains of the north</h1>
<figure><img id="lazy" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/pic.png"
 alt="A sleeper carriage"></figure></article></main>
<script>
window.addEventListener("load", () => setTimeout(() => {
  const story = document.getElementById("story");
  const words = ["carriage", "platform", "conductor", "timetable", "border", "valley"];
  for (let i = 0; i < 12; i++) {
    const p = document.createElement("p");
    p.id = "p" + i;
    p.textContent = "Written by script " + i + ": the " + words[i % 6] + " stays awake while "
      + "the night train crosses the " + words[(i + 2) % 6] + " and passengers sleep in "
      + "narrow bunks, waking only when the wheels change gauge at the frontier station.";
    story.appendChild(p);
  }
  document.body.dataset.ready = "yes";
}, 100));
</script></body></html>"""

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium on this machine (apt-get install chromium; .ci/run installs it)",
)


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


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    binary = find_chromium()
    assert binary is not None
    unpacked = tmp_path / "extension"
    shutil.copytree(EXTENSION, unpacked, ignore=shutil.ignore_patterns("dist", "*.py"))
    chromium = Chromium(binary, tmp_path / "profile", unpacked)
    try:
        yield chromium
    finally:
        chromium.close()


def _wait(check, what: str, browser: Chromium):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen in {WAIT_S:.0f} s; browser log:\n{browser.log()}")


def _quiet(browser: Chromium, session: str, expression: str) -> object:
    try:
        return browser.evaluate(session, expression)
    except ProtocolError:
        return None


def _worker(browser: Chromium) -> str:
    def find() -> str | None:
        for target in browser.targets():
            if target["type"] == "service_worker" and target["url"].endswith("/background.js"):
                return str(target["targetId"])
        return None

    worker = browser.attach(_wait(find, "the extension's service worker starting", browser))
    ready = "typeof onMenuClicked === 'function' && !!(chrome.storage && chrome.storage.local)"
    _wait(lambda: browser.evaluate(worker, ready), "the extension's script loading", browser)
    return worker


def test_the_extension_saves_the_page_as_rendered_and_a_highlight(
    browser: Chromium, endpoint: CaptureEndpoint, library_file: Path
) -> None:
    token = load_pairing(library_file.parent).token
    routes = {"/article": (SCRIPTED_PAGE.encode(), "text/html"), "/pic.png": (PNG, "image/png")}
    with page_server(routes) as base:
        page_url = f"{base}/article"
        worker = _worker(browser)
        extension_origin = browser.evaluate(worker, "location.origin")
        # What the person does once in the popup: paste the token (the port is found among
        # the default ones; this endpoint is on a free port, so it is given too).
        browser.evaluate(
            worker,
            f"chrome.storage.local.set({{token: {json.dumps(token)}, port: {endpoint.port}}})",
        )
        # Both menu entries exist (updating one that does not is an error).
        menus = (
            "(async () => { for (const id of ['readmark-save-page', 'readmark-save-selection'])"
            " await chrome.contextMenus.update(id, {}); return true; })()"
        )
        assert _wait(lambda: _quiet(browser, worker, menus), "the menu entries", browser)
        page_target = browser.send("Target.createTarget", url=page_url)["targetId"]
        page = browser.attach(page_target)
        _wait(
            lambda: browser.evaluate(page, "document.body && document.body.dataset.ready"),
            "the page's script writing the article",
            browser,
        )
        click = (
            "(async () => {{ const [tab] = await chrome.tabs.query({{url: {url}}}); "
            "return await onMenuClicked({{menuItemId: {menu}}}, tab); }})()"
        )
        saved = browser.evaluate(
            worker, click.format(url=json.dumps(page_url), menu=json.dumps("readmark-save-page"))
        )
        assert saved["state"] == "saved", saved
        assert saved["status"] == "added"

        # Select words inside a paragraph the script wrote, as a person dragging over them.
        selected = browser.evaluate(
            page,
            """(() => {
                const text = document.getElementById("p5").firstChild;
                const range = document.createRange();
                range.setStart(text, 20);
                range.setEnd(text, 90);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return selection.toString();
            })()""",
        )
        highlighted = browser.evaluate(
            worker,
            click.format(url=json.dumps(page_url), menu=json.dumps("readmark-save-selection")),
        )
        assert highlighted["state"] == "updated", highlighted
        assert highlighted["id"] == saved["id"]
        assert highlighted["highlight"] == "added"

    with Library(library_file) as library:
        (summary,) = library.list_articles(10, 0)
        article = library.get(summary.id).article
        (highlight,) = library.annotations(summary.id)
        image = library.image_data(summary.id, f"{base}/pic.png")
    assert article.title == "Night trains of the north"
    assert "Written by script 0: the carriage stays awake" in article.text
    assert "Written by script 11:" in article.text
    # The highlight covers the selected words; the space the drag began on is left out.
    assert article.text[highlight.start : highlight.end] == highlight.exact == selected.strip()
    assert image == PNG  # the lazy image, resolved to its real address and archived
    assert load_pairing(library_file.parent).origins == [extension_origin]


def test_the_build_makes_one_zip_per_browser(tmp_path: Path) -> None:
    import zipfile

    def build() -> dict[str, bytes]:
        subprocess.run(
            [sys.executable, str(EXTENSION / "build.py"), "--dist", str(tmp_path)],
            check=True,
            capture_output=True,
        )
        return {
            name: (tmp_path / name).read_bytes()
            for name in ("readmark-chrome.zip", "readmark-firefox.zip")
        }

    first = build()
    assert build() == first  # reproducible: the same source gives the same bytes
    for name, background in (
        ("readmark-chrome.zip", "service_worker"),
        ("readmark-firefox.zip", "scripts"),
    ):
        with zipfile.ZipFile(tmp_path / name) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            assert manifest["manifest_version"] == 3
            assert list(manifest["background"]) == [background]
            for path in [
                "background.js",
                "collect.js",
                "popup.html",
                "popup.js",
                *manifest["icons"].values(),
            ]:
                assert archive.read(path)


def test_the_browser_can_be_driven(browser: Chromium) -> None:
    try:
        version = browser.send("Browser.getVersion")
    except ProtocolError as exc:  # pragma: no cover - reported with the browser's own words
        pytest.fail(f"{exc}\n{browser.log()}")
    assert "Chrom" in version["product"]


def _popup(browser: Chromium, origin: str) -> tuple[str, dict[str, object]]:
    """Open the popup (as a tab) and wait for it to settle; returns its target and what it shows."""
    target = str(browser.send("Target.createTarget", url=f"{origin}/popup.html")["targetId"])
    session = browser.attach(target)
    shown = (
        "(() => { const main = document.getElementById('popup'); "
        "return main && main.dataset.state !== 'saving' ? {state: main.dataset.state, "
        "headline: document.getElementById('headline').textContent, "
        "detail: document.getElementById('detail').textContent, "
        "pairing: !document.getElementById('pairing').hidden, "
        "open: !document.getElementById('open').hidden} : null; })()"
    )
    return session, _wait(lambda: browser.evaluate(session, shown), "the popup settling", browser)


def test_the_popup_says_what_happened(browser: Chromium, endpoint: CaptureEndpoint, library_file):
    token = load_pairing(library_file.parent).token
    worker = _worker(browser)
    origin = browser.evaluate(worker, "location.origin")

    _session, shown = _popup(browser, origin)  # never paired
    assert shown["state"] == "not_paired" and shown["pairing"]
    assert shown["headline"] == "Pair this browser with Readmark"

    browser.evaluate(
        worker, f"chrome.storage.local.set({{token: 'not-this-one', port: {endpoint.port}}})"
    )
    _session, shown = _popup(browser, origin)
    assert shown["state"] == "not_paired" and "paste it again" in shown["detail"]

    browser.evaluate(worker, f"chrome.storage.local.set({{token: {json.dumps(token)}}})")
    _session, shown = _popup(browser, origin)  # its own tab is a page no extension may read
    assert shown["state"] == "refused" and "does not let extensions read" in shown["detail"]

    opened: list[int] = []
    endpoint.on_open = lambda article_id: not opened.append(article_id)
    with page_server({"/article": (SCRIPTED_PAGE.encode(), "text/html")}) as base:
        page = browser.attach(
            browser.send("Target.createTarget", url=f"{base}/article")["targetId"]
        )
        _wait(lambda: browser.evaluate(page, "document.body.dataset.ready"), "the page", browser)
        click = (
            "(async () => { const [tab] = await chrome.tabs.query({url: "
            f"{json.dumps(base + '/article')}}}); "
            "return await onMenuClicked({menuItemId: 'readmark-save-page'}, tab); })()"
        )
        saved = browser.evaluate(worker, click)
        session, shown = _popup(browser, origin)  # opened just after the menu's save
        assert shown == {
            "state": "saved",
            "headline": "Saved to Readmark",
            "detail": "Night trains of the north",
            "pairing": False,
            "open": True,
        }
        browser.evaluate(session, "document.getElementById('open').click()")
        _wait(lambda: opened == [saved["id"]], "Open in Readmark reaching the app", browser)
        browser.evaluate(worker, click)
        _session, shown = _popup(browser, origin)
        assert shown["state"] == "updated" and shown["headline"] == "Already in Readmark: updated"
