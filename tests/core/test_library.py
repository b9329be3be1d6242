"""The library service: adding without duplicates, states, tags, trash, entities, annotations,
images and re-extraction, as the GUI and the CLI use them."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reader.core.errors import LibraryError
from reader.core.library import ArticleNotFoundError, Library, SearchHit
from reader.core.models import Annotation, Article, Block, BlockKind, Entity, Mention, RawPage
from reader.core.urls import normalise_url


def make_article(
    title: str = "Tide tables",
    body: str = "The Severn bore rises twice a day near Gloucester.",
    url: str | None = "https://news.example.org/severn",
    **extra: object,
) -> Article:
    blocks = (Block(BlockKind.HEADING, title, level=1), Block(BlockKind.PARAGRAPH, body))
    return Article(title=title, blocks=blocks, url=url, **extra)  # type: ignore[arg-type]


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "library.sqlite3")
    yield lib  # type: ignore[misc]
    lib.close()


def test_an_added_article_comes_back_with_its_blocks_and_text(library: Library) -> None:
    article = Article(
        title="Code",
        blocks=(
            Block(BlockKind.PARAGRAPH, "Run this:"),
            Block(BlockKind.CODE, "a = 1\nb = 2"),  # a newline inside a block
            Block(BlockKind.IMAGE, "A caption", src="img/x.png"),
            Block(BlockKind.TABLE, "a\tb", rows=(("a", "b"),)),
        ),
        byline="Ann Author",
        site_name="Example",
        url="https://example.com/code",
        lead_image="https://example.com/lead.png",
        excerpt="Run this",
    )
    article_id = library.add_article(article)
    saved = library.get(article_id)
    # the canonical URL is the normalised form the library deduplicates on
    assert saved.article == replace(article, canonical_url="https://example.com/code")
    assert saved.article.text == article.text
    assert saved.unread and not saved.archived and not saved.favorite


def test_adding_the_same_url_twice_updates_instead_of_duplicating(library: Library) -> None:
    first = library.add_article(make_article(url="https://News.example.org/severn?utm_source=x"))
    second = library.add_article(
        make_article(title="Tide tables, updated", url="https://news.example.org/severn#top")
    )
    assert first == second
    assert library.count() == 1
    assert library.get(first).article.title == "Tide tables, updated"


def test_an_article_saved_before_its_canonical_url_was_known_is_not_duplicated(
    library: Library,
) -> None:
    first = library.add_article(make_article(url="https://m.example.org/severn"))
    again = library.add_article(
        make_article(url="https://m.example.org/severn", canonical_url="https://example.org/severn")
    )
    assert first == again and library.count() == 1
    assert library.get(first).article.canonical_url == "https://example.org/severn"
    assert library.add_article(make_article(url="https://example.org/severn")) == first


def test_adding_the_same_local_file_twice_updates_instead_of_duplicating(
    library: Library,
) -> None:
    raw = RawPage(data=b"Some text", content_type="text/plain", path="/tmp/a.txt")
    first = library.add_article(make_article(url=None), raw)
    second = library.add_article(make_article(url=None, title="Renamed"), raw)
    other = library.add_article(
        make_article(url=None), RawPage(data=b"Other text", content_type="text/plain")
    )
    assert first == second != other
    assert library.count() == 2


def test_re_adding_keeps_state_tags_and_takes_the_article_out_of_the_trash(
    library: Library,
) -> None:
    article_id = library.add_article(make_article(), tags=["rivers"])
    library.set_favorite(article_id)
    library.mark_opened(article_id)
    library.delete(article_id)
    assert library.add_article(make_article()) == article_id
    saved = library.get(article_id)
    assert saved.favorite and not saved.unread and saved.deleted_at is None
    assert saved.tags == ("rivers",)


def test_url_normalisation_drops_trackers_and_fragment_but_keeps_the_query() -> None:
    assert normalise_url("HTTPS://Example.COM:443/a/?utm_medium=x&id=3#c") == (
        "https://example.com/a?id=3"
    )
    assert normalise_url("http://example.com") == "http://example.com/"


def test_states_and_progress(library: Library) -> None:
    article_id = library.add_article(make_article())
    library.mark_opened(article_id)
    library.set_archived(article_id)
    library.set_favorite(article_id)
    library.set_progress(article_id, 1.7)
    saved = library.get(article_id)
    assert (saved.unread, saved.archived, saved.favorite) == (False, True, True)
    assert saved.read_progress == 1.0 and saved.opened_at
    library.set_unread(article_id)
    library.set_archived(article_id, False)
    assert library.get(article_id).unread and not library.get(article_id).archived
    assert library.last_opened_id() == article_id


def test_unknown_article_gives_a_clear_error(library: Library) -> None:
    with pytest.raises(ArticleNotFoundError, match="no article 42"):
        library.get(42)
    with pytest.raises(ArticleNotFoundError):
        library.set_favorite(42)
    with pytest.raises(KeyError):  # callers that treat a vanished article as a lookup miss
        library.set_entities(42, [], [])


def test_tags_are_case_insensitive_and_unused_ones_disappear(library: Library) -> None:
    a = library.add_article(make_article(url="https://a.example/1"), tags=["Rivers", "maps"])
    b = library.add_article(make_article(url="https://a.example/2"))
    library.add_tags(b, ["rivers", "  long   read "])
    assert library.tags(a) == ["maps", "Rivers"]
    assert library.tags(b) == ["long read", "Rivers"]
    assert library.all_tags() == [("long read", 1), ("maps", 1), ("Rivers", 2)]
    library.set_tags(a, ["maps"])
    library.remove_tags(b, ["RIVERS", "long read"])
    assert library.all_tags() == [("maps", 1)]
    assert library.tags() == ["maps"]


def test_list_filters_sorts_and_pages(library: Library) -> None:
    ids = [
        library.add_article(
            make_article(title=f"Article {n}", url=f"https://a.example/{n}", body="word " * n),
            added_at=f"2024-01-0{n}T10:00:00+00:00",
        )
        for n in range(1, 6)
    ]
    library.set_archived(ids[0])
    library.mark_opened(ids[1])
    assert [s.id for s in library.list_articles()] == ids[::-1]
    assert [s.id for s in library.list_articles(sort="oldest", limit=2, offset=1)] == ids[1:3]
    assert [s.id for s in library.list_articles(sort="longest", limit=1)] == [ids[-1]]
    assert [s.id for s in library.list_articles(filter="is:archived")] == [ids[0]]
    assert [s.id for s in library.list_articles(filter="-is:archived is:read")] == [ids[1]]
    assert [s.id for s in library.list_articles(filter="before:2024-01-03")] == ids[1::-1]
    assert [s.id for s in library.list_articles(filter="after:2024-01-03")] == ids[:2:-1]
    assert library.count("after:2024-01-03") == 2
    library.delete(ids[4])
    assert library.count() == 4
    assert ids[4] not in [s.id for s in library.list_articles()]
    assert [s.id for s in library.trash()] == [ids[4]]


def test_trash_restores_and_empties_for_good(library: Library) -> None:
    article_id = library.add_article(make_article(), tags=["x"])
    library.add_annotation(article_id, Annotation(id="h1", start=0, end=4, exact="Tide", note="n"))
    library.delete(article_id)
    assert library.search("severn") == []
    library.restore(article_id)
    assert [hit.id for hit in library.search("severn")] == [article_id]
    library.delete(article_id)
    assert library.empty_trash() == 1
    assert library.count() == 0 and library.all_tags() == []
    with pytest.raises(ArticleNotFoundError):
        library.get(article_id)
    check = library.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    assert check.fetchall() == []


PUTIN = Entity("vladimir putin|PERSON", "PERSON", "Vladimir Putin", ("Putin",))
ISTANBUL = Entity("istanbul|GPE", "GPE", "Istanbul")
ANKARA = Entity("ankara|GPE", "GPE", "Ankara")


def add_with_entities(library: Library, n: int, entities: list[Entity]) -> int:
    article_id = library.add_article(make_article(url=f"https://e.example/{n}"))
    mentions = [Mention(i * 2, i * 2 + 1, e.label, e.key) for i, e in enumerate(entities)]
    library.set_entities(article_id, mentions, entities)
    return article_id


def test_entities_are_stored_per_article_and_counted_across_articles(library: Library) -> None:
    a = add_with_entities(library, 1, [PUTIN, ISTANBUL, ISTANBUL])
    b = add_with_entities(library, 2, [ISTANBUL])
    c = add_with_entities(library, 3, [ANKARA])
    assert library.mentions(a) == [
        Mention(0, 1, "PERSON", PUTIN.key),
        Mention(2, 3, "GPE", ISTANBUL.key),
        Mention(4, 5, "GPE", ISTANBUL.key),
    ]
    assert library.entities(a) == [ISTANBUL, PUTIN]
    assert [(e.entity.key, e.count) for e in library.entity_counts(a)] == [
        (ISTANBUL.key, 2),
        (PUTIN.key, 1),
    ]
    assert library.has_entities(a) and not library.has_entities(
        library.add_article(make_article(url="https://e.example/none"))
    )
    top = library.top_entities()
    assert (top[0].entity.key, top[0].count) == (ISTANBUL.key, 2)
    assert [e.entity.key for e in library.top_entities(label="PERSON")] == [PUTIN.key]
    assert [s.id for s in library.articles_mentioning(ISTANBUL.key)] == [b, a]
    # replacing an article's entities is atomic and keeps the counts right
    library.set_entities(a, [Mention(0, 1, "GPE", ANKARA.key)], [ANKARA])
    assert library.mentions(a) == [Mention(0, 1, "GPE", ANKARA.key)]
    counts = {e.entity.key: e.count for e in library.top_entities()}
    assert counts == {ANKARA.key: 2, ISTANBUL.key: 1}
    library.delete(c)
    assert {e.entity.key: e.count for e in library.top_entities()}[ANKARA.key] == 1
    assert [s.id for s in library.search('place:"ankara"')] == [a]


def test_entities_use_an_index_not_a_scan(library: Library) -> None:
    plans = [
        library.db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
        for sql, params in (
            (
                "SELECT a.id FROM entities e JOIN article_entities ae ON ae.entity_id = e.id "
                "JOIN articles a ON a.id = ae.article_id WHERE e.key = ?",
                ["k"],
            ),
            (
                "SELECT key FROM entities WHERE label = ? AND article_count > 0 "
                "ORDER BY article_count DESC LIMIT 5",
                ["GPE"],
            ),
        )
    ]
    for plan in plans:
        details = " ".join(str(row[-1]) for row in plan)
        assert "SCAN" not in details, details


def plan(library: Library, statement: tuple[str, list[object]]) -> str:
    sql, params = statement
    rows = library.db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(str(row[-1]) for row in rows)


def test_search_lets_fts_order_by_rank_and_the_list_walks_an_index(library: Library) -> None:
    # What keeps a 100k-article library fast (tests/bench/bench_store.py measures it): no sort
    # of every match, no scan of the articles table.
    from reader.core.query import build_where, parse
    from reader.core.store import articles

    for query in ("river", '"tide tables" tag:x is:unread -sea', "river person:ada site:a.b"):
        parsed = parse(query)
        expression = parsed.match_expression()
        assert expression is not None
        found = plan(library, articles.search_statement(expression, build_where(parsed), 20, 0))
        steps = found.split(" | ")
        assert "TEMP B-TREE" not in found, found
        assert not any(step == "SCAN a" or step.startswith("SCAN a ") for step in steps), found
    for sort, index in (("newest", "articles_added"), ("title", "articles_title")):
        found = plan(library, articles.page_statement(build_where(parse("")), sort, 50, 0))
        assert f"SCAN a USING INDEX {index}" in found and "TEMP B-TREE FOR ORDER BY" in found
        # the only sort is of the 50 ids of the page, after the LIMIT
        assert found.index(index) < found.index("TEMP B-TREE"), found


@dataclass
class Found:
    mentions: list[Mention]
    entities: list[Entity]


def test_recognise_runs_when_an_article_is_added(tmp_path: Path) -> None:
    seen: list[str] = []

    def recognise(article: Article) -> Found:
        seen.append(article.title)
        start = article.text.index("Gloucester")
        place = Entity("gloucester|GPE", "GPE", "Gloucester")
        return Found([Mention(start, start + 10, "GPE", place.key)], [place])

    with Library(tmp_path / "lib.sqlite3", recognise=recognise) as library:
        article_id = library.add_article(make_article())
        assert seen == ["Tide tables"]
        [mention] = library.mentions(article_id)
        assert library.get(article_id).article.text[mention.start : mention.end] == "Gloucester"


def test_annotations_round_trip_and_notes_are_searchable(library: Library) -> None:
    article_id = library.add_article(make_article())
    text = library.get(article_id).article.text
    start = text.index("Severn")
    saved = library.add_annotation(
        article_id,
        Annotation(id="a1", start=start, end=start + 6, exact="Severn", note="ask about kayaks"),
    )
    assert saved.text_hash and saved.created_at
    assert library.annotations(article_id) == [saved]
    [hit] = library.search("kayaks")
    assert hit.id == article_id and "kayaks" in hit.marked_snippet()
    changed = library.update_annotation(replace(saved, note="canoes", color="green"))
    assert library.annotations(article_id)[0].note == "canoes"
    assert library.search("kayaks") == [] and [h.id for h in library.search("canoes")] == [
        article_id
    ]
    assert [a.annotation.id for a in library.all_annotations("cano")] == ["a1"]
    assert library.all_annotations("nothing") == []
    with pytest.raises(LibraryError):
        library.add_annotation(article_id, changed)
    library.delete_annotation("a1")
    assert library.annotations(article_id) == [] and library.search("canoes") == []


class ImageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"\x89PNG" + b"x" * (100 if "small" in self.path else 2_000)
        self.send_response(200 if "missing" not in self.path else 404)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def image_server() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ImageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[misc]
    server.shutdown()
    server.server_close()


def article_with_images(base: str) -> Article:
    return Article(
        title="Pictures",
        blocks=(
            Block(BlockKind.PARAGRAPH, "Look."),
            Block(BlockKind.IMAGE, "small", src="img/small.png"),
            Block(BlockKind.IMAGE, "big", src=f"{base}/big.png"),
            Block(BlockKind.IMAGE, "gone", src=f"{base}/missing.png"),
        ),
        url=f"{base}/post/",
    )


def test_images_are_archived_at_save_time_within_the_size_cap(
    tmp_path: Path, image_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.fetch import images

    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 1_000)
    fetcher = images.http_image_fetcher()
    with Library(tmp_path / "lib.sqlite3", fetch_image=fetcher) as library:
        article_id = library.add_article(article_with_images(image_server))
        data = library.image_data(article_id, "img/small.png")
        assert data is not None and data.startswith(b"\x89PNG")
        assert library.image(article_id, "img/small.png") == (data, "image/png")
        assert library.image(article_id, f"{image_server}/big.png") is None  # over the cap
        assert library.image(article_id, f"{image_server}/missing.png") is None
        library.set_setting("archive_images", False)
        other = replace(article_with_images(image_server), url=f"{image_server}/other/")
        assert library.image_urls(library.add_article(other)) == []


def test_reextract_keeps_highlights_by_reanchoring_or_by_keeping_the_old_text(
    library: Library,
) -> None:
    raw = RawPage(
        data=b"Tide tables\n\nThe Severn bore rises twice a day near Gloucester.\n",
        content_type="text/plain",
        path="/tmp/tides.txt",
    )
    article_id = library.add_article(make_article(title="Old title", url=None), raw)
    old_text = library.get(article_id).article.text
    start = old_text.index("Severn")
    note = Annotation(id="h", start=start, end=start + 6, exact="Severn")
    old_hash = library.add_annotation(article_id, note).text_hash

    library.reanchor = None  # no re-anchoring available: the old text is kept
    library.reextract(article_id)
    new_text = library.get(article_id).article.text
    assert new_text != old_text
    assert library.old_text(article_id, old_hash) == old_text
    assert library.annotations(article_id)[0].text_hash == old_hash

    def reanchor(old: str, new: str, annotations: object) -> list[Annotation]:
        moved = []
        for a in annotations:  # type: ignore[attr-defined]
            at = new.index(a.exact)
            moved.append(replace(a, start=at, end=at + len(a.exact), text_hash=new_hash))
        return moved

    from reader.core.util import sha256

    new_hash = sha256(new_text)
    # a re-anchored annotation no longer needs the old text
    [kept] = library.annotations(article_id)
    at = new_text.index("Severn")
    library.update_annotation(replace(kept, start=at, end=at + 6, text_hash=new_hash))
    assert library.old_text(article_id, old_hash) is None
    # and a re-extraction with a hook moves highlights in the same transaction
    library.db.execute("UPDATE articles SET text_hash = 'stale'")
    library.db.conn.commit()
    library.reextract(article_id, reanchor=reanchor)
    [moved] = library.annotations(article_id)
    assert new_text[moved.start : moved.end] == "Severn"


def test_reextract_without_a_source_says_so(library: Library) -> None:
    article_id = library.add_article(make_article())
    with pytest.raises(LibraryError, match="no stored source"):
        library.reextract(article_id)


def test_sample_is_added_once_to_a_new_library(library: Library) -> None:
    first = library.ensure_sample()
    assert first is not None and library.count() == 1
    library.delete(first)
    assert library.ensure_sample() is None


def test_stats_count_what_the_user_keeps(library: Library) -> None:
    a = library.add_article(make_article(), tags=["x"])
    library.add_article(make_article(url="https://b.example/"))
    library.set_favorite(a)
    stats = library.stats()
    assert (stats["articles"], stats["unread"], stats["favorite"], stats["tags"]) == (2, 2, 1, 1)
    assert stats["bytes_per_article"] > 0


def test_search_hits_are_summaries_with_a_snippet(library: Library) -> None:
    article_id = library.add_article(make_article())
    [hit] = library.search("gloucester")
    assert isinstance(hit, SearchHit) and hit.id == article_id and hit.title == "Tide tables"
    assert hit.marked_snippet("<b>", "</b>").endswith("near <b>Gloucester</b>.")


def test_recently_added_lists_imported_items_first_whatever_their_saved_date(
    library: Library,
) -> None:
    today = library.add_article(make_article(title="Saved today", url="https://e.org/today"))
    imported = [
        library.add_article(
            make_article(title=f"From 2015 #{n}", url=f"https://e.org/old/{n}"),
            added_at=f"2015-0{n}-01T00:00:00+00:00",
        )
        for n in (1, 2)
    ]
    newest = [s.id for s in library.list_articles(10, sort="newest")]
    recent = [s.id for s in library.list_articles(10, sort="recent")]
    assert newest[0] == today  # the imported items keep their own dates ...
    assert recent[:2] == imported[::-1] and recent[2] == today  # ... and can be found on top
