"""On a minimal Linux, the window's start says which system libraries Qt still needs, and how
to install them, instead of Qt's one-library abort."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reader.ui import system_libraries


@pytest.fixture
def fake_ldd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An `ldd` on PATH that reports what the test says and counts its calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    report, calls = tmp_path / "ldd-output", tmp_path / "ldd-calls"
    script = bin_dir / "ldd"
    script.write_text(f'#!/bin/sh\necho x >> "{calls}"\ncat "{report}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"\x7fELF")
    monkeypatch.setattr(system_libraries, "xcb_plugin", lambda: plugin)
    monkeypatch.setattr(system_libraries.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")

    def answer(text: str) -> Path:
        report.write_text(text)
        return calls

    return answer


def test_every_missing_library_is_named_with_the_command_that_installs_them(
    fake_ldd, tmp_path: Path
) -> None:
    fake_ldd(
        "\tlibQt6XcbQpa.so.6 => /opt/qt/libQt6XcbQpa.so.6 (0x7f)\n"
        "\tlibxcb-cursor.so.0 => not found\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
    )
    said = system_libraries.check(tmp_path)
    assert said is not None
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4, libxcb-keysyms.so.1" in said
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in said


def test_a_complete_system_is_checked_once_per_qt_build(fake_ldd, tmp_path: Path) -> None:
    calls = fake_ldd("\tlibxcb.so.1 => /usr/lib/libxcb.so.1 (0x7f)\n")
    assert system_libraries.check(tmp_path) is None
    assert system_libraries.check(tmp_path) is None
    assert calls.read_text().count("x") == 1  # the second start did not ask again


def test_without_a_display_or_off_screen_nothing_is_asked(
    fake_ldd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fake_ldd("\tlibxcb-cursor.so.0 => not found\n")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert system_libraries.check(tmp_path) is None
    assert not calls.exists()
