"""Feeds and newsletters: subscriptions to RSS, Atom and JSON Feed, refreshed into the library.

The parts: `model` (plain values), `parse` (bytes to entries), `http` (one conditional GET under
the fetch limits), `service` (subscriptions and rules over a `Library`), `refresh` (new entries
become articles), `rules`, `opml`, `interval`. Nothing here imports Qt.
"""
