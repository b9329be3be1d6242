"""Every setting the window remembers, typed, in one place.

The keys are the ones earlier versions wrote, so a settings file from before still loads. Values
come back from an INI file as strings (or byte arrays), so each reader here says how to read its
own key and what it falls back to.
"""

from __future__ import annotations

from dataclasses import fields, replace

from PySide6.QtCore import QByteArray, QSettings

from reader.ui.theme import Typography

GEOMETRY = "geometry"
SPLITTER = "splitter"
ENTITIES_HIDDEN = "entities/hidden"  # comma-separated group names
ENTITIES_SHOWN = "entities/shown"
ENTITY_PANEL_SHOWN = "entities/panel"
LIBRARY_SORT = "library/sort"
HIGHLIGHTS_PANEL_SHOWN = "highlights/panel_visible"
TYPOGRAPHY_GROUP = "typography"  # one key per Typography field
LEGACY_THEME = "theme"  # older settings kept the theme at the top level; still written


def _flag(raw: object, default: bool) -> bool:
    if raw is None:
        return default
    return str(raw).lower() != "false" if default else str(raw).lower() == "true"


class UiSettings:
    """Typed access to the window's QSettings."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    # -- window -----------------------------------------------------------------------------

    def _bytes(self, key: str) -> QByteArray | None:
        raw = self.store.value(key)
        return QByteArray(raw) if isinstance(raw, QByteArray | bytes) else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes(GEOMETRY)

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.store.setValue(GEOMETRY, value)

    @property
    def splitter(self) -> QByteArray | None:
        return self._bytes(SPLITTER)

    @splitter.setter
    def splitter(self, value: QByteArray) -> None:
        self.store.setValue(SPLITTER, value)

    @property
    def library_sort(self) -> str | None:
        raw = self.store.value(LIBRARY_SORT)
        return None if raw is None else str(raw)

    @library_sort.setter
    def library_sort(self, value: str | None) -> None:
        self.store.setValue(LIBRARY_SORT, value)

    # -- entities ---------------------------------------------------------------------------

    @property
    def hidden_groups(self) -> set[str] | None:
        """Entity groups the reader hid, or None when never chosen (then the defaults apply)."""
        raw = self.store.value(ENTITIES_HIDDEN)
        return None if raw is None else set(str(raw).split(",")) - {""}

    @hidden_groups.setter
    def hidden_groups(self, groups: set[str]) -> None:
        self.store.setValue(ENTITIES_HIDDEN, ",".join(sorted(groups)))

    @property
    def entities_shown(self) -> bool:
        return _flag(self.store.value(ENTITIES_SHOWN), True)

    @entities_shown.setter
    def entities_shown(self, shown: bool) -> None:
        self.store.setValue(ENTITIES_SHOWN, "true" if shown else "false")

    @property
    def entity_panel_shown(self) -> bool:
        return _flag(self.store.value(ENTITY_PANEL_SHOWN), True)

    @entity_panel_shown.setter
    def entity_panel_shown(self, shown: bool) -> None:
        self.store.setValue(ENTITY_PANEL_SHOWN, "true" if shown else "false")

    # -- highlights -------------------------------------------------------------------------

    @property
    def highlights_panel_shown(self) -> bool:
        """Hidden at first so the reading column keeps its width; remembered once shown."""
        return _flag(self.store.value(HIGHLIGHTS_PANEL_SHOWN), False)

    @highlights_panel_shown.setter
    def highlights_panel_shown(self, shown: bool) -> None:
        self.store.setValue(HIGHLIGHTS_PANEL_SHOWN, "true" if shown else "false")

    # -- typography -------------------------------------------------------------------------

    @property
    def typography(self) -> Typography:
        return load_typography(self.store)

    @typography.setter
    def typography(self, typography: Typography) -> None:
        save_typography(self.store, typography)

    def set_theme(self, name: str) -> None:
        """Start with this theme (the command line's --theme)."""
        self.store.setValue(f"{TYPOGRAPHY_GROUP}/theme", name)
        self.store.setValue(LEGACY_THEME, name)

    def sync(self) -> None:
        self.store.sync()


def load_typography(settings: QSettings) -> Typography:
    """Typography remembered in `settings`; bad or missing values fall back to the defaults."""
    default = Typography()
    values: dict[str, object] = {}
    for item in fields(Typography):
        raw = settings.value(f"{TYPOGRAPHY_GROUP}/{item.name}")
        if raw is None and item.name == "theme":
            raw = settings.value(LEGACY_THEME)
        if raw is None:
            continue
        kind = type(getattr(default, item.name))
        try:
            values[item.name] = kind(raw)
        except (TypeError, ValueError):
            continue
    return replace(default, **values).clamped()  # type: ignore[arg-type]


def save_typography(settings: QSettings, typography: Typography) -> None:
    for item in fields(Typography):
        settings.setValue(f"{TYPOGRAPHY_GROUP}/{item.name}", getattr(typography, item.name))
    settings.setValue(LEGACY_THEME, typography.theme)
