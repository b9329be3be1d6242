"""The X-Ray page of one library entity: its type and spellings, the sentence that introduced
it, every article that mentions it (with counts, a snippet and each mention to jump to), the
entities it appears with most, and a timeline by month.

Titles, snippets and names come from saved pages: every widget here shows them as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.entities.xray import XRay, timeline
from reader.ui.entity_list import CURATION_TEXTS, type_name
from reader.ui.rich_text import plain_label, shown, tooltip
from reader.ui.session import plural

ArticleRole = Qt.ItemDataRole.UserRole + 1  # (article id, start, end)
OtherRole = Qt.ItemDataRole.UserRole + 2  # (name, label)
MentionRole = Qt.ItemDataRole.UserRole + 3  # (number, percent into the text)
OffsetsRole = Qt.ItemDataRole.UserRole + 4  # the article's mentions; None once their snippets came
BAR = "▇"


def strip(offsets: tuple[tuple[int, int], ...], length: int, width: int = 16) -> str:
    """Where in the article the mentions are: one cell per sixteenth of the text."""
    cells = ["·"] * width
    for start, _ in offsets:
        cells[min(width - 1, start * width // max(1, length))] = "▮"
    return "".join(cells)


def _heading(text: str) -> QLabel:
    label = plain_label(QLabel(text))
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class XRayPage(QWidget):
    back_requested = Signal()
    open_requested = Signal(int, int, int)  # article id, start, end of the mention
    xray_requested = Signal(str, str)  # name, label of an entity it appears with
    curate_requested = Signal(str, object)  # what (see CURATION_TEXTS), LibraryEntity
    reject_here_requested = Signal(object, int)  # LibraryEntity, article id
    undo_requested = Signal()
    snippets_wanted = Signal(int, object)  # article id, its mentions' offsets: opened to read

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.xray: XRay | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        back = QPushButton("‹ All Entities")
        back.setToolTip("Back to the list of entities (Backspace or Alt+Left)")
        back.clicked.connect(self.back_requested.emit)
        top.addWidget(back)
        top.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for what in ("rename", "merge", "retype", "reject_type"):
            button = QPushButton(CURATION_TEXTS[what].format(kind="…"))
            button.clicked.connect(lambda _c=False, w=what: self._curate(w))
            top.addWidget(button)
            self.buttons[what] = button
        undo = QPushButton("Undo Last Decision")
        undo.clicked.connect(self.undo_requested.emit)
        top.addWidget(undo)
        layout.addLayout(top)

        self.title = _heading("")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.facts = plain_label(QLabel())
        self.facts.setWordWrap(True)
        self.description = plain_label(QLabel())
        self.description.setWordWrap(True)
        for label in (self.title, self.facts, self.description):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(_heading("Articles"))
        self.articles = QTreeWidget()
        self.articles.setHeaderLabels(["Article", "Where", "Mentions", "Saved"])
        self.articles.setWordWrap(True)
        header = self.articles.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.articles.itemActivated.connect(self._on_article_activated)
        self.articles.itemExpanded.connect(self._on_expanded)
        self.articles.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.articles.customContextMenuRequested.connect(self._article_menu)
        left_layout.addWidget(self.articles, 1)
        split.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(_heading("Appears with"))
        self.together = QListWidget()
        self.together.itemActivated.connect(self._on_other_activated)
        right_layout.addWidget(self.together, 1)
        right_layout.addWidget(_heading("Timeline (articles per month)"))
        self.timeline = QListWidget()
        right_layout.addWidget(self.timeline, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

    def show_xray(self, found: XRay) -> None:
        self.xray = found
        entity = found.entity
        kind = type_name(entity.label)
        self.title.setText(shown(entity.name))
        facts = [
            f"{kind} ({entity.label})",
            f"{plural(entity.articles, 'article')}, {plural(entity.mentions, 'mention')}",
        ]
        if entity.aliases:
            facts.append("Also written: " + shown(", ".join(entity.aliases)))
        self.facts.setText(" · ".join(facts))
        self.description.setText(
            f"First seen: “{shown(found.description)}”" if found.description else ""
        )
        self.description.setVisible(bool(found.description))
        self.buttons["reject_type"].setText(CURATION_TEXTS["reject_type"].format(kind=kind.lower()))
        self._fill_articles(found)
        self._fill_together(found)
        self._fill_timeline(found)

    def _fill_articles(self, found: XRay) -> None:
        self.articles.clear()
        for each in found.appearances:
            first = each.offsets[0] if each.offsets else (0, 0)
            title = shown(each.title) or "Untitled"
            where = strip(each.offsets, each.length)
            item = QTreeWidgetItem([title, where, str(len(each.offsets)), each.added_at[:10]])
            item.setToolTip(1, "Where in the text it is mentioned, from start to end")
            item.setData(0, ArticleRole, (each.article_id, *first))
            item.setToolTip(0, tooltip(f"{each.title}\n\n{each.snippet}"))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
            for number, (start, end) in enumerate(each.offsets, 1):
                into = round(100 * start / max(1, each.length))
                said = each.snippet if number == 1 else ""  # the others come when opened
                text = (
                    f"{number}. {into}% · “{shown(said)}”"
                    if said
                    else f"Mention {number}, {into}% into the text"
                )
                child = QTreeWidgetItem([text])
                child.setData(0, ArticleRole, (each.article_id, start, end))
                child.setData(0, MentionRole, (number, into))
                item.addChild(child)
            item.setData(0, OffsetsRole, each.offsets if len(each.offsets) > 1 else None)
            self.articles.addTopLevelItem(item)
            for i in range(item.childCount()):
                item.child(i).setFirstColumnSpanned(True)
        if self.articles.topLevelItemCount():
            self.articles.topLevelItem(0).setExpanded(True)

    def _fill_together(self, found: XRay) -> None:
        self.together.clear()
        for name, label, count in found.appears_with:
            item = QListWidgetItem(
                f"{shown(name)} — {type_name(label)}, {plural(count, 'article')}"
            )
            item.setData(OtherRole, (name, label))
            item.setToolTip("Double-click for its X-Ray")
            self.together.addItem(item)

    def _fill_timeline(self, found: XRay) -> None:
        self.timeline.clear()
        by = timeline(found.appearances)
        for kind, months in (("Saved", by["saved"]), ("Published", by["published"])):
            if not months:
                continue
            heading = QListWidgetItem(kind)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            self.timeline.addItem(heading)
            widest = max(months.values())
            for month, count in months.items():
                bar = BAR * max(1, round(12 * count / widest))
                self.timeline.addItem(QListWidgetItem(f"{month}  {bar} {count}"))

    # -- what the person asks -----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if event.key() == Qt.Key.Key_Backspace or (alt and event.key() == Qt.Key.Key_Left):
            self.back_requested.emit()
            return
        super().keyPressEvent(event)

    def article_items(self) -> list[QTreeWidgetItem]:
        return [self.articles.topLevelItem(i) for i in range(self.articles.topLevelItemCount())]

    def _on_article_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        article_id, start, end = item.data(0, ArticleRole)
        self.open_requested.emit(article_id, start, end)

    def _on_expanded(self, item: QTreeWidgetItem) -> None:
        offsets = item.data(0, OffsetsRole)
        if offsets:
            item.setData(0, OffsetsRole, None)  # asked once
            self.snippets_wanted.emit(item.data(0, ArticleRole)[0], offsets)

    def set_snippets(self, article_id: int, snippets: list[str]) -> None:
        """Each mention of the article with the sentence it stands in."""
        for item in self.article_items():
            if item.data(0, ArticleRole)[0] != article_id:
                continue
            mentions = [item.child(i) for i in range(item.childCount())]
            mentions = [child for child in mentions if child.data(0, MentionRole)]
            for child, snippet in zip(mentions, snippets, strict=False):
                number, into = child.data(0, MentionRole)
                child.setText(0, f"{number}. {into}% · “{shown(snippet)}”")
                child.setToolTip(0, tooltip(snippet))

    def _on_other_activated(self, item: QListWidgetItem) -> None:
        name, label = item.data(OtherRole)
        self.xray_requested.emit(name, label)

    def _curate(self, what: str) -> None:
        if self.xray is not None:
            self.curate_requested.emit(what, self.xray.entity)

    def _article_menu(self, where: QPoint) -> None:
        item = self.articles.itemAt(where)
        if item is None or self.xray is None:
            return
        article_id = item.data(0, ArticleRole)[0]
        menu = QMenu(self)
        menu.addAction("Open at This Mention").triggered.connect(
            lambda: self._on_article_activated(item, 0)
        )
        entity = self.xray.entity
        menu.addAction("Not an Entity in This Article").triggered.connect(
            lambda: self.reject_here_requested.emit(entity, article_id)
        )
        menu.exec(self.articles.viewport().mapToGlobal(where))
