"""Text input: page dumps are decluttered to the article; notes stay whole."""

from __future__ import annotations

from pathlib import Path

from reader.core.extract import extract
from reader.core.extract.text import extract_text
from reader.core.fetch import load
from reader.core.models import BlockKind, RawPage

SEED_TITLE = "Kremlin Awaits Ukraines Decision on Upcoming Istanbul Peace Talks"


def test_seed_dump_gives_exactly_the_article(sample_path: Path) -> None:
    article = extract(load(str(sample_path)))
    assert article.title == SEED_TITLE
    assert article.section == "World"
    assert article.site_name == "london-news-net.preview-domain.com"
    assert len(article.blocks) == 15
    assert all(b.kind is BlockKind.PARAGRAPH for b in article.blocks)
    assert article.blocks[0].text.startswith("The Kremlin announced on Thursday")
    assert article.blocks[-1].text == "Reporting was contributed by AFP."
    for junk in ("Related posts", "Uzbekistan", "cookies", "Buryatia"):
        assert junk not in article.text


def _dump(*body: str, after: tuple[str, ...] = ()) -> str:
    menu = ["Home", "News", "World", "Business", "Sport", "Culture", "Opinion", "Video"]
    return "\n\n".join(
        [
            "Council backs longer river walk | Local | gazette.example",
            *menu,
            "Council backs longer river walk",
            "By Sam Doe",
            *body,
            *after,
        ]
    )


PARAGRAPHS = (
    "The city council voted on Tuesday to extend the river walk by two miles, a project that "
    "will connect three neighbourhoods to the waterfront.",
    "Construction is expected to begin next spring and to last about eighteen months, "
    "according to the transport department.",
    "Residents who spoke at the meeting were mostly in favour, although several shop owners "
    "asked for assurances about deliveries.",
)


def test_comments_and_cookie_notice_after_the_article_are_cut() -> None:
    text = _dump(
        *PARAGRAPHS,
        after=(
            "3 Comments",
            "joe_r says:",
            "May 14, 2024 at 6:34 am",
            "This is the best news the riverside has had in years, and I hope it goes ahead.",
            "We use cookies to improve your experience. Accept",
        ),
    )
    article = extract_text(text)
    assert article.title == "Council backs longer river walk"
    assert [b.text for b in article.blocks] == list(PARAGRAPHS)


def test_a_teaser_box_inside_the_article_does_not_end_it() -> None:
    more = (
        "Officials said the reserve fund would cover unexpected costs, after the previous "
        "phase ran over budget because of flooding.",
        "A final design will be presented in a series of open evenings in the autumn, when "
        "people can comment on lighting and seating.",
        "The work will be carried out in stages so that at least one bank stays open to "
        "walkers and cyclists at all times.",
    )
    box = ("More from Local", "Old bridge closes", "New library opens", "School wins prize")
    article = extract_text(_dump(*PARAGRAPHS, *box, *more))
    assert [b.text for b in article.blocks] == [*PARAGRAPHS, *more]


def test_teaser_snippets_before_the_headline_are_not_the_article() -> None:
    teasers = tuple(
        f"Story {n} headline goes here CITY: A snippet of another story that runs long enough "
        f"to look like a paragraph of text, number {n}, with a full stop at the end."
        for n in range(6)
    )
    lines = [
        "Council backs longer river walk | Local | gazette.example",
        *("Home", "News", "World", "Sport"),
        *teasers,
        "Council backs longer river walk",
        "May 14, 2024",
        *PARAGRAPHS,
    ]
    article = extract_text("\n\n".join(lines))
    assert [b.text for b in article.blocks] == list(PARAGRAPHS)


def test_a_plain_note_stays_whole() -> None:
    note = "Shopping\n- eggs\n- flour\n\nCall the plumber\nabout the kitchen tap.\n"
    article = extract(RawPage(data=note.encode(), content_type="text/plain"))
    assert article.title == "Shopping"
    assert [b.text for b in article.blocks] == [
        "eggs",
        "flour",
        "Call the plumber about the kitchen tap.",
    ]
    assert article.blocks[0].kind is BlockKind.LIST_ITEM


def test_a_short_text_with_one_paragraph_is_kept() -> None:
    article = extract(RawPage(data=b"Just one line of text.", content_type="text/plain"))
    assert article.text == "Just one line of text."


def test_text_in_windows_1252_is_decoded() -> None:
    data = "Caf\u00e9 cr\u00e8me \u2013 na\u00efve r\u00e9sum\u00e9.".encode("cp1252")
    article = extract(RawPage(data=data, content_type="text/plain"))
    assert article.text == "Café crème – naïve résumé."
