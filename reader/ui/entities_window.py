"""View ▸ Library Entities: every entity of the library in one window, its X-Ray page, and the
person's decisions about it (rename, merge, change type, reject, undo).

The decisions are the same stored rules `readmark-cli entity` makes (`decisions.decide`), so
later recognitions keep them. Listing, X-Rays and decisions run through the window's
`TaskRunner`; the window never waits on the library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QInputDialog, QStackedWidget, QVBoxLayout, QWidget

from reader.core.entities import catalog, decisions
from reader.core.entities.catalog import LibraryEntity
from reader.core.entities.curation import Rule
from reader.core.entities.xray import XRay, sentence_at, xray
from reader.core.library import Library
from reader.core.store import entity_groups
from reader.ui.actions import ActionSpec
from reader.ui.controllers.entities import EntityController
from reader.ui.entity_list import TYPES, EntityList, ListedEntity, type_name
from reader.ui.entity_panel import EntityPanel
from reader.ui.entity_panel_menu import MarkSelection, PanelMenu
from reader.ui.errors import readable_error
from reader.ui.rich_text import shown
from reader.ui.xray_page import XRayPage

if TYPE_CHECKING:
    from reader.ui.features import FeatureContext

SHOW = ActionSpec(
    "library_entities",
    "Library Entities…",
    "View",
    keys=("Ctrl+Shift+X",),
    tip="Every entity of the library, and the X-Ray of each (Ctrl+Shift+X)",
    separator_before=True,
)


def listed_entities(library: Library) -> list[ListedEntity]:
    """Every library entity with the date its newest article was saved (off the GUI thread)."""
    found = library.read(catalog.library_entities)
    newest = {
        e.name + "\0" + e.label: max(library.read(entity_groups.article_ids, e.ids), default=0)
        for e in found
    }
    saved = {
        s.id: s.added_at
        for s in library.read(entity_groups.summaries, sorted(set(newest.values())))
    }
    return [ListedEntity(e, saved.get(newest[e.name + "\0" + e.label], "")) for e in found]


class EntitiesWindow(QDialog):
    """The list of entities and, on a double-click, an entity's X-Ray page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Library Entities")
        self.resize(900, 620)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        self.list = EntityList()
        self.page = XRayPage()
        self.pages.addWidget(self.list)
        self.pages.addWidget(self.page)
        layout.addWidget(self.pages)
        self.page.back_requested.connect(self.show_list)

    def show_list(self) -> None:
        self.pages.setCurrentWidget(self.list)
        self.setWindowTitle("Library Entities")
        self.list.search.setFocus()

    def show_page(self, found: XRay) -> None:
        self.page.show_xray(found)
        self.pages.setCurrentWidget(self.page)
        self.setWindowTitle(f"X-Ray: {shown(found.entity.name)}")
        self.page.articles.setFocus()


class EntitiesFeature(QObject):
    listed = Signal()  # the list shows the library as it is now
    xray_shown = Signal()  # an X-Ray page is up to date and shown
    snippets_shown = Signal(int)  # an article's mentions show their sentences
    decided = Signal(int)  # a decision was stored; how many articles it brought in line
    failed = Signal(str)

    def __init__(self, context: FeatureContext) -> None:
        super().__init__(context.session)
        self.context = context
        self.shell = context.shell
        self.library = context.library
        self.window: EntitiesWindow | None = None
        self.action = self.shell.add_action(SHOW, self.show)
        # The open article's entities are painted again after a decision, as after recognition.
        self.controller = self.shell.widget.findChild(EntityController)
        panel = self.shell.widget.findChild(EntityPanel)
        self.panel_menu = PanelMenu(self, panel) if panel is not None else None
        self.mark_selection = MarkSelection(self)

    def _ensure_window(self) -> EntitiesWindow:
        if self.window is None:
            window = EntitiesWindow(self.shell.widget)
            window.list.xray_requested.connect(self.open_xray)
            window.list.merge_requested.connect(self.merge)
            window.list.curate_requested.connect(self.curate)
            window.page.open_requested.connect(self.open_mention)
            window.page.xray_requested.connect(lambda n, lab: self.open_xray_named(n, lab))
            window.page.curate_requested.connect(self.curate)
            window.page.reject_here_requested.connect(self.reject_here)
            window.page.undo_requested.connect(self.undo)
            window.page.snippets_wanted.connect(self.load_snippets)
            self.window = window
        return self.window

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], what: str) -> None:
        def failed(exc: BaseException) -> None:
            message = f"{what}: {readable_error(exc)}"
            self.shell.notify_error(message)
            self.failed.emit(message)

        self.context.tasks.run(work, done, failed)

    # -- showing --------------------------------------------------------------------------------

    def show(self) -> None:
        window = self._ensure_window()
        window.show_list()
        window.show()
        window.raise_()
        window.activateWindow()
        self.refresh()

    def refresh(self) -> None:
        """List the library's entities again; an X-Ray on screen is worked out again too."""
        library = self.library

        def done(found: list[ListedEntity]) -> None:
            if self.window is not None:
                self.window.list.set_entities(found)
                self.listed.emit()

        self._run(lambda: listed_entities(library), done, "Could not list the entities")
        window = self.window
        if window is not None and window.pages.currentWidget() is window.page and window.page.xray:
            entity = window.page.xray.entity
            self.open_xray_named(entity.name, entity.label)

    def show_xray_of(self, name: str, label: str) -> None:
        """The window, on the X-Ray page of the entity `name` names."""
        window = self._ensure_window()
        window.show()
        window.raise_()
        self.open_xray_named(name, label)

    def _repaint_open_article(self) -> None:
        article_id = self.context.session.current_id
        if self.controller is not None and article_id is not None:
            self.controller.recognised.emit(article_id)

    def open_xray(self, entity: LibraryEntity) -> None:
        self.open_xray_named(entity.name, entity.label)

    def open_xray_named(self, name: str, label: str) -> None:
        library = self.library

        def done(found: XRay | None) -> None:
            window = self._ensure_window()
            if found is None:
                self.shell.notify_info(f"“{shown(name)}” is no longer an entity of the library.")
                window.show_list()
                return
            window.show_page(found)
            window.show()
            self.xray_shown.emit()

        self._run(lambda: xray(library, name, label), done, f"Could not show “{name}”")

    def load_snippets(self, article_id: int, offsets: tuple[tuple[int, int], ...]) -> None:
        """The sentence of each mention of an article whose row was opened (in the background)."""
        library = self.library

        def work() -> list[str]:
            text = library.get(article_id).article.text
            return [sentence_at(text, start, end) for start, end in offsets]

        def done(snippets: list[str]) -> None:
            if self.window is not None:
                self.window.page.set_snippets(article_id, snippets)
                self.snippets_shown.emit(article_id)

        self._run(work, done, "Could not read the article")

    def open_mention(self, article_id: int, start: int, end: int) -> None:
        """Open the article in the window with the mention selected in the middle of the view."""
        session, view = self.context.session, self.context.view
        session.open(article_id)
        if session.current_id != article_id or view.article is None:
            return
        if end > start:
            view.select_range(start, end)
            bar = view.verticalScrollBar()
            middle = view.cursorRect(view.textCursor()).center().y()
            bar.setValue(bar.value() + middle - view.viewport().height() // 2)
        window = self.shell.widget.window()
        window.raise_()
        window.activateWindow()

    # -- deciding -------------------------------------------------------------------------------

    def decide(self, rules: list[Rule] | Callable[[], list[Rule]], said: str) -> None:
        """Store `rules` (made in the background when a function), bring the articles in
        line, list again."""
        library = self.library

        def work() -> int:
            made = rules() if callable(rules) else rules
            return sum(decisions.decide(library, rule) for rule in made)

        def done(touched: int) -> None:
            self.context.session.library_changed.emit()
            self.shell.notify_undo(f"{said} ({touched} articles updated).", self.undo)
            self._repaint_open_article()
            self.decided.emit(touched)
            self.refresh()

        self._run(work, done, "Could not store the decision")

    def merge(self, kept: LibraryEntity, others: list[LibraryEntity]) -> None:
        rules = [Rule("merge", kept.name, kept.label, other.name) for other in others]
        names = ", ".join(f"“{o.name}”" for o in others)
        self.decide(rules, f"Merged {names} into “{kept.name}”")

    def curate(self, what: str, entity: LibraryEntity) -> None:
        parent = self.window or self.shell.widget
        if what == "rename":
            new, ok = QInputDialog.getText(
                parent, "Rename", f"Call “{entity.name}”:", text=entity.name
            )
            if ok and new.strip() and new.strip() != entity.name:
                self.decide(
                    [Rule("rename", entity.name, value=new.strip())], f"Renamed to “{new.strip()}”"
                )
        elif what == "merge":
            self._ask_merge(parent, entity)
        elif what == "retype":
            names = [f"{type_name(label)} ({label})" for label in TYPES]
            current = TYPES.index(entity.label) if entity.label in TYPES else 0
            chosen, ok = QInputDialog.getItem(
                parent, "Change Type", f"“{entity.name}” is a:", names, current, False
            )
            label = TYPES[names.index(chosen)] if ok else entity.label
            if label != entity.label:
                self.decide(
                    [Rule("retype", entity.name, value=label)],
                    f"“{entity.name}” is now a {type_name(label).lower()}",
                )
        elif what == "reject_type":
            kind = type_name(entity.label).lower()
            self.decide(
                [Rule("reject", entity.name, entity.label)], f"“{entity.name}” is no {kind}"
            )
        elif what == "reject":
            self.decide([Rule("reject", entity.name)], f"“{entity.name}” is no entity")

    def _ask_merge(self, parent: QWidget, entity: LibraryEntity) -> None:
        window = self._ensure_window()
        if not window.list.listed:  # asked from the panel before the list was ever shown
            library = self.library

            def listed(found: list[ListedEntity]) -> None:
                window.list.set_entities(found)
                if found:
                    self._ask_merge(parent, entity)

            self._run(lambda: listed_entities(library), listed, "Could not list the entities")
            return
        others = [
            e
            for e in window.list.listed
            if e.entity.name != entity.name or e.entity.label != entity.label
        ]
        names = [f"{e.entity.name} ({type_name(e.entity.label)})" for e in others]
        chosen, ok = QInputDialog.getItem(
            parent, "Merge Into", f"“{entity.name}” is the same as:", names, 0, True
        )
        if not ok or not chosen.strip():
            return
        if chosen in names:
            kept = others[names.index(chosen)].entity
            self.merge(kept, [entity])
        else:
            name = chosen.strip()
            self.decide(
                [Rule("merge", name, "", entity.name)], f"Merged “{entity.name}” into “{name}”"
            )

    def reject_here(self, entity: LibraryEntity, article_id: int) -> None:
        library = self.library

        def rules() -> list[Rule]:
            return [Rule("reject", entity.name, article_uid=decisions.uid_of(library, article_id))]

        self.decide(rules, f"“{entity.name}” is no entity in that article")

    def undo(self) -> None:
        recognise = self.context.recogniser()
        if recognise is None:
            self.shell.notify_info("The entity model is still loading; undo in a moment.")
            return
        library = self.library

        def again(article_id: int) -> None:
            found = recognise(library.get(article_id).article)
            if hasattr(found, "mentions"):
                library.set_entities(
                    article_id, found.mentions, found.entities, getattr(found, "note", "")
                )
            else:
                mentions, entities = found
                library.set_entities(article_id, mentions, entities)

        def done(result: tuple[Rule | None, int]) -> None:
            rule, count = result
            if rule is None:
                self.shell.notify_info("No decision to undo.")
                return
            self.context.session.library_changed.emit()
            self.shell.notify_info(
                f"Undone: {rule.action} “{rule.name}” ({count} articles recognised again)."
            )
            self._repaint_open_article()
            self.decided.emit(count)
            self.refresh()

        self._run(lambda: decisions.undo(library, again), done, "Could not undo")


def install(context: FeatureContext) -> EntitiesFeature:
    return EntitiesFeature(context)
