"""The Feeds section: subscriptions by folder with unread counts, "Subscribe…" (an address or an
OPML file), a feed's last error in plain words, and background refreshes on each feed's interval.
Network and database work runs through the window's `TaskRunner`, the widgets see only results;
choosing a feed or a folder shows its articles in the library list (`feed:` search).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import ReadmarkError
from reader.core.feeds.interval import format_interval, parse_interval
from reader.core.feeds.model import Feed, FeedOutcome
from reader.core.feeds.service import Feeds
from reader.core.library import Library
from reader.ui.actions import ActionSpec
from reader.ui.rich_text import plain_label, shown, tooltip

if TYPE_CHECKING:  # refresh, OPML and mail load on first use: start-up needs none of them
    from reader.core.feeds.refresh import RefreshPolicy
    from reader.core.importers.mail import MailReport
    from reader.ui.features import FeatureContext

CHECK_EVERY_MS = 60_000  # how often the window looks for feeds whose interval has passed
FEED_ROLE = Qt.ItemDataRole.UserRole
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1

SUBSCRIBE = ActionSpec(
    "subscribe_feed",
    "Subscribe to Feed…",
    "File",
    keys=("Ctrl+Shift+F",),
    tip="Follow an RSS, Atom or JSON feed (or the feed a page names), or import an OPML file",
    separator_before=True,
)
WATCH_NEWSLETTERS = ActionSpec(
    "watch_newsletters",
    "Watch a Newsletter Folder…",
    "File",
    tip="Bring in the .eml and .mbox files a folder receives, as articles",
)
REFRESH = ActionSpec(
    "refresh_feeds", "Refresh Feeds", "File", keys=("Ctrl+Shift+R",), tip="Check every feed now"
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    feeds: list[Feed]
    folders: list[tuple[str, int]]


class FeedsSection(QWidget):
    """The tree of feeds and folders, with the buttons under it."""

    feed_chosen = Signal(str)  # the library query that shows the chosen feed or folder
    subscribe_requested = Signal()
    refresh_requested = Signal()
    refresh_one_requested = Signal(int)
    remove_requested = Signal(int)
    move_requested = Signal(int)
    every_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        layout.addWidget(self.tree, 1)
        self.error_label = plain_label(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.status_label = plain_label(QLabel())
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        row = QHBoxLayout()
        self.subscribe_button = QPushButton("&Subscribe…")
        self.subscribe_button.setToolTip(
            "Follow a feed by its address or a page's, or an OPML file"
        )
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Check every feed now")
        row.addWidget(self.subscribe_button)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.subscribe_button.clicked.connect(self.subscribe_requested)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.tree.currentItemChanged.connect(self._on_current)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self._feeds: dict[int, Feed] = {}
        self.show_feeds(Snapshot([], []))

    def show_feeds(self, snapshot: Snapshot) -> None:
        current = self.current_feed_id()
        self.tree.blockSignals(True)
        self.tree.clear()
        self._feeds = {feed.id: feed for feed in snapshot.feeds}
        folders: dict[str, QTreeWidgetItem] = {}
        unread = dict(snapshot.folders)
        for feed in snapshot.feeds:
            parent: QTreeWidget | QTreeWidgetItem = self.tree
            if feed.folder:
                if feed.folder not in folders:
                    item = QTreeWidgetItem(self.tree, [shown(feed.folder), _count(unread, feed)])
                    item.setData(0, FOLDER_ROLE, feed.folder)
                    item.setExpanded(True)
                    folders[feed.folder] = item
                parent = folders[feed.folder]
            mark = "⚠ " if feed.last_error or feed.dead else ""
            row = QTreeWidgetItem(parent, [mark + shown(feed.name), str(feed.unread or "")])
            row.setData(0, FEED_ROLE, feed.id)
            row.setToolTip(0, tooltip(_describe(feed)))
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            if current == feed.id:
                self.tree.setCurrentItem(row)
        for item in folders.values():
            item.setExpanded(True)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
        self.tree.blockSignals(False)
        if not snapshot.feeds:
            self.status_label.setText("No feeds yet: Subscribe… to follow a site.")
        else:
            total = sum(feed.unread for feed in snapshot.feeds)
            self.status_label.setText(f"{len(snapshot.feeds)} feeds, {total} unread")
        self._show_error(self._feeds.get(current) if current is not None else None)

    def current_feed_id(self) -> int | None:
        item = self.tree.currentItem()
        value = item.data(0, FEED_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def item_for(self, feed_id: int) -> QTreeWidgetItem | None:
        for item in self._items():
            if item.data(0, FEED_ROLE) == feed_id:
                return item
        return None

    def folder_item(self, folder: str) -> QTreeWidgetItem | None:
        for item in self._items():
            if item.data(0, FOLDER_ROLE) == folder:
                return item
        return None

    def _items(self) -> list[QTreeWidgetItem]:
        found = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return found

    def _show_error(self, feed: Feed | None) -> None:
        if feed is not None and (feed.last_error or feed.dead):
            self.error_label.setText(f"{feed.name}: {feed.last_error or 'gone'}")
            self.error_label.show()
        else:
            self.error_label.hide()

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        feed_id = item.data(0, FEED_ROLE)
        if feed_id is not None:
            self._show_error(self._feeds.get(int(feed_id)))
            self.feed_chosen.emit(f"feed:{int(feed_id)}")
        else:
            self._show_error(None)
            folder = str(item.data(0, FOLDER_ROLE) or "")
            self.feed_chosen.emit('feed:"' + folder.replace('"', "") + '"')

    def _context_menu(self, position: Any) -> None:
        item = self.tree.itemAt(position)
        feed_id = item.data(0, FEED_ROLE) if item is not None else None
        if feed_id is None:
            return
        menu = QMenu(self)
        menu.addAction("Refresh Now", lambda: self.refresh_one_requested.emit(int(feed_id)))
        menu.addAction("Move to Folder…", lambda: self.move_requested.emit(int(feed_id)))
        menu.addAction("Check Every…", lambda: self.every_requested.emit(int(feed_id)))
        menu.addSeparator()
        menu.addAction("Unsubscribe", lambda: self.remove_requested.emit(int(feed_id)))
        menu.exec(self.tree.viewport().mapToGlobal(position))


def _count(unread: dict[str, int], feed: Feed) -> str:
    return str(unread.get(feed.folder) or "")


def _describe(feed: Feed) -> str:
    lines = [feed.url, f"checked every {format_interval(feed.every_s)}"]
    if feed.checked_at:
        lines.append(f"last checked {feed.checked_at}")
    if feed.dead:
        lines.append("gone: no longer checked")
    if feed.last_error:
        lines.append(feed.last_error)
    return "\n".join(lines)


class FeedsFeature(QObject):
    """Installs the section, its actions and the background refresh."""

    refreshed = Signal(object)  # list[FeedOutcome]
    newsletters_checked = Signal(object)  # MailReport
    changed = Signal()  # the feeds shown were read again

    def __init__(self, context: FeatureContext, policy: RefreshPolicy | None = None) -> None:
        super().__init__(context.shell.widget)
        self.context = context
        self.shell = context.shell
        self.library: Library = context.library
        self.tasks = context.tasks
        self.policy = policy
        self.section = FeedsSection()
        self.dock = self.shell.add_panel(self.section, "Feeds", LEFT)
        self.dock.hide()  # until the library is known to follow a feed
        self.subscribe_action: QAction = self.shell.add_action(SUBSCRIBE, self.ask_subscribe)
        self.refresh_action: QAction = self.shell.add_action(REFRESH, lambda: self.refresh_now())
        self.watch_action: QAction = self.shell.add_action(WATCH_NEWSLETTERS, self.ask_folder)
        self.checking_mail = False
        self.section.subscribe_requested.connect(self.ask_subscribe)
        self.section.refresh_requested.connect(lambda: self.refresh_now())
        self.section.refresh_one_requested.connect(lambda feed_id: self.refresh_now([feed_id]))
        self.section.feed_chosen.connect(self._show_in_library)
        self.section.remove_requested.connect(self.unsubscribe)
        self.section.move_requested.connect(self._ask_folder)
        self.section.every_requested.connect(self._ask_every)
        self.refreshing = False
        # A refresh running at close stops at its next entry; the rest comes with the next one.
        self.cancel = threading.Event()
        self.shell.widget.destroyed.connect(self.cancel.set)
        self._placed = False
        self._had_feeds = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.refresh_due)
        self.timer.timeout.connect(self.check_newsletters)
        self.timer.start()
        self.context.session.library_changed.connect(self.reload)
        self.context.session.summary_changed.connect(lambda *_: self.reload())
        QTimer.singleShot(0, self.reload)
        QTimer.singleShot(0, self.refresh_due)
        QTimer.singleShot(0, self.check_newsletters)

    # -- reading ---------------------------------------------------------------------------

    def _run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.tasks.run(work, done, failed or (lambda exc: self.shell.notify_error(str(exc))))

    def reload(self) -> None:
        def work() -> Snapshot:
            feeds = Feeds(self.library)
            return Snapshot(feeds.all(), feeds.folders())

        self._run(work, self._show)

    def _show(self, snapshot: Snapshot) -> None:
        # A library that follows no feed keeps the window as it was (View > Feeds shows the
        # panel); the first feed brings it in.
        if not self._placed:
            self.dock.setVisible(bool(snapshot.feeds))
        elif snapshot.feeds and not self._had_feeds:
            self.dock.show()
        self._placed = True
        self._had_feeds = bool(snapshot.feeds)
        self.section.show_feeds(snapshot)
        self.changed.emit()

    def _show_in_library(self, query: str) -> None:
        pane = getattr(self.shell.widget, "library_pane", None)
        search = getattr(pane, "search", None)
        if isinstance(search, QLineEdit) and pane is not None:
            search.setText(query)
            pane.apply_query()

    # -- subscribing -----------------------------------------------------------------------

    def ask_subscribe(self) -> None:
        text, ok = QInputDialog.getText(
            self.shell.widget,
            "Subscribe to Feed",
            "Address of a feed or of a page that names one\n(leave empty to import an OPML file):",
        )
        if not ok:
            return
        if text.strip():
            self.subscribe(text.strip())
            return
        path, _filter = QFileDialog.getOpenFileName(
            self.shell.widget, "Import OPML", "", "OPML (*.opml *.xml);;All files (*)"
        )
        if path:
            self.import_opml(Path(path))

    def subscribe(self, url: str, folder: str = "") -> None:
        self.section.status_label.setText(f"Subscribing to {shown(url)}…")

        def work() -> Feed:
            feed, _new = Feeds(self.library).add(url, folder=folder)
            return feed

        def done(feed: Feed) -> None:
            self.shell.notify_info(f"Subscribed to {feed.name}; its articles are on the way.")
            self.reload()
            self.refresh_now([feed.id])

        def failed(exc: BaseException) -> None:
            self.shell.notify_error(f"Could not subscribe: {exc}")
            self.reload()

        self._run(work, done, failed)

    def import_opml(self, path: Path) -> None:
        def work() -> tuple[int, int]:
            from reader.core.feeds.opml import read_opml

            outlines = read_opml(path)
            feeds = Feeds(self.library)
            new = 0
            with self.library.transaction():
                for outline in outlines:
                    _feed, added = feeds.subscribe(
                        outline.url,
                        title=outline.title,
                        folder=outline.folder,
                        site_url=outline.site_url,
                    )
                    new += int(added)
            return len(outlines), new

        def done(counts: tuple[int, int]) -> None:
            total, new = counts
            self.shell.notify_info(f"{total} feeds in {path.name}: {new} new.")
            self.reload()
            self.refresh_now()

        self._run(work, done)

    def unsubscribe(self, feed_id: int) -> None:
        self._run(lambda: Feeds(self.library).remove(feed_id), lambda feed: self._removed(feed))

    def _removed(self, feed: Feed) -> None:
        self.shell.notify_info(f"Unsubscribed from {feed.name}; its articles stay.")
        self.reload()

    def _ask_folder(self, feed_id: int) -> None:
        folder, ok = QInputDialog.getText(self.shell.widget, "Move to Folder", "Folder:")
        if ok:
            self._run(lambda: Feeds(self.library).change(feed_id, folder=folder), self._changed)

    def _ask_every(self, feed_id: int) -> None:
        text, ok = QInputDialog.getText(
            self.shell.widget, "Check Every", "Check this feed every (30m, 1h, 6h, 1d):", text="1h"
        )
        if not ok:
            return
        try:
            seconds = parse_interval(text)
        except ReadmarkError as exc:  # its message says which forms work
            self.shell.notify_error(str(exc))
            return
        self._run(lambda: Feeds(self.library).change(feed_id, every_s=seconds), self._changed)

    def _changed(self, _feed: Feed) -> None:
        self.reload()

    # -- newsletters -----------------------------------------------------------------------

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.shell.widget, "Watch a Newsletter Folder (.eml and .mbox files)"
        )
        if folder:
            self.check_newsletters(Path(folder))

    def check_newsletters(self, folder: Path | None = None) -> None:
        """Import what arrived in the watched folder (`folder` becomes the watched one)."""
        if self.checking_mail:
            return
        self.checking_mail = True

        def work() -> MailReport:
            from reader.core.importers.mail import watch_folder

            return watch_folder(self.library, folder)

        def done(report: MailReport) -> None:
            self.checking_mail = False
            if report.added:
                self.context.session.articles_changed.emit()
                self.shell.notify_info(
                    f"{report.added} newsletter{'s' if report.added != 1 else ''} added."
                )
            elif folder is not None:
                self.shell.notify_info(f"Watching {folder.name}: {report.summary()}.")
            if report.failed:
                name, reason = report.failed[0]
                self.shell.notify_error(f"{name}: {reason}")
            self.newsletters_checked.emit(report)

        def failed(exc: BaseException) -> None:
            self.checking_mail = False
            self.shell.notify_error(str(exc))

        self._run(work, done, failed)

    # -- refreshing ------------------------------------------------------------------------

    def refresh_due(self) -> None:
        """Refresh the feeds whose interval has passed (the timer's tick)."""
        if self.refreshing:
            return
        self._run(lambda: [feed.id for feed in Feeds(self.library).due()], self._refresh_ids)

    def _refresh_ids(self, ids: list[int]) -> None:
        if ids:
            self.refresh_now(ids)

    def refresh_now(self, ids: list[int] | None = None) -> None:
        if self.refreshing:
            return
        self.refreshing = True
        self.refresh_button_state()
        recognise = self.context.recogniser()

        def work() -> list[FeedOutcome]:
            from reader.core.feeds.refresh import Refresher, RefreshPolicy

            policy = self.policy or RefreshPolicy()
            refresher = Refresher(self.library, policy, recognise=recognise, cancel=self.cancel)
            return refresher.run(ids)

        def failed(exc: BaseException) -> None:
            self.refreshing = False
            self.refresh_button_state()
            self.shell.notify_error(f"Feeds could not be refreshed: {exc}")

        self._run(work, self._refreshed, failed)

    def refresh_button_state(self) -> None:
        self.section.refresh_button.setEnabled(not self.refreshing)
        self.refresh_action.setEnabled(not self.refreshing)
        if self.refreshing:
            self.section.status_label.setText("Checking feeds…")

    def _refreshed(self, outcomes: list[FeedOutcome]) -> None:
        self.refreshing = False
        self.refresh_button_state()
        added = sum(outcome.added for outcome in outcomes)
        failed = [outcome for outcome in outcomes if outcome.error]
        if added:
            self.context.session.articles_changed.emit()
            self.shell.notify_info(f"{added} new article{'s' if added != 1 else ''} from feeds.")
        elif failed and len(failed) == len(outcomes):
            self.shell.notify_error(f"{failed[0].name}: {failed[0].error}")
        self.reload()
        self.refreshed.emit(outcomes)


def install(context: FeatureContext) -> FeedsFeature:
    return FeedsFeature(context)
