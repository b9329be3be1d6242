"""On a narrow window the reading column wins: the library and entity panes fold away to a thin
strip at the column's edges and come back when their strip is clicked."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QSplitter, QToolButton, QWidget

COMPACT_WIDTH_PX = 1100  # below this the side panes fold away
STRIP_WIDTH_PX = 18
PANE_WIDTH_PX = (300, 260)  # library, entities: their width when one is brought back


def strip(tip: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName("sideStrip")
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setFixedWidth(STRIP_WIDTH_PX)
    button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
    button.hide()
    return button


class SidePanes(QObject):
    """Folds the splitter's first and last panes away below `COMPACT_WIDTH_PX`."""

    def __init__(
        self,
        splitter: QSplitter,
        strips: tuple[QToolButton, QToolButton],
        shown: Callable[[int], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.splitter = splitter
        self.strips = strips
        self._wanted = shown  # whether the person wants side `i` (0 left, 1 right) at all
        self.compact = False
        self._wide_sizes: list[int] | None = None  # the sizes to go back to
        self.open = [False, False]  # a folded side brought back by its strip
        for side, button in enumerate(strips):
            button.clicked.connect(lambda _c=False, s=side: self.toggle(s))
        self._label()

    def fit(self, width: int) -> None:
        """Follow the window's width: fold away below the limit, unfold above it."""
        compact = width < COMPACT_WIDTH_PX
        if compact == self.compact:
            if compact:
                self._apply()
            return
        self.compact = compact
        if compact:
            self._wide_sizes = self.splitter.sizes()
            self.open = [False, False]
            self._apply()
        else:
            for side, button in enumerate(self.strips):
                button.hide()
                self._pane(side).setVisible(self._wanted(side))
            if self._wide_sizes is not None:
                self.splitter.setSizes(self._wide_sizes)

    def wide_sizes(self) -> list[int]:
        """The sizes to remember: those of the wide window, not of the folded one."""
        return self._wide_sizes if self.compact and self._wide_sizes else self.splitter.sizes()

    def toggle(self, side: int) -> None:
        if self.compact:
            self.open[side] = not self.open[side]
            self._apply()

    def fold(self, side: int) -> None:
        """Put a side brought back on a narrow window away again (an article was chosen)."""
        if self.compact and self.open[side]:
            self.open[side] = False
            self._apply()

    def _pane(self, side: int) -> QWidget:
        return self.splitter.widget(0 if side == 0 else 2)

    def _apply(self) -> None:
        # Folded panes are hidden, not squeezed to nothing: a hidden pane asks for no room, so
        # the window can still be made as narrow as the column allows.
        total = self.splitter.width()
        sides = [PANE_WIDTH_PX[i] if self.open[i] and self._wanted(i) else 0 for i in range(2)]
        for side, button in enumerate(self.strips):
            self._pane(side).setVisible(sides[side] > 0)
            button.setVisible(self._wanted(side))
        self.splitter.setSizes([sides[0], max(0, total - sum(sides)), sides[1]])
        self._label()

    def _label(self) -> None:
        left, right = self.strips
        left.setText("‹" if self.open[0] else "›")
        right.setText("›" if self.open[1] else "‹")
        left.setToolTip("Hide the library" if self.open[0] else "Show the library")
        right.setToolTip("Hide the entities" if self.open[1] else "Show the entities")


def three_panes(
    left: QWidget,
    column: QWidget,
    right: QWidget,
    wanted: Callable[[int], bool],
    parent: QObject,
) -> tuple[QSplitter, SidePanes]:
    """The window's splitter: `left`, then `column` between its two strips, then `right`; the
    column takes what the side panes leave."""
    strips = (strip("Show the library"), strip("Show the entities"))
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)
    for widget, stretch in ((strips[0], 0), (column, 1), (strips[1], 0)):
        row.addWidget(widget, stretch)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    for index, (pane, stretch) in enumerate(((left, 0), (holder, 1), (right, 0))):
        splitter.addWidget(pane)
        splitter.setStretchFactor(index, stretch)
    splitter.setCollapsible(1, False)
    splitter.setSizes([300, 740, 240])
    return splitter, SidePanes(splitter, strips, wanted, parent)
