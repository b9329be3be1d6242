"""Entities on screen: marks in the article, the entity panel, their tooltips and what is said
while the model loads. Driven by the `EntityController` and the session."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from reader.core.models import Article, Entity, Mention
from reader.ui.controllers.entities import EntityController, is_english
from reader.ui.controllers.loader import ArticleLoader
from reader.ui.entity_panel import EntityPanel
from reader.ui.library_access import LibraryAccess
from reader.ui.reading_view import ReadingView
from reader.ui.session import ArticleSession, plural
from reader.ui.settings import UiSettings
from reader.ui.theme import DEFAULT_HIDDEN_GROUPS, GROUP_NAMES, GROUP_SINGULAR, group_of


class EntityView(QObject):
    """Keeps the reading view's marks and the entity panel in step with the open article."""

    def __init__(
        self,
        controller: EntityController,
        panel: EntityPanel,
        view: ReadingView,
        access: LibraryAccess,
        session: ArticleSession,
        preferences: UiSettings,
        loader: ArticleLoader,
    ) -> None:
        super().__init__(session)
        self.controller = controller
        self.panel = panel
        self.view = view
        self.access = access
        self.session = session
        self.preferences = preferences
        self.loader = loader
        self.marks_action: QAction | None = None
        self.panel_action: QAction | None = None
        self._entities_by_key: dict[str, Entity] = {}
        view.tooltip_provider = self._mention_tooltip
        controller.recognised.connect(self._on_recognised)
        controller.model_ready.connect(self._on_model_ready)
        controller.model_failed.connect(self._on_model_failed)
        controller.recognition_failed.connect(self._on_recognition_failed)
        panel.group_toggled.connect(self._on_group_toggled)
        panel.mention_requested.connect(self._on_mention_requested)
        session.cleared.connect(self.clear)

    def restore(self, marks_action: QAction, panel_action: QAction) -> None:
        """Show what the reader chose last time: the groups, the marks and the panel."""
        self.marks_action, self.panel_action = marks_action, panel_action
        hidden = self.preferences.hidden_groups
        hidden_groups = set(DEFAULT_HIDDEN_GROUPS) if hidden is None else hidden
        for group in GROUP_NAMES:
            self.panel.set_group_checked(group, group not in hidden_groups)
            self.view.set_group_visible(group, group not in hidden_groups)
        shown = self.preferences.entities_shown
        marks_action.setChecked(shown)
        self.view.set_entities_shown(shown)
        self.panel.set_marks_shown(shown)
        panel = self.preferences.entity_panel_shown
        panel_action.setChecked(panel)
        self.panel.setVisible(panel)

    # -- the open article -------------------------------------------------------------------

    def show_article(self, article_id: int, article: Article) -> None:
        """Show `article` with its stored marks, or say they are on their way."""
        found = self.controller.entities_for(article_id, article)
        mentions, entities = found if found is not None else ([], [])
        self.view.show_article(article, mentions)
        self._show(mentions, entities, waiting=found is None)

    def clear(self) -> None:
        self.panel.set_entities([], [])
        self.panel.set_status("")

    def _show(self, mentions: list[Mention], entities: list[Entity], waiting: bool) -> None:
        article = self.view.article
        self.panel.set_entities(mentions, entities)
        self._entities_by_key = {e.key: e for e in entities}
        self.panel.set_status(self._status(article, mentions, waiting))

    def _status(self, article: Article | None, mentions: list[Mention], waiting: bool) -> str:
        if article is not None and not is_english(article):
            return "Entities are English-only for now; this article is in another language."
        if self.controller.error is not None:
            return f"Entities are unavailable: {self.controller.error}"
        if waiting:
            return (
                "Finding people, places and dates…"
                if self.controller.ready
                else "Loading the entity model; highlights will appear in a moment…"
            )
        if not mentions:
            return "No people, places or dates found in this article."
        return ""

    def _on_recognised(self, article_id: int) -> None:
        if article_id != self.session.current_id:
            return
        stored = self.access.stored_entities(article_id) or ([], [])
        self.view.set_mentions(stored[0])
        self._show(stored[0], stored[1], waiting=False)

    def _on_model_ready(self) -> None:
        self.loader.recognise = self.controller.recogniser

    def _on_model_failed(self, message: str) -> None:
        self.panel.set_status(f"Entities are unavailable: {message}")

    def _on_recognition_failed(self, article_id: int, message: str) -> None:
        if article_id == self.session.current_id:
            self.panel.set_status(f"Could not find entities: {message}")

    # -- choices ----------------------------------------------------------------------------

    def _on_group_toggled(self, group: str, visible: bool) -> None:
        self.view.set_group_visible(group, visible)
        self.preferences.hidden_groups = set(self.view.hidden_groups)

    def set_marks_shown(self, shown: bool) -> None:
        self.view.set_entities_shown(shown)
        self.panel.set_marks_shown(shown)
        self.preferences.entities_shown = shown

    def set_panel_shown(self, shown: bool) -> None:
        self.panel.setVisible(shown)
        self.preferences.entity_panel_shown = shown

    def _on_mention_requested(self, mention: Mention) -> None:
        if self.marks_action is not None and not self.marks_action.isChecked():
            self.marks_action.setChecked(True)
            self.set_marks_shown(True)
        group = group_of(mention.label)
        if group in self.view.hidden_groups:
            self.panel.set_group_checked(group, True)
        self.view.select_range(mention.start, mention.end)
        self._centre_cursor()

    def _centre_cursor(self) -> None:
        """Scroll the selected mention to the middle of the view, not to its bottom edge."""
        bar = self.view.verticalScrollBar()
        middle = self.view.cursorRect(self.view.textCursor()).center().y()
        bar.setValue(bar.value() + middle - self.view.viewport().height() // 2)

    def _mention_tooltip(self, mention: Mention) -> str:
        entity = self._entities_by_key.get(mention.entity_key)
        article = self.view.article
        if entity is not None:
            name = entity.name
        else:
            name = article.text[mention.start : mention.end] if article else mention.entity_key
        kind = GROUP_SINGULAR.get(group_of(mention.label), mention.label)
        here = sum(1 for m in self.view.mentions if m.entity_key == mention.entity_key)
        lines = [f"{kind}: {name}", f"{plural(here, 'mention')} in this article"]
        articles = self.access.articles_mentioning(mention.entity_key)
        if articles:
            lines.append(f"In {plural(articles, 'article')} of your library")
        return "\n".join(lines)
