"""The library list: lazy pages, search as you type, filters and sort."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from reader.core.library import Library
from reader.ui.library_access import LibraryAccess
from reader.ui.library_model import PAGE_SIZE, LibraryListModel, SummaryRole
from tests.ui.conftest import note_article


def fill(library: Library, count: int) -> None:
    for n in range(count):
        library.add_article(note_article(f"Note {n:04d}", f"Body {n} about herons."))


def test_the_list_loads_page_by_page(qtbot, library: Library) -> None:
    fill(library, PAGE_SIZE + 50)
    model = LibraryListModel(LibraryAccess(library))
    model.set_query("", "newest", background=False)
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == PAGE_SIZE + 51  # plus the sample
    assert not model.canFetchMore(QModelIndex())
    ids = model.article_ids()
    assert len(set(ids)) == len(ids)


def test_search_updates_as_you_type(make_window, qtbot, library: Library) -> None:
    library.add_article(note_article("Herons", "Grey herons fish at dawn."))
    library.add_article(note_article("Owls", "Owls hunt at night."))
    window = make_window()
    pane = window.library_pane
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        qtbot.keyClicks(pane.search, "herons")
    titles = [window.model.index(r).data() for r in range(window.model.rowCount())]
    assert titles == ["Herons"]
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        pane.search.setText("")
    assert window.model.rowCount() == 3


def test_a_malformed_query_says_what_is_wrong(make_window, qtbot) -> None:
    window = make_window()
    pane = window.library_pane
    with qtbot.waitSignal(window.model.query_failed, timeout=5000):
        pane.search.setText("before:notadate")
    assert pane.error_label.isVisible()
    assert pane.error_label.text()


def test_filters_unread_favourites_archive(make_window, qtbot, library: Library) -> None:
    favourite = library.add_article(note_article("Kept", "A favourite."))
    archived = library.add_article(note_article("Done", "Archived already."))
    library.set_favorite(favourite)
    library.set_archived(archived)
    library.mark_opened(favourite)
    window = make_window()
    box = window.library_pane.filter_box

    def shown_after_choosing(name: str) -> set[str]:
        with qtbot.waitSignal(window.model.query_applied, timeout=5000):
            box.setCurrentIndex(box.findText(name))
        return {window.model.index(r).data() for r in range(window.model.rowCount())}

    assert shown_after_choosing("Favourites") == {"Kept"}
    assert shown_after_choosing("Archive") == {"Done"}
    assert "Kept" not in shown_after_choosing("Unread")


def test_tags_are_filters(make_window, qtbot, library: Library) -> None:
    tagged = library.add_article(note_article("Birds", "Birds of the marsh."))
    library.add_tags(tagged, ["nature"])
    window = make_window()
    box = window.library_pane.filter_box
    # Tags are counted in the background once the window is shown.
    qtbot.waitUntil(lambda: box.findText("# nature") >= 0, timeout=5000)
    index = box.findText("# nature")
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        box.setCurrentIndex(index)
    assert [window.model.index(r).data() for r in range(window.model.rowCount())] == ["Birds"]


def test_sort_by_title(make_window, qtbot, library: Library) -> None:
    library.add_article(note_article("Zebra crossing", "Stripes."))
    library.add_article(note_article("Aardvark", "Digging."))
    window = make_window()
    box = window.library_pane.sort_box
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        box.setCurrentIndex(box.findData("title"))
    titles = [window.model.index(r).data() for r in range(window.model.rowCount())]
    assert titles == sorted(titles, key=str.lower)
    summary = window.model.index(0).data(SummaryRole)
    assert summary.title == "Aardvark"


def test_best_match_ranks_the_most_relevant_first(make_window, qtbot, library: Library) -> None:
    library.add_article(note_article("Herons", "Herons, herons and more herons by the herons."))
    library.add_article(note_article("Owls", "Herons are mentioned once here, among owls."))
    window = make_window()
    pane = window.library_pane
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        pane.sort_box.setCurrentIndex(pane.sort_box.findData("relevance"))
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        pane.search.setText("herons")
    titles = [window.model.index(r).data() for r in range(window.model.rowCount())]
    assert titles[:2] == ["Herons", "Owls"]


def test_search_pages_load_in_the_background(qtbot, library: Library) -> None:
    from reader.ui.tasks import TaskRunner

    fill(library, PAGE_SIZE + 20)
    tasks = TaskRunner()
    model = LibraryListModel(LibraryAccess(library), tasks)
    with qtbot.waitSignal(model.query_applied, timeout=5000):
        model.set_query("herons", "newest")
    assert model.rowCount() == PAGE_SIZE
    with qtbot.waitSignal(model.rowsInserted, timeout=5000):
        model.fetchMore(QModelIndex())
        model.fetchMore(QModelIndex())  # asked twice while the page is on its way: fetched once
        assert model.rowCount() == PAGE_SIZE  # nothing waited for on this thread
    assert model.rowCount() == PAGE_SIZE + 20
    assert not model.canFetchMore(QModelIndex())
    tasks.wait(5000)
