"""How long `readmark-cli add` takes for a page whose images drip one byte a second.

Before images had deadlines, one such image held `add` for about two minutes. The page itself
answers at once; each image sends a 2 KB PNG one byte a second from a server on 127.0.0.1.

Run by hand from the checkout:
    python tests/bench/bench_dripping_images.py [--images 1 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    images = 1

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        try:
            if self.path.startswith("/page"):
                paragraphs = "".join(
                    f"<p>Paragraph {i}: the lighthouse keeper came back every season.</p>"
                    f"<img src='/img/{i}.png'>"
                    for i in range(int(self.path.rsplit("/", 1)[-1]))
                )
                body = (
                    "<html><head><title>Dripping images</title></head><body><article>"
                    f"<h1>Dripping images</h1>{paragraphs}</article></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            for byte in PNG:
                time.sleep(1.0)
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, nargs="+", default=[1, 5])
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for count in args.images:
        with tempfile.TemporaryDirectory() as data:
            url = f"http://127.0.0.1:{server.server_address[1]}/page/{count}"
            command = [sys.executable, "-m", "reader.cli", "--data-dir", data, "add", url]
            started = time.monotonic()
            done = subprocess.run(
                [*command, "--no-entities"], cwd=ROOT, capture_output=True, text=True
            )
            elapsed = time.monotonic() - started
        print(f"add, {count} dripping image(s): {elapsed:.1f} s (exit {done.returncode})")
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
