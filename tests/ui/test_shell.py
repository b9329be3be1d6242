"""The shell and the action table: features are added through the shell alone, every shortcut
is declared once and none is bound twice."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from reader.ui import actions, features
from reader.ui.actions import ActionSpec
from reader.ui.window_shell import WindowShell

NOTES = ActionSpec("notes_panel", "Show Notes", "View", keys=("Ctrl+Alt+N",), toolbar=True)


def install_notes_panel(context: features.FeatureContext) -> QLabel:
    """A feature as small as they come: a panel and an action, through the shell only."""
    label = QLabel("Notes")
    dock = context.shell.add_panel(label, "Notes")
    dock.hide()
    context.shell.add_action(NOTES, dock.show)
    return label


def test_no_two_actions_share_a_key(make_window) -> None:
    window = make_window()
    keys = Counter(
        key.toString()
        for action in window.actions()
        for key in action.shortcuts()
        if not key.isEmpty()
    )
    assert keys, "the window has shortcuts"
    assert [key for key, count in keys.items() if count > 1] == []


def test_every_table_entry_is_in_its_menu_with_its_keys(make_window) -> None:
    window = make_window()
    entries = [*actions.WINDOW_ACTIONS, actions.IMPORT, actions.HIGHLIGHT, actions.NOTE]
    for spec in entries:
        action = getattr(window, f"{spec.name}_action")
        assert action in window.menus[spec.menu].actions(), spec.name
        expected = [QKeySequence(key) for key in spec.keys]
        assert [k for k in expected if not k.isEmpty()] == action.shortcuts(), spec.name


def test_quit_stays_last_in_the_file_menu(make_window) -> None:
    window = make_window()
    entries = [a for a in window.menus["File"].actions() if not a.isSeparator()]
    assert entries[-1].text() == "Quit"
    assert "Import Highlights (Web Annotation)…" in [a.text() for a in entries]


def test_a_new_panel_is_one_module_and_one_line(make_window, monkeypatch, qtbot) -> None:
    monkeypatch.setitem(features.FEATURES, "notes", f"{__name__}:install_notes_panel")
    window = make_window()
    assert isinstance(window.notes, QLabel)
    assert "Notes" in [a.text() for a in window.menus["View"].actions()]
    assert window.notes_panel_action in window.toolbar.actions()
    window.notes_panel_action.trigger()
    assert window.notes.isVisible()


def test_a_shell_alone_takes_actions_and_panels(qtbot, tmp_path) -> None:
    shell = WindowShell(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(shell)
    said: list[str] = []
    shell.add_action(actions.EXPORT, lambda: said.append("export"))
    shell.keep_last("File", shell.add_action(actions.WINDOW_ACTIONS[3], shell.close))  # Quit
    shell.add_action(actions.IMPORT, lambda: said.append("import"))
    texts = [a.text() for a in shell.menus["File"].actions() if not a.isSeparator()]
    assert texts == ["Export…", "Import…", "Quit"]
    shell.import_action.trigger()
    assert said == ["import"]
    shell.notify_undo("Deleted “x”.", lambda: said.append("undo"))
    assert shell.message_bar.action_button.text() == "Undo"
    shell.message_bar.action_button.click()
    assert said == ["import", "undo"]
