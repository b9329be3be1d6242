"""The capture endpoint: a small JSON API on 127.0.0.1 that the browser extension saves through.

    GET  /api/v1/status   -> {"app": "readmark", "version": ...}
    POST /api/v1/capture  {"url", "title", "html", "selection"?} -> {"id", "title", "status"}
    POST /api/v1/open     {"id"} -> {"id", "status": "opened"}   (only while the window is open)

Every request needs `Authorization: Bearer TOKEN` (the data folder's pairing token). A request
with an `Origin` is refused unless it comes from a browser extension (web pages never get in,
even with the token); an extension's first request with the right token pairs its origin. The
`Host` must be the loopback address the server listens on, which stops DNS-rebinding pages. Bodies
are JSON only and capped in size and in time; everything else answers 404. Every answer is JSON
and names the app, so the extension can tell "Readmark is not running" from "not paired".

The server listens on DEFAULT_PORT, or the next free one of PORT_CHOICES (the extension tries
them in order), or on the one port asked for.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from reader import __version__
from reader.core.capture.pairing import (
    Pairing,
    PairingError,
    is_extension_origin,
    load_pairing,
    pairing_path,
)
from reader.core.capture.service import CaptureError, Capturer, CaptureResult, parse_request
from reader.core.errors import ReadmarkError

HOST = "127.0.0.1"
DEFAULT_PORT = 47_811
PORT_CHOICES = tuple(range(DEFAULT_PORT, DEFAULT_PORT + 5))
MAX_BODY_BYTES = 24 * 1024 * 1024  # a 20 MB page, plus what JSON escaping adds
BODY_TIMEOUT_S = 60.0
IDLE_TIMEOUT_S = 30.0
MAX_OPEN_REQUESTS = 64
STATUS_PATH = "/api/v1/status"
CAPTURE_PATH = "/api/v1/capture"
OPEN_PATH = "/api/v1/open"  # only while the window is open: shows a saved article

log = logging.getLogger(__name__)

OnSaved = Callable[[CaptureResult], None]
OnOpen = Callable[[int], bool]


class ServeError(ReadmarkError):
    """The endpoint cannot start (the port is taken, say)."""


class _RefusedError(Exception):
    def __init__(self, status: int, code: str, message: str, close: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.close = close


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 resets a burst of captures from several tabs
    # Restarting right after a stop must find the port free (TIME_WAIT); on Windows the option
    # would let a second server share the port, so it stays off there.
    allow_reuse_address = sys.platform != "win32"

    def __init__(self, address: tuple[str, int], endpoint: CaptureEndpoint) -> None:
        self.endpoint = endpoint
        self.open_requests = threading.BoundedSemaphore(MAX_OPEN_REQUESTS)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.open_requests.acquire(blocking=False):
            try:
                body = _json_body(
                    {"app": "readmark", "error": "busy", "message": "Readmark is busy; try again."}
                )
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.open_requests.release()


def _json_body(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S
    server_version = f"Readmark/{__version__}"

    def version_string(self) -> str:
        return self.server_version

    # -- routing --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_OPTIONS(self) -> None:
        self._answer("OPTIONS")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_PATCH(self) -> None:
        self._answer("PATCH")

    def _answer(self, method: str) -> None:
        endpoint = self.server.endpoint
        origin = self.headers.get("Origin")
        try:
            path = self.path.split("?", 1)[0]
            route = {("GET", STATUS_PATH), ("POST", CAPTURE_PATH)}
            if endpoint.on_open is not None:
                route.add(("POST", OPEN_PATH))
            if method == "OPTIONS" and path in {p for _, p in route}:
                self._preflight(origin)
                return
            if (method, path) not in route:
                raise _RefusedError(404, "not_found", "There is nothing here.", close=True)
            self._check_host(endpoint.port)
            pairing = endpoint.pairing
            if origin is not None and not is_extension_origin(origin):
                raise _RefusedError(
                    403, "refused_origin", "Only the Readmark browser extension may save here.",
                    close=True,
                )  # fmt: skip
            self._check_token(pairing)
            if (
                origin is not None
                and not pairing.origin_allowed(origin)
                and not pairing.pair(origin)
            ):
                raise _RefusedError(403, "refused_origin", "This extension is not paired.", True)
            if method == "GET":
                self._send(200, {"app": "readmark", "version": __version__}, origin)
                return
            if path == OPEN_PATH:
                self._open(endpoint, self._read_json(), origin)
                return
            request = parse_request(self._read_json())
            result = endpoint.capture(request)
            self._send(200, result.to_json(), origin)
        except _RefusedError as refusal:
            self._refuse(refusal, origin)
        except CaptureError as exc:
            self._refuse(_RefusedError(exc.status, exc.code, str(exc)), origin)
        except ReadmarkError as exc:
            self._refuse(_RefusedError(500, "not_saved", f"The page was not saved: {exc}"), origin)
        except Exception:  # a bug must answer, not leave the browser waiting
            log.exception("capture request failed")
            self._refuse(
                _RefusedError(500, "internal", "Readmark could not save the page."), origin
            )

    def _open(self, endpoint: CaptureEndpoint, data: object, origin: str | None) -> None:
        article_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(article_id, int) or isinstance(article_id, bool):
            raise _RefusedError(400, "bad_request", '"id" must be the number of an article.')
        assert endpoint.on_open is not None
        if not endpoint.on_open(article_id):
            raise _RefusedError(404, "not_found", f"There is no article {article_id}.")
        self._send(200, {"id": article_id, "status": "opened"}, origin)

    # -- checks ---------------------------------------------------------------------------

    def _check_host(self, port: int) -> None:
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in (f"{HOST}:{port}", f"localhost:{port}"):
            raise _RefusedError(
                403, "refused_host", "Refused: not addressed to this computer.", True
            )

    def _check_token(self, pairing: Pairing) -> None:
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if not header:
            raise _RefusedError(401, "not_paired", "Pair the extension: paste Readmark's token.")
        if scheme.lower() != "bearer" or not pairing.token_matches(token.strip()):
            raise _RefusedError(
                401, "wrong_token", "The token is not this Readmark's; paste it again."
            )

    def _read_json(self) -> object:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise _RefusedError(
                415, "json_only", "Send JSON (Content-Type: application/json).", True
            )
        if self.headers.get("Transfer-Encoding"):
            raise _RefusedError(
                411, "length_required", "Send the body with a Content-Length.", True
            )
        declared = (self.headers.get("Content-Length") or "").strip()
        if not declared.isdigit():
            raise _RefusedError(
                411, "length_required", "Send the body with a Content-Length.", True
            )
        length = int(declared)
        if length > MAX_BODY_BYTES:
            raise _RefusedError(
                413, "too_large",
                f"The page is larger than {MAX_BODY_BYTES // 1_048_576} MB, the limit.", True,
            )  # fmt: skip
        body = self._read_body(length)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _RefusedError(400, "bad_json", f"The body is not valid JSON: {exc}") from exc
        except RecursionError as exc:
            raise _RefusedError(400, "bad_json", "The JSON is nested too deeply.") from exc

    def _read_body(self, length: int) -> bytes:
        deadline = time.monotonic() + BODY_TIMEOUT_S
        pieces: list[bytes] = []
        left = length
        try:
            while left:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self.connection.settimeout(min(remaining, IDLE_TIMEOUT_S))
                piece = self.rfile.read1(min(left, 1 << 16))
                if not piece:
                    raise _RefusedError(400, "bad_request", "The body ended early.", True)
                pieces.append(piece)
                left -= len(piece)
        except TimeoutError as exc:
            raise _RefusedError(408, "too_slow", "The page arrived too slowly.", True) from exc
        return b"".join(pieces)

    # -- answers --------------------------------------------------------------------------

    def _preflight(self, origin: str | None) -> None:
        if origin is None or not is_extension_origin(origin):
            raise _RefusedError(
                403, "refused_origin", "Only the Readmark extension may save here.", True
            )
        self.send_response(204)
        self._cors(origin)
        self.send_header("Access-Control-Allow-Methods", "GET, POST")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _cors(self, origin: str | None) -> None:
        if origin is not None and is_extension_origin(origin):
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _send(
        self, status: int, data: dict[str, Any], origin: str | None, close: bool = False
    ) -> None:
        body = _json_body(data)
        self.send_response(status)
        self._cors(origin)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refuse(self, refusal: _RefusedError, origin: str | None) -> None:
        data = {"app": "readmark", "error": refusal.code, "message": refusal.message}
        try:
            self._send(refusal.status, data, origin, close=refusal.close or refusal.status >= 400)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own errors (a malformed request line, a header too long) as JSON too.
        reason = message or HTTPStatus(code).phrase
        self._refuse(_RefusedError(code, "bad_request", reason, close=True), None)


class CaptureEndpoint:
    """The endpoint for the library at `library_path`; `start()` listens in a background thread.

    `on_saved(result)` is called (in the request's thread) after each saved capture;
    `on_open(id)`, when given (the window), shows an article and says whether it exists.
    """

    def __init__(
        self,
        library_path: Path,
        capturer: Capturer,
        *,
        port: int | None = None,
        on_saved: OnSaved | None = None,
        on_open: OnOpen | None = None,
    ) -> None:
        self.library_path = library_path
        self.capturer = capturer
        self._pairing = load_pairing(library_path.parent)
        self._pairing_stamp = self._stamp()
        self.requested_port = port
        self.on_saved = on_saved
        self.on_open = on_open
        self.port = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def pairing(self) -> Pairing:
        """The data folder's pairing as it is now: a token renewed by another process (or the
        window) takes effect at once, and the old one stops working."""
        stamp = self._stamp()
        if stamp != self._pairing_stamp:
            with contextlib.suppress(PairingError):
                self._pairing = load_pairing(self.library_path.parent)
                self._pairing_stamp = stamp
        return self._pairing

    def _stamp(self) -> tuple[int, int] | None:
        try:
            found = pairing_path(self.library_path.parent).stat()
        except OSError:
            return None
        return found.st_mtime_ns, found.st_ino

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def capture(self, request: Any) -> CaptureResult:
        result = self.capturer.capture(request)
        if self.on_saved is not None:
            try:
                self.on_saved(result)
            except Exception:
                log.exception("on_saved failed")
        return result

    def bind(self) -> int:
        """Take the port (the asked one, or the first free choice); returns it."""
        ports = (self.requested_port,) if self.requested_port is not None else PORT_CHOICES
        last: OSError | None = None
        for port in ports:
            try:
                self._server = _Server((HOST, port), self)
            except OSError as exc:
                last = exc
                continue
            self.port = self._server.server_address[1]
            return self.port
        shown = ", ".join(str(p) for p in ports)
        reason = last.strerror if last is not None and last.strerror else str(last)
        raise ServeError(f"Readmark could not listen on 127.0.0.1 port {shown}: {reason}.")

    def start(self) -> int:
        """Bind and serve in a daemon thread; returns the port."""
        port = self.bind()
        self._thread = threading.Thread(
            target=self.serve_forever, name="readmark-capture", daemon=True
        )
        self._thread.start()
        return port

    def serve_forever(self) -> None:
        if self._server is None:
            self.bind()
        assert self._server is not None
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
