"""The action table: every menu command and shortcut of the window, in one place.

Each entry names its text, keys, tooltip, menu and the slot it calls. The window builds its own
actions from `WINDOW_ACTIONS` (a slot is a dotted path from the window: "session.set_read");
features build theirs from the entries below, passing the slot themselves. A checkable action's
slot receives the new checked state.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

Key = str | QKeySequence.StandardKey
MENUS = ("File", "Article", "View", "Help")


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str  # the window keeps the action as `<name>_action`
    text: str
    menu: str | None
    slot: str = ""  # dotted path from the window (window actions only)
    keys: tuple[Key, ...] = ()
    tip: str = ""
    checkable: bool = False
    checked: bool = False
    icon_text: str = ""
    separator_before: bool = False
    toolbar: bool = False  # features' actions: appended to the toolbar


Std = QKeySequence.StandardKey

WINDOW_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("open_url", "Open URL…", "File", "opener.ask_url", ("Ctrl+L",)),
    ActionSpec("open_file", "Open File…", "File", "opener.ask_file", (Std.Open,)),
    ActionSpec("paste", "Open Link from Clipboard", "File", "opener.paste_source", (Std.Paste,)),
    ActionSpec("quit", "Quit", "File", "close", (Std.Quit,), separator_before=True),
    ActionSpec("read", "Read", "Article", "session.set_read", ("M",),
               "Mark read or unread (M)", checkable=True),
    ActionSpec("favorite", "Favourite", "Article", "session.set_favorite", ("F",),
               "Favourite (F)", checkable=True),
    ActionSpec("archive", "Archive", "Article", "session.set_archived", ("E",), "Archive (E)",
               checkable=True),
    ActionSpec("delete", "Delete", "Article", "session.delete_current", (Std.Delete,),
               "Delete, with undo (Delete)"),
    ActionSpec("restore", "Restore from Trash", "Article", "session.restore_current", ("R",),
               "Put this article back in the library (R)"),
    ActionSpec("empty_trash", "Empty Trash…", "Article", "session.empty_trash"),
    ActionSpec("show_trash", "Show Trash", "Article", "library_pane.show_trash",
               ("Ctrl+Shift+Delete",)),
    ActionSpec("tags", "Tags…", "Article", "session.ask_tags", ("T",), "Tags of this article (T)"),
    ActionSpec("find", "Find in Article…", "Article", "find_bar.open_bar", (Std.Find,),
               separator_before=True),
    ActionSpec("next", "Next Article", "Article", "library_pane.select_next", ("J",)),
    ActionSpec("previous", "Previous Article", "Article", "library_pane.select_previous", ("K",)),
    ActionSpec("search", "Search Library", "Article", "library_pane.focus_search",
               ("Ctrl+K",)),
    ActionSpec("entities", "Entities", "View", "entity_view.set_marks_shown", ("Ctrl+E",),
               "Show or hide all entity marks (Ctrl+E)", checkable=True, checked=True),
    ActionSpec("entity_panel", "Entity Panel", "View", "entity_view.set_panel_shown",
               ("Ctrl+Shift+E",), "Show or hide the entity panel (Ctrl+Shift+E)",
               checkable=True, checked=True, icon_text="Panel"),
    ActionSpec("shortcuts", "Keyboard Shortcuts", "Help", "show_shortcuts", ("F1", "?"),
               icon_text="?"),
)  # fmt: skip

# Where the window's actions sit on the toolbar: "|" a separator, "~" the stretch, "typography"
# the Aa button. Features' actions with `toolbar=True` follow, in the order they are added.
TOOLBAR = (
    "open_url", "open_file", "|", "read", "favorite", "archive", "delete", "~",
    "entities", "entity_panel", "typography", "shortcuts",
)  # fmt: skip

# The actions that need an open article that is not in the trash.
ARTICLE_ACTIONS = ("read", "favorite", "archive", "delete", "tags")

# -- features' actions ----------------------------------------------------------------------

IMPORT = ActionSpec("import", "Import…", "File", separator_before=True)
EXPORT = ActionSpec("export", "Export…", "File")

HIGHLIGHT = ActionSpec("highlight", "Highlight Selection", "Article", keys=("H", "Shift+H"),
                       tip="Highlight the selected words (H; Shift+H keeps the exact selection)",
                       icon_text="Highlight",
                       separator_before=True, toolbar=True)  # fmt: skip
NOTE = ActionSpec("note", "Add Note to Highlight", "Article", keys=("N",))
ALL_HIGHLIGHTS = ActionSpec("all_highlights", "All Highlights…", "Article", keys=("Ctrl+Shift+H",))
UNDO_HIGHLIGHT = ActionSpec("undo", "Undo", "Article", keys=(Std.Undo,))
EXPORT_HIGHLIGHTS = ActionSpec(
    "export_highlights", "Export Highlights (Web Annotation)…", "File", separator_before=True
)
IMPORT_HIGHLIGHTS = ActionSpec("import_highlights", "Import Highlights (Web Annotation)…", "File")
