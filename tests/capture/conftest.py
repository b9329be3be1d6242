"""The window fixtures of the UI tests, for the window's side of saving from the browser."""

from tests.ui.conftest import library, make_window, settings  # noqa: F401 - fixtures
