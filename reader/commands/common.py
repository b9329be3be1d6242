"""Helpers the CLI commands share: opening the library, printing tables and JSON, and the
terminal-safe streams every command writes through."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from reader.core.library import Library
from reader.core.paths import library_path
from reader.core.textsafe import json_terminal_text, terminal_text


def open_library(args: argparse.Namespace) -> Library:
    return Library(library_path(getattr(args, "data_dir", None)))


def one_line(value: object) -> str:
    """`value` for one line of output: every control character, newlines too, made visible."""
    return terminal_text("" if value is None else str(value), keep="")


def print_json(data: Any) -> None:
    sys.stdout.write(json_terminal_text(json.dumps(data, ensure_ascii=False, indent=2)))
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(h) for h in headers]] + [[one_line(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(value.ljust(widths[i]) for i, value in enumerate(row)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


class TerminalStream(io.TextIOBase):
    """A text stream that writes what it is given with control characters made visible.

    Tab, newline and carriage return pass (the import progress line redraws itself with CR);
    each value that could hold a CR of its own goes through `one_line` first.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(terminal_text(text, keep="\t\n\r"))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


@contextmanager
def terminal_streams() -> Iterator[None]:
    """Route stdout and stderr through `TerminalStream` for the length of a command."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(out), TerminalStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
        sys.stdout, sys.stderr = out, err


class ProgressLine:
    """Progress on standard error: rewritten in place on a terminal; into a file or a pipe, a
    plain line at most every `every_s` seconds (and the last one), never a `\\r`."""

    def __init__(self, stream: TextIO | None = None, every_s: float = 5.0) -> None:
        self.stream = stream
        self.every_s = every_s
        self._last = float("-inf")
        self._pending = ""

    def _out(self) -> TextIO:
        return self.stream or sys.stderr

    def _is_terminal(self) -> bool:
        try:
            return bool(self._out().isatty())
        except (AttributeError, ValueError):
            return False

    def show(self, text: str, final: bool = False) -> None:
        out = self._out()
        if self._is_terminal():
            out.write(f"\r{text}   " + ("\n" if final else ""))
        else:
            now = time.monotonic()
            if not final and now - self._last < self.every_s:
                self._pending = text
                return
            self._last, self._pending = now, ""
            out.write(text + "\n")
        out.flush()

    def finish(self) -> None:
        """The last figures, when a pipe has not had them yet."""
        if self._pending:
            self.show(self._pending, final=True)
