"""Package the extension for Chromium browsers and for Firefox, from the one source folder.

    python extension/build.py    # -> extension/dist/readmark-chrome.zip, readmark-firefox.zip

The source manifest carries both background forms (`service_worker` for Chromium, `scripts` for
Firefox) so the folder loads unpacked in either browser; each zip keeps only its browser's form.
The zips are byte-for-byte reproducible (sorted entries, fixed dates), so a build can be checked
against the source rather than kept in version control.
"""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = [
    "background.js",
    "collect.js",
    "popup.html",
    "popup.css",
    "popup.js",
    "icons/readmark-16.png",
    "icons/readmark-32.png",
    "icons/readmark-48.png",
    "icons/readmark-128.png",
]
TARGETS = ("chrome", "firefox")
FIXED_DATE = (2020, 1, 1, 0, 0, 0)


def manifest_for(target: str) -> dict[str, object]:
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    background = dict(manifest["background"])
    if target == "chrome":
        background.pop("scripts", None)
        manifest.pop("browser_specific_settings", None)
    else:
        background.pop("service_worker", None)
    manifest["background"] = background
    return manifest


def build(target: str, dist: Path) -> Path:
    dist.mkdir(parents=True, exist_ok=True)
    out = dist / f"readmark-{target}.zip"
    partial = out.with_suffix(".zip.partial")
    entries = {"manifest.json": (json.dumps(manifest_for(target), indent=2) + "\n").encode()}
    for name in FILES:
        entries[name] = (HERE / name).read_bytes()
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])
    partial.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=HERE / "dist", help="output folder")
    parser.add_argument("--target", choices=TARGETS, action="append", help="default: both")
    args = parser.parse_args(argv)
    for target in args.target or TARGETS:
        print(build(target, args.dist))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
