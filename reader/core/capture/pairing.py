"""The pairing between a data folder and the browser extensions allowed to save into it.

One token per data folder, made on first use and kept in `capture.json` beside the library
(readable by the person's own account only). A browser extension is paired when the person pastes
the token into it: its first request carrying the right token records its origin
(`chrome-extension://…`, `moz-extension://…`), and from then on that origin is accepted. Web
pages never are, whatever they send: only extension origins can be paired.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.errors import ReadmarkError

PAIRING_FILE = "capture.json"
TOKEN_BYTES = 24
MAX_PAIRED_ORIGINS = 20
EXTENSION_SCHEMES = ("chrome-extension://", "moz-extension://", "safari-web-extension://")

_lock = threading.Lock()


class PairingError(ReadmarkError):
    """The pairing file cannot be read or written."""


def is_extension_origin(origin: str) -> bool:
    """Whether `origin` names a browser extension (the only kind that may be paired)."""
    if not origin.startswith(EXTENSION_SCHEMES):
        return False
    rest = origin.split("://", 1)[1]
    return bool(rest) and all(c.isalnum() or c in "-_." for c in rest)


@dataclass
class Pairing:
    """The token and the paired extension origins of one data folder."""

    path: Path
    token: str
    origins: list[str] = field(default_factory=list)

    def token_matches(self, offered: str) -> bool:
        return secrets.compare_digest(offered.encode("utf-8"), self.token.encode("utf-8"))

    def origin_allowed(self, origin: str | None) -> bool:
        """No origin (a command-line client) or a paired extension's origin."""
        return origin is None or origin in self.origins

    def pair(self, origin: str) -> bool:
        """Record an extension origin that presented the right token; False when refused."""
        if not is_extension_origin(origin):
            return False
        with _lock:
            if origin in self.origins:
                return True
            current = _read(self.path)
            if current is not None and current.token != self.token:
                return False  # the token was renewed since this server started
            origins = list(current.origins if current else self.origins)
            if origin not in origins:
                origins.append(origin)
            self.origins = origins[-MAX_PAIRED_ORIGINS:]
            _write(self.path, self.token, self.origins)
        return True


def pairing_path(data_dir: Path) -> Path:
    return data_dir / PAIRING_FILE


def load_pairing(data_dir: Path, *, create: bool = True) -> Pairing:
    """The data folder's pairing, made (with a fresh token) when there is none yet."""
    path = pairing_path(data_dir)
    with _lock:
        found = _read(path)
        if found is not None or not create:
            if found is None:
                raise PairingError(f"No browser is paired with {data_dir} yet.")
            return found
        pairing = Pairing(path, secrets.token_urlsafe(TOKEN_BYTES))
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            # O_EXCL: when two processes start at once, one token wins and both use it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            for _ in range(40):  # the other process writes its few bytes right after creating
                again = _read(path)
                if again is not None:
                    return again
                time.sleep(0.05)
            raise PairingError(f"{path} exists but is empty; delete it to pair again.") from None
        except OSError as exc:
            raise PairingError(f"Could not create {path}: {exc.strerror or exc}") from exc
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(_dump(pairing.token, []))
            handle.flush()
            os.fsync(handle.fileno())
        return pairing


def renew_token(data_dir: Path) -> Pairing:
    """A new token, and every paired extension forgotten (each must be paired again)."""
    path = pairing_path(data_dir)
    with _lock:
        pairing = Pairing(path, secrets.token_urlsafe(TOKEN_BYTES))
        data_dir.mkdir(parents=True, exist_ok=True)
        _write(path, pairing.token, [])
        return pairing


def _dump(token: str, origins: list[str]) -> str:
    return json.dumps({"token": token, "origins": origins}, indent=2) + "\n"


def _read(path: Path) -> Pairing | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PairingError(f"Could not read {path}: {exc.strerror or exc}") from exc
    if not text.strip():
        return None  # another process is writing it this very moment; O_EXCL decides
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PairingError(f"{path} is damaged; delete it to pair the browser again.") from exc
    token = data.get("token") if isinstance(data, dict) else None
    origins = data.get("origins", []) if isinstance(data, dict) else []
    if not isinstance(token, str) or len(token) < 16 or not isinstance(origins, list):
        raise PairingError(f"{path} is damaged; delete it to pair the browser again.")
    return Pairing(path, token, [o for o in origins if isinstance(o, str)])


def _write(path: Path, token: str, origins: list[str]) -> None:
    try:
        fd, temporary = tempfile.mkstemp(prefix=".capture-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(_dump(token, origins))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PairingError(f"Could not write {path}: {exc.strerror or exc}") from exc
