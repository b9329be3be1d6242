"""A headless Chromium driven over the DevTools protocol through a pipe (no extra packages).

`--remote-debugging-pipe` makes the browser read protocol messages from its fd 3 and write
answers to fd 4, each a JSON object ended by a NUL byte.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
STEP_TIMEOUT_S = 60.0


def find_chromium() -> str | None:
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


class ProtocolError(RuntimeError):
    pass


class Chromium:
    def __init__(self, binary: str, profile: Path, extension: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: the pipes become fds 3 and 4
            # Through free high numbers first, in case a pipe end already is 3 or 4.
            os.dup2(to_browser_r, 100)
            os.dup2(from_browser_w, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)

        flags = [
            "--headless=new",
            "--no-sandbox",  # the tests may run as root
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-unsafe-extension-debugging",
            f"--user-data-dir={profile}",
            f"--disable-extensions-except={extension}",
            f"--load-extension={extension}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            [binary, *flags],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            close_fds=False,
            preexec_fn=wire,  # the browser starts before any thread of ours
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr: list[bytes] = []
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._answers[-1] = {"closed": True}
                    self._cond.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                data = json.loads(message)
                with self._cond:
                    if "id" in data:
                        self._answers[data["id"]] = data
                    else:
                        self.events.append(data)
                    self._cond.notify_all()

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + STEP_TIMEOUT_S
        with self._cond:
            while ident not in self._answers:
                if -1 in self._answers:
                    raise ProtocolError("the browser closed: " + self.log())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProtocolError(f"no answer to {method} in time")
                self._cond.wait(left)
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise ProtocolError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            session,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise ProtocolError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def attach(self, target_id: str) -> str:
        answer = self.send("Target.attachToTarget", targetId=target_id, flatten=True)
        session = str(answer["sessionId"])
        self.send("Runtime.enable", session)
        self.send("Runtime.runIfWaitingForDebugger", session)  # a worker may wait for us
        # Evaluating before the target's script context exists can go unanswered.
        deadline = time.monotonic() + STEP_TIMEOUT_S
        with self._cond:
            while not self._has_event(session, "Runtime.executionContextCreated"):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProtocolError("the target made no script context: " + self.log())
                self._cond.wait(left)
        return session

    def _has_event(self, session: str, method: str) -> bool:
        return any(e.get("sessionId") == session and e.get("method") == method for e in self.events)

    def targets(self) -> list[dict[str, Any]]:
        return list(self.send("Target.getTargets")["targetInfos"])

    def log(self) -> str:
        return b"".join(self.stderr[-30:]).decode("utf-8", "replace")

    def close(self) -> None:
        with contextlib.suppress(ProtocolError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self._drainer.join(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
