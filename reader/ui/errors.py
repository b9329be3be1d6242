"""Exceptions said in words a person can read, for the message bar and the dialogs."""

from __future__ import annotations

from reader.core.errors import ReadmarkError


def readable_error(exc: BaseException) -> str:
    if isinstance(exc, ReadmarkError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return f"Unexpected error ({exc.__class__.__name__}): {exc}"
