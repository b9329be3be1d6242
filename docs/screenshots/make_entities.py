"""The Library Entities screenshots: a library of the hand-labelled news articles of
`tests/fixtures/entities/` (their labels stand in for the model), saved over six months.

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_entities.py [--theme dark]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.core.entities import entity_key  # noqa: E402
from reader.core.entities.xray import sentence_at, xray  # noqa: E402
from reader.core.library import Library  # noqa: E402
from reader.core.models import Article, Block, BlockKind, Entity, Mention  # noqa: E402
from reader.ui.entities_window import EntitiesWindow, listed_entities  # noqa: E402
from reader.ui.theme import THEMES, chrome_palette, chrome_stylesheet  # noqa: E402


def fill(library: Library) -> None:
    for number, path in enumerate(sorted((ROOT / "tests/fixtures/entities").glob("*.json"))):
        gold = json.loads(path.read_text(encoding="utf-8"))
        title, _, body = gold["text"].partition("\n\n")
        blocks = tuple(Block(BlockKind.PARAGRAPH, p) for p in body.split("\n\n") if p.strip())
        article = Article(title=title, blocks=blocks, site_name="news.example")
        month = 1 + number % 6
        added = f"2026-{month:02d}-{1 + number:02d}T09:00:00+00:00"
        article_id = library.add_article(article, added_at=added)
        text = library.get(article_id).article.text
        mentions: list[Mention] = []
        entities: dict[str, Entity] = {}
        taken: list[tuple[int, int]] = []
        for each in sorted(gold["entities"], key=lambda e: -len(e["text"])):
            key = entity_key(each["label"], each["text"])
            for found in re.finditer(re.escape(each["text"]), text):
                if any(found.start() < end and start < found.end() for start, end in taken):
                    continue
                taken.append(found.span())
                mentions.append(Mention(found.start(), found.end(), each["label"], key))
                entities[key] = Entity(key, each["label"], each["text"])
        mentions.sort(key=lambda m: m.start)
        library.set_entities(article_id, mentions, list(entities.values()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--theme", default="light", choices=sorted(THEMES))
    args = parser.parse_args()
    app = QApplication([])
    theme = THEMES[args.theme]
    app.setPalette(chrome_palette(app.palette(), theme))
    app.setStyleSheet(chrome_stylesheet(theme))
    out = ROOT / "docs/screenshots"
    with tempfile.TemporaryDirectory() as folder:
        library = Library(Path(folder) / "library.sqlite3")
        fill(library)
        window = EntitiesWindow()
        window.resize(1000, 640)
        window.list.set_entities(listed_entities(library))
        window.show()
        app.processEvents()
        window.grab().save(str(out / f"entities-view-{args.theme}.png"))
        rows = window.list.rows()
        found = xray(library, rows[0].name, rows[0].label)
        assert found is not None
        window.show_page(found)
        first = found.appearances[0]
        text = library.get(first.article_id).article.text
        window.page.set_snippets(first.article_id, [sentence_at(text, *o) for o in first.offsets])
        app.processEvents()
        window.grab().save(str(out / f"entity-xray-{args.theme}.png"))
        library.close()


if __name__ == "__main__":
    main()
