"""The main window: library list on the left, the reading view on the right."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QListView,
    QMainWindow,
    QSplitter,
    QToolBar,
)

from reader.core.library import Library
from reader.ui.controllers import ArticleLoader
from reader.ui.library_model import ArticleIdRole, LibraryListModel
from reader.ui.reading_view import ReadingView
from reader.ui.theme import THEMES

OPEN_FILE_FILTER = "Articles (*.html *.htm *.xhtml *.txt *.md);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, library: Library, loader: ArticleLoader, settings: QSettings) -> None:
        super().__init__()
        self.library = library
        self.loader = loader
        self.settings = settings
        self.setWindowTitle("Readmark")

        self.model = LibraryListModel(library)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setAlternatingRowColors(False)
        self.list_view.setMinimumWidth(220)
        self.reading_view = ReadingView()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(self.reading_view)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 980])
        self.setCentralWidget(self.splitter)

        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)
        self._build_actions()

        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        loader.started.connect(self._on_load_started)
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_load_failed)
        self.apply_theme(str(settings.value("theme", "light")))
        self.model.reload()

    # -- actions --------------------------------------------------------------------------

    def _build_actions(self) -> None:
        toolbar = QToolBar("Main")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.open_url_action = self._action("Open URL…", QKeySequence("Ctrl+L"), self.ask_url)
        self.open_file_action = self._action(
            "Open File…", QKeySequence.StandardKey.Open, self.ask_file
        )
        toolbar.addAction(self.open_url_action)
        toolbar.addAction(self.open_file_action)
        toolbar.addSeparator()
        for name in ("light", "sepia", "dark"):
            action = self._action(name.capitalize(), None, lambda n=name: self.apply_theme(n))
            toolbar.addAction(action)

    def _action(self, text: str, shortcut: object, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)  # type: ignore[arg-type]
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def ask_url(self) -> None:
        url, ok = QInputDialog.getText(self, "Open URL", "Address of the article:")
        if ok and url.strip():
            self.open_source(url.strip())

    def ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open article", "", OPEN_FILE_FILTER)
        if path:
            self.open_source(path)

    def open_source(self, source: str) -> None:
        self.loader.load(source)

    # -- articles -------------------------------------------------------------------------

    def open_article(self, article_id: int) -> None:
        saved = self.library.get(article_id)
        self.reading_view.show_article(saved.article)
        self.library.mark_opened(article_id)
        self.setWindowTitle(f"{saved.article.title} — Readmark")
        row = self.model.row_of(article_id)
        if row is not None:
            index = self.model.index(row)
            if self.list_view.currentIndex() != index:
                self.list_view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        article_id = current.data(ArticleIdRole)
        if article_id is not None and (
            self.reading_view.article is None or self._shown_id != article_id
        ):
            self._shown_id = article_id
            self.open_article(int(article_id))

    _shown_id: int | None = None

    def _on_load_started(self, source: str) -> None:
        self.status.setText(f"Loading {source}…")

    def _on_loaded(self, article_id: int) -> None:
        self.status.setText("Saved to your library.")
        self.model.reload()
        self._shown_id = article_id
        self.open_article(article_id)

    def _on_load_failed(self, source: str, message: str) -> None:
        self.status.setText(f"Could not open {source}: {message}")

    # -- look -----------------------------------------------------------------------------

    def apply_theme(self, name: str) -> None:
        theme = THEMES.get(name, THEMES["light"])
        self.settings.setValue("theme", theme.name)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(theme.chrome))
        palette.setColor(QPalette.ColorRole.Base, QColor(theme.chrome))
        palette.setColor(QPalette.ColorRole.Text, QColor(theme.text))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(theme.text))
        palette.setColor(QPalette.ColorRole.ButtonText, QColor(theme.text))
        palette.setColor(QPalette.ColorRole.Button, QColor(theme.chrome))
        palette.setColor(QPalette.ColorRole.Highlight, QColor(theme.selection))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor(theme.text))
        self.setPalette(palette)
        self.list_view.setPalette(palette)
        self.reading_view.set_typography(self.reading_view.typography, theme)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        super().closeEvent(event)
