"""Importing each format into a library: states, tags, dates, favourites and highlights."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from reader.core.errors import NotFoundError
from reader.core.importing.fetching import FetchPolicy
from reader.core.importing.runner import import_file
from reader.core.library import Library
from reader.core.models import RawPage

from .test_import_formats import FIXTURES, JULY_2023, SEPT_2020, zip_folder

FREEZES = "The river freezes solid every winter"

PAGES = {
    "https://example.org/rivers": (
        "Rivers of the North (fetched)",
        [
            "Far up the coast the towns live by their rivers, and every spring the water decides "
            "what the year will be like for those who fish, ferry and farm along the banks.",
            f"{FREEZES}, and for three months the ice road is the fastest way between the "
            "villages, busier than any summer ferry has ever been.",
            "When the thaw comes the whole valley listens for the first crack, which old people "
            "say they can hear from the other side of the mountain on a still night.",
        ],
    ),
    "https://example.org/report": (
        "Quarterly report",
        [
            "Sales rose in every region this quarter, led by the northern towns where the new "
            "ferry line opened in spring and brought a steady flow of summer visitors.",
            f"Our analysts noted one risk: {FREEZES.lower()}, which closes the ferry for months "
            "and moves the trade onto the ice road instead.",
        ],
    ),
    "https://example.org/lighthouses": (
        "Old Lighthouses",
        [
            "Most of the old lighthouses on this coast were built in the nineteenth century by "
            "engineers who had never seen the sea in a storm, and it shows in their towers.",
            "Today a few keepers remain, mostly volunteers who paint the rails each summer and "
            "tell visitors how the lamps were lit by hand before electricity came.",
        ],
    ),
    "https://example.org/recipes": (
        "Bread at home",
        [
            "Good bread needs four things: flour, water, salt and time, and of the four it is "
            "time that most home bakers forget to give it when they are in a hurry.",
            "Mix the dough in the evening, let it rise slowly overnight in a cool kitchen, and "
            "bake it in the morning in the hottest oven you can manage.",
        ],
    ),
}


def fake_fetch(url: str, _session: requests.Session, _policy: FetchPolicy) -> RawPage:
    if url not in PAGES:
        raise NotFoundError("The page was not found (404).")
    title, paragraphs = PAGES[url]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
    return RawPage(f"{html}</article></body></html>".encode(), "text/html", url=url)


def run_import(tmp_path: Path, path: Path, fmt: str = "auto") -> tuple[Library, dict[str, int]]:
    library = Library(tmp_path / "library.sqlite3")
    report = import_file(library, path, fmt, FetchPolicy(host_delay_s=0), fetcher=fake_fetch)
    ids = {row.url: row.article_id for row in report.rows if row.article_id}
    return library, ids  # type: ignore[return-value]


def row(library: Library, article_id: int) -> dict[str, object]:
    return dict(library.db["articles"].get(article_id))


def quotes(library: Library, article_id: int) -> list[tuple[str, str, bool]]:
    return sorted((a.exact, a.note, a.orphaned) for a in library.annotations(article_id))


def placed_correctly(library: Library, article_id: int) -> None:
    text = library.get(article_id).article.text
    for annotation in library.annotations(article_id):
        if not annotation.orphaned:
            assert text[annotation.start : annotation.end] == annotation.exact


def test_pocket_zip_import(tmp_path: Path) -> None:
    library, ids = run_import(tmp_path, zip_folder("pocket_zip", tmp_path))
    rivers = ids["https://example.org/rivers"]
    assert library.count() == 3
    saved = library.get(rivers)
    assert saved.added_at == JULY_2023
    assert not saved.archived and not saved.favorite and saved.unread
    assert library.tags(rivers) == ["nature", "travel"]
    assert quotes(library, rivers) == [
        ("A sentence that the article no longer contains", "", True),
        (FREEZES, "", False),
    ]
    placed_correctly(library, rivers)
    lighthouses = library.get(ids["https://example.org/lighthouses"])
    assert lighthouses.archived and lighthouses.added_at == SEPT_2020
    assert library.tags(lighthouses.id) == ["history"]
    assert library.get(ids["https://example.org/report"]).archived


@pytest.mark.parametrize("name", ["pocket_single.csv", "pocket_ril_export.html"])
def test_pocket_csv_and_legacy_html_import(tmp_path: Path, name: str) -> None:
    library, ids = run_import(tmp_path, FIXTURES / name)
    rivers = library.get(ids["https://example.org/rivers"])
    assert rivers.added_at == JULY_2023 and not rivers.archived
    assert rivers.article.title == "Rivers of the North (fetched)"
    assert library.tags(rivers.id) == ["nature", "travel"]
    assert library.get(ids["https://example.org/lighthouses"]).archived


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_instapaper_import(tmp_path: Path, version: str) -> None:
    library, ids = run_import(tmp_path, FIXTURES / f"instapaper_{version}.csv")
    recipes = ids["https://example.org/recipes"]
    assert "Cooking" in library.tags(recipes)
    lighthouses = library.get(ids["https://example.org/lighthouses"])
    if version == "v1":
        assert lighthouses.favorite
        report = ids["https://example.org/report"]
        assert library.get(report).archived
        # The selection differs in case from the text, yet it is placed, not orphaned.
        found = library.annotations(report)
        assert [a.orphaned for a in found] == [False]
        placed_correctly(library, report)
    else:
        assert library.get(recipes).added_at == "2017-07-14T02:40:00+00:00"
    if version == "v3":
        assert library.tags(ids["https://example.org/rivers"]) == ["coding", "long read"]
        assert lighthouses.archived


def test_omnivore_import_uses_saved_content_without_fetching(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")

    def no_fetch(url: str, _s: requests.Session, _p: FetchPolicy) -> RawPage:
        raise AssertionError(f"fetched {url}")

    report = import_file(
        library, zip_folder("omnivore_zip", tmp_path), policy=FetchPolicy(), fetcher=no_fetch
    )
    assert report.added == 2
    rivers = next(r.article_id for r in report.rows if r.url.endswith("rivers"))
    assert rivers is not None
    saved = library.get(rivers)
    assert saved.article.title == "Rivers of the North"
    assert saved.article.byline == "Ada Fjord"
    assert saved.archived and saved.added_at == JULY_2023
    assert saved.read_progress == pytest.approx(0.4)
    assert "ice road" in saved.article.text
    assert library.tags(rivers) == ["Nature", "travel"]
    assert quotes(library, rivers) == [
        (FREEZES, "The ice road sounds like a good story.\n\n#winter #ice", False),
        ("When the thaw comes the whole valley listens for the first crack", "", False),
        ("a quote the article never had", "", True),
    ]
    placed_correctly(library, rivers)


def test_wallabag_import_uses_content_and_keeps_notes(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    report = import_file(library, FIXTURES / "wallabag.json", policy=FetchPolicy())
    assert report.added == 2, report.rows
    rivers = next(r.article_id for r in report.rows if r.url.endswith("rivers"))
    assert rivers is not None
    assert next(r.title for r in report.rows if r.url.endswith("rivers")) == "Rivers of the North"
    # The job table does not keep a second copy of the saved pages once they are in.
    sizes = library.db.execute("SELECT max(length(item)) FROM import_items").fetchone()
    assert sizes[0] < 200
    saved = library.get(rivers)
    assert saved.archived and saved.favorite
    assert saved.added_at == "2016-09-08T09:55:58+00:00"
    assert saved.article.byline == "Ada Fjord"
    assert saved.article.lang == "en"
    assert saved.article.published == "2016-09-01T08:00:00+00:00"
    assert library.tags(rivers) == ["nature", "travel"]
    assert quotes(library, rivers) == [
        (FREEZES, "Ice roads!", False),
        ("words that are nowhere in the text", "", True),
    ]
    placed_correctly(library, rivers)


@pytest.mark.parametrize("name", ["bookmarks_browser.html", "bookmarks_pinboard.html"])
def test_bookmarks_import(tmp_path: Path, name: str) -> None:
    library, ids = run_import(tmp_path, FIXTURES / name)
    rivers = ids["https://example.org/rivers"]
    if name == "bookmarks_browser.html":
        assert library.tags(rivers) == ["Reading", "Travel"]
        assert library.count() == 3
    else:
        assert library.tags(rivers) == ["nature", "travel"]
        assert library.get(ids["https://example.org/lighthouses"]).archived
    assert not library.get(rivers).archived


def test_url_list_import_reports_the_bad_line(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    report = import_file(
        library, FIXTURES / "urls.txt", policy=FetchPolicy(host_delay_s=0), fetcher=fake_fetch
    )
    assert (report.added, report.existing, report.failed) == (2, 0, 1)
    bad = next(r for r in report.rows if r.status == "failed")
    assert bad.url == "not a link at all" and "web address" in bad.reason


def test_highlights_reach_articles_already_there_once(tmp_path: Path) -> None:
    library, ids = run_import(tmp_path, FIXTURES / "pocket_single.csv")
    rivers = ids["https://example.org/rivers"]
    assert library.annotations(rivers) == []
    policy = FetchPolicy(host_delay_s=0)
    for _ in range(2):  # the second import of the same export changes nothing
        report = import_file(
            library, zip_folder("pocket_zip", tmp_path), policy=policy, fetcher=fake_fetch
        )
        statuses = {row.url: row.status for row in report.rows}
        assert statuses["https://example.org/rivers"] == "existing"
        assert [(a.exact, a.orphaned) for a in library.annotations(rivers)] == [
            ("A sentence that the article no longer contains", True),
            (FREEZES, False),
        ]


def test_a_link_filed_twice_is_added_once_with_both_folders(tmp_path: Path) -> None:
    path = tmp_path / "bookmarks.html"
    path.write_text(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><p>"
        '<DT><H3>Travel</H3><DL><p><DT><A HREF="https://example.org/rivers">R</A></DL><p>'
        '<DT><H3>Winter</H3><DL><p><DT><A HREF="https://EXAMPLE.org/rivers#top">R</A></DL><p>'
        "</DL><p>"
    )
    library, ids = run_import(tmp_path, path)
    report_rows = library.db.execute(
        "SELECT status, reason FROM import_items ORDER BY seq"
    ).fetchall()
    assert report_rows == [("added", ""), ("existing", "listed more than once in the file")]
    assert library.count() == 1
    assert library.tags(ids["https://example.org/rivers"]) == ["Travel", "Winter"]


def test_an_export_archives_and_favours_articles_already_there(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    first = tmp_path / "first.csv"
    first.write_text(
        "title,url,time_added,tags,status\n"
        "Old Lighthouses,https://example.org/lighthouses,1600000000,,unread\n"
    )
    policy = FetchPolicy(host_delay_s=0)
    import_file(library, first, policy=policy, fetcher=fake_fetch)
    (lighthouses,) = library.live_ids()
    assert not row(library, lighthouses)["archived"]
    report = import_file(library, FIXTURES / "pocket_single.csv", policy=policy, fetcher=fake_fetch)
    statuses = {r.url: r.status for r in report.rows}
    assert statuses["https://example.org/lighthouses"] == "existing"
    assert row(library, lighthouses)["archived"]  # Pocket's status=archive reached it
    library.set_archived(lighthouses, False)  # the person takes it out of the archive ...
    import_file(library, first, policy=policy, fetcher=fake_fetch)  # ... an unread row keeps that
    assert not row(library, lighthouses)["archived"]
