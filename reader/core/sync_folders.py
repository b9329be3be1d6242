"""Whether a folder lies inside one a sync client manages (Dropbox, OneDrive, iCloud Drive,
Google Drive, Syncthing): such clients copy a live SQLite file mid-write, and lose data."""

from __future__ import annotations

from pathlib import Path

# Folder names (lower case) each client gives the folder it syncs, on any system.
CLIENT_FOLDERS = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "mobile documents": "iCloud Drive",  # ~/Library/Mobile Documents on macOS
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",  # Windows
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
}
# Prefixes: "OneDrive - Contoso", "Dropbox (Personal)", and macOS File Provider folders under
# ~/Library/CloudStorage such as "GoogleDrive-ada@example.com" or "OneDrive-Personal".
CLIENT_PREFIXES = {
    "onedrive - ": "OneDrive",
    "onedrive-": "OneDrive",
    "dropbox (": "Dropbox",
    "dropbox-": "Dropbox",
    "googledrive-": "Google Drive",
    "icloud~": "iCloud Drive",
}
# Files a client keeps in the root of what it syncs.
CLIENT_MARKERS = {".stfolder": "Syncthing", ".dropbox": "Dropbox"}


def _client_of_name(name: str) -> str | None:
    lowered = name.lower()
    if lowered in CLIENT_FOLDERS:
        return CLIENT_FOLDERS[lowered]
    for prefix, client in CLIENT_PREFIXES.items():
        if lowered.startswith(prefix):
            return client
    return None


def sync_client(folder: Path) -> str | None:
    """The sync client that manages `folder` or one of its ancestors, or None.

    Only names and `stat` calls are used: no file in the folder is opened.
    """
    folder = folder.expanduser().absolute()
    candidates = [folder]
    try:
        resolved = folder.resolve()
    except OSError:
        resolved = folder
    if resolved != folder:
        candidates.append(resolved)  # a link from elsewhere into the synced folder
    for start in candidates:
        for place in (start, *start.parents):
            client = _client_of_name(place.name)
            if client:
                return client
            for marker, marker_client in CLIENT_MARKERS.items():
                try:
                    if (place / marker).exists():
                        return marker_client
                except OSError:
                    continue
    return None


def sync_warning(folder: Path) -> str | None:
    """The warning to show for a data folder inside a synced one, or None."""
    client = sync_client(folder)
    if client is None:
        return None
    return (
        f"The library folder {folder} is inside a folder that {client} syncs. Sync clients copy "
        "a database while it is being written and can lose your data: move the data folder "
        f"out of it (or use --data-dir), and let {client} sync backups made with "
        "`readmark-cli backup FILE` instead."
    )
