"""Library-level linking benchmark: a library of real pages, and the groups of spellings a
person would call one entity (tests/fixtures/entities/linking/) must each resolve to one
entity, while different people stay apart.

Run from the checkout: `python tests/bench/bench_entity_linking.py [--pages DIR] [-v]`. DIR
holds one folder per page with its article text in `truth.txt` (the scrapinghub-dev text
cases by default). The real model recognises every page, as saving it would.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.core.entities import catalog, recognise  # noqa: E402
from reader.core.library import Library  # noqa: E402
from reader.core.models import Article, Block, BlockKind  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "entities" / "linking" / "scrapinghub-dev.json"
PAGES = Path("/work/shared/text-cases/scrapinghub-dev")


def build(library: Library, pages: Path) -> int:
    count = 0
    for folder in sorted(p for p in pages.iterdir() if (p / "truth.txt").is_file()):
        lines = [
            line for line in (folder / "truth.txt").read_text("utf-8").split("\n") if line.strip()
        ]
        article = Article(
            title=lines[0][:200],
            blocks=tuple(Block(BlockKind.PARAGRAPH, line) for line in lines),
            url=f"https://pages.example/{folder.name}",
        )
        article_id = library.add_article(article)
        found = recognise(library.get(article_id).article)
        library.set_entities(article_id, found.mentions, found.entities, found.note)
        count += 1
    return count


def resolved(library: Library, spelling: str) -> str | None:
    """The entity a spelling ("Twitter", or "Twitter|PERSON" for the one typed so) is part of."""
    name, _, label = spelling.partition("|")
    found = library.read(catalog.find, name, label)
    return None if found is None else f"{found[0].label}:{found[0].name}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("-v", action="store_true", help="list the groups that fail")
    args = parser.parse_args()
    fixture = json.loads(FIXTURE.read_text("utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "library.sqlite3")
        pages = build(library, args.pages)
        one = 0
        for group in fixture["groups"]:
            names = {spelling: resolved(library, spelling) for spelling in group}
            if len(set(names.values())) == 1 and None not in names.values():
                one += 1
            elif args.v:
                print(f"  split: {names}")
        apart = 0
        for a, b in fixture["apart"]:
            first, second = resolved(library, a), resolved(library, b)
            if first is not None and first != second:
                apart += 1
            elif args.v:
                print(f"  shared: {a} -> {first}, {b} -> {second}")
        entities = len(library.read(catalog.library_entities))
        library.close()
    print(f"library of {pages} pages, {entities} entities")
    print(f"groups resolved to one entity: {one}/{len(fixture['groups'])}")
    print(f"different people kept apart:   {apart}/{len(fixture['apart'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
