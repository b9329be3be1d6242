"""Every export format and version other tools write is read into the right fields."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from reader.core.importers import ImportFormatError, detect_format, read_items
from reader.core.importers.safezip import SafeZip, UnsafeArchiveError
from reader.core.importers.wallabag import parse_entries

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"

RIVERS = "https://example.org/rivers"
LIGHTHOUSES = "https://example.org/lighthouses"
RECIPES = "https://example.org/recipes"
REPORT = "https://example.org/report"
JULY_2023 = "2023-07-06T07:31:35+00:00"  # 1688628695
SEPT_2020 = "2020-09-13T12:26:40+00:00"  # 1600000000
JULY_2017 = "2017-07-14T02:40:00+00:00"  # 1500000000


def zip_folder(name: str, dest: Path) -> Path:
    """The fixture folder `name` packed as the tool's export zip."""
    out = dest / f"{name}.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted((FIXTURES / name).rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(FIXTURES / name).as_posix())
    return out


def by_url(path: Path, fmt: str = "auto") -> dict[str, object]:
    return {item.url: item for item in read_items(path, fmt)}


def test_pocket_zip_reads_every_part_and_attaches_quotes(tmp_path: Path) -> None:
    path = zip_folder("pocket_zip", tmp_path)
    assert detect_format(path) == "pocket"
    items = read_items(path)
    assert [i.url for i in items] == [RIVERS, REPORT, LIGHTHOUSES]
    rivers, report, lighthouses = items
    assert rivers.title == "Rivers of the North"
    assert rivers.added_at == JULY_2023
    assert rivers.tags == ("travel", "nature")
    assert not rivers.archived
    assert [h.quote for h in rivers.highlights] == [
        "The river freezes solid every winter",
        "A sentence that the article no longer contains",
    ]
    assert rivers.highlights[0].created_at == "2023-07-07T03:20:00+00:00"
    assert report.title == "Quarterly report, with commas"
    assert report.archived and report.tags == () and report.highlights == ()
    assert lighthouses.archived and lighthouses.tags == ("history",)
    assert lighthouses.added_at == SEPT_2020


def test_pocket_single_csv(tmp_path: Path) -> None:
    path = FIXTURES / "pocket_single.csv"
    assert detect_format(path) == "pocket"
    items = by_url(path)
    assert items[RIVERS].tags == ("travel", "nature")
    assert items[RIVERS].added_at == JULY_2023 and not items[RIVERS].archived
    assert items[LIGHTHOUSES].archived and items[LIGHTHOUSES].tags == ()


def test_pocket_legacy_html_takes_state_from_heading() -> None:
    path = FIXTURES / "pocket_ril_export.html"
    assert detect_format(path) == "pocket"
    items = by_url(path)
    assert items[RIVERS].title == "Rivers of the North"
    assert items[RIVERS].tags == ("travel", "nature")
    assert items[RIVERS].added_at == JULY_2023
    assert not items[RIVERS].archived
    assert items[LIGHTHOUSES].archived and items[LIGHTHOUSES].added_at == SEPT_2020


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_instapaper_every_header_version(version: str) -> None:
    path = FIXTURES / f"instapaper_{version}.csv"
    assert detect_format(path) == "instapaper"
    items = by_url(path)
    assert items[RIVERS].title == "Rivers of the North"
    assert not items[RIVERS].archived and not items[RIVERS].favorite
    assert "Cooking" in items[RECIPES].tags  # a custom folder becomes a tag
    if version == "v1":
        assert items[RIVERS].added_at is None
        assert items[REPORT].archived
        assert items[REPORT].highlights[0].quote == "The river freezes solid every winter"
        assert items[LIGHTHOUSES].favorite and not items[LIGHTHOUSES].archived
    else:
        assert items[RIVERS].added_at == JULY_2023
        assert items[RECIPES].added_at == JULY_2017
    if version == "v3":
        assert items[RIVERS].tags == ("coding", "long read")
        assert items[RECIPES].tags == ("Cooking", "food")
        assert items[LIGHTHOUSES].archived and items[LIGHTHOUSES].tags == ()
    elif version == "v2":
        assert items[LIGHTHOUSES].favorite


def test_omnivore_zip_uses_its_content_and_highlights(tmp_path: Path) -> None:
    path = zip_folder("omnivore_zip", tmp_path)
    assert detect_format(path) == "omnivore"
    items = by_url(path)
    rivers, lighthouses = items[RIVERS], items[LIGHTHOUSES]
    assert rivers.title == "Rivers of the North"
    assert rivers.added_at == JULY_2023
    assert rivers.published == "2023-07-01T00:00:00+00:00"
    assert rivers.byline == "Ada Fjord"
    assert rivers.tags == ("travel", "Nature")
    assert rivers.archived and not lighthouses.archived
    assert rivers.read_progress == pytest.approx(0.4)
    assert rivers.description == "Ice, water and the towns along them."
    assert rivers.content_html is not None and "ice road" in rivers.content_html
    assert lighthouses.content_html is not None and "keepers" in lighthouses.content_html
    quotes = [(h.quote, h.note) for h in rivers.highlights]
    assert quotes == [
        (
            "The river freezes solid every winter",
            "The ice road sounds like a good story.\n\n#winter #ice",
        ),
        ("a quote the article never had", ""),
        ("When the thaw comes the whole valley listens for the first crack", ""),
    ]
    assert lighthouses.highlights == () and lighthouses.byline is None


def test_wallabag_json_maps_states_dates_and_annotations() -> None:
    path = FIXTURES / "wallabag.json"
    assert detect_format(path) == "wallabag"
    items = by_url(path)
    rivers, lighthouses = items[RIVERS], items[LIGHTHOUSES]
    assert rivers.title == "Rivers of the North"
    assert rivers.archived and rivers.favorite
    assert not lighthouses.archived and not lighthouses.favorite
    assert rivers.added_at == "2016-09-08T09:55:58+00:00"  # +0200 in the file
    assert rivers.published == "2016-09-01T08:00:00+00:00"
    assert rivers.byline == "Ada Fjord"
    assert rivers.lang == "en"
    assert rivers.tags == ("travel", "nature")
    assert rivers.content_html is not None and rivers.content_html.startswith("<h1>")
    assert [(h.quote, h.note) for h in rivers.highlights] == [
        ("The river freezes solid every winter", "Ice roads!"),
        ("words that are nowhere in the text", ""),
    ]


def test_wallabag_tags_as_objects_and_given_url_fallback() -> None:
    items = parse_entries(
        [
            {
                "given_url": "https://example.org/x",
                "tags": [{"label": "a"}, {"slug": "b"}],
                "is_archived": "0",
                "is_starred": "1",
                "content": "<p>x</p>",
            }
        ]
    )
    assert items[0].url == "https://example.org/x"
    assert items[0].tags == ("a", "b") and items[0].favorite and not items[0].archived


def test_browser_bookmarks_folders_become_tags() -> None:
    path = FIXTURES / "bookmarks_browser.html"
    assert detect_format(path) == "bookmarks"
    items = by_url(path)
    assert list(items) == [RIVERS, LIGHTHOUSES, RECIPES]  # the bookmarklet is skipped
    assert items[RIVERS].tags == ("Reading", "Travel")  # not the toolbar folder itself
    assert items[LIGHTHOUSES].tags == ("Reading",)
    assert items[LIGHTHOUSES].title == "Old & Lighthouses"
    assert items[RECIPES].tags == ()
    assert items[RIVERS].added_at == "2023-06-15T07:18:38+00:00"
    assert not any(item.archived for item in items.values())  # no TOREAD: nothing is read


def test_pinboard_bookmarks_tags_toread_and_description() -> None:
    items = by_url(FIXTURES / "bookmarks_pinboard.html")
    assert items[RIVERS].tags == ("travel", "nature")
    assert not items[RIVERS].archived  # TOREAD="1"
    assert items[LIGHTHOUSES].archived  # read already
    assert items[RIVERS].description == "Ice, water and the towns along them."
    assert items[LIGHTHOUSES].description == ""


def test_url_list_skips_blanks_and_comments_keeps_bad_lines_for_the_report() -> None:
    path = FIXTURES / "urls.txt"
    assert detect_format(path) == "urls"
    assert [i.url for i in read_items(path)] == [RIVERS, LIGHTHOUSES, "not a link at all"]


def test_asking_for_a_format_overrides_detection() -> None:
    items = read_items(FIXTURES / "pocket_single.csv", "urls")
    assert items[0].url.startswith("title,url")


def test_unknown_zip_and_json_are_refused_with_a_message(tmp_path: Path) -> None:
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFormatError, match="neither"):
        detect_format(other)
    odd = tmp_path / "odd.json"
    odd.write_text('{"hello": 1}')
    with pytest.raises(ImportFormatError):
        read_items(odd)


def test_zip_refuses_traversal_names_and_bombs(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../etc/evil.csv", "title,url\nx,https://x.org\n")
        archive.writestr("/abs.csv", "x")
        archive.writestr("ok/part_000000.csv", "title,url,time_added,tags,status\n")
        archive.writestr("bomb.csv", b"\0" * (3 * 1024 * 1024))
    with SafeZip(path, max_entry_bytes=1024 * 1024) as safe:
        assert safe.names() == ["bomb.csv", "ok/part_000000.csv"]
        assert sorted(safe.skipped) == ["../../etc/evil.csv", "/abs.csv"]
        with pytest.raises(Exception, match="too large"):
            safe.read("bomb.csv")
    with pytest.raises(UnsafeArchiveError, match="limit"):
        SafeZip(path, max_entries=2)


def test_zip_total_unpacked_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for n in range(4):
            archive.writestr(f"part_{n:06d}.csv", b"a" * 600_000)
    with SafeZip(path, max_total_bytes=2_000_000) as safe, pytest.raises(Exception, match="MB"):
        for name in safe.names():
            safe.read(name)


def test_every_registered_format_has_a_reader_a_label_and_file_endings() -> None:
    # The CLI's choices and the Import dialog's list and file filter are read from the registry,
    # so a format listed there must be importable and offered with a name a person reads.
    import importlib

    from reader.core.importers import FORMATS, file_filter

    for name, fmt in FORMATS.items():
        module = importlib.import_module(f"reader.core.importers.{name}")
        assert callable(module.parse), name
        assert fmt.label.strip() and fmt.suffixes, name
        assert all(f"*{suffix}" in file_filter() for suffix in fmt.suffixes), name
