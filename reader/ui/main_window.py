"""The main window: library pane, reading column and entity panel, built from the action table.

The window lays the widgets out, builds menus and toolbar from `actions.py`, implements the
`Shell` that features receive, and connects the article session to the widgets. What happens to
an article lives in `session.py`; what the features add lives in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import reduce

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QVBoxLayout,
    QWidget,
)

from reader.core.library import Library
from reader.ui import actions
from reader.ui.controllers.entities import EntityController, Recognise
from reader.ui.controllers.loader import ArticleLoader
from reader.ui.entity_panel import EntityPanel
from reader.ui.entity_view import EntityView
from reader.ui.features import FeatureContext, install_features
from reader.ui.find_bar import FindBar
from reader.ui.library_access import LibraryAccess
from reader.ui.library_pane import LibraryPane
from reader.ui.opening import SourceOpener
from reader.ui.reading_view import ReadingView
from reader.ui.rich_text import window_title
from reader.ui.session import ArticleSession
from reader.ui.side_panes import COMPACT_WIDTH_PX, three_panes
from reader.ui.theme import (
    Theme,
    Typography,
    chrome_palette,
    chrome_stylesheet,
    is_dark,
    resolve_theme,
)
from reader.ui.typography_panel import TypographyPanel, typography_menu
from reader.ui.window_shell import WindowShell, after_first_paint

MODEL_LATEST_MS = 300  # the model starts loading by then even if nothing was painted
FILTERS_REFRESH_DELAY_MS = 400  # new tags and entities are counted this long after a change
CHOOSE_AN_ARTICLE = ("Choose an article", "Pick one from the list on the left, or press J.")
EMPTY_LIBRARY = (
    "Nothing to read yet",
    "Open a web address with Ctrl+L or a file with Ctrl+O,\n"
    "paste a link with Ctrl+V, or drop one onto this window.",
)


class MainWindow(WindowShell):
    trash_emptied = Signal(int)  # how many articles were deleted for good

    def __init__(
        self,
        library: Library,
        loader: ArticleLoader,
        settings: QSettings,
        load_recogniser: Callable[[], Recognise] | None = None,
    ) -> None:
        super().__init__(settings)
        self.library, self.loader = library, loader
        self.access = LibraryAccess(library)
        self.setWindowTitle("Readmark")
        self.setAcceptDrops(True)
        self.typography: Typography = self.preferences.typography
        self.theme: Theme = resolve_theme(self.typography.theme)
        self.entities = EntityController(self.access, loader.tasks, load_recogniser, parent=self)
        self.entities.hold_start()  # until the window is painted
        self.library_pane = LibraryPane(self.access, loader.tasks, lambda: self.theme)
        self.list_view, self.model = self.library_pane.list_view, self.library_pane.model
        self.reading_view = ReadingView()
        self.reading_view.image_loader = self._archived_image
        self.find_bar = FindBar(self.reading_view)
        self.entity_panel = EntityPanel()
        self.typography_panel = TypographyPanel(self.typography)
        self.session = ArticleSession(self.access, self, loader.tasks, self.reading_view, self)
        self.entity_view = EntityView(
            self.entities,
            self.entity_panel,
            self.reading_view,
            self.access,
            self.session,
            self.preferences,
            loader,
        )
        self.opener = SourceOpener(
            self,
            loader,
            self.session,
            self.message_bar,
            lambda: self.library_pane.apply_query(background=False),
        )
        self._lay_out()
        self._build_actions()
        self._connect()
        self.features = install_features(
            FeatureContext(
                self,
                self.session,
                library,
                self.reading_view,
                loader.tasks,
                lambda: self.entities.recogniser,
                self.library_pane.query,
            )
        )
        for name, feature in self.features.items():
            setattr(self, name, feature)
        self._restore_state()
        self.apply_typography(self.typography, save=False)
        self.library_pane.apply_query(background=False)
        if self.model.rowCount() == 0:
            self.show_empty_state()
        else:
            self.reading_view.show_message(*CHOOSE_AN_ARTICLE)

    # -- building -------------------------------------------------------------------------

    def _lay_out(self) -> None:
        reader_column = QWidget()
        column_layout = QVBoxLayout(reader_column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(0)
        column_layout.addWidget(self.reading_view, 1)
        column_layout.addWidget(self.find_bar)
        self.message_bar.overlay(reader_column)
        self.splitter, self.side_panes = three_panes(
            self.library_pane, reader_column, self.entity_panel, self._side_wanted, self
        )
        self.setCentralWidget(self.splitter)
        self.statusBar().hide()

    def _build_actions(self) -> None:
        for spec in actions.WINDOW_ACTIONS:
            target = reduce(getattr, spec.slot.split("."), self)
            self.add_action(spec, target)
        typography, self.typography_button = typography_menu(self.typography_panel, self)
        self.menus["View"].addSeparator()
        self.menus["View"].addMenu(typography)
        self.build_toolbar(actions.TOOLBAR, {"typography": self.typography_button})
        self.keep_last("File", self.menus["File"].actions()[-2])  # the separator before Quit
        self.entity_view.restore(self.entities_action, self.entity_panel_action)
        self._set_article_actions_enabled(False)

    # -- wiring ---------------------------------------------------------------------------

    def _connect(self) -> None:
        pane, session = self.library_pane, self.session
        pane.article_selected.connect(self._on_article_selected)
        pane.list_view.clicked.connect(lambda _index: self.side_panes.fold(0))
        self.entity_panel_action.triggered.connect(lambda: self.side_panes.fit(self.width()))
        pane.restore_button.clicked.connect(session.restore_current)
        pane.empty_trash_button.clicked.connect(session.empty_trash)
        self.entity_panel.library_filter_requested.connect(pane.filter_by_entity)
        self.typography_panel.changed.connect(self.apply_typography)
        self.find_bar.closed.connect(self.reading_view.setFocus)
        self._filters_timer = QTimer(self)
        self._filters_timer.setSingleShot(True)
        self._filters_timer.setInterval(FILTERS_REFRESH_DELAY_MS)
        self._filters_timer.timeout.connect(lambda: pane.refresh_filters(background=True))
        for signal in (self.loader.loaded, self.entities.recognised):
            signal.connect(lambda _id: self._filters_timer.start())
        session.library_changed.connect(self._filters_timer.start)
        session.articles_changed.connect(lambda: (pane.apply_query(), self._filters_timer.start()))
        session.opened.connect(self._on_opened)
        session.revisited.connect(pane.select_id)
        session.cleared.connect(self._on_cleared)
        session.trashed_changed.connect(self._on_trashed_changed)
        session.summary_changed.connect(lambda i, fields: self.model.update_summary(i, **fields))
        session.deleted.connect(self._on_deleted)
        session.undeleted.connect(self._on_undeleted)
        session.restored.connect(self._on_restored)
        session.trash_busy.connect(self._on_trash_busy)
        session.trash_emptied.connect(lambda _n: pane.apply_query(background=False))
        session.trash_emptied.connect(self.trash_emptied.emit)
        self.reading_view.verticalScrollBar().valueChanged.connect(lambda _v: session.scrolled())
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    def _restore_state(self) -> None:
        if (geometry := self.preferences.geometry) is not None:
            self.restoreGeometry(geometry)
        splitter = self.preferences.splitter
        self._splitter_restored = splitter is not None
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.library_pane.set_sort(self.preferences.library_sort)

    def _side_wanted(self, side: int) -> bool:
        action = getattr(self, "entity_panel_action", None)
        return side == 0 or action is None or action.isChecked()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.side_panes.fit(self.width())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._splitter_restored:
            # First run: the list and the panel keep their widths, the column gets the rest.
            self._splitter_restored = True
            width = max(self.width(), self.splitter.width())
            self.splitter.setSizes([300, max(400, width - 560), 260])
        self.side_panes.fit(self.width())
        # The model loads once, in the background, as soon as the window is on screen; so do
        # the tag and entity counts for the filter list.
        after_first_paint(
            self.reading_view.viewport(), self.entities.release_start, MODEL_LATEST_MS
        )
        QTimer.singleShot(0, self._filters_timer.start)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        self.opener.drag_entered(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        self.opener.dropped(event)

    # -- articles -------------------------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        return self.session.current_id

    def open_article(self, article_id: int) -> None:
        self.session.open(article_id)

    def open_source(self, source: str) -> None:
        self.opener.open_source(source)

    def show_empty_state(self) -> None:
        self.session.clear()

    def set_tags(self, text: str) -> None:
        self.session.set_tags(text)

    def _on_article_selected(self, article_id: int) -> None:
        if article_id != self.session.current_id:
            self.session.open(article_id)

    def _on_opened(self, article_id: int) -> None:
        saved = self.session.article
        assert saved is not None
        self.entity_view.show_article(article_id, saved.article)
        self.reading_view.scroll_to_progress(saved.read_progress)
        self.setWindowTitle(window_title(f"{saved.article.title} — Readmark"))
        self._set_article_actions_enabled(True)
        self.read_action.setChecked(True)
        self.favorite_action.setChecked(saved.favorite)
        self.archive_action.setChecked(saved.archived)

    def _on_cleared(self) -> None:
        self._set_article_actions_enabled(False)
        self.setWindowTitle("Readmark")
        self.reading_view.show_message(*(self.session.cleared_note or EMPTY_LIBRARY))

    def _set_article_actions_enabled(self, enabled: bool) -> None:
        for name in (*actions.ARTICLE_ACTIONS, "find"):
            getattr(self, f"{name}_action").setEnabled(enabled)
        self.restore_action.setEnabled(False)
        self.library_pane.restore_button.setEnabled(False)

    def _on_trashed_changed(self, trashed: bool) -> None:
        for name in actions.ARTICLE_ACTIONS:
            getattr(self, f"{name}_action").setEnabled(not trashed)
        self.find_action.setEnabled(True)
        self.restore_action.setEnabled(trashed)
        self.library_pane.restore_button.setEnabled(trashed)

    def _on_deleted(self, article_id: int) -> None:
        if not self.library_pane.drop(article_id):
            self.session.clear()

    def _on_undeleted(self, article_id: int) -> None:
        self.model.unhide_article(article_id)
        self.library_pane.apply_query(background=False)

    def _on_restored(self, article_id: int) -> None:
        self.library_pane.list_view.setFocus()
        if self.library_pane.in_trash():
            self.library_pane.drop(article_id)

    def _on_trash_busy(self, busy: bool) -> None:
        self.empty_trash_action.setEnabled(not busy)
        self.library_pane.empty_trash_button.setEnabled(not busy)

    def _archived_image(self, src: str) -> bytes | None:
        if self.session.current_id is None:
            return None
        return self.access.image_data(self.session.current_id, src)

    # -- look -----------------------------------------------------------------------------

    def apply_typography(self, typography: Typography, save: bool = True) -> None:
        self.typography = typography
        self.theme = resolve_theme(typography.theme)
        if save:
            self.preferences.typography = typography
        self.typography_panel.show_typography(typography)
        palette = chrome_palette(self.palette(), self.theme)
        # Dialogs and menus are windows of their own, which a window's palette does not reach.
        QApplication.setPalette(palette)
        panes = (self.library_pane, self.entity_panel, self.find_bar, self.menuBar(), self.toolbar)
        for widget in (self, *panes, self.typography_panel):
            widget.setPalette(palette)
        self.setStyleSheet(chrome_stylesheet(self.theme))
        self.message_bar.set_dark(is_dark(self.theme))
        self.entity_panel.set_theme(self.theme)
        self.reading_view.set_typography(typography, self.theme)
        self.list_view.viewport().update()

    def apply_theme(self, name: str) -> None:
        self.apply_typography(replace(self.typography, theme=name))

    def _on_color_scheme_changed(self, _scheme: object) -> None:
        if self.typography.theme == "system":
            self.apply_typography(self.typography, save=False)

    def show_shortcuts(self) -> None:
        from reader.ui.shortcut_sheet import ShortcutSheet

        self.shortcut_sheet = ShortcutSheet(self.actions(), self)
        self.shortcut_sheet.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.session.save_progress()
        self.entities.stop()
        self.loader.cancel()
        self.message_bar.dismiss()
        self.preferences.geometry = self.saveGeometry()
        self.side_panes.fit(COMPACT_WIDTH_PX)  # remember the wide window's panes
        self.preferences.splitter = self.splitter.saveState()
        self.preferences.library_sort = self.library_pane.sort_box.currentData()
        self.preferences.sync()
        super().closeEvent(event)
