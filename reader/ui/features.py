"""The features the window is built with, and what each one is handed.

A feature is a module with `install(context) -> object`: it adds its panel and actions through
the shell and follows the open article through the session. Adding one is a new module and one
line in `FEATURES`; it is imported when the window is built, so keep its module's top-level
imports to what its first paint needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.library import Library
    from reader.ui.controllers.entities import Recognise
    from reader.ui.reading_view import ReadingView
    from reader.ui.session import ArticleSession
    from reader.ui.shell import Shell
    from reader.ui.tasks import TaskRunner

# name -> "module:function"; the window keeps each result as `window.<name>`.
FEATURES: dict[str, str] = {
    "import_export": "reader.ui.import_export:install",
    "highlights": "reader.ui.highlights.feature:install",
    "feeds": "reader.ui.feeds_section:install",
    "browser_capture": "reader.ui.browser_capture:install",
    "repair": "reader.ui.repair:install",
    "library_entities": "reader.ui.entities_window:install",
}


@dataclass(frozen=True, slots=True)
class FeatureContext:
    shell: Shell
    session: ArticleSession
    library: Library
    view: ReadingView
    tasks: TaskRunner
    recogniser: Callable[[], Recognise | None]  # the loaded entity model, None until ready
    library_query: Callable[[], str]  # the library pane's search, for "export what I see"


def install_features(context: FeatureContext) -> dict[str, object]:
    installed: dict[str, object] = {}
    for name, target in FEATURES.items():
        module, function = target.split(":")
        installed[name] = getattr(import_module(module), function)(context)
    return installed
