"""`readmark-cli serve`: the capture endpoint the browser extension saves through, without the
window. `--print-token` prints the pairing token to paste into the extension."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from reader.core.capture import CaptureEndpoint, Capturer, CaptureResult, load_pairing, renew_token
from reader.core.library import http_image_fetcher
from reader.core.paths import library_path
from reader.core.textsafe import terminal_text

from .common import one_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="let the browser extension save pages (listens on 127.0.0.1 only)",
        description=(
            "Run the capture endpoint the Readmark browser extension saves through, until "
            "Ctrl+C. It listens on 127.0.0.1 only and needs the pairing token on every request."
        ),
    )
    serve.add_argument(
        "--port", type=int, metavar="N", help="listen on port N only (0: any free port)"
    )
    serve.add_argument(
        "--print-token", action="store_true", help="print the pairing token and exit"
    )
    serve.add_argument(
        "--renew-token",
        action="store_true",
        help="make a new token (every paired browser must be paired again) and print it",
    )
    serve.add_argument("--no-entities", action="store_true", help="skip entity recognition")
    serve.add_argument("--no-images", action="store_true", help="do not archive the images")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    path = library_path(getattr(args, "data_dir", None))
    if args.renew_token:
        print(renew_token(path.parent).token)
        return 0
    if args.print_token:
        print(load_pairing(path.parent).token)
        return 0
    if args.port is not None and not 0 <= args.port < 65536:
        print("readmark-cli: --port must be between 0 (any free port) and 65535.", file=sys.stderr)
        return 2
    recognise: Callable[..., Any] | None = None
    if not args.no_entities:
        from reader.core.entities import recognise
    capturer = Capturer(
        path,
        recognise=recognise,
        fetch_image=None if args.no_images else http_image_fetcher(),
    )
    endpoint = CaptureEndpoint(path, capturer, port=args.port, on_saved=_print_saved)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_terminate)  # stop like Ctrl+C: cleanly
    try:
        endpoint.bind()
        print(
            f"Readmark is listening on {endpoint.url} for the browser extension "
            f"(library: {terminal_text(str(path))}). Ctrl+C stops it.",
            flush=True,
        )
        if recognise is not None:
            threading.Thread(target=_warm_up, daemon=True).start()
        endpoint.serve_forever()
    finally:
        endpoint.stop()
        capturer.close()
    return 0


def _stop_on_terminate(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def _print_saved(result: CaptureResult) -> None:
    line = f"{result.id}\t{result.status}\t{one_line(result.title)}"
    if result.highlight:
        line += f"\thighlight {result.highlight}"
    print(line, flush=True)


def _warm_up() -> None:
    """Load the entity model now, so the first capture does not wait for it."""
    try:
        from reader.core.entities import default_tagger

        tagger = default_tagger()
        load = getattr(tagger, "load", None)
        if callable(load):
            load()
    except Exception:  # a missing model shows on the first capture, with its message
        pass
