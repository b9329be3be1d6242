"""OPML, the file feed readers exchange subscriptions in: outlines with `xmlUrl` are feeds,
outlines around them are folders (nested folders are joined with " / ")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from reader.core.atomic import write_bytes
from reader.core.errors import LoadError
from reader.core.feeds.model import Feed

MAX_OPML_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 20
FOLDER_SEPARATOR = " / "


class OpmlError(LoadError):
    """A file that is not OPML Readmark can read."""


@dataclass(frozen=True, slots=True)
class Outline:
    url: str
    title: str = ""
    folder: str = ""
    site_url: str = ""


def read_opml(path: Path) -> list[Outline]:
    """Every feed in the OPML file at `path`, in file order, each address once."""
    try:
        if path.stat().st_size > MAX_OPML_BYTES:
            raise OpmlError(f"{path.name} is larger than 20 MB; that is not a list of feeds.")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise OpmlError(f"No such file: {path}") from exc
    except OSError as exc:
        raise OpmlError(f"Could not read {path}: {exc.strerror or exc}") from exc
    return parse_opml(data, path.name)


def parse_opml(data: bytes, name: str = "the file") -> list[Outline]:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"{name} is not OPML: {exc}") from exc
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise OpmlError(f"{name} is not OPML (its root element is not <opml>).")
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError(f"{name} is OPML without a <body>.")
    found: list[Outline] = []
    seen: set[str] = set()

    def walk(element: etree._Element, folders: tuple[str, ...]) -> None:
        for child in element:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            title = " ".join((child.get("title") or child.get("text") or "").split())
            if url:
                if url not in seen and url.lower().startswith(("http://", "https://")):
                    seen.add(url)
                    found.append(
                        Outline(
                            url,
                            title,
                            FOLDER_SEPARATOR.join(folders),
                            (child.get("htmlUrl") or "").strip(),
                        )
                    )
            elif len(folders) < MAX_DEPTH:
                walk(child, (*folders, title) if title else folders)

    walk(body, ())
    return found


def opml_bytes(feeds: list[Feed], title: str = "Readmark feeds") -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for feed in feeds:
        parent = body
        if feed.folder:
            parent = folders.get(feed.folder)  # type: ignore[assignment]
            if parent is None:
                parent = body
                for part in feed.folder.split(FOLDER_SEPARATOR):
                    match = next(
                        (c for c in parent if c.get("text") == part and c.get("xmlUrl") is None),
                        None,
                    )
                    parent = (
                        match
                        if match is not None
                        else etree.SubElement(parent, "outline", text=part, title=part)
                    )
                folders[feed.folder] = parent
        attributes = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.site_url:
            attributes["htmlUrl"] = feed.site_url
        etree.SubElement(parent, "outline", attributes)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def write_opml(path: Path, feeds: list[Feed]) -> None:
    write_bytes(path, opml_bytes(feeds))
