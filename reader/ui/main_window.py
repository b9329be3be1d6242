"""The main window: library pane, reading column and entity panel, wired to the controllers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from reader.core import fetch
from reader.core.library import Library
from reader.core.models import Entity, Mention
from reader.ui.annotations import install as install_highlights
from reader.ui.controllers import (
    ArticleLoader,
    EntityController,
    Recognise,
    is_english,
    readable_error,
)
from reader.ui.entity_panel import EntityPanel
from reader.ui.find_bar import FindBar
from reader.ui.library_access import LibraryAccess
from reader.ui.library_pane import TRASH_FILTER, LibraryPane
from reader.ui.message_bar import MessageBar
from reader.ui.reading_view import ReadingView
from reader.ui.rich_text import window_title
from reader.ui.theme import (
    DEFAULT_HIDDEN_GROUPS,
    GROUP_NAMES,
    GROUP_SINGULAR,
    Theme,
    Typography,
    group_of,
    load_typography,
    resolve_theme,
    save_typography,
)
from reader.ui.typography_panel import TypographyPanel

OPEN_FILE_FILTER = "Articles (*.html *.htm *.xhtml *.txt *.md);;All files (*)"
OPENABLE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".md")
PROGRESS_SAVE_DELAY_MS = 800
UNDO_TIMEOUT_MS = 8000
FILTERS_REFRESH_DELAY_MS = 400  # new tags and entities are counted this long after a change


def source_from_text(text: str) -> str | None:
    """A URL or an existing file path in pasted or dropped text, if there is one."""
    text = text.strip()
    if not text or "\n" in text:
        text = text.splitlines()[0].strip() if text else ""
    if fetch.is_url(text):
        return text
    if text.startswith("file://"):
        text = QUrl(text).toLocalFile()
    if text and Path(text).expanduser().is_file():
        return str(Path(text).expanduser())
    return None


def source_from_mime(mime: QMimeData) -> str | None:
    for url in mime.urls():
        if url.isLocalFile():
            return url.toLocalFile()
        if url.scheme() in ("http", "https"):
            return url.toString()
    if mime.hasText():
        return source_from_text(mime.text())
    return None


class MainWindow(QMainWindow):
    trash_emptied = Signal(int)  # how many articles were deleted for good

    def __init__(
        self,
        library: Library,
        loader: ArticleLoader,
        settings: QSettings,
        load_recogniser: Callable[[], Recognise] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.access = LibraryAccess(library)
        self.loader = loader
        self.settings = settings
        self.setWindowTitle("Readmark")
        self.setAcceptDrops(True)
        self.current_id: int | None = None
        self.typography: Typography = load_typography(settings)
        self.theme: Theme = resolve_theme(self.typography.theme)
        self.entities = EntityController(self.access, loader.tasks, load_recogniser, parent=self)
        self._entities_by_key: dict[str, Entity] = {}

        self.library_pane = LibraryPane(self.access, loader.tasks, lambda: self.theme)
        self.list_view = self.library_pane.list_view
        self.model = self.library_pane.model
        self.reading_view = ReadingView()
        self.reading_view.tooltip_provider = self._mention_tooltip
        self.reading_view.image_loader = self._archived_image
        self.message_bar = MessageBar()
        self.find_bar = FindBar(self.reading_view)
        self.find_bar.closed.connect(self.reading_view.setFocus)
        reader_column = QWidget()
        column_layout = QVBoxLayout(reader_column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(0)
        column_layout.addWidget(self.message_bar)
        column_layout.addWidget(self.reading_view, 1)
        column_layout.addWidget(self.find_bar)
        self.entity_panel = EntityPanel()
        self.typography_panel = TypographyPanel(self.typography)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.library_pane)
        self.splitter.addWidget(reader_column)
        self.splitter.addWidget(self.entity_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([300, 740, 240])
        self.setCentralWidget(self.splitter)
        self.statusBar().hide()

        self.menus: dict[str, QMenu] = {}
        self._build_actions()
        self._connect()
        self.highlights = install_highlights(self)  # highlights, notes, their panel
        self._restore_state()
        self.apply_typography(self.typography, save=False)
        self.library_pane.apply_query(background=False)
        if self.model.rowCount() == 0:
            self.show_empty_state()
        else:
            self.reading_view.show_message(
                "Choose an article", "Pick one from the list on the left, or press J."
            )

    # -- building -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        bar = self.menuBar()
        for name in ("File", "Article", "View", "Help"):
            self.menus[name] = bar.addMenu(f"&{name}")
        file_menu, article_menu = self.menus["File"], self.menus["Article"]
        view_menu, help_menu = self.menus["View"], self.menus["Help"]

        self.open_url_action = self._action("Open URL…", "Ctrl+L", self.ask_url, file_menu)
        self.open_file_action = self._action(
            "Open File…", QKeySequence.StandardKey.Open, self.ask_file, file_menu
        )
        self.paste_action = self._action(
            "Open Link from Clipboard", QKeySequence.StandardKey.Paste, self.paste_source,
            file_menu,
        )  # fmt: skip
        file_menu.addSeparator()
        from reader.ui.import_dialog import install as install_import_export

        install_import_export(self, file_menu)
        file_menu.addSeparator()
        self._action("Quit", QKeySequence.StandardKey.Quit, self.close, file_menu)

        self.read_action = self._action("Read", "M", self.toggle_read, article_menu)
        self.read_action.setCheckable(True)
        self.read_action.setToolTip("Mark read or unread (M)")
        self.favorite_action = self._action("Favourite", "F", self.toggle_favorite, article_menu)
        self.favorite_action.setCheckable(True)
        self.favorite_action.setToolTip("Favourite (F)")
        self.archive_action = self._action("Archive", "E", self.toggle_archived, article_menu)
        self.archive_action.setCheckable(True)
        self.archive_action.setToolTip("Archive (E)")
        self.delete_action = self._action(
            "Delete", QKeySequence.StandardKey.Delete, self.delete_current, article_menu
        )
        self.delete_action.setToolTip("Delete, with undo (Delete)")
        self.restore_action = self._action("Restore from Trash", "R", self.restore_current,
                                           article_menu)  # fmt: skip
        self.restore_action.setToolTip("Put this article back in the library (R)")
        self.empty_trash_action = self._action("Empty Trash…", None, self.empty_trash,
                                               article_menu)  # fmt: skip
        self.show_trash_action = self._action(
            "Show Trash", "Ctrl+Shift+Delete",
            lambda: self.library_pane.show_filter(TRASH_FILTER), article_menu,
        )  # fmt: skip
        self.tags_action = self._action("Tags…", "T", self.ask_tags, article_menu)
        self.tags_action.setToolTip("Tags of this article (T)")
        article_menu.addSeparator()
        self.find_action = self._action(
            "Find in Article…", QKeySequence.StandardKey.Find, self.find_bar.open_bar, article_menu
        )
        self.next_action = self._action(
            "Next Article", "J", lambda: self.library_pane.step(1), article_menu
        )
        self.previous_action = self._action(
            "Previous Article", "K", lambda: self.library_pane.step(-1), article_menu
        )
        self.search_action = self._action(
            "Search Library", "Ctrl+K", self.focus_search, article_menu
        )

        self.entities_action = self._action("Entities", "Ctrl+E", self.toggle_entities, view_menu)
        self.entities_action.setCheckable(True)
        self.entities_action.setChecked(True)
        self.entities_action.setToolTip("Show or hide all entity marks (Ctrl+E)")
        self.entity_panel_action = self._action(
            "Entity Panel", "Ctrl+Shift+E", self.toggle_entity_panel, view_menu
        )
        self.entity_panel_action.setCheckable(True)
        self.entity_panel_action.setChecked(True)
        self.entity_panel_action.setIconText("Panel")
        self.entity_panel_action.setToolTip("Show or hide the entity panel (Ctrl+Shift+E)")
        view_menu.addSeparator()
        typography_menu = QMenu("Typography", self)
        panel_action = QWidgetAction(typography_menu)
        panel_action.setDefaultWidget(self.typography_panel)
        typography_menu.addAction(panel_action)
        view_menu.addMenu(typography_menu)
        self.typography_button = QToolButton()
        self.typography_button.setText("Aa")
        self.typography_button.setToolTip("Typography and theme")
        self.typography_button.setMenu(typography_menu)
        self.typography_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        self.shortcuts_action = self._action("Keyboard Shortcuts", "F1", self.show_shortcuts,
                                             help_menu)  # fmt: skip
        self.shortcuts_action.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        self.shortcuts_action.setIconText("?")

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        for action in (self.open_url_action, self.open_file_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.read_action, self.favorite_action, self.archive_action):
            toolbar.addAction(action)
        toolbar.addAction(self.delete_action)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy())  # fmt: skip
        toolbar.addWidget(spacer)
        toolbar.addAction(self.entities_action)
        toolbar.addAction(self.entity_panel_action)
        toolbar.addWidget(self.typography_button)
        toolbar.addAction(self.shortcuts_action)
        self._set_article_actions_enabled(False)

    def _action(
        self, text: str, shortcut: object, slot: Callable[[], object], menu: QMenu | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def add_panel(
        self,
        widget: QWidget,
        title: str,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
    ) -> QDockWidget:
        """Add a side panel (as a dock) with a View menu entry that shows and hides it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"panel-{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.menus["View"].addAction(dock.toggleViewAction())
        return dock

    def _connect(self) -> None:
        self.library_pane.article_selected.connect(self._on_article_selected)
        self.library_pane.restore_button.clicked.connect(self.restore_current)
        self.library_pane.empty_trash_button.clicked.connect(self.empty_trash)
        self.loader.started.connect(self._on_load_started)
        self.loader.progressed.connect(self._on_load_progressed)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.cancelled.connect(self._on_load_cancelled)
        self.entities.recognised.connect(self._on_entities_recognised)
        self.entities.model_ready.connect(self._on_model_ready)
        self.entities.model_failed.connect(self._on_model_failed)
        self.entities.recognition_failed.connect(self._on_recognition_failed)
        self.entity_panel.group_toggled.connect(self._on_group_toggled)
        self.entity_panel.mention_requested.connect(self._on_mention_requested)
        self.entity_panel.library_filter_requested.connect(self.library_pane.filter_by_entity)
        self.typography_panel.changed.connect(self.apply_typography)
        self._filters_timer = QTimer(self)
        self._filters_timer.setSingleShot(True)
        self._filters_timer.setInterval(FILTERS_REFRESH_DELAY_MS)
        self._filters_timer.timeout.connect(
            lambda: self.library_pane.refresh_filters(background=True)
        )
        self.loader.loaded.connect(lambda _id: self._filters_timer.start())
        self.entities.recognised.connect(lambda _id: self._filters_timer.start())
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_SAVE_DELAY_MS)
        self._progress_timer.timeout.connect(self.save_progress)
        self.reading_view.verticalScrollBar().valueChanged.connect(
            lambda _v: self._progress_timer.start()
        )
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    def _restore_state(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        splitter = self.settings.value("splitter")
        self._splitter_restored = isinstance(splitter, QByteArray | bytes)
        if isinstance(splitter, QByteArray | bytes):
            self.splitter.restoreState(QByteArray(splitter))
        hidden = self.settings.value("entities/hidden")
        hidden_groups = (
            set(DEFAULT_HIDDEN_GROUPS) if hidden is None else set(str(hidden).split(",")) - {""}
        )
        for group in GROUP_NAMES:
            self.entity_panel.set_group_checked(group, group not in hidden_groups)
            self.reading_view.set_group_visible(group, group not in hidden_groups)
        shown = str(self.settings.value("entities/shown", "true")).lower() != "false"
        self.entities_action.setChecked(shown)
        self.reading_view.set_entities_shown(shown)
        panel = str(self.settings.value("entities/panel", "true")).lower() != "false"
        self.entity_panel_action.setChecked(panel)
        self.entity_panel.setVisible(panel)
        sort = self.settings.value("library/sort")
        index = self.library_pane.sort_box.findData(sort)
        if index >= 0:
            self.library_pane.sort_box.blockSignals(True)
            self.library_pane.sort_box.setCurrentIndex(index)
            self.library_pane.sort_box.blockSignals(False)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._splitter_restored:
            # First run: the list and the panel keep their widths, the column gets the rest.
            self._splitter_restored = True
            width = max(self.width(), self.splitter.width())
            self.splitter.setSizes([300, max(400, width - 560), 260])
        # The model loads once, in the background, as soon as the window is up; so do the
        # tag and entity counts for the filter list.
        QTimer.singleShot(0, self.entities.start)
        QTimer.singleShot(0, self._filters_timer.start)

    # -- opening sources ------------------------------------------------------------------

    def ask_url(self) -> None:
        url, ok = QInputDialog.getText(self, "Open URL", "Address of the article:")
        if ok and url.strip():
            self.open_source(url.strip())

    def ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open article", "", OPEN_FILE_FILTER)
        if path:
            self.open_source(path)

    def paste_source(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        source = source_from_mime(mime) if mime is not None else None
        if source is None:
            self.message_bar.show_info("The clipboard holds no link or file to open.")
            return
        self.open_source(source)

    def open_source(self, source: str) -> None:
        self.loader.load(source)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if source_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        source = source_from_mime(event.mimeData())
        if source is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_source(source)

    def _on_load_started(self, source: str) -> None:
        self.message_bar.show_progress(f"Loading {source}…", self.loader.cancel)

    def _on_load_progressed(self, source: str, stage: str) -> None:
        if self.message_bar.kind == "progress":
            self.message_bar.label.setText(f"{stage}: {source}…")

    def _on_loaded(self, article_id: int) -> None:
        if not self.loader.busy:
            self.message_bar.show_info("Saved to your library.", timeout_ms=3000)
        self.library_pane.apply_query(background=False)
        self.open_article(article_id)

    def _on_load_failed(self, source: str, message: str) -> None:
        # Most reasons already name the file or address; say it once.
        self.message_bar.show_error(message if source in message else f"{source}: {message}")

    def _on_load_cancelled(self, source: str) -> None:
        self.message_bar.show_info(f"Stopped loading {source}.", timeout_ms=3000)

    # -- articles -------------------------------------------------------------------------

    def open_article(self, article_id: int) -> None:
        if article_id == self.current_id and self.reading_view.article is not None:
            self.library_pane.select_id(article_id)
            return
        self.save_progress()
        try:
            saved = self.access.get(article_id)
        except Exception as exc:  # deleted meanwhile, or the file is gone
            self.message_bar.show_error(f"This article cannot be opened: {exc}")
            return
        self.current_id = article_id
        article = saved.article
        found = self.entities.entities_for(article_id, article)
        mentions, entities = found if found is not None else ([], [])
        self.reading_view.show_article(article, mentions)
        self._show_entities(article_id, mentions, entities, waiting=found is None)
        self.reading_view.scroll_to_progress(saved.read_progress)
        self._progress_timer.stop()
        # Saving "opened" can wait until the article is on screen.
        QTimer.singleShot(0, lambda: self._mark_opened(article_id))
        self.setWindowTitle(window_title(f"{article.title} — Readmark"))
        self._set_article_actions_enabled(True)
        self.read_action.setChecked(True)
        self.favorite_action.setChecked(saved.favorite)
        self.archive_action.setChecked(saved.archived)
        self._show_trashed(saved.deleted_at is not None)
        self.library_pane.select_id(article_id)

    def _mark_opened(self, article_id: int) -> None:
        if article_id != self.current_id or self.current_trashed:
            return
        try:
            self.access.mark_opened(article_id)
        except Exception:
            return  # deleted in the meantime
        self.model.update_summary(article_id, unread=False)

    def _on_article_selected(self, article_id: int) -> None:
        if article_id != self.current_id:
            self.open_article(article_id)

    def show_empty_state(self) -> None:
        self.current_id = None
        self._set_article_actions_enabled(False)
        self.setWindowTitle("Readmark")
        self.reading_view.show_message(
            "Nothing to read yet",
            "Open a web address with Ctrl+L or a file with Ctrl+O,\n"
            "paste a link with Ctrl+V, or drop one onto this window.",
        )
        self.entity_panel.set_entities([], [])
        self.entity_panel.set_status("")

    def _set_article_actions_enabled(self, enabled: bool) -> None:
        for action in (self.read_action, self.favorite_action, self.archive_action,
                       self.delete_action, self.find_action, self.tags_action):  # fmt: skip
            action.setEnabled(enabled)
        self.restore_action.setEnabled(False)
        self.library_pane.restore_button.setEnabled(False)
        if not enabled:
            self.current_trashed = False
            self._dismiss_trash_note()

    # -- trash ----------------------------------------------------------------------------

    current_trashed = False  # the open article is in the trash: shown read-only
    _trash_note = "This article is in the trash."

    def _show_trashed(self, trashed: bool) -> None:
        """A trashed article is read, not changed: only Restore (and find) stay available."""
        self.current_trashed = trashed
        for action in (self.read_action, self.favorite_action, self.archive_action,
                       self.delete_action, self.tags_action):  # fmt: skip
            action.setEnabled(not trashed)
        highlights = getattr(self, "highlights", None)
        for name in ("highlight_action", "note_action"):
            action = getattr(highlights, name, None)
            if isinstance(action, QAction):
                action.setEnabled(not trashed)
        self.restore_action.setEnabled(trashed)
        self.library_pane.restore_button.setEnabled(trashed)
        if trashed:
            self.message_bar.show_message(
                "info", f"{self._trash_note} Restore it to read it as usual (R).",
                action=("Restore", self.restore_current),
            )  # fmt: skip
        else:
            self._dismiss_trash_note()

    def _dismiss_trash_note(self) -> None:
        if self.message_bar.kind == "info" and self.message_bar.label.text().startswith(
            self._trash_note
        ):
            self.message_bar.dismiss()

    def restore_current(self) -> None:
        """Put the open article, which is in the trash, back in the library."""
        article_id = self.current_id
        if article_id is None or not self.current_trashed:
            return
        title = self.reading_view.article.title if self.reading_view.article else "article"
        row = self.model.row_of(article_id)
        self.access.restore(article_id)
        self._show_trashed(False)
        self._set_article_actions_enabled(True)
        self.library_pane.list_view.setFocus()
        if self.library_pane.in_trash():
            self.model.hide_article(article_id)
            if self.model.rowCount():
                self.library_pane.select_row(min(row or 0, self.model.rowCount() - 1))
        self._filters_timer.start()
        self.message_bar.show_info(f"Restored “{title}”.", 4000)

    def empty_trash(self) -> None:
        """Delete every article in the trash for good, after asking; runs in the background."""
        trashed = self.library.count(TRASH_FILTER)
        if not trashed:
            self.message_bar.show_info("The trash is empty.", 3000)
            return
        answer = QMessageBox.question(  # says only a count: nothing a page or a file chose
            self,
            "Empty Trash",
            f"Delete the {trashed} article{'s' if trashed != 1 else ''} in the trash for good?"
            "\nThis cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.empty_trash_action.setEnabled(False)
        self.library_pane.empty_trash_button.setEnabled(False)
        library = self.library  # used through the worker thread's own connection

        def work() -> int:
            return library.empty_trash()

        def finished() -> None:
            self.empty_trash_action.setEnabled(True)
            self.library_pane.empty_trash_button.setEnabled(True)

        def done(count: int) -> None:
            finished()
            if self.current_trashed:
                self.show_empty_state()
                self.reading_view.show_message(
                    "Deleted for good", "The trash was emptied. Pick an article on the left."
                )
            self.library_pane.apply_query(background=False)
            self._filters_timer.start()
            self.trash_emptied.emit(count)
            self.message_bar.show_info(
                f"Deleted {count} article{'s' if count != 1 else ''} for good.", 4000
            )

        def failed(exc: BaseException) -> None:
            finished()
            self.message_bar.show_error(f"The trash could not be emptied: {readable_error(exc)}")

        self.loader.tasks.run(work, on_done=done, on_error=failed)

    def save_progress(self) -> None:
        if self.current_id is None or self.reading_view.article is None or self.current_trashed:
            return
        try:
            self.access.set_progress(self.current_id, self.reading_view.progress())
        except Exception:
            return  # the article was deleted; there is nothing to remember

    def toggle_read(self) -> None:
        if self.current_id is None:
            return
        read = self.read_action.isChecked()
        self.access.set_read(self.current_id, read)
        self.model.update_summary(self.current_id, unread=not read)

    def toggle_favorite(self) -> None:
        if self.current_id is None:
            return
        favorite = self.favorite_action.isChecked()
        self.access.set_favorite(self.current_id, favorite)
        self.model.update_summary(self.current_id, favorite=favorite)

    def toggle_archived(self) -> None:
        if self.current_id is None:
            return
        archived = self.archive_action.isChecked()
        self.access.set_archived(self.current_id, archived)
        self.model.update_summary(self.current_id, archived=archived)
        self.message_bar.show_info("Archived." if archived else "Back in your list.", 2500)

    def delete_current(self) -> None:
        article_id = self.current_id
        if article_id is None:
            return
        title = self.reading_view.article.title if self.reading_view.article else "article"
        row = self.model.row_of(article_id)
        self.save_progress()
        self.access.delete(article_id)
        self.model.hide_article(article_id)
        self.current_id = None

        def undo() -> None:
            self.model.unhide_article(article_id)
            self.access.restore(article_id)
            self.library_pane.apply_query(background=False)
            self.open_article(article_id)

        self.message_bar.show_message(
            "info", f"Deleted “{title}”.", action=("Undo", undo), timeout_ms=UNDO_TIMEOUT_MS
        )
        if self.model.rowCount():
            self.library_pane.select_row(min(row or 0, self.model.rowCount() - 1))
        else:
            self.show_empty_state()

    def ask_tags(self) -> None:
        if self.current_id is None:
            return
        current = ", ".join(self.library.tags(self.current_id))
        text, ok = QInputDialog.getText(
            self, "Tags", "Tags of this article, separated by commas:", text=current
        )
        if ok:
            self.set_tags(text)

    def set_tags(self, text: str) -> None:
        """Replace the current article's tags with the comma-separated names in `text`."""
        if self.current_id is None:
            return
        tags = [t.strip() for t in text.split(",") if t.strip()]
        self.library.set_tags(self.current_id, tags)
        self.model.update_summary(self.current_id, tags=tuple(self.library.tags(self.current_id)))
        self._filters_timer.start()
        self.message_bar.show_info("Tags: " + (", ".join(tags) or "none"), 2500)

    def focus_search(self) -> None:
        self.library_pane.search.setFocus()
        self.library_pane.search.selectAll()

    # -- entities -------------------------------------------------------------------------

    def _show_entities(
        self, article_id: int, mentions: list[Mention], entities: list[Entity], waiting: bool
    ) -> None:
        article = self.reading_view.article
        self.entity_panel.set_entities(mentions, entities)
        self._entities_by_key = {e.key: e for e in entities}
        if article is not None and not is_english(article):
            self.entity_panel.set_status(
                "Entities are English-only for now; this article is in another language."
            )
        elif self.entities.error is not None:
            self.entity_panel.set_status(f"Entities are unavailable: {self.entities.error}")
        elif waiting:
            self.entity_panel.set_status(
                "Finding people, places and dates…"
                if self.entities.ready
                else "Loading the entity model; highlights will appear in a moment…"
            )
        elif not mentions:
            self.entity_panel.set_status("No people, places or dates found in this article.")
        else:
            self.entity_panel.set_status("")

    def _on_entities_recognised(self, article_id: int) -> None:
        if article_id != self.current_id:
            return
        stored = self.access.stored_entities(article_id) or ([], [])
        self.reading_view.set_mentions(stored[0])
        self._show_entities(article_id, stored[0], stored[1], waiting=False)

    def _on_model_ready(self) -> None:
        self.loader.recognise = self.entities.recogniser

    def _on_model_failed(self, message: str) -> None:
        self.entity_panel.set_status(f"Entities are unavailable: {message}")

    def _on_recognition_failed(self, article_id: int, message: str) -> None:
        if article_id == self.current_id:
            self.entity_panel.set_status(f"Could not find entities: {message}")

    def _on_group_toggled(self, group: str, visible: bool) -> None:
        self.reading_view.set_group_visible(group, visible)
        self.settings.setValue("entities/hidden", ",".join(sorted(self.reading_view.hidden_groups)))

    def toggle_entities(self) -> None:
        shown = self.entities_action.isChecked()
        self.reading_view.set_entities_shown(shown)
        self.settings.setValue("entities/shown", "true" if shown else "false")

    def toggle_entity_panel(self) -> None:
        shown = self.entity_panel_action.isChecked()
        self.entity_panel.setVisible(shown)
        self.settings.setValue("entities/panel", "true" if shown else "false")

    def _on_mention_requested(self, mention: Mention) -> None:
        group = group_of(mention.label)
        if group in self.reading_view.hidden_groups:
            self.entity_panel.set_group_checked(group, True)
        if not self.entities_action.isChecked():
            self.entities_action.setChecked(True)
            self.toggle_entities()
        self.reading_view.select_range(mention.start, mention.end)

    def _mention_tooltip(self, mention: Mention) -> str:
        entity = self._entities_by_key.get(mention.entity_key)
        article = self.reading_view.article
        name = entity.name if entity else (article.text[mention.start : mention.end] if article
                                           else mention.entity_key)  # fmt: skip
        kind = GROUP_SINGULAR.get(group_of(mention.label), mention.label)
        here = sum(1 for m in self.reading_view.mentions if m.entity_key == mention.entity_key)
        lines = [f"{kind}: {name}", f"{here} mention{'s' if here != 1 else ''} in this article"]
        articles = self.access.articles_mentioning(mention.entity_key)
        if articles:
            lines.append(f"In {articles} article{'s' if articles != 1 else ''} of your library")
        return "\n".join(lines)

    def _archived_image(self, src: str) -> bytes | None:
        if self.current_id is None:
            return None
        return self.access.image_data(self.current_id, src)

    # -- look -----------------------------------------------------------------------------

    def apply_typography(self, typography: Typography, save: bool = True) -> None:
        self.typography = typography
        self.theme = resolve_theme(typography.theme)
        if save:
            save_typography(self.settings, typography)
        self.typography_panel.show_typography(typography)
        self._apply_chrome(self.theme)
        self.entity_panel.set_theme(self.theme)
        self.reading_view.set_typography(typography, self.theme)
        self.list_view.viewport().update()

    def apply_theme(self, name: str) -> None:
        self.apply_typography(replace(self.typography, theme=name))

    def _on_color_scheme_changed(self, _scheme: object) -> None:
        if self.typography.theme == "system":
            self.apply_typography(self.typography, save=False)

    def _apply_chrome(self, theme: Theme) -> None:
        palette = QPalette(self.palette())
        for role, colour in (
            (QPalette.ColorRole.Window, theme.chrome),
            (QPalette.ColorRole.Base, theme.chrome),
            (QPalette.ColorRole.AlternateBase, theme.page),
            (QPalette.ColorRole.Text, theme.text),
            (QPalette.ColorRole.WindowText, theme.text),
            (QPalette.ColorRole.ButtonText, theme.text),
            (QPalette.ColorRole.Button, theme.chrome),
            (QPalette.ColorRole.Highlight, theme.selection),
            (QPalette.ColorRole.HighlightedText, theme.text),
            (QPalette.ColorRole.PlaceholderText, theme.muted),
            (QPalette.ColorRole.ToolTipBase, theme.page),
            (QPalette.ColorRole.ToolTipText, theme.text),
        ):
            palette.setColor(role, QColor(colour))
        self.setPalette(palette)
        for widget in (self.library_pane, self.entity_panel, self.find_bar, self.menuBar(),
                       self.toolbar):  # fmt: skip
            widget.setPalette(palette)
        self.setStyleSheet(
            f"QMainWindow, QToolBar, QMenuBar {{ background: {theme.chrome}; border: none; }}"
            f"QSplitter::handle {{ background: {theme.chrome}; }}"
            f"QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox {{ background: {theme.page};"
            f" color: {theme.text}; border: 1px solid {theme.muted}; border-radius: 4px;"
            " padding: 3px 6px; }"
            f"QListView, QTreeWidget {{ background: {theme.chrome}; color: {theme.text};"
            " border: none; }"
            f"QToolButton {{ color: {theme.text}; padding: 3px 7px; border-radius: 4px; }}"
            f"QToolBar::separator {{ background: {theme.muted}; width: 1px; margin: 6px 4px; }}"
            "QToolBar { padding-right: 6px; }"
            'QToolButton[popupMode="1"] { padding-right: 18px; }'
            "QToolButton::menu-button { border: none; width: 14px; }"
            "QToolButton::menu-indicator { subcontrol-position: right center; right: 3px; }"
            f"QLabel, QCheckBox, QRadioButton {{ color: {theme.text}; }}"
            f"QPushButton {{ color: {theme.text}; background: {theme.page};"
            f" border: 1px solid {theme.muted}; border-radius: 4px; padding: 4px 10px; }}"
            f"QPushButton:checked, QPushButton:hover {{ background: {theme.selection}; }}"
            f"QPushButton:disabled {{ color: {theme.muted}; }}"
            f"QMenu {{ background: {theme.page}; color: {theme.text}; }}"
            f"QMenu::item:selected {{ background: {theme.selection}; }}"
            f"QMenuBar::item {{ color: {theme.text}; }}"
            f"QToolButton:checked {{ background: {theme.selection}; }}"
            f"QToolButton:disabled {{ color: {theme.muted}; background: transparent; }}"
            f"QToolButton:hover {{ background: {theme.selection}; }}"
            f"QToolTip {{ background: {theme.page}; color: {theme.text};"
            f" border: 1px solid {theme.muted}; padding: 4px; }}"
        )

    # -- help -----------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        dialog = ShortcutSheet(self.actions(), self)
        dialog.show()
        self.shortcut_sheet = dialog

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_progress()
        self.entities.stop()
        self.loader.cancel()
        self.message_bar.dismiss()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("library/sort", self.library_pane.sort_box.currentData())
        self.settings.sync()
        super().closeEvent(event)


class ShortcutSheet(QDialog):
    """Every action with a keyboard shortcut, in one small table."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = [
            (action.text().replace("&", "").rstrip("…"),
             ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                       for s in action.shortcuts()))
            for action in actions
            if action.shortcuts()
        ]  # fmt: skip
        rows.append(("Previous / next article in the list", "↑ / ↓"))
        rows.append(("Find next / previous match", "Enter / Shift+Enter"))
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (name, keys) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        self.table = table
        self.resize(460, 520)
