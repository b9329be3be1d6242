"""Settings: a settings file written by an earlier version still loads, key by key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from reader.ui.settings import UiSettings
from reader.ui.theme import Typography


def _ini(path: Path, text: str) -> QSettings:
    path.write_text(text, encoding="utf-8")
    return QSettings(str(path), QSettings.Format.IniFormat)


def test_an_earlier_versions_settings_file_loads(tmp_path: Path) -> None:
    store = _ini(
        tmp_path / "settings.ini",
        "[General]\n"
        "theme=sepia\n"  # the theme was kept at the top level before typography had a group
        '[entities]\nhidden="NUMBER,TIME"\nshown=false\npanel=false\n'
        "[highlights]\npanel_visible=true\n"
        "[library]\nsort=oldest\n"
        "[typography]\nfont_size_pt=18\n",
    )
    settings = UiSettings(store)
    assert settings.hidden_groups == {"NUMBER", "TIME"}
    assert settings.entities_shown is False
    assert settings.entity_panel_shown is False
    assert settings.highlights_panel_shown is True
    assert settings.library_sort == "oldest"
    assert settings.typography.theme == "sepia"
    assert settings.typography.font_size_pt == 18.0


def test_a_first_run_has_the_defaults(tmp_path: Path) -> None:
    settings = UiSettings(QSettings(str(tmp_path / "new.ini"), QSettings.Format.IniFormat))
    assert settings.hidden_groups is None  # then the default hidden groups apply
    assert settings.entities_shown and settings.entity_panel_shown
    assert not settings.highlights_panel_shown  # the reading column keeps its width
    assert settings.geometry is None and settings.splitter is None
    assert settings.typography == Typography()


def test_what_is_saved_is_read_back_by_a_new_start(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    settings = UiSettings(QSettings(str(path), QSettings.Format.IniFormat))
    settings.hidden_groups = {"PERSON"}
    settings.entities_shown = False
    settings.highlights_panel_shown = True
    settings.splitter = QByteArray(b"\x00\x01state")
    settings.typography = Typography(theme="dark", column_em=40)
    settings.set_theme("sepia")  # the command line's --theme wins at the next start
    settings.sync()
    again = UiSettings(QSettings(str(path), QSettings.Format.IniFormat))
    assert again.hidden_groups == {"PERSON"}
    assert again.entities_shown is False
    assert again.highlights_panel_shown is True
    assert again.splitter == QByteArray(b"\x00\x01state")
    assert again.typography == Typography(theme="sepia", column_em=40)
    # The keys are the ones earlier versions read, so going back a version keeps them too.
    raw = path.read_text(encoding="utf-8")
    for key in ("hidden=", "shown=false", "panel_visible=true", "theme=sepia", "column_em=40"):
        assert key in raw
