"""The entity panel's context menu: the X-Ray of an entity of the open article, and the
decisions about it (rename, merge, change type, reject here or everywhere, undo); and Article ▸
Mark Selection As, which makes the selected words an entity of the open article.

Installed by the Library Entities feature on the window's entity panel; the decisions go
through the feature, so they are the same stored rules the CLI makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from reader.core.entities import decisions
from reader.core.entities.catalog import LibraryEntity
from reader.core.entities.curation import Rule
from reader.ui.actions import ActionSpec
from reader.ui.entity_list import CURATION_TEXTS, TYPES, type_name
from reader.ui.entity_panel import EntityKeyRole, EntityPanel
from reader.ui.rich_text import action_text

if TYPE_CHECKING:
    from reader.ui.entities_window import EntitiesFeature


MARK = ActionSpec(
    "mark_selection",
    "Mark Selection As",
    "Article",
    tip="Make the selected words an entity of this article, wherever it says them",
)


class MarkSelection:
    def __init__(self, feature: EntitiesFeature) -> None:
        self.feature = feature
        shell = feature.shell
        self.action = shell.add_action(MARK, lambda: self.mark(""))
        self.menu = QMenu("Mark Selection As", shell.widget)
        for label in TYPES:
            choice = self.menu.addAction(f"{type_name(label)} ({label})")
            choice.triggered.connect(lambda _c=False, lab=label: self.mark(lab))
        self.action.setMenu(self.menu)

    def selected_words(self) -> str:
        return " ".join(self.feature.context.view.textCursor().selectedText().split())

    def mark(self, label: str) -> None:
        feature = self.feature
        words = self.selected_words()
        article_id = feature.context.session.current_id
        if not label or not words or article_id is None or feature.context.session.trashed:
            feature.shell.notify_info("Select some words of the article, then choose their type.")
            return
        library = feature.library

        def rules() -> list[Rule]:
            return [Rule("add", words, label, article_uid=decisions.uid_of(library, article_id))]

        feature.decide(rules, f"“{words}” marked as {type_name(label).lower()}")


class PanelMenu:
    def __init__(self, feature: EntitiesFeature, panel: EntityPanel) -> None:
        self.feature = feature
        self.panel = panel
        panel.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        panel.tree.customContextMenuRequested.connect(self._show)

    def entity_of(self, key: str) -> LibraryEntity:
        """The entity `key` names in the open article, as the decisions take it."""
        entity = self.panel.entities.get(key)
        label = entity.label if entity is not None else key.split(":", 1)[0].upper()
        if entity is not None:
            name = entity.name
        else:
            mentions = [m for m in self.panel.mentions if m.entity_key == key]
            article = self.feature.context.view.article
            name = (
                article.text[mentions[0].start : mentions[0].end] if mentions and article else key
            )
        return LibraryEntity(name, label, (), 0, 0, (key,), ())

    def menu_for(self, key: str) -> QMenu:
        entity = self.entity_of(key)
        feature = self.feature
        menu = QMenu(self.panel)
        xray = menu.addAction(action_text(f"X-Ray of “{entity.name}”"))
        xray.triggered.connect(lambda: feature.show_xray_of(entity.name, entity.label))
        menu.addSeparator()
        for what, text in CURATION_TEXTS.items():
            if what == "reject":
                here = menu.addAction("Not an Entity in This Article")
                here.triggered.connect(self._reject_here(entity))
            action = menu.addAction(text.format(kind=type_name(entity.label).lower()))
            action.triggered.connect(lambda _c=False, w=what: feature.curate(w, entity))
        menu.addSeparator()
        menu.addAction("Undo Last Decision").triggered.connect(feature.undo)
        return menu

    def _reject_here(self, entity: LibraryEntity):  # type: ignore[no-untyped-def]
        def reject() -> None:
            article_id = self.feature.context.session.current_id
            if article_id is not None:
                self.feature.reject_here(entity, article_id)

        return reject

    def _show(self, where: QPoint) -> None:
        item = self.panel.tree.itemAt(where)
        key = item.data(0, EntityKeyRole) if item is not None else None
        if key:
            self.menu_for(key).exec(self.panel.tree.viewport().mapToGlobal(where))
