"""Typography and themes: applied at once, remembered, and the reading position kept."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from reader.ui.settings import load_typography
from reader.ui.theme import THEMES


def test_theme_applies_at_once_and_is_remembered(make_window, settings) -> None:
    window = make_window()
    window.open_article(window.model.article_ids()[0])
    panel = window.typography_panel
    for name in ("sepia", "dark", "light"):
        panel.theme_buttons[name].click()
        page = QColor(THEMES[name].page)
        assert window.reading_view.palette().color(QPalette.ColorRole.Base) == page
        frame = window.reading_view.document().rootFrame().frameFormat()
        assert frame.background().color() == page
    panel.theme_buttons["dark"].click()
    assert load_typography(settings).theme == "dark"
    window.close()
    assert make_window().theme.name == "dark"


def test_the_system_theme_follows_the_desktop(make_window) -> None:
    window = make_window()
    window.typography_panel.theme_buttons["system"].click()
    assert window.typography.theme == "system"
    assert window.theme.name in ("light", "dark")


def test_font_size_line_height_and_column_apply_and_are_remembered(
    make_window, settings, qtbot
) -> None:
    window = make_window()
    window.resize(1800, 800)
    qtbot.wait(20)
    window.open_article(window.model.article_ids()[0])
    view = window.reading_view
    panel = window.typography_panel
    panel.size.setValue(20)
    assert view.document().defaultFont().pointSizeF() == 20
    panel.line_height.setValue(200)
    body = view.document().findBlock(view.position_map.to_position(5))
    assert body.blockFormat().lineHeight() == 200
    narrow = view.viewportMargins().left()
    panel.column.setValue(24)
    assert view.viewportMargins().left() > narrow
    index = panel.family.findData("mono")
    panel.family.setCurrentIndex(index)
    assert window.typography.font_family == "mono"
    saved = load_typography(settings)
    assert (saved.font_size_pt, saved.line_height_pct, saved.column_em) == (20, 200, 24)
    assert saved.font_family == "mono"


def test_changing_typography_keeps_the_reading_position(make_window, qtbot) -> None:
    window = make_window()
    window.resize(900, 420)
    qtbot.wait(20)
    window.open_article(window.model.article_ids()[0])
    view = window.reading_view
    target = view.article.text.index("Chief Russian negotiator")
    view.scroll_to_offset(target)
    before = view.top_offset()
    window.typography_panel.size.setValue(19)
    assert abs(view.top_offset() - before) < 150


def test_bad_settings_fall_back_to_defaults(settings) -> None:
    settings.setValue("typography/font_size_pt", "huge")
    settings.setValue("typography/line_height_pct", 9999)
    settings.setValue("typography/theme", "neon")
    typography = load_typography(settings)
    assert typography.font_size_pt == 15.0
    assert typography.line_height_pct == 250
    assert typography.theme == "light"
