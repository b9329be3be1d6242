"""Hostile inputs through the CLI, each in its own process under `/usr/bin/time -v`: wall time,
CPU time and peak memory of the worst cases, and whether what should be kept was kept.

Run from the checkout: `python tests/bench/bench_hostile.py` (about a minute; `--only NAME` runs
one case, `--keep DIR` leaves the generated files there). Nothing here is asserted: the suite
checks the behaviour (tests/core/test_*_hostile.py), this prints the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIME = "/usr/bin/time"
FILLER = "<p>" + "The council met on Monday in Paris to discuss the plan with John Smith. " * 6
FILLER += "</p>"


def page(middle: str) -> str:
    body = f"{FILLER}{middle}{FILLER}<p>The closing line.</p>"
    return f"<html><body><article>{body}</article></body></html>"


def capital_word_heading(folder: Path) -> Path:
    path = folder / "heading-100kb-one-word.html"
    path.write_text(page(f"<h1>{'A' * 100_000}</h1>"))
    return path


def capital_words_heading(folder: Path) -> Path:
    words = " ".join(["Alpha", "Beta-Gamma", "Delta.Omega", "City", "Newspaper", "Smith's"] * 3000)
    path = folder / "heading-100kb-capitalised-words.html"
    path.write_text(page(f"<h1>{words[:100_000]}</h1>"))
    return path


def one_word_paragraph(folder: Path) -> Path:
    path = folder / "paragraph-30kb-one-word.html"
    path.write_text(page(f"<p>Shares in {'Ab-' * 10_000}based firms rose.</p>"))
    return path


def long_page(folder: Path) -> Path:
    sentence = "The minister told John Smith in Paris that the plan would go ahead next week. "
    paragraph = f"<p>{sentence * 10}</p>"
    words = len(sentence.split()) * 10
    path = folder / "page-224k-words.html"
    path.write_text(page(paragraph * (224_000 // words)))
    return path


def void_elements(folder: Path) -> Path:
    middle = "".join(
        f"<p>Before {tag}. <{tag} src='clip.mp4'> After {tag}, kept.</p>"
        for tag in ("embed", "source", "track", "wbr")
    )
    path = folder / "html5-void-elements.html"
    path.write_text(page(middle))
    return path


def deep_nesting(folder: Path) -> Path:
    deep = "<div>" * 5000 + "<p>Five thousand levels down, kept.</p>" + "</div>" * 5000
    path = folder / "nesting-5000.html"
    path.write_text(page(deep))
    return path


def many_attributes(folder: Path) -> Path:
    attributes = " ".join(f'a{i}="v"' for i in range(200_000))
    path = folder / "attributes-200k.html"
    path.write_text(page(f"<p {attributes}>The crowded element's text, kept.</p>"))
    return path


def utf7_page(folder: Path) -> Path:
    path = folder / "utf7.html"
    body = page("<p>Plain +ADw-script+AD4-alert(1)+ADw-/script+AD4- text.</p>")
    path.write_bytes(body.replace("<html>", '<html><meta charset="utf-7">').encode("ascii"))
    return path


def omnivore_bomb(folder: Path) -> Path:
    path = folder / "omnivore-1gb.zip"
    metadata = [{"id": "a", "slug": "a", "url": "https://example.org/a", "title": "A"}]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("metadata_0_to_1.json", json.dumps(metadata))
        with archive.open("content/a.html", "w", force_zip64=True) as entry:
            chunk = (b"<p>" + b"x" * 1021) * 1024
            for _ in range(1024):
                entry.write(chunk)
    return path


CASES: dict[str, tuple[Callable[[Path], Path], list[str], str]] = {
    # name: (make the file, command after `readmark-cli --data-dir D`, text that must be kept)
    "heading of one 100 KB word": (capital_word_heading, ["add", "--no-images"], ""),
    "heading of 100 KB capitalised words": (capital_words_heading, ["add", "--no-images"], ""),
    "30 KB paragraph of one word": (one_word_paragraph, ["add", "--no-images"], ""),
    "224k-word page": (long_page, ["add", "--no-images"], ""),
    "HTML5 void elements": (void_elements, ["add", "--no-images"], "After wbr, kept."),
    "5,000 nested divs": (deep_nesting, ["add", "--no-images"], "Five thousand levels down"),
    "200k attributes": (many_attributes, ["add", "--no-images"], "crowded element's text"),
    "UTF-7 page": (utf7_page, ["add", "--no-images"], "+ADw-script+AD4-"),
    "Omnivore zip of 1 GB": (omnivore_bomb, ["import", "--no-images", "--no-entities"], ""),
}


def measure(command: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [TIME, "-v", *command], capture_output=True, text=True, env={**os.environ}, check=False
    )
    stats = done.stderr

    def field(name: str) -> str:
        found = re.search(rf"{re.escape(name)}: (.+)", stats)
        return found.group(1).strip() if found else "?"

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    minutes, _, seconds = wall.rpartition(":")
    return {
        "wall_s": float(minutes or 0) * 60 + float(seconds) if wall != "?" else -1.0,
        "cpu_s": float(field("User time (seconds)")) + float(field("System time (seconds)")),
        "peak_mb": int(field("Maximum resident set size (kbytes)")) / 1024,
        "code": done.returncode,
        "out": done.stdout,
        "err": "\n".join(line for line in stats.splitlines() if line.startswith("readmark")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only the case whose name contains this")
    parser.add_argument("--keep", type=Path, help="write the generated files into this folder")
    args = parser.parse_args()
    if not Path(TIME).exists():
        print(f"{TIME} is needed (GNU time)", file=sys.stderr)
        return 2
    folder = args.keep or Path(tempfile.mkdtemp(prefix="readmark-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    cli = [sys.executable, "-c", "import sys; from reader.cli import main; sys.exit(main())"]
    print(f"{'case':<38}{'file':>10}{'wall s':>9}{'cpu s':>8}{'peak MB':>9}  outcome")
    try:
        for name, (make, command, keep) in CASES.items():
            if args.only and args.only.lower() not in name.lower():
                continue
            path = make(folder)
            data = folder / f"data-{path.stem}"
            shutil.rmtree(data, ignore_errors=True)
            result = measure([*cli, "--data-dir", str(data), *command, str(path)])
            outcome = f"exit {result['code']}"
            if keep and result["code"] == 0:
                shown = subprocess.run(
                    [*cli, "--data-dir", str(data), "show", "1"], capture_output=True, text=True
                )
                outcome += ", text kept" if keep in shown.stdout else ", TEXT LOST"
                notices = [
                    line for line in shown.stdout.splitlines() if line.startswith("Readmark: ")
                ]
                if notices:
                    outcome += f", notice: {notices[0][10:70]}..."
            if result["err"]:
                outcome += f"; {str(result['err']).splitlines()[0][:110]}"
            size = path.stat().st_size / 1_048_576
            print(
                f"{name:<38}{size:>8.1f}MB{result['wall_s']:>9.2f}{result['cpu_s']:>8.2f}"
                f"{result['peak_mb']:>9.0f}  {outcome}"
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
