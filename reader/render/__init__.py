"""Rendering with Qt but without widgets (PDF), so the CLI can use it without the window."""
