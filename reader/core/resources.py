"""Files shipped in the `resources/` folder, found both from a checkout and an installed wheel."""

from __future__ import annotations

from pathlib import Path

SAMPLE_ARTICLE = "sample/kremlin-istanbul-talks.txt"


def resources_dir() -> Path:
    """The resources folder: installed beside the package, or at the top of a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "resources", package_dir.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Readmark's resources folder is missing; reinstall Readmark.")


def resource(name: str) -> Path:
    return resources_dir() / name


def sample_article_path() -> Path:
    return resource(SAMPLE_ARTICLE)
