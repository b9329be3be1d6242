"""Readmark's Qt-free core: fetch, extract, entities, store. Never imports PySide6."""
