"""Which process runs an import job, and whether it still lives.

A job row records its owner (pid and host) and a heartbeat the owner refreshes while it works.
A job whose owner is gone (its pid no longer runs on this host, or its heartbeat is older than
`STALE_AFTER_S`, for another host or a reused pid) is marked "interrupted" whenever jobs are
listed or an import starts, so no job says "running" after its process ended, and a resume can
take it over.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from reader.core.errors import LibraryError
from reader.core.library import Library
from reader.core.store import jobs
from reader.core.store.db import Connection
from reader.core.util import now_iso

HEARTBEAT_EVERY_S = 5.0
# Far above HEARTBEAT_EVERY_S: a writer may wait a minute for the lock between two beats.
STALE_AFTER_S = 300.0


def _now() -> datetime:
    return datetime.now(UTC)


def this_host() -> str:
    return socket.gethostname()


def process_alive(pid: int) -> bool:
    """Whether a process with that id runs on this machine (it may be another program)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def _windows_process_alive(pid: int) -> bool:
    # os.kill on Windows terminates the process, so ask the kernel instead.
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return bool(ctypes.get_last_error() == access_denied)  # type: ignore[attr-defined]
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return bool(code.value == still_active)
    finally:
        kernel32.CloseHandle(handle)


@dataclass(frozen=True, slots=True)
class JobInfo:
    """One import job as `list_jobs` shows it."""

    id: int
    source: str
    format: str
    state: str  # running, done, cancelled, interrupted
    created_at: str
    finished_at: str | None
    total: int
    owner_pid: int | None
    owner_host: str | None
    heartbeat_at: str | None


def _owner_gone(pid: int | None, host: str | None, heartbeat: str | None, now: datetime) -> bool:
    if pid is None or not heartbeat:
        return True  # recorded before jobs had owners, or never started
    if host == this_host() and not process_alive(pid):
        return True
    try:
        beat = datetime.fromisoformat(heartbeat)
    except ValueError:
        return True
    return (now - beat).total_seconds() > STALE_AFTER_S


def mark_interrupted(library: Library) -> list[int]:
    """Mark the running jobs whose process has ended as interrupted; returns their ids."""
    now = _now()
    return [
        job_id
        for job_id, pid, host, beat in library.read(jobs.running)
        if _owner_gone(pid, host, beat, now)
        and library.write(jobs.interrupt, job_id, pid, host, beat)
    ]


def list_jobs(library: Library) -> list[JobInfo]:
    """Every import job, newest first, with the dead ones marked interrupted first."""
    mark_interrupted(library)
    return [JobInfo(**dict(row)) for row in library.read(jobs.all_jobs)]


class JobBusyError(LibraryError):
    """The job is being run by another process that is still alive."""


def claim(library: Library, job_id: int) -> None:
    """Make this process the job's owner, unless another live process runs it."""
    mark_interrupted(library)
    other = library.write(_take, job_id, os.getpid(), this_host())
    if other is not None:
        pid, host = other
        raise JobBusyError(
            f"This file is being imported by another Readmark process (pid {pid} on {host}). "
            "Wait for it to finish, or stop it and run the import again."
        )


def _take(
    conn: Connection, job_id: int, pid: int, host: str
) -> tuple[int | None, str | None] | None:
    """Make (pid, host) the job's owner unless another owner runs it; returns that other
    owner, or None once taken."""
    found = jobs.owner(conn, job_id)
    if found is None:
        raise LibraryError(f"There is no import job {job_id}.")
    state, owner_pid, owner_host = found
    if state == "running" and (owner_pid, owner_host) != (pid, host):
        return owner_pid, owner_host
    jobs.take(conn, job_id, pid, host, now_iso())
    return None


def heartbeat(library: Library, job_id: int) -> bool:
    """Say this process still runs the job; False if another process has taken it over."""
    return library.write(jobs.beat, job_id, os.getpid(), this_host(), now_iso())


def release(library: Library, job_id: int, state: str, finished_at: str | None = None) -> None:
    """End this process's run of the job with `state` (done, cancelled, interrupted)."""
    library.write(jobs.release, job_id, os.getpid(), this_host(), state, finished_at)
