"""Colour themes, entity colours and typography settings for the reading view."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    page: str  # reading column background
    text: str
    muted: str  # byline, dates, captions
    link: str
    chrome: str  # window panes around the column
    selection: str
    accent: str  # unread dot, focus
    entity: dict[str, str]  # entity group -> pale background behind the words


THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light",
        page="#ffffff",
        text="#1f1f1f",
        muted="#6b6b6b",
        link="#1a5fb4",
        chrome="#f3f3f1",
        selection="#b3d4fc",
        accent="#2f6fde",
        entity={
            "PERSON": "#fde2c8",
            "ORG": "#d6e6fb",
            "PLACE": "#d5f0d8",
            "GROUP": "#eddcf7",
            "PRODUCT": "#cdeeea",
            "TIME": "#f6efc0",
            "WORK": "#f9d7e0",
            "NUMBER": "#e6e6e6",
        },
    ),
    "sepia": Theme(
        name="sepia",
        page="#f6efdf",
        text="#3b2f20",
        muted="#7a6a55",
        link="#8a4b08",
        chrome="#ece3cf",
        selection="#e3cfa4",
        accent="#b0642a",
        entity={
            "PERSON": "#f3d3b0",
            "ORG": "#d5dde8",
            "PLACE": "#d6e6c2",
            "GROUP": "#e6d3e6",
            "PRODUCT": "#cfe2d9",
            "TIME": "#efe1a0",
            "WORK": "#f0cccc",
            "NUMBER": "#e2dac8",
        },
    ),
    "dark": Theme(
        name="dark",
        page="#1e1f22",
        text="#d8d6d0",
        muted="#9a9891",
        link="#8ab4f8",
        chrome="#16171a",
        selection="#3d5a80",
        accent="#8ab4f8",
        entity={
            "PERSON": "#5a3d24",
            "ORG": "#28405e",
            "PLACE": "#2c4a31",
            "GROUP": "#4a3358",
            "PRODUCT": "#1f4b48",
            "TIME": "#544a1e",
            "WORK": "#5a2e3a",
            "NUMBER": "#3a3a3a",
        },
    ),
}

THEME_CHOICES = ("light", "sepia", "dark", "system")

# OntoNotes labels grouped into what a reader tells apart.
LABEL_GROUPS = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "NORP": "GROUP",
    "LANGUAGE": "GROUP",
    "DATE": "TIME",
    "TIME": "TIME",
    "EVENT": "WORK",
    "WORK_OF_ART": "WORK",
    "PRODUCT": "PRODUCT",
    "LAW": "WORK",
    "MONEY": "NUMBER",
    "PERCENT": "NUMBER",
    "QUANTITY": "NUMBER",
    "CARDINAL": "NUMBER",
    "ORDINAL": "NUMBER",
}

GROUP_NAMES = {
    "PERSON": "People",
    "ORG": "Organisations",
    "PLACE": "Places",
    "GROUP": "Groups",
    "PRODUCT": "Products & software",
    "TIME": "Dates & times",
    "WORK": "Events, works, laws",
    "NUMBER": "Numbers",
}

# What one entity of a group is called in a tooltip.
GROUP_SINGULAR = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "PLACE": "Place",
    "GROUP": "Group",
    "PRODUCT": "Product",
    "TIME": "Date or time",
    "WORK": "Event, work or law",
    "NUMBER": "Number",
}

DEFAULT_HIDDEN_GROUPS = frozenset({"NUMBER"})


def group_of(label: str) -> str:
    return LABEL_GROUPS.get(label, "WORK")


def system_is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    return bool(scheme == Qt.ColorScheme.Dark)


def resolve_theme(name: str) -> Theme:
    """The theme to paint with; "system" follows the desktop's light or dark setting."""
    if name == "system":
        return THEMES["dark" if system_is_dark() else "light"]
    return THEMES.get(name, THEMES["light"])


@dataclass(frozen=True, slots=True)
class Typography:
    font_family: str = "serif"  # "serif", "sans", "mono" or an installed family name
    font_size_pt: float = 15.0
    line_height_pct: int = 160
    column_em: int = 34
    theme: str = "light"  # light, sepia, dark or system

    def clamped(self) -> Typography:
        return replace(
            self,
            font_size_pt=min(max(float(self.font_size_pt), 9.0), 32.0),
            line_height_pct=min(max(int(self.line_height_pct), 100), 250),
            column_em=min(max(int(self.column_em), 20), 80),
            theme=self.theme if self.theme in THEME_CHOICES else "light",
            font_family=self.font_family or "serif",
        )


def chrome_colours(theme: Theme) -> dict[str, str]:
    """Palette roles of the panes around the column, by QPalette role name."""
    return {
        "Window": theme.chrome,
        "Base": theme.chrome,
        "AlternateBase": theme.page,
        "Text": theme.text,
        "WindowText": theme.text,
        "ButtonText": theme.text,
        "Button": theme.chrome,
        "Highlight": theme.selection,
        "HighlightedText": theme.text,
        "PlaceholderText": theme.muted,
        "ToolTipBase": theme.page,
        "ToolTipText": theme.text,
    }


def chrome_palette(base: QPalette, theme: Theme) -> QPalette:
    """`base` with the chrome colours of `theme`."""
    palette = QPalette(base)
    for role, colour in chrome_colours(theme).items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    return palette


def chrome_stylesheet(theme: Theme) -> str:
    """The window's style sheet for `theme`: panes, fields, buttons, menus and tooltips."""
    return (
        f"QMainWindow, QToolBar, QMenuBar {{ background: {theme.chrome}; border: none; }}"
        f"QSplitter::handle {{ background: {theme.chrome}; }}"
        # Spin boxes keep the style's own frame: a styled border would drop their arrows.
        f"QLineEdit, QComboBox {{ background: {theme.page};"
        f" color: {theme.text}; border: 1px solid {theme.muted}; border-radius: 4px;"
        " padding: 3px 6px; }"
        f"QListView, QTreeWidget {{ background: {theme.chrome}; color: {theme.text};"
        " border: none; }"
        f"QTableView, QPlainTextEdit {{ background: {theme.page}; color: {theme.text};"
        f" gridline-color: {theme.chrome}; border: 1px solid {theme.chrome}; }}"
        f"QHeaderView::section {{ background: {theme.chrome}; color: {theme.text};"
        f" border: none; padding: 3px 6px; }}"
        f"QDialog {{ background: {theme.chrome}; }}"
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
        + f"QToolButton#sideStrip {{ background: {theme.chrome}; color: {theme.muted};"
        " border: none; border-radius: 0; padding: 0; }"
        + f"QToolButton#sideStrip:hover {{ background: {theme.selection}; color: {theme.text}; }}"
        + scrollbar_stylesheet(theme)
        + (indicator_stylesheet(theme) if is_dark(theme) else "")
    )


def is_dark(theme: Theme) -> bool:
    return QColor(theme.page).lightness() < 100


def scrollbar_stylesheet(theme: Theme) -> str:
    """Slim scroll bars in the theme's colours (the style's own are white on a dark page)."""
    return (
        f"QScrollBar:vertical {{ background: {theme.chrome}; width: 11px; margin: 0; }}"
        f"QScrollBar:horizontal {{ background: {theme.chrome}; height: 11px; margin: 0; }}"
        f"QScrollBar::handle {{ background: {theme.muted}; border-radius: 4px;"
        " border: 2px solid transparent; background-clip: padding; }"
        "QScrollBar::handle:vertical { min-height: 28px; }"
        "QScrollBar::handle:horizontal { min-width: 28px; }"
        f"QScrollBar::handle:hover {{ background: {theme.text}; }}"
        "QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; border: none; }"
        "QScrollBar::add-page, QScrollBar::sub-page { background: none; }"
    )


def indicator_stylesheet(theme: Theme) -> str:
    """Check boxes and radio buttons drawn in the theme (the style's are white boxes)."""
    return (
        "QCheckBox::indicator, QRadioButton::indicator { width: 12px; height: 12px; }"
        f"QCheckBox::indicator {{ border: 1px solid {theme.muted}; border-radius: 3px;"
        f" background: {theme.page}; }}"
        f"QRadioButton::indicator {{ border: 1px solid {theme.muted}; border-radius: 7px;"
        f" background: {theme.page}; }}"
        f"QCheckBox::indicator:checked, QRadioButton::indicator:checked {{"
        f" background: {theme.accent}; border-color: {theme.accent}; }}"
        f"QCheckBox::indicator:disabled {{ border-color: {theme.chrome}; }}"
    )
