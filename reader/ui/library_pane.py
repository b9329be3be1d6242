"""The library pane: search field, filter and sort, and the lazy article list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from reader.ui.library_access import (
    SORTS,
    EntityCount,
    LibraryAccess,
    entity_query,
    quote_term,
)
from reader.ui.library_model import ArticleDelegate, ArticleIdRole, LibraryListModel
from reader.ui.rich_text import plain_label
from reader.ui.tasks import TaskRunner
from reader.ui.theme import GROUP_NAMES, GROUP_SINGULAR, Theme, group_of

SEARCH_DEBOUNCE_MS = 150
TOP_ENTITY_FILTERS = 25
TRASH_FILTER = "is:trash"
BASE_FILTERS = (
    ("All articles", ""),
    ("Unread", "is:unread"),
    ("Favourites", "is:favorite"),
    ("Archive", "is:archived"),
    ("Trash", TRASH_FILTER),
)


class LibraryPane(QWidget):
    article_selected = Signal(int)
    filters_refreshed = Signal()

    def __init__(
        self,
        access: LibraryAccess,
        tasks: TaskRunner | None,
        theme: Callable[[], Theme],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.access = access
        self._tasks = tasks
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 0)
        layout.setSpacing(6)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search  (try tag:, is:unread, person:)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            'Words, "phrases", -word, tag:NAME, site:DOMAIN, is:unread|archived|favorite, '
            "person:NAME, org:NAME, place:NAME, before:DATE, after:DATE"
        )
        layout.addWidget(self.search)
        row = QHBoxLayout()
        self.filter_box = QComboBox()
        self.filter_box.setToolTip("Show")
        self.sort_box = QComboBox()
        self.sort_box.setToolTip("Sort")
        for key, name in SORTS.items():
            self.sort_box.addItem(name, key)
        for box in (self.filter_box, self.sort_box):
            # Long entity names must not widen the pane.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(6)
        self._make_filter_searchable()
        row.addWidget(self.filter_box, 3)
        row.addWidget(self.sort_box, 2)
        layout.addLayout(row)
        # Shown in the Trash: what can be done with deleted articles.
        self.trash_bar = QWidget()
        trash_row = QHBoxLayout(self.trash_bar)
        trash_row.setContentsMargins(0, 0, 0, 0)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setToolTip("Put the selected article back in the library (R)")
        self.empty_trash_button = QPushButton("&Empty Trash…")
        self.empty_trash_button.setToolTip("Delete every article in the trash for good")
        trash_row.addWidget(self.restore_button)
        trash_row.addWidget(self.empty_trash_button)
        trash_row.addStretch(1)
        self.trash_bar.hide()
        layout.addWidget(self.trash_bar)
        self.error_label = plain_label(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.model = LibraryListModel(access, tasks)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(ArticleDelegate(theme))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setMouseTracking(True)
        self.list_view.setFrameShape(QListView.Shape.NoFrame)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setAcceptDrops(False)
        layout.addWidget(self.list_view, 1)
        self.empty_label = plain_label(QLabel("No articles match."))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setContentsMargins(12, 40, 12, 0)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        layout.addWidget(self.empty_label, 1)
        self.count_label = plain_label(QLabel())
        self.count_label.setContentsMargins(4, 0, 0, 4)
        layout.addWidget(self.count_label)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_query)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.apply_query)
        self.search.installEventFilter(self)  # Down goes on to the list
        self.filter_box.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.sort_box.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.model.query_applied.connect(self._on_query_applied)
        self.model.query_failed.connect(self._on_query_failed)
        self.model.rowsInserted.connect(lambda *_: self._update_counts())
        self.model.rowsRemoved.connect(lambda *_: self._update_counts())
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self._show_filters([], [])

    # -- queries --------------------------------------------------------------------------

    def query(self) -> str:
        token = str(self.filter_box.currentData() or "")
        return " ".join(p for p in (token, self.search.text().strip()) if p)

    def in_trash(self) -> bool:
        """Whether the list shows the trash."""
        return self.filter_box.currentData() == TRASH_FILTER

    def show_filter(self, token: str) -> None:
        """Choose a filter of the list by its query ("" for all articles, TRASH_FILTER...)."""
        index = self.filter_box.findData(token)
        if index >= 0 and index != self.filter_box.currentIndex():
            self.filter_box.setCurrentIndex(index)

    def apply_query(self, background: bool = True) -> None:
        self._debounce.stop()
        self.trash_bar.setVisible(self.in_trash())
        sort = str(self.sort_box.currentData() or "newest")
        self.model.set_query(self.query(), sort, background=background)

    def refresh_filters(self, background: bool = False) -> None:
        """Rebuild the filter list (tags and the most mentioned entities), keeping the choice.

        On a large library counting tags takes a moment, so the window asks for it in the
        background once it is shown.
        """
        if not background or self._tasks is None:
            self._show_filters(self.access.tags(), self.access.top_entities(TOP_ENTITY_FILTERS))
            return
        access = self.access  # its library reads through the worker thread's own connection

        def work() -> tuple[list[str], list[EntityCount]]:
            return access.tags(), access.top_entities(TOP_ENTITY_FILTERS)

        self._tasks.run(work, on_done=lambda found: self._show_filters(*found))

    def _show_filters(self, tags: list[str], entities: list[EntityCount]) -> None:
        current = self.filter_box.currentData()
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        for name, token in BASE_FILTERS:
            self.filter_box.addItem(name, token)
        if tags:
            self._add_heading("Tags")
            for tag in tags:
                self.filter_box.addItem(f"# {tag}", f"tag:{quote_term(tag)}")
        for group, heading in GROUP_NAMES.items():  # entities by kind, most mentioned first
            members = [e for e in entities if group_of(e.label) == group]
            if members:
                self._add_heading(heading)
            for entity in members:
                kind = GROUP_SINGULAR.get(group, entity.label)
                self.filter_box.addItem(
                    f"{kind}: {entity.name}  ({entity.articles})",
                    entity_query(entity.label, entity.name),
                )
        index = self.filter_box.findData(current) if current is not None else 0
        if index < 0:  # a filter chosen from the entity panel, not among the top ones
            self.filter_box.addItem(str(current), current)
            index = self.filter_box.count() - 1
        self.filter_box.setCurrentIndex(max(0, index))
        self.filter_box.blockSignals(False)
        self.filters_refreshed.emit()

    def _add_heading(self, text: str) -> None:
        """A group title in the filter list: shown, never chosen."""
        self.filter_box.insertSeparator(self.filter_box.count())
        self.filter_box.addItem(text)
        item = self.filter_box.model().item(self.filter_box.count() - 1)  # type: ignore[attr-defined]
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        font = item.font()
        font.setBold(True)
        item.setFont(font)

    def _make_filter_searchable(self) -> None:
        """Typing in the filter field narrows the list of filters to those containing it."""
        box = self.filter_box
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(box.model(), box)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        box.setCompleter(completer)
        completer.activated.connect(self._choose_filter)
        box.lineEdit().editingFinished.connect(self._on_filter_edited)

    def _on_filter_edited(self) -> None:
        # Also sent when the focus leaves while the window is being closed and destroyed.
        if isValid(self.filter_box):
            self._choose_filter(self.filter_box.currentText())

    def _choose_filter(self, text: str) -> None:
        """Choose the filter called `text`; any other text goes back to the current filter's."""
        box = self.filter_box
        index = box.findText(text)
        if index >= 0 and box.itemData(index) is not None and index != box.currentIndex():
            box.setCurrentIndex(index)
        else:
            box.lineEdit().setText(box.itemText(box.currentIndex()))

    def filter_by_entity(self, label: str, name: str) -> None:
        """Show the articles that mention an entity (from the entity panel)."""
        token = entity_query(label, name)
        index = self.filter_box.findData(token)
        if index < 0:
            kind = GROUP_SINGULAR.get(group_of(label), label)
            self.filter_box.addItem(f"{kind}: {name}", token)
            index = self.filter_box.count() - 1
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        if self.filter_box.currentIndex() == index:
            self.apply_query()
        else:
            self.filter_box.setCurrentIndex(index)

    def _on_query_applied(self) -> None:
        self.error_label.hide()
        self._update_counts()

    def _on_query_failed(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _update_counts(self) -> None:
        rows = self.model.rowCount()
        more = "+" if self.model.canFetchMore(QModelIndex()) else ""
        where = " in the trash" if self.in_trash() else ""
        self.count_label.setText(f"{rows}{more} article{'s' if rows != 1 else ''}{where}")
        empty = rows == 0
        if empty:
            if self.in_trash():
                message = (
                    "No deleted articles match."
                    if self.search.text().strip()
                    else ("The trash is empty.")
                )
            else:
                message = "No articles match." if self.query() else "Your library is empty."
            self.empty_label.setText(message)
        self.empty_label.setVisible(empty)
        self.list_view.setVisible(not empty)

    # -- selection ------------------------------------------------------------------------

    def current_id(self) -> int | None:
        value = self.list_view.currentIndex().data(ArticleIdRole)
        return int(value) if value is not None else None

    def select_id(self, article_id: int) -> bool:
        row = self.model.row_of(article_id)
        if row is None:
            return False
        index = self.model.index(row)
        if self.list_view.currentIndex() != index:
            self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)
        return True

    def select_row(self, row: int) -> None:
        if self.model.canFetchMore(QModelIndex()) and row >= self.model.rowCount() - 1:
            self.model.fetchMore(QModelIndex())
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row)
            self.list_view.setCurrentIndex(index)
            self.list_view.scrollTo(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Only key presses are looked at: other events also arrive while the pane is being
        # destroyed, when touching it would fail.
        if (
            event.type() == QEvent.Type.KeyPress
            and watched is self.search
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            if self._debounce.isActive():  # the list first shows what was just typed
                self.apply_query(background=False)
            if self.model.rowCount():
                self.list_view.setFocus()
                if not self.list_view.currentIndex().isValid():
                    self.select_row(0)
                return True
        return False

    def drop(self, article_id: int) -> bool:
        """Take an article out of the list and select its neighbour; False when none is left."""
        row = self.model.row_of(article_id)
        self.model.hide_article(article_id)
        if not self.model.rowCount():
            return False
        self.select_row(min(row or 0, self.model.rowCount() - 1))
        return True

    def set_sort(self, key: str | None) -> None:
        """Choose the sort by its key without listing again (the caller lists next)."""
        index = self.sort_box.findData(key)
        if index >= 0:
            self.sort_box.blockSignals(True)
            self.sort_box.setCurrentIndex(index)
            self.sort_box.blockSignals(False)

    def show_trash(self) -> None:
        self.show_filter(TRASH_FILTER)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def select_next(self) -> None:
        self.step(1)

    def select_previous(self) -> None:
        self.step(-1)

    def step(self, delta: int) -> None:
        """Select the next (+1) or previous (-1) article in the list."""
        current = self.list_view.currentIndex()
        row = current.row() + delta if current.isValid() else 0
        self.select_row(max(0, row))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = current.data(ArticleIdRole)
        if value is not None:
            self.article_selected.emit(int(value))
