"""Before the first window on Linux: the system libraries Qt's X11 platform plugin needs.

When a library the plugin links against is missing, Qt stops the process with a message that
names one library (or none) — a minimal Linux often lacks several. Asking the dynamic linker
(`ldd`) about the plugin itself finds them all, and the message names the Debian/Ubuntu packages
that hold them. The check runs once per Qt build: a marker file in the data folder remembers a
build whose plugin had everything.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Libraries the xcb plugin loads, by the Debian/Ubuntu package that ships them.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def xcb_plugin() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    found = sorted(Path(PySide6.__file__).parent.glob("Qt/plugins/platforms/libqxcb.so"))
    return found[0] if found else None


def missing_libraries(plugin: Path) -> list[str]:
    """The libraries `plugin` links against that the dynamic linker cannot find."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(set(_NOT_FOUND.findall(out)))


def message(missing: list[str]) -> str:
    packages = sorted({PACKAGES[name] for name in missing if name in PACKAGES})
    lines = [
        "Readmark cannot open its window: these system libraries are missing: "
        + ", ".join(missing)
        + "."
    ]
    if packages:
        lines.append("On Debian or Ubuntu, install them with:")
        lines.append("    sudo apt-get install " + " ".join(packages))
    unknown = [name for name in missing if name not in PACKAGES]
    if unknown:
        lines.append(
            "Your system's package manager can tell which package holds " + ", ".join(unknown) + "."
        )
    lines.append("Without a screen, QT_QPA_PLATFORM=offscreen still works (for --screenshot).")
    return "\n".join(lines)


def uses_xcb() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.startswith("xcb")
    return bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")


def check(marker_folder: Path) -> str | None:
    """The message to show instead of the window, or None when the window can open."""
    if not sys.platform.startswith("linux") or not uses_xcb():
        return None
    plugin = xcb_plugin()
    if plugin is None:
        return None
    marker = marker_folder / ".qt-libraries-ok"
    stamp = f"{plugin} {plugin.stat().st_mtime_ns}"
    try:
        if marker.read_text() == stamp:
            return None
    except OSError:
        pass
    missing = missing_libraries(plugin)
    if missing:
        return message(missing)
    with contextlib.suppress(OSError):  # a read-only folder: the check runs again next time
        marker.write_text(stamp)
    return None
