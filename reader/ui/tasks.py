"""The only module that touches QThreadPool: run a function off the GUI thread, get the result back.

Workers never touch widgets; results come back through one long-lived relay whose signals are
delivered on the thread that owns the runner (the GUI thread).
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    finished = Signal(int, object)  # task number, result
    failed = Signal(int, object)  # task number, exception


class _Runnable(QRunnable):
    def __init__(self, number: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._number = number
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # every failure must reach the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._relay.failed.emit(self._number, exc)
        else:
            self._relay.finished.emit(self._number, result)


Callbacks = tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]


class TaskRunner(QObject):
    """Runs callables in a thread pool; callbacks run on the thread that owns this runner."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._numbers = itertools.count(1)
        self._callbacks: dict[int, Callbacks] = {}

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_error)
        self._pool.start(_Runnable(number, fn, self._relay))

    def _on_finished(self, number: int, result: object) -> None:
        on_done, _on_error = self._callbacks.pop(number, (None, None))
        if on_done is not None:
            on_done(result)

    def _on_failed(self, number: int, exc: object) -> None:
        _on_done, on_error = self._callbacks.pop(number, (None, None))
        if on_error is not None:
            on_error(exc)  # type: ignore[arg-type]

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)
