"""How highlights look: their shades on light and dark pages, swatches and short previews."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap, QTextCharFormat

from reader.core.anchoring import COLORS

AnnotationIdRole = Qt.ItemDataRole.UserRole + 1
ArticleIdRole = Qt.ItemDataRole.UserRole + 2
QUOTE_PREVIEW_CHARS = 160

# colour -> (background on a light page, underline on a light page, background on a dark page)
HIGHLIGHT_SHADES: dict[str, tuple[str, str, str]] = {
    "yellow": ("#ffe45c", "#b38f00", "#c9a200"),
    "green": ("#a6eaa0", "#2e8b3a", "#2f9e44"),
    "blue": ("#a9d1ff", "#2563b8", "#3273dc"),
    "pink": ("#ffb3cf", "#c2336b", "#c83a72"),
    "purple": ("#d7bfff", "#7443c7", "#8455d6"),
}
HIGHLIGHT_ALPHA = 175  # an entity's tint still shows through where the two overlap
COLOR_NAMES = {c: c.capitalize() for c in COLORS}


def _is_dark(colour: str) -> bool:
    return QColor(colour).lightness() < 100


def highlight_format(color: str, page: str, noted: bool = False) -> QTextCharFormat:
    """A highlight's look; one with a note is underlined with dashes, so it shows in the text."""
    light_bg, underline, dark_bg = HIGHLIGHT_SHADES.get(color, HIGHLIGHT_SHADES["yellow"])
    dark = _is_dark(page)
    background = QColor(dark_bg if dark else light_bg)
    background.setAlpha(HIGHLIGHT_ALPHA)
    fmt = QTextCharFormat()
    fmt.setBackground(background)
    fmt.setFontUnderline(True)
    fmt.setUnderlineStyle(
        QTextCharFormat.UnderlineStyle.DashUnderline
        if noted
        else QTextCharFormat.UnderlineStyle.SingleUnderline
    )
    fmt.setUnderlineColor(QColor(light_bg if dark else underline))
    return fmt


def color_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(HIGHLIGHT_SHADES.get(color, HIGHLIGHT_SHADES["yellow"])[0]))
    return QIcon(pixmap)


def preview(text: str, limit: int = QUOTE_PREVIEW_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
