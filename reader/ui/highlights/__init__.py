"""Highlights and notes in the window: the panel, the library-wide list and their wiring."""
