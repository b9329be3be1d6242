"""The README's pictures of saving from the browser, made from the real thing.

Run by hand from the checkout:
    QT_QPA_PLATFORM=offscreen python tests/capture/make_screenshots.py

Writes docs/screenshots/extension-saved.png and extension-not-paired.png (the extension's popup
in headless Chromium after a real save, and before pairing) and pair-browser.png (the window's
File > Pair Browser... dialog).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
OUT = ROOT / "docs" / "screenshots"


def popup_shot(browser, origin: str, name: str) -> None:  # type: ignore[no-untyped-def]
    target = browser.send("Target.createTarget", url=f"{origin}/popup.html")["targetId"]
    session = browser.attach(target)
    browser.send("Emulation.setDeviceMetricsOverride", session, width=340, height=700,
                 deviceScaleFactor=2, mobile=False)  # fmt: skip
    time.sleep(1.5)  # the popup asks the worker and shows the answer
    height = browser.evaluate(session, "document.getElementById('popup').offsetHeight")
    shot = browser.send(
        "Page.captureScreenshot", session, format="png",
        clip={"x": 0, "y": 0, "width": 340, "height": int(height) + 2, "scale": 1},
    )  # fmt: skip
    (OUT / name).write_bytes(base64.b64decode(shot["data"]))
    browser.send("Target.closeTarget", targetId=target)


def main() -> int:
    from reader.core.capture import CaptureEndpoint, Capturer, load_pairing
    from tests.capture.browser import Chromium, find_chromium
    from tests.capture.helpers import article_html, page_server

    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="readmark-shots-"))
    library_file = work / "data" / "library.sqlite3"
    capturer = Capturer(library_file)
    endpoint = CaptureEndpoint(library_file, capturer, port=0)
    endpoint.start()
    binary = find_chromium()
    if binary is None:
        print("no Chromium here; the popup pictures are skipped")
    else:
        unpacked = work / "extension"
        shutil.copytree(ROOT / "extension", unpacked, ignore=shutil.ignore_patterns("dist", "*.py"))
        browser = Chromium(binary, work / "profile", unpacked)
        try:
            page_html = article_html(1).replace("Story 1", "The quiet harbour at dawn")
            with page_server({"/story": (page_html.encode(), "text/html")}) as base:
                worker = None
                for _ in range(100):
                    found = [t for t in browser.targets() if t["type"] == "service_worker"]
                    if found:
                        worker = browser.attach(found[0]["targetId"])
                        break
                    time.sleep(0.1)
                assert worker is not None
                for _ in range(100):
                    if browser.evaluate(worker, "typeof onMenuClicked === 'function'"):
                        break
                    time.sleep(0.1)
                origin = browser.evaluate(worker, "location.origin")
                popup_shot(browser, origin, "extension-not-paired.png")
                token = load_pairing(library_file.parent).token
                browser.evaluate(
                    worker,
                    f"chrome.storage.local.set({{token: {json.dumps(token)}, "
                    f"port: {endpoint.port}}})",
                )
                browser.send("Target.createTarget", url=f"{base}/story")
                time.sleep(1.5)
                browser.evaluate(
                    worker,
                    "(async () => { const [tab] = await chrome.tabs.query({url: "
                    f"{json.dumps(base + '/story')}}}); return await onMenuClicked("
                    "{menuItemId: 'readmark-save-page'}, tab); })()",
                )
                popup_shot(browser, origin, "extension-saved.png")
        finally:
            browser.close()
    endpoint.stop()
    capturer.close()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    import reader.core.capture.server as server
    from reader.core.library import Library
    from reader.ui.controllers import ArticleLoader
    from reader.ui.main_window import MainWindow
    from reader.ui.tasks import TaskRunner

    server.PORT_CHOICES = (0,)
    app = QApplication.instance() or QApplication([])
    library = Library(library_file)
    tasks = TaskRunner()
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, ArticleLoader(library.path, tasks), settings,
                        load_recogniser=lambda: (lambda article: ((), ())))  # fmt: skip
    window.show()
    for _ in range(100):
        app.processEvents()
        if window.browser_capture.endpoint is not None:  # type: ignore[attr-defined]
            break
        time.sleep(0.02)
    from reader.ui.browser_capture import PairingDialog

    dialog = PairingDialog(window.browser_capture, window)  # type: ignore[attr-defined]
    dialog.show()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    dialog.grab().save(str(OUT / "pair-browser.png"))
    dialog.close()
    window.close()
    tasks.wait(20_000)
    library.close()
    for name in ("extension-not-paired.png", "extension-saved.png", "pair-browser.png"):
        path = OUT / name
        print(path, path.stat().st_size if path.exists() else "missing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
