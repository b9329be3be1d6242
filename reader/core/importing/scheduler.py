"""Which queued import item may start now: per-host limits, polite delays, retries, slow hosts.

Pure bookkeeping on a clock that tests replace; no threads, no network. The rules:

- at most `per_host` requests to a host at once, and `host_delay_s` between two starts;
- at most `workers` requests that are moving; a request running longer than `linger_after_s`
  (or on a host that timed out before) moves to a separate allowance of `slow_workers`, so
  dripping or stalling hosts never hold the workers every other host needs;
- a host that timed out is asked one request at a time until it answers again, and after
  `give_up_after` timeouts in a row (with no answer from it while they ran) its remaining items
  are handed back as abandoned;
- items with no host (nothing to fetch) ignore every politeness rule.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class _Host(Generic[T]):
    queue: deque[T] = field(default_factory=deque)
    starts: dict[int, float] = field(default_factory=dict)  # in flight: token -> started
    ready_at: float = 0.0
    timeouts_in_a_row: int = 0
    answered_at: float = float("-inf")  # when a request last ended other than by a timeout
    slow: bool = False  # timed out, and has not answered in time since
    dead: bool = False
    listed: bool = False  # in the runnable round


class HostScheduler(Generic[T]):
    def __init__(
        self,
        *,
        workers: int,
        per_host: int,
        host_delay_s: float,
        slow_workers: int | None = None,
        linger_after_s: float = 10.0,
        give_up_after: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workers = max(1, workers)
        self.per_host = max(1, per_host)
        self.host_delay_s = host_delay_s
        self.slow_workers = self.workers if slow_workers is None else max(1, slow_workers)
        self.linger_after_s = linger_after_s
        self.give_up_after = max(1, give_up_after)
        self.clock = clock
        self._hosts: dict[str, _Host[T]] = {}
        self._round: deque[str] = deque()
        self._sleeping: list[tuple[float, int, str]] = []
        self._retries: list[tuple[float, int, str, T]] = []
        self._order = itertools.count()
        self._abandoned: list[tuple[str, T]] = []
        self._busy: set[str] = set()  # hosts with requests under way
        self._parked_slow: set[str] = set()  # slow hosts waiting for the slow allowance
        self._queued = 0
        self.running = 0

    @property
    def threads(self) -> int:
        """How many requests can be under way at most: the pool size the runner needs."""
        return self.workers + self.slow_workers

    # -- feeding ------------------------------------------------------------------------------

    def _host(self, host: str) -> _Host[T]:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host()
        return state

    def _list(self, host: str) -> None:
        state = self._hosts[host]
        if state.queue and not state.listed:
            state.listed = True
            self._round.append(host)

    def add(self, host: str, item: T) -> None:
        state = self._host(host)
        if state.dead:
            self._abandoned.append((host, item))
            return
        state.queue.append(item)
        self._queued += 1
        self._list(host)

    def retry(self, host: str, item: T, not_before: float) -> None:
        """Put an item back after a transient failure; it starts again at `not_before`."""
        if self._host(host).dead:
            self._abandoned.append((host, item))
            return
        heapq.heappush(self._retries, (not_before, next(self._order), host, item))

    def hold(self, host: str, until: float) -> None:
        """Start nothing on `host` before `until` (the server asked us to wait)."""
        state = self._host(host)
        state.ready_at = max(state.ready_at, until)

    # -- starting and finishing --------------------------------------------------------------

    def _lingering(self, now: float) -> tuple[int, int]:
        """(moving, lingering) counts of the requests under way."""
        lingering = 0
        for name in self._busy:
            state = self._hosts[name]
            if name and state.slow:
                lingering += len(state.starts)
                continue
            lingering += sum(1 for at in state.starts.values() if now - at >= self.linger_after_s)
        return self.running - lingering, lingering

    def _is_slow(self, name: str, state: _Host[T], now: float) -> bool:
        if not name:
            return False
        return state.slow or any(now - at >= self.linger_after_s for at in state.starts.values())

    def next(self) -> tuple[int, T] | None:
        """An item that may start now with its token for `finished`, or None."""
        now = self.clock()
        while self._retries and self._retries[0][0] <= now:
            _, _, host, item = heapq.heappop(self._retries)
            state = self._host(host)
            if state.dead:
                self._abandoned.append((host, item))
                continue
            state.queue.appendleft(item)
            self._queued += 1
            self._list(host)
        while self._sleeping and self._sleeping[0][0] <= now:
            _, _, host = heapq.heappop(self._sleeping)
            self._list(host)
        if self.running >= self.threads:
            return None
        moving, lingering = self._lingering(now)
        if moving >= self.workers:
            return None
        for _ in range(len(self._round)):
            host = self._round.popleft()
            state = self._hosts[host]
            state.listed = False
            if not state.queue:
                continue
            slow = self._is_slow(host, state, now)
            if host:
                limit = 1 if slow else self.per_host
                if len(state.starts) >= limit:
                    continue  # listed again when one of its requests finishes
                if slow and lingering >= self.slow_workers:
                    self._parked_slow.add(host)  # listed again when a slow request ends
                    continue
                if state.ready_at > now:
                    heapq.heappush(self._sleeping, (state.ready_at, next(self._order), host))
                    continue
            item = state.queue.popleft()
            self._queued -= 1
            token = next(self._order)
            state.starts[token] = now
            self._busy.add(host)
            self.running += 1
            if host:
                state.ready_at = now + self.host_delay_s
            self._list(host)
            return token, item
        return None

    def finished(self, host: str, token: int, *, timed_out: bool = False) -> None:
        """A request ended (any outcome); `timed_out` when the host did not answer in time."""
        state = self._hosts[host]
        now = self.clock()
        was_slow = self._is_slow(host, state, now)
        started = state.starts.pop(token)
        if not state.starts:
            self._busy.discard(host)
        self.running -= 1
        if host:
            # A timeout while the host answered other requests is that page's, not the host's.
            if timed_out and state.answered_at < started:
                state.timeouts_in_a_row += 1
                state.slow = True
                if state.timeouts_in_a_row >= self.give_up_after and not state.dead:
                    self._give_up(host, state)
            elif not timed_out:
                state.timeouts_in_a_row = 0
                state.slow = False
                state.answered_at = now
        self._list(host)
        if was_slow:
            # A slow request ending frees room for other slow hosts waiting on the allowance.
            parked, self._parked_slow = self._parked_slow, set()
            for name in parked:
                self._list(name)

    def _give_up(self, host: str, state: _Host[T]) -> None:
        state.dead = True
        while state.queue:
            self._abandoned.append((host, state.queue.popleft()))
            self._queued -= 1
        kept = []
        for entry in self._retries:
            if entry[2] == host:
                self._abandoned.append((host, entry[3]))
            else:
                kept.append(entry)
        heapq.heapify(kept)
        self._retries = kept

    def is_dead(self, host: str) -> bool:
        state = self._hosts.get(host)
        return state is not None and state.dead

    def timeouts_in_a_row(self, host: str) -> int:
        state = self._hosts.get(host)
        return 0 if state is None else state.timeouts_in_a_row

    def take_abandoned(self) -> list[tuple[str, T]]:
        """Items of hosts given up on since the last call, to report without a request."""
        taken, self._abandoned = self._abandoned, []
        return taken

    # -- waiting ------------------------------------------------------------------------------

    def next_wake(self) -> float | None:
        """When a waiting item may next become startable (None: only a finish can help)."""
        times = []
        if self._retries:
            times.append(self._retries[0][0])
        if self._sleeping:
            times.append(self._sleeping[0][0])
        now = self.clock()
        # A request crossing into lingering frees a worker.
        crossing = [
            at + self.linger_after_s
            for name in self._busy
            for at in self._hosts[name].starts.values()
            if at + self.linger_after_s > now
        ]
        if crossing:
            times.append(min(crossing))
        return min(times) if times else None

    @property
    def idle(self) -> bool:
        """Nothing under way, nothing queued, nothing waiting to be retried."""
        return self.running == 0 and not self._retries and self._queued == 0
