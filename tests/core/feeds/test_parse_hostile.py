"""Feed bytes built to hurt: entity expansion, deep nesting, JSON nested too deeply."""

from __future__ import annotations

import pytest

from reader.core.feeds.parse import FeedFormatError, parse_feed


def _entity_bomb(levels: int = 9) -> bytes:
    entities = b'<!ENTITY e0 "' + b"x" * 10 + b'">'
    for level in range(1, levels + 1):
        entities += b'<!ENTITY e%d "%s">' % (level, b"&e%d;" % (level - 1) * 10)
    top = b"&e%d;" % levels
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [' + entities + b']><rss version="2.0"><channel>'
        b"<title>" + top + b"</title><item><title>" + top + b"</title><link>http://x.test/a"
        b"</link><description>" + top + b"</description></item></channel></rss>"
    )


def test_an_entity_bomb_is_not_expanded() -> None:
    try:
        parsed = parse_feed(_entity_bomb(), "http://x.test/feed")
    except FeedFormatError:
        return  # refused outright is fine too
    sizes = [len(parsed.title)] + [
        len(e.title) + len(e.summary_html) + len(e.content_html) for e in parsed.entries
    ]
    assert max(sizes) < 10_000  # fully expanded it would be ten billion characters


def test_json_nested_too_deeply_is_a_clear_error() -> None:
    data = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000
    with pytest.raises(FeedFormatError, match="JSON"):
        parse_feed(data, "http://x.test/feed.json")


def test_deeply_nested_xml_does_not_crash() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title><item><title>t'
        b"</title><description>" + b"<div>" * 5_000 + b"</description></item></channel></rss>"
    )
    try:
        parsed = parse_feed(data, "http://x.test/feed")
    except FeedFormatError:
        return
    assert parsed.title == "Deep"


def test_a_feed_of_countless_tiny_elements_is_refused_before_parsing() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Flat</title><item><title>t'
        b"</title><description>" + b"<b>x</b>" * 200_000 + b"</description></item></channel></rss>"
    )
    with pytest.raises(FeedFormatError, match="more than 150,000 tags"):
        parse_feed(data, "http://x.test/feed")
