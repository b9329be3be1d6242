"""The `import_jobs` and `import_items` tables: an import that survives a crash and resumes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from reader.core.store.db import rows, value


def create(
    conn: sqlite3.Connection,
    source: str,
    source_hash: str,
    fmt: str,
    created_at: str,
    total: int,
    items: Iterable[tuple[int, str, str, str, str]],
    owner: tuple[int, str] | None = None,
) -> int:
    """A running job and its items, each as (seq, url, item JSON, status, reason); `owner` is
    the (pid, host) of the process that is about to run it."""
    pid, host = owner if owner is not None else (None, None)
    cursor = conn.execute(
        "INSERT INTO import_jobs (source, source_hash, format, created_at, state, total, "
        "owner_pid, owner_host, heartbeat_at) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)",
        [source, source_hash, fmt, created_at, total, pid, host, created_at],
    )
    job_id = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO import_items (job_id, seq, url, item, status, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(job_id, *item) for item in items],
    )
    return job_id


def unfinished(conn: sqlite3.Connection, source_hash: str) -> int | None:
    """The latest job for the same file that did not finish."""
    found = value(
        conn,
        "SELECT id FROM import_jobs WHERE source_hash = ? AND state != 'done' "
        "ORDER BY id DESC LIMIT 1",
        [source_hash],
    )
    return None if found is None else int(found)


def item_rows(conn: sqlite3.Connection, job_id: int) -> list[tuple[str, str, str, int | None, str]]:
    """Every item of the job in file order, as (url, status, reason, article id, item JSON)."""
    found = rows(
        conn,
        "SELECT url, status, reason, article_id, item FROM import_items WHERE job_id = ? "
        "ORDER BY seq",
        [job_id],
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in found]


def item_count(conn: sqlite3.Connection, job_id: int) -> int:
    return int(value(conn, "SELECT count(*) FROM import_items WHERE job_id = ?", [job_id]))


def status_counts(conn: sqlite3.Connection, job_id: int) -> dict[str, int]:
    found = rows(
        conn,
        "SELECT status, count(*) FROM import_items WHERE job_id = ? GROUP BY status",
        [job_id],
    )
    return {str(row[0]): int(row[1]) for row in found}


def items_with_status(conn: sqlite3.Connection, job_id: int, status: str) -> list[tuple[int, str]]:
    """(seq, item JSON) of the job's items in that status, in file order."""
    found = rows(
        conn,
        "SELECT seq, item FROM import_items WHERE job_id = ? AND status = ? ORDER BY seq",
        [job_id, status],
    )
    return [(int(row[0]), str(row[1])) for row in found]


def finish_item(
    conn: sqlite3.Connection,
    job_id: int,
    seq: int,
    status: str,
    reason: str,
    article_id: int | None,
) -> None:
    # A finished row keeps only what the report shows: the saved HTML and highlights an
    # export carried are in the library now, and need not be stored twice.
    conn.execute(
        "UPDATE import_items SET status = ?, reason = ?, article_id = ?, "
        "item = json_object('url', json_extract(item, '$.url'), "
        "'title', json_extract(item, '$.title')) "
        "WHERE job_id = ? AND seq = ?",
        [status, reason, article_id, job_id, seq],
    )


def set_state(
    conn: sqlite3.Connection, job_id: int, state: str, finished_at: str | None = None
) -> None:
    if finished_at is None:
        conn.execute("UPDATE import_jobs SET state = ? WHERE id = ?", [state, job_id])
    else:
        conn.execute(
            "UPDATE import_jobs SET state = ?, finished_at = ? WHERE id = ?",
            [state, finished_at, job_id],
        )


def forget_pages(conn: sqlite3.Connection, job_id: int, statuses: Sequence[str]) -> None:
    """Drop the page content carried by the job's items of `statuses`; the rest stays."""
    marks = ", ".join("?" for _ in statuses)
    conn.execute(
        "UPDATE import_items SET item = json_remove(item, '$.content_html') "
        f"WHERE job_id = ? AND status IN ({marks}) AND json_valid(item)",
        [job_id, *statuses],
    )


# -- who runs a job -------------------------------------------------------------------------

JOB_COLUMNS = (
    "id, source, format, state, created_at, finished_at, total, owner_pid, owner_host, heartbeat_at"
)


def all_jobs(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every job, newest first."""
    return rows(conn, f"SELECT {JOB_COLUMNS} FROM import_jobs ORDER BY id DESC")


def counts_by_job(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    """job id -> item status -> how many, for every job."""
    found: dict[int, dict[str, int]] = {}
    for job_id, status, count in rows(
        conn, "SELECT job_id, status, count(*) FROM import_items GROUP BY job_id, status"
    ):
        found.setdefault(int(job_id), {})[str(status)] = int(count)
    return found


def running(conn: sqlite3.Connection) -> list[tuple[int, int | None, str | None, str | None]]:
    """(id, owner pid, owner host, heartbeat) of every job that says it is running."""
    found = rows(
        conn,
        "SELECT id, owner_pid, owner_host, heartbeat_at FROM import_jobs WHERE state = 'running'",
    )
    return [(int(row[0]), row[1], row[2], row[3]) for row in found]


def interrupt(
    conn: sqlite3.Connection,
    job_id: int,
    pid: int | None,
    host: str | None,
    heartbeat: str | None,
) -> bool:
    """Mark the job interrupted if it still runs under that owner and that heartbeat."""
    cursor = conn.execute(
        "UPDATE import_jobs SET state = 'interrupted' WHERE id = ? AND state = 'running' "
        "AND owner_pid IS ? AND owner_host IS ? AND heartbeat_at IS ?",
        [job_id, pid, host, heartbeat],
    )
    return bool(cursor.rowcount)


def owner(conn: sqlite3.Connection, job_id: int) -> tuple[str, int | None, str | None] | None:
    """(state, owner pid, owner host) of the job."""
    found = rows(
        conn, "SELECT state, owner_pid, owner_host FROM import_jobs WHERE id = ?", [job_id]
    )
    return (str(found[0][0]), found[0][1], found[0][2]) if found else None


def take(conn: sqlite3.Connection, job_id: int, pid: int, host: str, now: str) -> None:
    conn.execute(
        "UPDATE import_jobs SET state = 'running', owner_pid = ?, owner_host = ?, "
        "heartbeat_at = ? WHERE id = ?",
        [pid, host, now, job_id],
    )


def beat(conn: sqlite3.Connection, job_id: int, pid: int, host: str, now: str) -> bool:
    """Refresh the heartbeat; False if the job is no longer running under this owner."""
    cursor = conn.execute(
        "UPDATE import_jobs SET heartbeat_at = ? WHERE id = ? AND state = 'running' "
        "AND owner_pid = ? AND owner_host = ?",
        [now, job_id, pid, host],
    )
    return bool(cursor.rowcount)


def release(
    conn: sqlite3.Connection,
    job_id: int,
    pid: int,
    host: str,
    state: str,
    finished_at: str | None,
) -> None:
    """End the owner's run with `state`; nothing if another process has taken the job over."""
    conn.execute(
        "UPDATE import_jobs SET state = ?, finished_at = coalesce(?, finished_at) "
        "WHERE id = ? AND owner_pid = ? AND owner_host = ?",
        [state, finished_at, job_id, pid, host],
    )
