"""An import job never says "running" once its process has ended, and resumes from anywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.core.exporters.library_json import export_json
from reader.core.importing.job import prepare_import
from reader.core.importing.runner import import_file
from reader.core.job_owner import JobBusyError, list_jobs
from reader.core.library import Library
from tests.conftest import ROOT
from tests.core.test_library_transfer import article, source_page

# Starts the import's job, then dies the way a killed process does: nothing cleans up.
DIE_AFTER_CLAIM = """
import os, signal, sys
from pathlib import Path
from reader.core.importing.job import prepare_import
from reader.core.job_owner import claim
from reader.core.library import Library
library = Library(Path(sys.argv[1]))
claim(library, prepare_import(library, Path(sys.argv[2])))
print("claimed", flush=True)
if sys.argv[3] == "die":
    os.kill(os.getpid(), signal.SIGKILL)
sys.stdin.readline()
"""


@pytest.fixture
def export_file(tmp_path: Path) -> Path:
    library = Library(tmp_path / "source.sqlite3")
    for n in range(6):
        library.add_article(article(n, n % 2 == 0), source_page(n, n % 2 == 0))
    dest = tmp_path / "six.json"
    export_json(library, dest)
    library.close()
    return dest


def start(library_path: Path, source: Path, mode: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", DIE_AFTER_CLAIM, str(library_path), str(source), mode],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "claimed"
    return process


def test_a_job_whose_process_was_killed_is_interrupted_and_resumes(
    tmp_path: Path, export_file: Path
) -> None:
    library_path = tmp_path / "library.sqlite3"
    with start(library_path, export_file, "die") as process:
        assert process.wait(30) == -signal.SIGKILL
    with Library(library_path) as library:
        assert [job.state for job in list_jobs(library)] == ["interrupted"]
        report = import_file(library, export_file)
        assert report.job_id == 1 and report.added == 6
        assert [job.state for job in list_jobs(library)] == ["done"]


def test_a_job_another_live_process_runs_is_left_to_it(tmp_path: Path, export_file: Path) -> None:
    library_path = tmp_path / "library.sqlite3"
    with start(library_path, export_file, "wait") as process:
        try:
            with Library(library_path) as library:
                assert [job.state for job in list_jobs(library)] == ["running"]
                with pytest.raises(JobBusyError, match=f"pid {process.pid}"):
                    import_file(library, export_file)
                assert library.count() == 0
        finally:
            process.kill()
    with Library(library_path) as library:
        report = import_file(library, export_file)
        assert report.job_id == 1 and report.added == 6


def test_a_failed_run_is_interrupted_not_running(tmp_path: Path, export_file: Path) -> None:
    def explode(_progress: object) -> None:
        raise RuntimeError("the window went away")

    with Library(tmp_path / "library.sqlite3") as library:
        with pytest.raises(RuntimeError):
            import_file(library, export_file, on_progress=explode)
        assert [job.state for job in list_jobs(library)] == ["interrupted"]
        assert import_file(library, export_file).added == 6


def test_other_machines_jobs_go_by_their_heartbeat(tmp_path: Path, export_file: Path) -> None:
    with Library(tmp_path / "library.sqlite3") as library:
        job = prepare_import(library, export_file)
        old = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
        fresh = datetime.now(UTC).isoformat(timespec="seconds")
        library.db.execute(
            "UPDATE import_jobs SET owner_host = 'laptop', owner_pid = 1, heartbeat_at = ?",
            [fresh],
        )
        assert [job.state for job in list_jobs(library)] == ["running"]
        library.db.execute("UPDATE import_jobs SET heartbeat_at = ?", [old])
        assert [job.state for job in list_jobs(library)] == ["interrupted"]
        assert import_file(library, export_file).job_id == job
