"""View ▸ Library Entities: the library's entities one row each, their X-Ray pages, and
decisions made in the window that the CLI then sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QTreeWidget, QTreeWidgetItem

from reader.cli import main
from reader.core.library import Library
from reader.core.models import Entity, Mention
from reader.ui.entity_list import EntityRole
from reader.ui.entity_panel import EntityKeyRole
from tests.ui.conftest import FakeRecogniser, note_article

NAMES = {
    "Barack Obama": "PERSON",
    "Obama": "PERSON",
    "London": "GPE",
    "LONDON": "GPE",
    "Initech": "ORG",
    "Initrode": "ORG",
}
PAGES = {
    "Speech in the capital": "Barack Obama spoke in London on Monday. Later Obama left LONDON.",
    "A company's year": "Initech hired forty people. Obama was not one of them.",
    "Rivals": "Initrode bought a building in London from Initech.",
}


@pytest.fixture
def ids(library: Library) -> dict[str, int]:
    recognise = FakeRecogniser(names=dict(NAMES))
    found: dict[str, int] = {}
    for title, body in PAGES.items():
        article_id = library.add_article(note_article(title, body))
        result = recognise(library.get(article_id).article)
        # Longest names first: "Obama" inside "Barack Obama" is no mention of its own.
        kept: list[Mention] = []
        for mention in sorted(result.mentions, key=lambda m: (m.start, -m.end)):
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        library.set_entities(article_id, kept, result.entities)
        found[title] = article_id
    return found


def rows(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item for item in items if not item.isHidden()]


def row_named(tree: QTreeWidget, name: str) -> QTreeWidgetItem:
    (item,) = [item for item in rows(tree) if item.text(0) == name]
    return item


def double_click(qtbot, tree: QTreeWidget, item: QTreeWidgetItem) -> None:  # type: ignore[no-untyped-def]
    tree.scrollToItem(item)
    centre = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def open_entities(window, qtbot):  # type: ignore[no-untyped-def]
    feature = window.library_entities
    with qtbot.waitSignal(feature.listed, timeout=20_000):
        window.library_entities_action.trigger()
    return feature, feature.window


def cli_list(capsys, data_dir: Path) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "entity", "list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_the_list_shows_a_linked_entity_once_with_its_articles(make_window, qtbot, ids) -> None:
    window = make_window()
    _feature, shown = open_entities(window, qtbot)
    tree = shown.list.tree
    names = [item.text(0) for item in rows(tree)]
    assert names.count("Barack Obama") == 1
    assert "Obama" not in names and "LONDON" not in names
    obama = row_named(tree, "Barack Obama")
    assert (obama.text(1), obama.text(2), obama.text(3)) == ("Person", "2", "3")
    assert row_named(tree, "London").text(2) == "2"
    # Typing narrows the list, through any spelling.
    qtbot.keyClicks(shown.list.search, "obama")
    assert [item.text(0) for item in rows(tree)] == ["Barack Obama"]
    shown.list.search.clear()
    # Sorting by mentions puts the most mentioned first.
    tree.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    counts = [int(item.text(3)) for item in rows(tree)]
    assert counts == sorted(counts, reverse=True)


def test_merging_two_in_the_window_leaves_one_row_and_the_cli_agrees(
    make_window, qtbot, ids, capsys, data_dir: Path
) -> None:
    window = make_window()
    feature, shown = open_entities(window, qtbot)
    tree = shown.list.tree
    before = {e["name"] for e in cli_list(capsys, data_dir)}
    assert {"Initech", "Initrode"} <= before
    row_named(tree, "Initech").setSelected(True)
    row_named(tree, "Initrode").setSelected(True)
    menu = shown.list.context_menu(shown.list.selected())
    (merge,) = [a for a in menu.actions() if a.text() == "Merge into “Initech”"]
    with qtbot.waitSignal(feature.listed, timeout=20_000):
        merge.trigger()
    names = [item.text(0) for item in rows(tree)]
    assert names.count("Initech") == 1 and "Initrode" not in names
    assert row_named(tree, "Initech").text(2) == "2"
    listed = {e["name"]: e for e in cli_list(capsys, data_dir)}
    assert "Initrode" not in listed
    assert listed["Initech"]["articles"] == 2
    assert "Initrode" in listed["Initech"]["aliases"]
    # Undo from the window puts them apart again (the articles are recognised again).
    window.fake_recogniser.names.update(NAMES)
    with qtbot.waitSignal(feature.listed, timeout=20_000):
        feature.undo()
    assert "Initrode" in {e["name"] for e in cli_list(capsys, data_dir)}


def test_the_x_ray_lists_the_articles_and_opens_one_at_the_mention(make_window, qtbot, ids) -> None:
    window = make_window()
    feature, shown = open_entities(window, qtbot)
    with qtbot.waitSignal(feature.xray_shown, timeout=20_000):
        double_click(qtbot, shown.list.tree, row_named(shown.list.tree, "Barack Obama"))
    page = shown.page
    assert shown.pages.currentWidget() is page
    assert page.title.text() == "Barack Obama"
    assert "Person" in page.facts.text() and "Also written: Obama" in page.facts.text()
    assert page.description.text() == "First seen: “Barack Obama spoke in London on Monday.”"
    items = {item.text(0): item for item in page.article_items()}
    assert set(items) == {"Speech in the capital", "A company's year"}
    assert items["Speech in the capital"].text(2) == "2"
    assert items["Speech in the capital"].text(1).count("▮") == 2
    together = [page.together.item(i).text() for i in range(page.together.count())]
    assert any(text.startswith("London — Place") for text in together)
    assert page.timeline.count() >= 1
    # The first article is open, each mention in its sentence.
    speech = items["Speech in the capital"]
    assert page.articles.topLevelItem(0) is speech and speech.isExpanded()

    def sentences(item: QTreeWidgetItem) -> list[str]:
        return [item.child(i).text(0) for i in range(item.childCount())]

    qtbot.waitUntil(lambda: sentences(speech)[1].endswith("% · “Later Obama left LONDON.”"))
    assert sentences(speech)[0] == "1. 0% · “Barack Obama spoke in London on Monday.”"
    assert sentences(speech)[1].startswith("2. ")
    # Clicking an article opens it with the mention selected.
    double_click(qtbot, page.articles, items["A company's year"])
    assert window.session.current_id == ids["A company's year"]
    assert window.reading_view.textCursor().selectedText() == "Obama"


def test_rejecting_from_the_x_ray_is_a_stored_rule(
    make_window, qtbot, ids, capsys, data_dir: Path, monkeypatch
) -> None:
    window = make_window()
    feature, shown = open_entities(window, qtbot)
    with qtbot.waitSignal(feature.xray_shown, timeout=20_000):
        feature.open_xray_named("London", "GPE")
    with qtbot.waitSignal(feature.listed, timeout=20_000):
        shown.page.buttons["reject_type"].click()
    assert "London" not in [item.text(0) for item in rows(shown.list.tree)]
    assert "London" not in {e["name"] for e in cli_list(capsys, data_dir)}


def panel_item(window, name: str):  # type: ignore[no-untyped-def]
    tree = window.entity_panel.tree
    for i in range(tree.topLevelItemCount()):
        parent = tree.topLevelItem(i)
        for j in range(parent.childCount()):
            if parent.child(j).text(0).startswith(name + "  "):
                return parent.child(j)
    return None


def test_the_panel_menu_rejects_in_this_article_and_the_panel_follows(
    make_window, qtbot, ids, capsys, data_dir: Path
) -> None:
    window = make_window()
    feature = window.library_entities
    window.open_article(ids["Rivals"])
    item = panel_item(window, "Initrode")
    assert item is not None
    menu = feature.panel_menu.menu_for(item.data(0, EntityKeyRole))
    (here,) = [a for a in menu.actions() if a.text() == "Not an Entity in This Article"]
    with qtbot.waitSignal(feature.decided, timeout=20_000):
        here.trigger()
    assert panel_item(window, "Initrode") is None
    assert panel_item(window, "Initech") is not None
    assert "Initrode" not in {e["name"] for e in cli_list(capsys, data_dir)}
    # The X-Ray is one menu item away.
    item = panel_item(window, "London")
    menu = feature.panel_menu.menu_for(item.data(0, EntityKeyRole))
    (xray,) = [a for a in menu.actions() if a.text() == "X-Ray of “London”"]
    with qtbot.waitSignal(feature.xray_shown, timeout=20_000):
        xray.trigger()
    assert feature.window.page.title.text() == "London"
    assert feature.window.isVisible()


def test_rename_and_change_type_from_the_window_are_what_the_cli_lists(
    make_window, qtbot, ids, capsys, data_dir: Path, monkeypatch
) -> None:
    window = make_window()
    feature, shown = open_entities(window, qtbot)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Initech Inc.", True))
    entity = row_named(shown.list.tree, "Initech").data(0, EntityRole)
    with qtbot.waitSignal(feature.listed, timeout=20_000):
        feature.curate("rename", entity)
    assert row_named(shown.list.tree, "Initech Inc.").text(1) == "Organisation"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Product (PRODUCT)", True))
    entity = row_named(shown.list.tree, "Initrode").data(0, EntityRole)
    with qtbot.waitSignal(feature.listed, timeout=20_000):
        feature.curate("retype", entity)
    assert row_named(shown.list.tree, "Initrode").text(1) == "Product"
    listed = {e["name"]: e for e in cli_list(capsys, data_dir)}
    assert listed["Initech Inc."]["type"] == "ORG"
    assert listed["Initrode"]["type"] == "PRODUCT"
    assert "Initech" not in listed


def test_a_hostile_title_is_shown_as_its_own_text(make_window, qtbot, library: Library) -> None:
    title = '<img src="/dev/zero"><b>Obama</b>'
    article_id = library.add_article(note_article(title, "Barack Obama spoke."))
    key = "person:barack obama"
    library.set_entities(
        article_id, [Mention(0, 12, "PERSON", key)], [Entity(key, "PERSON", "Barack Obama")]
    )
    window = make_window()
    feature, shown = open_entities(window, qtbot)
    with qtbot.waitSignal(feature.xray_shown, timeout=20_000):
        feature.open_xray_named("Barack Obama", "PERSON")
    (item,) = shown.page.article_items()
    assert item.text(0) == title
    labels = (shown.page.title, shown.page.facts, shown.page.description)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def test_marking_selected_words_makes_them_an_entity_of_the_article(
    make_window, qtbot, ids, capsys, data_dir: Path
) -> None:
    window = make_window()
    feature = window.library_entities
    window.open_article(ids["A company's year"])
    view = window.reading_view
    start = view.article.text.index("forty people")
    view.select_range(start, start + len("forty people"))
    (group,) = [a for a in feature.mark_selection.menu.actions() if a.text() == "Group (NORP)"]
    with qtbot.waitSignal(feature.decided, timeout=20_000):
        group.trigger()
    assert panel_item(window, "forty people") is not None
    listed = {e["name"]: e for e in cli_list(capsys, data_dir)}
    assert listed["forty people"]["type"] == "NORP"


def test_the_keyboard_finds_an_entity_opens_its_x_ray_and_goes_back(
    make_window, qtbot, ids
) -> None:
    window = make_window()
    feature, shown = open_entities(window, qtbot)
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow, timeout=10_000)
    qtbot.keyClicks(shown.list.search, "initr")
    assert [item.text(0) for item in rows(shown.list.tree)] == ["Initrode"]
    with qtbot.waitSignal(feature.xray_shown, timeout=20_000):
        qtbot.keyClick(shown.list.search, Qt.Key.Key_Return)
    assert shown.page.title.text() == "Initrode"
    qtbot.keyClick(shown.page.articles, Qt.Key.Key_Backspace)
    assert shown.pages.currentWidget() is shown.list
