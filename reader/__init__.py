"""Readmark: a local-first reader that keeps articles, highlights and notes on your own disk."""

from __future__ import annotations

__version__ = "0.1.0"
