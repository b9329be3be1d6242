"""The runner takes its hooks as arguments: entities are found on the workers and saved with the
article, and the library's own hooks are never swapped during a run."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from reader.core.entities import EntityResult
from reader.core.exporters.library_json import export_json
from reader.core.importing.job import prepare_import
from reader.core.importing.runner import BulkImporter
from reader.core.library import Library
from reader.core.models import Article, Entity, Mention
from tests.core.test_library_transfer import article, source_page

HOOKS = ("recognise", "fetch_image", "reanchor")


class WatchedLibrary(Library):
    """A library that remembers every assignment to its hooks after it was opened."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.assigned: list[str] = []
        super().__init__(*args, **kwargs)
        self.assigned.clear()

    def __setattr__(self, name: str, value: object) -> None:
        if name in HOOKS and hasattr(self, "assigned"):
            self.assigned.append(name)
        super().__setattr__(name, value)


def test_entities_are_found_on_the_workers_and_no_library_hook_is_swapped(tmp_path: Path) -> None:
    source = Library(tmp_path / "source.sqlite3")
    for n in range(4):
        source.add_article(article(n, False), source_page(n, False))
    export = tmp_path / "export.json"
    export_json(source, export)

    threads: list[str] = []

    def recognise(found: Article) -> EntityResult:
        threads.append(threading.current_thread().name)
        start = found.text.index("Entry")
        return EntityResult(
            (Mention(start, start + 5, "MISC", "entry"),), (Entity("entry", "MISC", "Entry"),)
        )

    target = WatchedLibrary(tmp_path / "target.sqlite3", recognise=recognise)
    report = BulkImporter(target).run(prepare_import(target, export))

    assert report.added == 4 and report.failed == 0
    assert len(threads) == 4 and threading.current_thread().name not in threads
    assert target.assigned == []
    for summary in target.list_articles():
        assert target.has_entities(summary.id)
        assert [e.name for e in target.entities(summary.id)] == ["Entry"]
