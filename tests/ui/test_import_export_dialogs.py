"""The Import and Export dialogs: counts and rate while it runs, cancel, the report, the files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.job import ImportReport
from reader.core.library import Library
from reader.ui.export_dialog import ExportDialog
from reader.ui.import_dialog import ImportDialog
from tests.core.importing.test_bulk_reliability import FAST, running_server

FAST_POLICY = FetchPolicy(**FAST)  # type: ignore[arg-type]


def test_import_dialog_shows_progress_and_a_report_it_can_save(qtbot, tmp_path: Path) -> None:
    library_path = tmp_path / "library.sqlite3"
    with running_server() as server:
        source = tmp_path / "urls.txt"
        urls = [server.url("ok", n) for n in range(5)] + [server.url("missing", 1)]
        source.write_text("\n".join(urls))
        dialog = ImportDialog(library_path, policy=FAST_POLICY, fetch_images=False)
        qtbot.addWidget(dialog)
        dialog.set_source(source)
        progress: list[object] = []
        dialog.progressed.connect(progress.append)
        with qtbot.waitSignal(dialog.imported, timeout=20_000) as done:
            dialog.start()
        report: ImportReport = done.args[0]
    assert (report.added, report.failed) == (5, 1)
    assert progress, "no progress was shown"
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == 6
    assert "5 added" in dialog.status_label.text()
    # Failures come first in the table, with their reason.
    assert dialog.report_table.item(0, 1).text() == "failed"
    assert "404" in dialog.report_table.item(0, 2).text()
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()
    dialog.save_report(tmp_path / "report.csv")
    with (tmp_path / "report.csv").open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 6
    with Library(library_path) as library:
        assert library.count() == 5


def test_import_dialog_cancel_keeps_what_was_imported(qtbot, tmp_path: Path) -> None:
    library_path = tmp_path / "library.sqlite3"
    with running_server(delay_s=0.05) as server:
        source = tmp_path / "urls.txt"
        source.write_text("\n".join(server.url("ok", n) for n in range(200)))
        policy = FetchPolicy(**{**FAST, "workers": 1, "per_host": 1})  # type: ignore[arg-type]
        dialog = ImportDialog(library_path, policy=policy, fetch_images=False)
        qtbot.addWidget(dialog)
        dialog.set_source(source, "urls")
        dialog.progressed.connect(lambda p: p.done >= 3 and dialog.cancel())
        with qtbot.waitSignal(dialog.imported, timeout=20_000) as done:
            dialog.start()
        report: ImportReport = done.args[0]
        dialog.wait()
    assert report.cancelled and report.pending > 0 and report.added >= 3
    assert dialog.status_label.text().startswith("Stopped.")


def test_import_dialog_explains_a_bad_file(qtbot, tmp_path: Path) -> None:
    bad = tmp_path / "odd.json"
    bad.write_text('{"hello": 1}')
    dialog = ImportDialog(tmp_path / "library.sqlite3")
    qtbot.addWidget(dialog)
    dialog.set_source(bad)
    with qtbot.waitSignal(dialog.import_failed, timeout=10_000):
        dialog.start()
    assert "does not know" in dialog.status_label.text()
    assert dialog.start_button.isEnabled()


def test_export_dialog_writes_pdf_and_json(qtbot, tmp_path: Path) -> None:
    library_path = tmp_path / "library.sqlite3"
    with Library(library_path) as library:
        library.ensure_sample()
    dialog = ExportDialog(library_path)
    qtbot.addWidget(dialog)
    dialog.set_export("pdf", tmp_path / "out.pdf")
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.start()
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert "1 article exported" in dialog.status_label.text()
    dialog.set_export("json", tmp_path / "out.json", query="is:archived")
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.start()
    assert json.loads((tmp_path / "out.json").read_text())["count"] == 0


def test_file_menu_opens_import_and_export(make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    names = [action.text() for action in window.menus["File"].actions()]
    assert "Import…" in names and "Export…" in names
    window.import_action.trigger()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    window.export_action.trigger()
    export = window.findChild(ExportDialog)
    assert export is not None and export.isVisible()
    export.close()


def test_cli_pdf_export_works_without_a_window(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    data = tmp_path / "data"
    with Library(data / "library.sqlite3") as library:
        library.ensure_sample()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reader.cli",
            "--data-dir",
            str(data),
            "export",
            "--format",
            "pdf",
            str(tmp_path / "all.pdf"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "1 article exported" in done.stdout
    assert (tmp_path / "all.pdf").read_bytes().startswith(b"%PDF")
