"""Entities in the window: the recogniser loaded once in the background, articles recognised as
they are opened, and older articles worked through while the window is idle."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from reader.core.library import ArticleNotFoundError, Library
from reader.core.models import Article, Entity, Mention
from reader.ui.errors import readable_error
from reader.ui.library_access import LibraryAccess
from reader.ui.tasks import TaskRunner

IDLE_BATCH = 8  # articles recognised per idle batch
IDLE_DELAY_MS = 5000  # quiet time after the model loads or after the user's last article
IDLE_PAUSE_MS = 250  # between idle batches
IDLE_RETRY_MS = 30_000  # after the library could not be read


class Recognise(Protocol):
    def __call__(self, article: Article) -> Any: ...


def load_default_recogniser() -> Recognise:
    """Load spaCy and the English model (slow); meant for a worker thread, called once."""
    from reader.core import entities

    tagger = entities.default_tagger()
    tagger.load()

    def recognise(article: Article) -> Any:
        return entities.recognise(article, tagger)

    return recognise


def serialised(recognise: Recognise) -> Recognise:
    """The recogniser, one article at a time: the window's workers (opened articles, loads,
    idle work) share one model, which is not meant to be run by two threads at once."""
    lock = threading.Lock()

    def recognise_one(article: Article) -> Any:
        with lock:
            return recognise(article)

    return recognise_one


def is_english(article: Article) -> bool:
    """Entities are English-only for now; an unknown language is taken as English."""
    return not article.lang or article.lang.lower().split("-")[0] == "en"


def split_result(result: Any) -> tuple[list[Mention], list[Entity]]:
    if isinstance(result, tuple) and len(result) == 2:
        return list(result[0]), list(result[1])
    return list(result.mentions), list(getattr(result, "entities", ()))


class EntityController(QObject):
    """Loads the recogniser once in the background and recognises articles as they are opened.

    An article opened before the model is ready waits in a queue; its highlights arrive through
    `recognised` when they are stored.
    """

    model_ready = Signal()
    model_failed = Signal(str)
    recognised = Signal(int)  # article id whose mentions are now stored
    recognition_failed = Signal(int, str)

    def __init__(
        self,
        access: LibraryAccess,
        tasks: TaskRunner,
        load_recogniser: Callable[[], Recognise] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._access = access
        self._tasks = tasks
        self._load = load_recogniser or load_default_recogniser
        self._recognise: Recognise | None = None
        self._loading = False
        self.error: str | None = None
        self._queue: list[tuple[int, Article]] = []
        self._running: int | None = None
        # Idle work: articles never recognised, a small batch at a time, when nothing the user
        # asked for is waiting. `idle_*` are attributes so tests can shorten the pauses.
        self.idle_batch = IDLE_BATCH
        self.idle_delay_ms = IDLE_DELAY_MS
        self.idle_pause_ms = IDLE_PAUSE_MS
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._run_idle_batch)
        self._idle_running = False
        self._idle_cursor: int | None = None  # the walk goes on below this id
        self._idle_finished = False
        self._idle_yield = threading.Event()  # the user is waiting: stop after this article
        self._halt = threading.Event()
        self.idle_recognised = 0  # articles recognised while idle, for the curious

    @property
    def ready(self) -> bool:
        return self._recognise is not None

    @property
    def recogniser(self) -> Recognise | None:
        """The loaded recogniser, for work that runs in other threads (None until ready)."""
        return self._recognise

    def stop(self) -> None:
        """Forget queued articles and drop results still running (the window is closing)."""
        self._queue.clear()
        self._stopped = True
        self._halt.set()
        self._idle_timer.stop()

    _stopped = False

    def pending(self, article_id: int) -> bool:
        return self._running == article_id or any(i == article_id for i, _ in self._queue)

    @property
    def idle_busy(self) -> bool:
        """Whether older articles are still being worked through (or about to be)."""
        return self._idle_running or self._idle_timer.isActive()

    def hold_start(self) -> None:
        """Do not load the model yet, even for an opened article (the window is not painted)."""
        self._start_held = True

    def release_start(self) -> None:
        self._start_held = False
        self.start()

    _start_held = False

    def start(self) -> None:
        """Load the model in the background (once)."""
        if self._start_held or self._loading or self._recognise is not None:
            return
        if self.error is not None:
            return
        self._loading = True
        self._tasks.run(self._load, on_done=self._on_model_loaded, on_error=self._on_model_error)

    def _on_model_loaded(self, recognise: Recognise) -> None:
        self._loading = False
        self._recognise = serialised(recognise)
        self.model_ready.emit()
        self._pump()
        self._schedule_idle(self.idle_delay_ms)

    def _on_model_error(self, exc: BaseException) -> None:
        self._loading = False
        self.error = readable_error(exc)
        self._queue.clear()
        self.model_failed.emit(self.error)

    def entities_for(
        self, article_id: int, article: Article
    ) -> tuple[list[Mention], list[Entity]] | None:
        """Stored mentions now, or None while they are being found (then `recognised` fires)."""
        stored = self._access.stored_entities(article_id)
        if stored is not None:
            return stored
        if not is_english(article) or self.error is not None:
            return [], []
        self._queue = [(i, a) for i, a in self._queue if i != article_id]
        if self._running != article_id:
            self._queue.append((article_id, article))
        self.start()
        self._pump()
        return None

    def _pump(self) -> None:
        if self._recognise is None or self._running is not None or self._stopped:
            return
        if not self._queue:
            self._schedule_idle(self.idle_delay_ms)
            return
        self._idle_yield.set()  # an idle batch stops after its current article
        self._idle_timer.stop()
        article_id, article = self._queue.pop()  # the most recently opened first
        self._running = article_id
        recognise = self._recognise

        def work() -> tuple[list[Mention], list[Entity]]:
            return split_result(recognise(article))

        def done(result: tuple[list[Mention], list[Entity]]) -> None:
            self._running = None
            if self._stopped:
                return
            self._access.save_entities(article_id, *result)
            self.recognised.emit(article_id)
            self._pump()

        def failed(exc: BaseException) -> None:
            self._running = None
            self.recognition_failed.emit(article_id, readable_error(exc))
            self._pump()

        self._tasks.run(work, on_done=done, on_error=failed)

    # -- idle work --------------------------------------------------------------------------

    def wake_idle(self) -> None:
        """Look for articles without entities again (new ones may have been saved)."""
        self._idle_finished = False
        self._idle_cursor = None
        self._schedule_idle(self.idle_delay_ms)

    def _schedule_idle(self, delay_ms: int) -> None:
        if (
            self._recognise is None
            or self._stopped
            or self._idle_finished
            or self._idle_running
            or self._running is not None
            or self._queue
        ):
            return
        self._idle_timer.start(delay_ms)

    def _run_idle_batch(self) -> None:
        if self._recognise is None or self._stopped or self._running is not None or self._queue:
            return  # the user's articles first; `_pump` schedules this again
        self._idle_running = True
        self._idle_yield.clear()
        recognise = self._recognise
        path = self._access.path
        limit, before = self.idle_batch, self._idle_cursor
        halt, give_way = self._halt, self._idle_yield

        def work() -> _IdleBatch:
            return recognise_unrecognised(path, recognise, limit, before, halt, give_way)

        def done(batch: _IdleBatch) -> None:
            self._idle_running = False
            if self._stopped:
                return
            self._idle_cursor = batch.cursor
            self._idle_finished = batch.finished
            self.idle_recognised += len(batch.recognised)
            for article_id in batch.recognised:
                self.recognised.emit(article_id)
            if self._queue:
                self._pump()
            else:
                self._schedule_idle(self.idle_pause_ms)

        def failed(exc: BaseException) -> None:
            # The library could not be read (locked, gone): try again later, from the start.
            self._idle_running = False
            self._idle_cursor = None
            if not self._stopped:
                self._schedule_idle(max(self.idle_delay_ms, IDLE_RETRY_MS))

        self._tasks.run(work, on_done=done, on_error=failed)


@dataclass(slots=True)
class _IdleBatch:
    recognised: list[int]
    cursor: int | None  # where the next batch starts (below this id)
    finished: bool  # no older article is left


def recognise_unrecognised(
    path: Path,
    recognise: Recognise,
    limit: int,
    before: int | None,
    halt: threading.Event,
    give_way: threading.Event,
) -> _IdleBatch:
    """Recognise up to `limit` articles never recognised (a worker thread's job).

    Stops early, between articles, when `halt` (closing) or `give_way` (the user opened an
    article) is set; an article the recogniser fails on is skipped, not retried.
    """
    library = Library(path)  # a cheap handle: the window keeps the file open
    recognised: list[int] = []
    cursor = before
    try:
        ids = library.unrecognised(limit, before)
        for article_id in ids:
            if halt.is_set() or give_way.is_set():
                return _IdleBatch(recognised, cursor, False)
            cursor = article_id
            if library.has_entities(article_id):
                continue  # opened and recognised meanwhile
            try:
                article = library.get(article_id).article
                mentions, entities = split_result(recognise(article))
                if halt.is_set():
                    break
                library.set_entities(article_id, mentions, entities)
            except ArticleNotFoundError:
                continue  # deleted for good meanwhile
            except Exception:  # one bad article must not stop the others
                continue
            recognised.append(article_id)
        return _IdleBatch(recognised, cursor, len(ids) < limit)
    finally:
        library.close()
