"""The article's language: from the page when it says, from the text when it does not, with
word counts and reading times that make sense for scripts without spaces."""

from __future__ import annotations

from reader.core.entities import recognise
from reader.core.extract import extract
from reader.core.extract.language import article_language, detect_language, script_language
from reader.core.models import Article, Block, BlockKind, RawPage

# Cut from `gmw` (Chinese, no lang attribute) and `hukumusume` (Japanese) of the Mozilla pages.
CHINESE = (
    "宇航员在太空中喝酒会怎么样？后果很严重。美国宇航局约翰逊航天中心发言人丹尼尔·霍特表示："
    "国际空间站上的宇航员不允许喝酒。在国际空间站上，酒精和其它挥发性化合物的使用受到控制，"
    "因为它们的挥发物可能对该站的水回收系统产生影响。"
)
JAPANESE = (
    "むかしむかし、ある村に、とても欲張りなイヌがいました。イヌは肉をくわえて橋を渡っていました。"
)


def page(body: str, lang: str = "") -> RawPage:
    attribute = f' lang="{lang}"' if lang else ""
    html = (
        f"<html{attribute}><head><title>t</title></head><body><article>"
        + "".join(f"<p>{body}</p>" for _ in range(24))
        + "</article></body></html>"
    )
    return RawPage(data=html.encode(), content_type="text/html", charset="utf-8")


def test_scripts_tell_chinese_japanese_and_korean() -> None:
    assert script_language(CHINESE) == "zh"
    assert script_language(JAPANESE) == "ja"
    assert (
        script_language("서울은 대한민국의 수도이며 가장 큰 도시이다. 한강이 도시를 가로지른다.")
        == "ko"
    )
    assert script_language("The tide came in over the flats faster than a horse.") is None


def test_other_languages_are_detected_when_the_page_is_silent() -> None:
    assert (
        detect_language(
            "Die Stadt plant eine neue Brücke über den Fluss, die im Sommer "
            "eröffnet werden soll, sagte der Bürgermeister am Dienstag."
        )
        == "de"
    )
    assert (
        detect_language(
            "Le conseil municipal a voté mardi pour prolonger la promenade "
            "le long de la rivière de trois kilomètres."
        )
        == "fr"
    )
    assert detect_language("ok") is None  # too little to tell


def test_a_page_that_says_is_believed_unless_its_script_says_otherwise() -> None:
    assert article_language("pt-BR", "O conselho votou na terça-feira.") == "pt-BR"
    assert article_language("en", CHINESE * 3) == "zh"  # a Chinese article on an English template


def test_a_chinese_page_without_lang_is_chinese_long_enough_and_has_no_english_entities() -> None:
    article = extract(page(CHINESE))
    assert article.lang == "zh"
    # 24 paragraphs of ~110 characters, read at 400 a minute: over 1,000 words' worth.
    assert article.word_count > 1_000
    assert article.reading_minutes >= 6
    assert recognise(article).mentions == ()


def test_japanese_counts_and_english_counts_stay_as_they_were() -> None:
    japanese = extract(page(JAPANESE))
    assert japanese.lang == "ja" and japanese.word_count > 400
    english = Article(title="t", blocks=(Block(BlockKind.PARAGRAPH, "one two three"),), lang="en")
    assert english.word_count == 3 and english.reading_minutes == 1
