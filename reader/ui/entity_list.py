"""The Entities view's list: every entity of the library, one row each, sortable by articles,
mentions and how recently an article mentioned it, narrowed by type and by typing.

The rows come from `catalog.library_entities` (worked out in the background by the feature);
this widget only shows them and says what the person asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.entities.catalog import LibraryEntity
from reader.core.entities.linking import normalise
from reader.ui.rich_text import action_text, plain_label, shown
from reader.ui.theme import DEFAULT_HIDDEN_GROUPS, GROUP_NAMES, GROUP_SINGULAR, group_of

NAME, TYPE, ARTICLES, MENTIONS, LAST = range(5)
HEADERS = ("Name", "Type", "Articles", "Mentions", "Last saved")
EntityRole = Qt.ItemDataRole.UserRole + 1
# The types a person can give an entity, as the type menus offer them.
TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "FAC")


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """A row: the library entity and the date the newest article mentioning it was saved."""

    entity: LibraryEntity
    last_saved: str  # ISO date (or ""), so it sorts as text


def type_name(label: str) -> str:
    return GROUP_SINGULAR.get(group_of(label), label)


class EntityList(QWidget):
    xray_requested = Signal(object)  # LibraryEntity
    merge_requested = Signal(object, object)  # kept LibraryEntity, list of the others
    curate_requested = Signal(str, object)  # "rename" | "retype" | "reject", LibraryEntity

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type to find an entity or a spelling of it")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._apply_filter())
        self.search.returnPressed.connect(self._open_first_shown)
        bar.addWidget(self.search, 1)
        self.type_box = QComboBox()
        self.type_box.addItem("All but numbers", "")
        for group, name in GROUP_NAMES.items():
            self.type_box.addItem(name.replace("&", "&&"), group)
        self.type_box.currentIndexChanged.connect(lambda _i: self._apply_filter())
        bar.addWidget(self.type_box)
        layout.addLayout(bar)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setSortingEnabled(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        layout.addWidget(self.tree, 1)
        self.status = plain_label(QLabel())
        layout.addWidget(self.status)
        self.listed: list[ListedEntity] = []
        self._sorted = False  # the person has not chosen an order yet: most articles first
        self._sized = False  # the columns fit the first rows; later the person's widths stay

    def set_entities(self, listed: Sequence[ListedEntity]) -> None:
        self.listed = list(listed)
        column = self.tree.sortColumn()
        order = self.tree.header().sortIndicatorOrder()
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        right = Qt.AlignmentFlag.AlignRight
        for each in self.listed:
            e = each.entity
            item = QTreeWidgetItem(
                [shown(e.name), type_name(e.label), "", "", each.last_saved[:10]]
            )
            # Numbers as numbers, so Qt sorts them as such without calling back into Python.
            item.setData(ARTICLES, Qt.ItemDataRole.DisplayRole, e.articles)
            item.setData(MENTIONS, Qt.ItemDataRole.DisplayRole, e.mentions)
            item.setData(NAME, EntityRole, e)
            item.setTextAlignment(ARTICLES, right)
            item.setTextAlignment(MENTIONS, right)
            if e.aliases:
                item.setToolTip(NAME, "Also written: " + shown(", ".join(e.aliases)))
            self.tree.addTopLevelItem(item)
        if not self._sorted:
            column, order = ARTICLES, Qt.SortOrder.DescendingOrder
            self._sorted = bool(self.listed)
        self.tree.header().setSortIndicator(column, order)
        self.tree.setSortingEnabled(True)  # sorts once, by the indicator
        if self.listed and not self._sized:
            for index in range(len(HEADERS)):
                self.tree.resizeColumnToContents(index)
            self._sized = True
        self._apply_filter()

    def rows(self) -> list[LibraryEntity]:
        """The entities shown, in the order shown."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item.data(NAME, EntityRole) for item in items if not item.isHidden()]

    def _apply_filter(self) -> None:
        wanted = normalise(self.search.text())
        group = self.type_box.currentData()
        shown_count = 0
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            entity: LibraryEntity = item.data(NAME, EntityRole)
            spellings = (entity.name, *entity.aliases)
            kind = group_of(entity.label)
            hide = kind != group if group else kind in DEFAULT_HIDDEN_GROUPS
            if wanted and not hide:
                hide = not any(wanted in normalise(s) for s in spellings)
            item.setHidden(hide)
            shown_count += not hide
        total = len(self.listed)
        self.status.setText(
            f"{shown_count} of {total} entities" if shown_count != total else f"{total} entities"
        )

    def _open_first_shown(self) -> None:
        found = self.rows()
        if found:
            self.xray_requested.emit(found[0])

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.xray_requested.emit(item.data(NAME, EntityRole))

    def selected(self) -> list[LibraryEntity]:
        return [item.data(NAME, EntityRole) for item in self.tree.selectedItems()]

    def _menu(self, where: QPoint) -> None:
        chosen = self.selected()
        if not chosen:
            return
        menu = self.context_menu(chosen)
        menu.exec(self.tree.viewport().mapToGlobal(where))

    def context_menu(self, chosen: list[LibraryEntity]) -> QMenu:
        menu = QMenu(self)
        if len(chosen) > 1:
            for kept in chosen:
                others = [e for e in chosen if e is not kept]
                action = menu.addAction(action_text(f"Merge into “{kept.name}”"))
                action.triggered.connect(
                    lambda _c=False, k=kept, o=others: self.merge_requested.emit(k, o)
                )
            return menu
        entity = chosen[0]
        menu.addAction("Show X-Ray").triggered.connect(lambda: self.xray_requested.emit(entity))
        menu.addSeparator()
        for what, text in CURATION_TEXTS.items():
            action = menu.addAction(text.format(kind=type_name(entity.label).lower()))
            action.triggered.connect(lambda _c=False, w=what: self.curate_requested.emit(w, entity))
        return menu


# What the curation commands are called in menus and on buttons.
CURATION_TEXTS = {
    "rename": "Rename…",
    "merge": "Merge Into…",
    "retype": "Change Type…",
    "reject_type": "Not a {kind}",
    "reject": "Not an Entity",
}
