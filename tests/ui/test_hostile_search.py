"""The search box takes any text: control characters never read as a damaged library."""

from __future__ import annotations

from reader.core.library import Library
from tests.ui.conftest import note_article


def test_a_nul_in_the_search_box_finds_as_if_it_were_a_space(
    make_window, qtbot, library: Library
) -> None:
    library.add_article(note_article("Herons", "Grey herons fish at dawn."))
    window = make_window()
    pane = window.library_pane
    with qtbot.waitSignal(window.model.query_applied, timeout=5000):
        pane.search.setText("grey\x00herons")
    assert not pane.error_label.isVisible()
    titles = [window.model.index(r).data() for r in range(window.model.rowCount())]
    assert titles == ["Herons"]
