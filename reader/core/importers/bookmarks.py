"""Netscape bookmark files (browsers, Pinboard, Shaarli): folders become tags."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from .encoding import decode_export
from .items import ImportItem, clean_tags, unix_to_iso

# Folders every browser makes; as tags they would say nothing.
ROOT_FOLDER_FLAGS = ("personal_toolbar_folder", "unfiled_bookmarks_folder")


class _BookmarkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[str, object]] = []
        self.folders: list[str | None] = []
        self._pending_folder: str | None = None
        self._folder_text: list[str] | None = None
        self._folder_is_root = False
        self._link: dict[str, object] | None = None
        self._link_text: list[str] = []
        self._desc: list[str] | None = None
        self.saw_toread = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key.lower(): (value or "") for key, value in attrs}
        if tag in ("dt", "dl", "a", "h3"):
            self._end_description()
        if tag == "h3":
            self._folder_text = []
            self._folder_is_root = any(flag in values for flag in ROOT_FOLDER_FLAGS)
        elif tag == "dl":
            self.folders.append(self._pending_folder)
            self._pending_folder = None
        elif tag == "a":
            self._link = dict(values)
            self._link_text = []
            if "toread" in values:
                self.saw_toread = True
        elif tag == "dd" and self.rows:
            self._desc = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3" and self._folder_text is not None:
            name = " ".join("".join(self._folder_text).split())
            self._pending_folder = None if self._folder_is_root else name
            self._folder_text = None
        elif tag == "dl":
            self._end_description()
            if self.folders:
                self.folders.pop()
        elif tag == "a" and self._link is not None:
            self._link["title"] = " ".join("".join(self._link_text).split())
            self._link["folders"] = [f for f in self.folders if f]
            self.rows.append(self._link)
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._folder_text is not None:
            self._folder_text.append(data)
        elif self._link is not None:
            self._link_text.append(data)
        elif self._desc is not None:
            self._desc.append(data)

    def _end_description(self) -> None:
        if self._desc is not None and self.rows:
            self.rows[-1]["description"] = " ".join("".join(self._desc).split())
        self._desc = None


def parse_text(text: str) -> list[ImportItem]:
    parser = _BookmarkParser()
    parser.feed(text)
    parser.close()
    items: list[ImportItem] = []
    for row in parser.rows:
        url = str(row.get("href") or "").strip()
        if not url or url.lower().startswith(("javascript:", "place:", "data:")):
            continue
        tags = [*row["folders"], *str(row.get("tags") or "").split(",")]  # type: ignore[misc]
        toread = str(row.get("toread") or "").strip() == "1"
        items.append(
            ImportItem(
                url=url,
                title=str(row.get("title") or ""),
                added_at=unix_to_iso(str(row.get("add_date") or "")),
                tags=clean_tags(tags),
                # When a file marks what is still to read, everything else has been read.
                archived=parser.saw_toread and not toread,
                description=str(row.get("description") or ""),
            )
        )
    return items


def parse(path: Path) -> list[ImportItem]:
    return parse_text(decode_export(path.read_bytes()))
