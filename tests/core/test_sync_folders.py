"""A library inside a folder a sync client manages gets a warning; one elsewhere does not."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.sync_folders import sync_client


@pytest.mark.parametrize(
    ("inside", "client"),
    [
        ("Dropbox/Readmark", "Dropbox"),
        ("Dropbox (Personal)/apps/Readmark", "Dropbox"),
        ("OneDrive/Documents/Readmark", "OneDrive"),
        ("OneDrive - Contoso/Readmark", "OneDrive"),
        ("Library/Mobile Documents/com~apple~CloudDocs/Readmark", "iCloud Drive"),
        ("Library/CloudStorage/GoogleDrive-ada@example.com/My Drive/Readmark", "Google Drive"),
        ("Google Drive/Readmark", "Google Drive"),
    ],
)
def test_folders_sync_clients_manage_are_recognised(
    tmp_path: Path, inside: str, client: str
) -> None:
    assert sync_client(tmp_path / inside) == client


def test_a_syncthing_marker_in_an_ancestor_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "shared" / ".stfolder").mkdir(parents=True)
    assert sync_client(tmp_path / "shared" / "notes" / "Readmark") == "Syncthing"
    assert sync_client(tmp_path / "elsewhere" / "Readmark") is None


def test_a_folder_linked_into_a_synced_one_is_recognised(tmp_path: Path) -> None:
    (tmp_path / "Dropbox" / "Readmark").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "Dropbox" / "Readmark")
    assert sync_client(tmp_path / "link") == "Dropbox"


def test_the_cli_warns_on_stderr_and_still_works(tmp_path: Path) -> None:
    data = tmp_path / "OneDrive" / "Readmark"
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["--data-dir", str(data), "stats", "--json"]) == 0
    assert "warning" in err.getvalue() and "OneDrive syncs" in err.getvalue()
    assert '"articles"' in out.getvalue()  # the warning goes to stderr, the answer to stdout
    quiet = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(quiet):
        assert main(["--data-dir", str(tmp_path / "plain"), "stats"]) == 0
    assert "warning" not in quiet.getvalue()
