"""The connection classes that apply the thread's guard (`guard.guarded`): every direct
connection obeys the thread's `Deadline` and `Access`. Imported on first use, since it needs
`requests` and `urllib3`.
"""

from __future__ import annotations

import socket
from typing import Any, cast

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from reader.core.fetch.guard import DEFAULT_POLICY, _guard, resolve_within


class RefusedAddressError(NewConnectionError):
    """A connection the network policy refused; `reason` is the sentence the person reads."""

    def __init__(self, conn: Any, reason: str) -> None:
        super().__init__(conn, reason)
        self.reason = reason


class _GuardedMixin:
    """Connects only to addresses the thread's `Access` allows, under the thread's deadline."""

    sock: socket.socket | None
    port: int
    timeout: Any
    source_address: tuple[str, int] | None
    socket_options: Any
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        guard = _guard()
        if guard is None or (guard.access is None and guard.deadline is None):
            return super()._new_conn()  # type: ignore[misc, no-any-return]
        host = self._dns_host
        timeout = self.timeout if isinstance(self.timeout, int | float) else None
        if guard.deadline is not None:
            left = max(0.01, guard.deadline.remaining())
            timeout = left if timeout is None else min(timeout, left)
        policy = guard.access.policy if guard.access is not None else DEFAULT_POLICY
        try:
            addresses = resolve_within(policy, host, self.port, timeout or 30.0)
        except TimeoutError as exc:
            raise ConnectTimeoutError(self, f"Looking up {host} timed out.") from exc
        except OSError as exc:
            gai = exc if isinstance(exc, socket.gaierror) else socket.gaierror(str(exc))
            raise NameResolutionError(host, self, gai) from exc  # type: ignore[arg-type]
        if not addresses:
            raise NameResolutionError(host, self, socket.gaierror("no address"))  # type: ignore[arg-type]
        if guard.access is not None:
            try:
                addresses = guard.access.choose(host, addresses)
            except ValueError as exc:
                raise RefusedAddressError(self, str(exc)) from None
        last: BaseException | None = None
        for address in addresses:
            try:
                sock = urllib3_connection.create_connection(
                    (address, self.port),
                    timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                last = ConnectTimeoutError(self, f"Connection to {host} timed out.")
                last.__cause__ = exc
            except OSError as exc:
                last = NewConnectionError(
                    cast(HTTPConnection, self), f"Failed to establish a new connection: {exc}"
                )
                last.__cause__ = exc
            else:
                if guard.deadline is not None:
                    guard.deadline.watch(sock)
                return sock
        assert last is not None
        raise last

    def request(self, *args: Any, **kwargs: Any) -> None:
        # A kept-alive connection was opened under an earlier fetch's rules: check it again.
        guard = _guard()
        if guard is not None and self.sock is not None:
            if guard.access is not None:
                try:
                    peer = str(self.sock.getpeername()[0])
                    guard.access.choose(self._dns_host, [peer])
                except ValueError as exc:
                    raise RefusedAddressError(self, str(exc)) from None
                except OSError:
                    pass  # a dropped socket fails on its own in a moment
            if guard.deadline is not None:
                guard.deadline.watch(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class GuardedHTTPConnection(_GuardedMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """A `requests` adapter whose direct connections obey the thread's deadline and policy.

    Connections through a proxy the person configured are left to the proxy.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def install(session: requests.Session) -> requests.Session:
    """Mount `GuardedAdapter` on `session` for http and https unless it is there already."""
    for prefix in ("http://", "https://"):
        if not isinstance(session.adapters.get(prefix), GuardedAdapter):
            session.mount(prefix, GuardedAdapter())
    return session
