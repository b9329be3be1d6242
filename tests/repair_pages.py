"""A saved page whose readings differ: an article, a sidebar of notes beside it, and the site's
menus. The usual reading keeps the article; the whole page keeps the sidebar too."""

from __future__ import annotations

ARTICLE = [
    "The Severn bore is a tidal wave that runs up the river against its current twice a day.",
    "It is largest in spring, when the tides are highest, and surfers ride it for miles inland "
    "from the estuary near Gloucester.",
    "The wave forms where the estuary narrows quickly, funnelling the rising sea into a channel "
    "too small for it, so the water piles up into a single front.",
    "Observers gather on the banks at Minsterworth and Over to watch it pass at dawn, and local "
    "papers print the expected times each month.",
]
SIDEBAR = [
    "Sidebar note: the tide tables for the whole year are printed by the harbour office.",
    "Sidebar note: the bridge at Over was rebuilt after the winter floods of that decade.",
    "Sidebar note: the river trust keeps a record of every bore rated five stars since 1950.",
    "Sidebar note: the ferry at Newnham has not run since the old pier fell into the mud.",
    "Sidebar note: a second estuary in the north sees a smaller bore on the same spring tides.",
    "Sidebar note: anglers on the lower river know the bore as the head of the flood tide.",
]
MENU = "Menu link to the shop"


def page(remote: str = "", article: bool = False) -> bytes:
    """The saved page; `remote` is put into it as is (to check nothing it names is loaded);
    `article` has the page say it is one."""
    says = "<meta property='og:type' content='article'>" if article else ""
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE)
    notes = "".join(f"<li>{text}</li>" for text in SIDEBAR)
    return (
        "<!doctype html><html><head><title>The Severn bore</title>"
        f"{says}</head><body>"
        f"<nav><a href='/shop'>{MENU}</a></nav>"
        f"<div class='main'><h1>The Severn bore</h1>{paragraphs}{remote}</div>"
        f"<div class='notes'><h2>Notes</h2><ul>{notes}</ul></div>"
        "</body></html>"
    ).encode()
