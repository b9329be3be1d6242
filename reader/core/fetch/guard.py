"""Limits on every connection that hold whatever a server does: a deadline and an address policy.

Socket timeouts only bound the wait for *one* read, so a server that sends a byte a second, or
headers and then one byte just before each timeout, holds a reader for ever. A `Deadline` is
enforced from outside the reading thread: a watchdog thread shuts the fetch's sockets down when
it passes, which ends any blocked read at once (headers, TLS handshake or body alike).

The `NetworkPolicy` decides which addresses a fetch may connect to. Loopback and private
addresses are reached only when the person asked for such a host themselves: a page they named
(and where that local page redirects), or the images of that same page's host. A redirect or an
image from a public page that points at a local address is refused, and so is a host that
answered with a public address once and a local one later (DNS rebinding).

Both travel with the thread that fetches (`guarded(...)`), so the `requests` session, its pools
and redirects need no extra arguments; `GuardedAdapter` (in `transport`, with everything that
needs `requests` and `urllib3`, imported on first use) applies them on each connection.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


# -- addresses ------------------------------------------------------------------------------


def system_resolver(host: str, port: int) -> list[str]:
    """The machine's own name lookup: every address of `host`, in the order it gave them."""
    found: list[str] = []
    for *_rest, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


def is_local_address(address: IPAddress) -> bool:
    """Loopback, private, link-local, shared, reserved or multicast: not on the Internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """How names become addresses and which addresses count as local; tests inject both."""

    resolve: Resolver = system_resolver
    is_local: Callable[[IPAddress], bool] = is_local_address


DEFAULT_POLICY = NetworkPolicy()


def _clean_host(host: str | None) -> str:
    return (host or "").strip("[]").rstrip(".").lower()


@dataclass(slots=True)
class Access:
    """What one fetch may reach. `asked_host` is the host the person named (None: only public).

    Whether the asked host is local is settled by its first lookup and kept for the fetch, so a
    host cannot move from a public address to a local one half-way.
    """

    policy: NetworkPolicy = DEFAULT_POLICY
    asked_host: str | None = None
    # A page the person asked for on a local host may redirect within the local network; an
    # image may not (only the page's own host).
    local_network: bool = False
    _asked_local: bool | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.asked_host = _clean_host(self.asked_host) or None

    def _local(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return True  # not an address Readmark can judge: treat it as the riskier kind
        return self.policy.is_local(parsed)

    def choose(self, host: str, addresses: Sequence[str]) -> list[str]:
        """The addresses of `host` this fetch may connect to; raises ValueError with a reason."""
        host = _clean_host(host)
        public = [a for a in addresses if not self._local(a)]
        if host == self.asked_host:
            if self._asked_local is None:
                self._asked_local = bool(addresses) and not public
            if self._asked_local:
                return list(addresses)
        elif self.local_network and self._asked_local:
            return list(addresses)
        if public:
            return public
        if host == self.asked_host:
            raise ValueError(
                f"{host} now points to a local address ({addresses[0]}) after a public one; "
                "Readmark does not follow it."
            )
        shown = addresses[0] if addresses else host
        raise ValueError(
            f"{host} is a local address ({shown}); Readmark reaches local addresses only "
            "when you ask for one yourself, not through a redirect or a page's image."
        )


# -- deadlines ------------------------------------------------------------------------------


class Deadline:
    """A wall-clock limit for one fetch. `grant` adds time as data flows, never past `hard_s`."""

    def __init__(self, budget_s: float, hard_s: float | None = None) -> None:
        now = time.monotonic()
        self.started = now
        self.budget_s = budget_s
        self.at = now + budget_s
        self.hard_at = now + max(budget_s, hard_s if hard_s is not None else budget_s)
        self.expired = False
        self.finished = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def grant(self, extra_s: float) -> None:
        with self._lock:
            self.at = min(self.hard_at, self.at + extra_s)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if any(known is sock for known in self._sockets):
                return
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self.finished:
                return
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def finish(self) -> None:
        with self._lock:
            self.finished = True
            self._sockets = []


def _shut(sock: socket.socket) -> None:
    # shutdown (not close) wakes a read blocked in another thread and leaves the descriptor to
    # its owner, so no unrelated file can reuse the number under it.
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    """One thread for every deadline of the process, started on first use."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._wake = threading.Condition()
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="readmark-fetch-deadline", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while True:
                if not self._heap:
                    self._wake.wait()
                    continue
                at, _, deadline = self._heap[0]
                if deadline.finished:
                    heapq.heappop(self._heap)
                    continue
                if deadline.at > at:  # granted more time since it was queued
                    heapq.heapreplace(self._heap, (deadline.at, next(self._order), deadline))
                    continue
                wait = at - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
                deadline.expire()


_WATCHDOG = _Watchdog()
_current = threading.local()


@dataclass(slots=True)
class _Guard:
    deadline: Deadline | None
    access: Access | None


@contextmanager
def guarded(deadline: Deadline | None, access: Access | None) -> Iterator[None]:
    """Apply `deadline` and `access` to every connection this thread makes inside the block."""
    previous = getattr(_current, "guard", None)
    _current.guard = _Guard(deadline, access)
    if deadline is not None:
        _WATCHDOG.add(deadline)
    try:
        yield
    finally:
        _current.guard = previous
        if deadline is not None:
            deadline.finish()


def _guard() -> _Guard | None:
    return getattr(_current, "guard", None)


def resolve_within(policy: NetworkPolicy, host: str, port: int, timeout_s: float) -> list[str]:
    """`policy.resolve` bounded in time: a name lookup cannot be interrupted, so it runs aside."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return [host]
    except ValueError:
        pass
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["found"] = list(policy.resolve(host, port))
        except BaseException as exc:  # handed to the fetching thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="readmark-resolve", daemon=True).start()
    if not done.wait(max(0.0, timeout_s)):
        raise TimeoutError(f"looking up {host} took too long")
    if "error" in box:
        raise box["error"]
    return list(box["found"])
