"""The library schema as append-only, named migration steps. Never edit a step once released."""

from __future__ import annotations

import uuid
from typing import cast

from sqlite_utils import Database
from sqlite_utils.db import Table
from sqlite_utils.migrations import Migrations

migrations = Migrations("readmark")


@migrations(name="m001_articles")
def m001_articles(db: Database) -> None:
    # Typing only: db[name] may be a view for mypy; this step creates the table itself.
    articles = cast(Table, db["articles"])
    articles.create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "title": str,
            "byline": str,
            "site_name": str,
            "section": str,
            "published": str,
            "lang": str,
            "word_count": int,
            "added_at": str,
            "opened_at": str,
            "read_progress": float,
            "archived": int,
            "favorite": int,
            "content": str,  # blocks as JSON
            "text": str,  # canonical text: block texts joined by "\n"
            "source": bytes,  # original bytes, zlib-compressed, for re-extraction
            "source_type": str,  # content type of the source
            "source_path": str,
            "extractor_version": str,
            "text_hash": str,
            "content_hash": str,  # hash of the source bytes, dedupes local files
        },
        pk="id",
        not_null={"title", "content", "text", "added_at"},
        defaults={"read_progress": 0.0, "archived": 0, "favorite": 0, "word_count": 0},
    )
    articles.create_index(["canonical_url"], unique=True)
    articles.create_index(["content_hash"])
    articles.create_index(["added_at"])


# -- version 2 ------------------------------------------------------------------------------
# Raw SQL from here on: each step must stay inside the one transaction `Migrations` opens, and
# sqlite-utils helpers that call `executescript` (FTS triggers) would commit half-way.

ARTICLE_COLUMNS_V2 = """
    id INTEGER PRIMARY KEY,
    url TEXT,
    canonical_url TEXT,
    domain TEXT,
    title TEXT NOT NULL,
    byline TEXT,
    site_name TEXT,
    section TEXT,
    published TEXT,
    lang TEXT,
    excerpt TEXT,
    lead_image TEXT,
    word_count INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL,
    updated_at TEXT,
    opened_at TEXT,
    deleted_at TEXT,
    read_progress REAL NOT NULL DEFAULT 0.0,
    unread INTEGER NOT NULL DEFAULT 1,
    archived INTEGER NOT NULL DEFAULT 0,
    favorite INTEGER NOT NULL DEFAULT 0,
    extractor_version TEXT,
    text_hash TEXT,
    content_hash TEXT,
    source_type TEXT,
    source_path TEXT,
    entities_at TEXT,
    notes TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    text TEXT NOT NULL,
    source BLOB
"""

V1_COLUMNS = (
    "id, url, canonical_url, title, byline, site_name, section, published, lang, word_count, "
    "added_at, opened_at, read_progress, archived, favorite, extractor_version, text_hash, "
    "content_hash, source_type, source_path, content, text, source"
)


@migrations(name="m002_article_layout")
def m002_article_layout(db: Database) -> None:
    # Rebuilt so the small columns come first: list and filter queries then never walk the
    # overflow pages that hold an article's text and source.
    db.execute(f"CREATE TABLE articles_v2 ({ARTICLE_COLUMNS_V2})")
    db.execute(
        f"INSERT INTO articles_v2 ({V1_COLUMNS}, unread, domain, updated_at) "
        f"SELECT {V1_COLUMNS.replace('read_progress', 'coalesce(read_progress, 0.0)')}, "
        "opened_at IS NULL, "
        "CASE WHEN url LIKE 'http%://%' THEN lower(substr(url, instr(url, '://') + 3)) END, "
        "added_at FROM articles"
    )
    db.execute("DROP TABLE articles")
    db.execute("ALTER TABLE articles_v2 RENAME TO articles")
    # The domain was copied with its path; keep the host only, without a leading "www.".
    db.execute(
        "UPDATE articles SET domain = CASE WHEN instr(domain, '/') > 0 "
        "THEN substr(domain, 1, instr(domain, '/') - 1) ELSE domain END WHERE domain IS NOT NULL"
    )
    db.execute("UPDATE articles SET domain = substr(domain, 5) WHERE domain LIKE 'www.%'")
    for sql in (
        "CREATE UNIQUE INDEX articles_canonical_url ON articles(canonical_url)",
        "CREATE INDEX articles_content_hash ON articles(content_hash)",
        "CREATE INDEX articles_domain ON articles(domain)",
        "CREATE INDEX articles_added ON articles(added_at, id) WHERE deleted_at IS NULL",
        "CREATE INDEX articles_opened ON articles(opened_at, id) WHERE deleted_at IS NULL",
        "CREATE INDEX articles_published ON articles(published, id) WHERE deleted_at IS NULL",
        "CREATE INDEX articles_title ON articles(title COLLATE NOCASE, id) "
        "WHERE deleted_at IS NULL",
        "CREATE INDEX articles_trash ON articles(deleted_at) WHERE deleted_at IS NOT NULL",
    ):
        db.execute(sql)
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations(name="m003_tags")
def m003_tags(db: Database) -> None:
    db.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE)")
    db.execute("CREATE UNIQUE INDEX tags_name ON tags(name COLLATE NOCASE)")
    db.execute(
        "CREATE TABLE article_tags ("
        " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
        " PRIMARY KEY (article_id, tag_id)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id)")


@migrations(name="m004_entities")
def m004_entities(db: Database) -> None:
    db.execute(
        "CREATE TABLE entities ("
        " id INTEGER PRIMARY KEY,"
        " key TEXT NOT NULL UNIQUE,"
        " label TEXT NOT NULL,"
        " name TEXT NOT NULL,"
        " aliases TEXT NOT NULL DEFAULT '[]',"
        " article_count INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute("CREATE INDEX entities_label_count ON entities(label, article_count)")
    db.execute("CREATE INDEX entities_count ON entities(article_count)")
    db.execute("CREATE INDEX entities_name ON entities(name COLLATE NOCASE)")
    db.execute(
        "CREATE TABLE mentions ("
        " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        ' start INTEGER NOT NULL, "end" INTEGER NOT NULL, label TEXT NOT NULL,'
        " entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE)"
    )
    db.execute("CREATE INDEX mentions_article ON mentions(article_id, start)")
    db.execute("CREATE INDEX mentions_entity ON mentions(entity_id)")
    # One row per (entity, article): "articles mentioning X" and the per-entity article counts.
    db.execute(
        "CREATE TABLE article_entities ("
        " entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,"
        " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " mentions INTEGER NOT NULL,"
        " PRIMARY KEY (entity_id, article_id)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX article_entities_article ON article_entities(article_id)")
    # entities.article_count counts the articles outside the trash that mention the entity.
    live = "(SELECT deleted_at FROM articles WHERE id = {}.article_id) IS NULL"
    db.execute(
        "CREATE TRIGGER article_entities_ai AFTER INSERT ON article_entities "
        f"WHEN {live.format('new')} BEGIN "
        "UPDATE entities SET article_count = article_count + 1 WHERE id = new.entity_id; END"
    )
    db.execute(
        "CREATE TRIGGER article_entities_ad AFTER DELETE ON article_entities "
        f"WHEN {live.format('old')} BEGIN "
        "UPDATE entities SET article_count = article_count - 1 WHERE id = old.entity_id; END"
    )
    db.execute(
        "CREATE TRIGGER articles_trashed AFTER UPDATE OF deleted_at ON articles "
        "WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN "
        "UPDATE entities SET article_count = article_count - 1 "
        "WHERE id IN (SELECT entity_id FROM article_entities WHERE article_id = new.id); END"
    )
    db.execute(
        "CREATE TRIGGER articles_restored AFTER UPDATE OF deleted_at ON articles "
        "WHEN old.deleted_at IS NOT NULL AND new.deleted_at IS NULL BEGIN "
        "UPDATE entities SET article_count = article_count + 1 "
        "WHERE id IN (SELECT entity_id FROM article_entities WHERE article_id = new.id); END"
    )


@migrations(name="m005_annotations")
def m005_annotations(db: Database) -> None:
    db.execute(
        "CREATE TABLE annotations ("
        " id TEXT PRIMARY KEY,"
        " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        ' start INTEGER NOT NULL, "end" INTEGER NOT NULL,'
        " exact TEXT NOT NULL,"
        " prefix TEXT NOT NULL DEFAULT '',"
        " suffix TEXT NOT NULL DEFAULT '',"
        " text_hash TEXT NOT NULL DEFAULT '',"
        " color TEXT NOT NULL DEFAULT 'yellow',"
        " note TEXT NOT NULL DEFAULT '',"
        " created_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL,"
        " orphaned INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute("CREATE INDEX annotations_article ON annotations(article_id, start)")
    db.execute("CREATE INDEX annotations_updated ON annotations(updated_at)")
    # articles.notes mirrors the article's annotation notes so full-text search covers them.
    notes = (
        "UPDATE articles SET notes = (SELECT coalesce(group_concat(note, char(10)), '') "
        "FROM annotations WHERE article_id = {0} AND note <> '') WHERE id = {0};"
    )
    db.execute(
        "CREATE TRIGGER annotations_notes_ai AFTER INSERT ON annotations "
        f"WHEN new.note <> '' BEGIN {notes.format('new.article_id')} END"
    )
    db.execute(
        "CREATE TRIGGER annotations_notes_au AFTER UPDATE OF note, article_id ON annotations "
        "WHEN old.note IS NOT new.note OR old.article_id IS NOT new.article_id BEGIN "
        f"{notes.format('old.article_id')} {notes.format('new.article_id')} END"
    )
    db.execute(
        "CREATE TRIGGER annotations_notes_ad AFTER DELETE ON annotations "
        f"WHEN old.note <> '' BEGIN {notes.format('old.article_id')} END"
    )


@migrations(name="m006_images_and_versions")
def m006_images_and_versions(db: Database) -> None:
    db.execute(
        "CREATE TABLE images ("
        " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " url TEXT NOT NULL,"
        " content_type TEXT NOT NULL,"
        " data BLOB NOT NULL,"
        " PRIMARY KEY (article_id, url))"
    )
    # The text an article had before a re-extraction, kept while highlights made on it still
    # need re-anchoring.
    db.execute(
        "CREATE TABLE text_versions ("
        " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " text_hash TEXT NOT NULL,"
        " text TEXT NOT NULL,"
        " content TEXT NOT NULL,"
        " saved_at TEXT NOT NULL,"
        " PRIMARY KEY (article_id, text_hash))"
    )


FTS_COLUMNS = ("title", "byline", "site_name", "text", "notes")


@migrations(name="m007_search")
def m007_search(db: Database) -> None:
    columns = ", ".join(FTS_COLUMNS)
    new_values = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old_values = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in FTS_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE articles_fts USING fts5({columns}, content='articles', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
    )
    # Title matches weigh most, then notes, then byline and site, then the body.
    db.execute(
        "INSERT INTO articles_fts(articles_fts, rank) "
        "VALUES ('rank', 'bm25(8.0, 2.0, 2.0, 1.0, 3.0)')"
    )
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    db.execute(
        "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
        f"INSERT INTO articles_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    db.execute(
        "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
        f"INSERT INTO articles_fts(articles_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old_values}); END"
    )
    # Only a change to an indexed column re-indexes: progress and state updates stay cheap.
    db.execute(
        f"CREATE TRIGGER articles_fts_au AFTER UPDATE OF {columns} ON articles WHEN {changed} "
        f"BEGIN INSERT INTO articles_fts(articles_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO articles_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )


def domain_key(domain: str | None) -> str | None:
    """The host's labels reversed, ending in a dot ("com.example.news."), so a site and its
    subdomains form one range of an index."""
    if not domain:
        return None
    return ".".join(reversed(domain.lower().split("."))) + "."


@migrations(name="m008_site_index")
def m008_site_index(db: Database) -> None:
    db.execute("ALTER TABLE articles ADD COLUMN domain_key TEXT")
    rows = db.execute("SELECT id, domain FROM articles WHERE domain IS NOT NULL").fetchall()
    db.conn.executemany(
        "UPDATE articles SET domain_key = ? WHERE id = ?",
        [(domain_key(domain), article_id) for article_id, domain in rows],
    )
    db.execute("CREATE INDEX articles_domain_key ON articles(domain_key)")
    db.execute("CREATE INDEX articles_site_name ON articles(site_name COLLATE NOCASE)")


@migrations(name="m100_import_jobs")
def m100_import_jobs(db: Database) -> None:
    # An import job and one row per item of the file, so an interrupted import resumes where it
    # stopped; an item's status is written in the same transaction as the article it adds.
    db.execute(
        "CREATE TABLE import_jobs ("
        " id INTEGER PRIMARY KEY,"
        " source TEXT NOT NULL,"
        " source_hash TEXT NOT NULL DEFAULT '',"
        " format TEXT NOT NULL,"
        " created_at TEXT NOT NULL,"
        " finished_at TEXT,"
        " state TEXT NOT NULL DEFAULT 'running',"
        " total INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute("CREATE INDEX import_jobs_source ON import_jobs(source_hash, state)")
    db.execute(
        "CREATE TABLE import_items ("
        " job_id INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,"
        " seq INTEGER NOT NULL,"
        " url TEXT NOT NULL,"
        " item TEXT NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'pending',"
        " reason TEXT NOT NULL DEFAULT '',"
        " article_id INTEGER,"
        " PRIMARY KEY (job_id, seq))"
    )
    db.execute("CREATE INDEX import_items_status ON import_items(job_id, status)")


@migrations(name="m200_unrecognised_articles")
def m200_unrecognised_articles(db: Database) -> None:
    # Articles whose entities were never found (saved before the model was ready, imported,
    # added without entities): the window works through them while idle, newest first.
    db.execute(
        "CREATE INDEX articles_unrecognised ON articles(id) "
        "WHERE entities_at IS NULL AND deleted_at IS NULL"
    )


@migrations(name="m300_entities_note")
def m300_entities_note(db: Database) -> None:
    # Why an article's entities are incomplete (its recognition ran out of time); NULL when the
    # whole article was looked at.
    db.execute("ALTER TABLE articles ADD COLUMN entities_note TEXT")


# A version-4 UUID written in SQL, for rows inserted without one.
SQL_UUID4 = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1) || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
)


@migrations(name="m310_article_uids")
def m310_article_uids(db: Database) -> None:
    # An identity that travels with the article (export, import, later sync), unlike the row id,
    # and that articles saved from files, stdin or text have too, unlike the URL.
    db.execute("ALTER TABLE articles ADD COLUMN uid TEXT")
    ids = [row[0] for row in db.execute("SELECT id FROM articles").fetchall()]
    db.conn.executemany(
        "UPDATE articles SET uid = ? WHERE id = ?", [(str(uuid.uuid4()), i) for i in ids]
    )
    db.execute("CREATE UNIQUE INDEX articles_uid ON articles(uid)")
    # The code assigns one at insert; this keeps the promise for any other way a row arrives.
    db.execute(
        "CREATE TRIGGER articles_uid_ai AFTER INSERT ON articles WHEN new.uid IS NULL BEGIN "
        f"UPDATE articles SET uid = {SQL_UUID4} WHERE id = new.id; END"
    )


@migrations(name="m311_import_job_owner")
def m311_import_job_owner(db: Database) -> None:
    # Which process runs a job and when it last showed signs of life, so a job whose process
    # was killed is seen as interrupted rather than running for ever.
    db.execute("ALTER TABLE import_jobs ADD COLUMN owner_pid INTEGER")
    db.execute("ALTER TABLE import_jobs ADD COLUMN owner_host TEXT")
    db.execute("ALTER TABLE import_jobs ADD COLUMN heartbeat_at TEXT")
    db.execute("UPDATE import_jobs SET state = 'interrupted' WHERE state = 'running'")


@migrations(name="m600_feeds")
def m600_feeds(db: Database) -> None:
    # Subscriptions, every entry each feed has listed (so an entry is saved once, whatever its
    # feed does later, and a refresh that was killed resumes without doubling anything), and
    # the rules run on new entries.
    db.execute(
        "CREATE TABLE feeds ("
        " id INTEGER PRIMARY KEY,"
        " url TEXT NOT NULL UNIQUE,"
        " title TEXT NOT NULL DEFAULT '',"
        " site_url TEXT NOT NULL DEFAULT '',"
        " folder TEXT NOT NULL DEFAULT '',"
        " every_s INTEGER NOT NULL DEFAULT 3600,"
        " etag TEXT NOT NULL DEFAULT '',"
        " last_modified TEXT NOT NULL DEFAULT '',"
        " added_at TEXT NOT NULL,"
        " checked_at TEXT NOT NULL DEFAULT '',"
        " ok_at TEXT NOT NULL DEFAULT '',"
        " last_error TEXT NOT NULL DEFAULT '',"
        " dead INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        "CREATE TABLE feed_items ("
        " feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
        " guid TEXT NOT NULL,"
        " url TEXT NOT NULL DEFAULT '',"
        " article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,"
        " status TEXT NOT NULL,"
        " reason TEXT NOT NULL DEFAULT '',"
        " seen_at TEXT NOT NULL,"
        " PRIMARY KEY (feed_id, guid))"
    )
    db.execute("CREATE INDEX feed_items_article ON feed_items(article_id)")
    db.execute(
        "CREATE TABLE feed_rules ("
        " id INTEGER PRIMARY KEY,"
        " feed_id INTEGER REFERENCES feeds(id) ON DELETE CASCADE,"
        " query TEXT NOT NULL,"
        " action TEXT NOT NULL,"
        " value TEXT NOT NULL DEFAULT '',"
        " created_at TEXT NOT NULL)"
    )


@migrations(name="m400_entity_rules")
def m400_entity_rules(db: Database) -> None:
    # The person's entity decisions (merge, rename, retype, reject, add), each a rule that every
    # later recognition of every article goes through; `undone_at` keeps an undone rule for the
    # record. `article_uid` names the one article a rule is about (the uid travels in exports).
    db.execute(
        "CREATE TABLE entity_rules ("
        " id INTEGER PRIMARY KEY,"
        " action TEXT NOT NULL,"
        " name TEXT NOT NULL,"
        " label TEXT NOT NULL DEFAULT '',"
        " value TEXT NOT NULL DEFAULT '',"
        " article_uid TEXT NOT NULL DEFAULT '',"
        " created_at TEXT NOT NULL,"
        " undone_at TEXT NOT NULL DEFAULT '')"
    )
