"""Plain-text input: a note stays whole; a dump of a whole web page is decluttered.

A page dump has the page `<title>` on its first line and then every visible block of the page, one
per paragraph: menus, the headline, the body, related lists, comments, footers. The body is found
as the best-scoring contiguous run of blocks (long, sentence-like blocks score; short menu-like
blocks cost), anchored after the headline when the headline is found, and cut where a
"Related posts"-style heading or site boilerplate begins.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from reader.core.models import Article, Block, BlockKind

from .cleanup import clean_blocks

MAX_TITLE_CHARS = 300
# A dump has at least this many blocks; anything shorter is treated as a note.
MIN_DUMP_BLOCKS = 6
# A sentence-like block shorter than this, alone between short blocks, counts as a teaser.
ISOLATED_MAX_WORDS = 40
# A block this long counts a little even without a full stop (some sites drop them).
UNPUNCTUATED_MIN_WORDS = 15
# The article starts at most this many blocks after its headline (bylines, dates, share bars).
MAX_HEADLINE_GAP = 25
# Extra cost of each further short block in a row.
STREAK_PENALTY = 1.0

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|»|•)\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[.!?。！？…\"'”’»)\]:]\s*$")
_SITE_LIKE = re.compile(r"^[\w.-]+\.[a-z]{2,}$", re.IGNORECASE)

# Headings after which the rest of the page is not the article.
_STOP_HEADING = re.compile(
    r"^(?:related(?:\s+\w+){0,2}|related\s+\w+\s*:.{0,60}"
    r"|more\s+(?:from|on|in|about|stories|news|articles|to\s+read)\b.{0,60}|more(?:\s+\w+){1,3}"
    r"|関連記事|関連ニュース|相关文章|相關文章|artículos\s+relacionados|articles?\s+similaires"
    r"|ähnliche\s+artikel|leia\s+também|articoli\s+correlati|lees\s+ook|читайте\s+также"
    r"|(?:you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy)).{0,30}|recommended(?:\s+\w+){0,2}"
    r"|read\s+next|most\s+(?:read|popular|viewed|shared).{0,30}"
    r"|trending(?:\s+\w+){0,2}|popular(?:\s+\w+){0,2}|latest(?:\s+\w+){0,2}|top\s+stories"
    r"|(?:top\s+rated\s+|\d+\s+)?comments?(?:\s*\(\d+\))?|leave\s+a\s+(?:comment|reply)"
    r"|about\s+the\s+author|sign\s+up.{0,40}newsletter.{0,40}"
    r"|editor'?s?\s+picks?|what\s+to\s+read\s+next|next\s+(?:article|story|post)"
    r"|previous\s+(?:article|story|post)|further\s+reading|popular\s+now|don'?t\s+miss"
    r"|from\s+around\s+the\s+web|recent\s+posts|\[\s*\d+\s+comments?\s*\])[\s:.!]*$"
    # The start of a comment thread.
    r"|^\d+\s+(?:responses?|comments?|replies|thoughts?)\b.{0,200}$|^.{1,60}\ssays:$"
    r"|^(?:permalink\b.*)?\d*\s*comments?\s+feed\b.*$",
    re.IGNORECASE,
)

# Short blocks that sit inside articles without ending them.
_FURNITURE = re.compile(
    r"^(?:advertisement|sponsored(?:\s+content)?|read\s+(?:more|also)|also\s+read|see\s+also"
    r"|share(?:\s+this(?:\s+\w+)?)?|tags?|topics?|filed\s+under|continue\s+reading.{0,40}"
    r"|story\s+continues\s+below.{0,30}|skip\s+(?:to|ad).{0,30})[\s:.!]*$",
    re.IGNORECASE,
)

# Blocks that are site furniture wherever they appear.
_BOILERPLATE = re.compile(
    r"(?:\bcookies?\b.*\b(?:accept|consent|experience|policy|use)\b"
    r"|\b(?:accept|consent)\b.*\bcookies?\b"
    r"|^\s*(?:©|\(c\)|copyright\b)|all\s+rights\s+reserved"
    r"|\bsubscribe\s+to\s+(?:our|the)\b.*\bnewsletter|\bsign\s+up\s+for\s+(?:our|the)\b"
    r"|^\s*share\s+(?:this|on)\b|^\s*(?:follow\s+us|click\s+here\s+to)\b"
    r"|^\s*click\s+to\s+(?:share|email|print)\b|\(opens\s+in\s+(?:a\s+)?new\s+window\)"
    r"|\bterms\s+of\s+(?:use|service)\b.*\bprivacy\b)",
    re.IGNORECASE,
)


_MARKDOWN_LINE = re.compile(r"^(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s|```)")

# Lines around user comments: "2 days ago at 07:52 am", "Rating: 36 Votes", "joe says:", "Reply".
_COMMENT_META = re.compile(
    r"(?:\bago\s+at\s+\d|\bat\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?$|^rating:|\bvotes?$|\bsays:$"
    r"|^(?:reply|report|flag|like|\d+\s+likes?|\d+\s+replies)$)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TitleParts:
    title: str
    section: str | None
    site: str | None


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; inner line breaks become spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for chunk in re.split(r"\n[ \t\f\v]*\n", text):
        joined = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if joined:
            paragraphs.append(joined)
    return paragraphs


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _words(text: str) -> int:
    """Words, counting two CJK characters as one (those scripts do not separate words)."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(_WORD.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk // 2


def parse_title_line(line: str, blocks: list[str]) -> TitleParts:
    """Split "Headline | Section | site" and choose the headline the page itself repeats."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(line) if p.strip()]
    if not parts:
        return TitleParts(line.strip(), None, None)
    normalised = {_norm(b) for b in blocks[:400]}
    # The longest run of parts that the page repeats as a block of its own is the headline.
    spans = sorted(
        ((start, end) for end in range(1, len(parts) + 1) for start in range(end)),
        key=lambda span: -len(" ".join(parts[span[0] : span[1]])),
    )
    title_index = next(
        (
            (start, end)
            for start, end in spans
            if _words(" ".join(parts[start:end])) >= 2
            and _norm(" ".join(parts[start:end])) in normalised
        ),
        None,
    )
    if title_index is None:
        # Otherwise the longest part: sites put their name in the short part.
        longest = max(range(len(parts)), key=lambda i: len(parts[i]))
        title_index = (longest, longest + 1)
    start, end = title_index
    title = line if len(parts) == 1 else _join_original(line, parts[start:end])
    section = None
    site = None
    after = parts[end:]
    if after:
        site = after[-1]
        if len(after) >= 2:
            section = after[0]
    elif start > 0:
        site = parts[0] if _SITE_LIKE.match(parts[0]) else None
        section = None if site else parts[0]
    return TitleParts(title.strip(), section, site)


def _join_original(line: str, parts: list[str]) -> str:
    """The span of `line` covering `parts`, with its original separators."""
    first = line.find(parts[0])
    last = line.rfind(parts[-1])
    if first < 0 or last < 0 or last < first:
        return " ".join(parts)
    return line[first : last + len(parts[-1])]


def _is_texty(block: str) -> bool:
    words = _words(block)
    return (words >= 12 and bool(_SENTENCE_END.search(block))) or words >= 30


def _block_score(block: str) -> float:
    words = _words(block)
    if _BOILERPLATE.search(block) and words < 80:
        return -10.0
    if _FURNITURE.match(block):
        return 0.0
    if _COMMENT_META.search(block) and words < 12:
        return -10.0
    if "\t" in block:
        # A table row: tables in an article are kept, but they say little about where it is.
        return 1.0
    if _is_texty(block):
        return float(words)
    if words >= 8 and _SENTENCE_END.search(block):
        return words * 0.5
    if words >= UNPUNCTUATED_MIN_WORDS:
        return words * 0.25
    return -4.0


def _best_run(
    scores: list[float], start_at: int, latest_start: int | None = None
) -> tuple[int, int, float]:
    """Maximum-sum contiguous run of blocks at or after `start_at`: start, end (exclusive), sum.

    With `latest_start`, the run must begin at or before that block.
    """
    best = (start_at, start_at)
    best_sum = 0.0
    current = 0.0
    run_start = start_at
    for index in range(start_at, len(scores)):
        if current <= 0:
            if latest_start is not None and index > latest_start:
                break
            current = 0.0
            run_start = index
        current += scores[index]
        if current > best_sum:
            best_sum = current
            best = (run_start, index + 1)
    return best[0], best[1], best_sum


def looks_like_dump(blocks: list[str]) -> bool:
    """A page dump repeats its title line in the page, or is mostly menu-like short blocks."""
    if len(blocks) < MIN_DUMP_BLOCKS:
        return False
    first = _norm(blocks[0])
    parts = [_norm(p) for p in _TITLE_SEPARATORS.split(blocks[0])]
    candidates = {first} | {p for p in parts if len(p) >= 12}
    if any(_norm(b) in candidates for b in blocks[1:200]):
        return True
    if sum(1 for b in blocks if _MARKDOWN_LINE.match(b)) >= 0.2 * len(blocks):
        return False
    short = sum(1 for b in blocks if _words(b) < 6)
    return len(blocks) >= 20 and short / len(blocks) >= 0.3


def declutter(blocks: list[str]) -> tuple[TitleParts, list[str]]:
    """The title parts and the article paragraphs of a page dump."""
    title_line, rest = blocks[0], blocks[1:]
    parts = parse_title_line(title_line, rest)
    title_key = _norm(parts.title)
    scores = [_block_score(b) for b in rest]
    # A lone snippet between short blocks is a teaser (kicker, headline, snippet, source), not a
    # paragraph: article paragraphs come in runs.
    base = list(scores)
    for index, score in enumerate(base):
        if 0 < score < ISOLATED_MAX_WORDS:
            before = base[index - 1] if index > 0 else -1.0
            after = base[index + 1] if index + 1 < len(base) else -1.0
            if before <= 0 and after <= 0:
                scores[index] = score * 0.5 - 4.0
    # A long stretch of short blocks (menus, teaser lists, footers) separates more than the sum
    # of its parts: each further short block in a row costs more.
    streak = 0
    for index, score in enumerate(scores):
        if score < 0:
            scores[index] = score - STREAK_PENALTY * streak
            streak += 1
        elif score > 0:
            streak = 0
    headline_positions = [i for i, b in enumerate(rest) if title_key and _norm(b) == title_key]
    start_at = 0
    start, end, best = _best_run(scores, 0)
    # The article begins after one of the headline's repeats, when a strong run follows one.
    anchored = [_best_run(scores, i + 1, i + 1 + MAX_HEADLINE_GAP) for i in headline_positions]
    strong = [run for run in anchored if run[2] >= 0.5 * best and run[1] > run[0]]
    inside = [i for i in headline_positions if start <= i < end]
    if strong:
        start, end, _ = max(strong, key=lambda run: run[2])
        start_at = max(i + 1 for i in headline_positions if i < start + 1)
    elif inside:
        # The headline sits inside the best run: what precedes it there is teasers, not article.
        start_at = inside[-1] + 1
        start = _best_run(scores, start_at, start_at + MAX_HEADLINE_GAP)[0]
        start = start if start < end else start_at
    # Extend backwards over texty blocks directly above the run (leads, standfirsts).
    while start > start_at and _is_texty(rest[start - 1]) and scores[start - 1] > 0:
        start -= 1
    # A block ending in a colon introduces what follows (a list of dates, steps, items).
    if (
        end < len(rest)
        and rest[end].rstrip().endswith(":")
        and _words(rest[end]) >= 3
        and not _STOP_HEADING.match(rest[end])
    ):
        end += 1
    listed = False
    if end < len(rest) and rest[end - 1].rstrip().endswith(":") and _words(rest[end - 1]) >= 3:
        listed = True
        while (
            end < len(rest)
            and _words(rest[end]) >= 3
            and not _STOP_HEADING.match(rest[end])
            and not _BOILERPLATE.search(rest[end])
        ):
            end += 1
    # "Related posts"-style headings split the run; the article is its best-scoring piece.
    pieces: list[tuple[float, int, int]] = []
    piece_start = start
    for index in range(start, end + 1):
        if index == end or (index > piece_start and _STOP_HEADING.match(rest[index])):
            value = sum(max(0.0, s) for s in scores[piece_start:index])
            if sum(1 for b in rest[piece_start:index] if _COMMENT_META.search(b)) >= 2:
                value = 0.0  # a comment thread
            pieces.append((value, piece_start, index))
            piece_start = index + 1 if index < end else index
    # The first substantial piece: comment threads after the article can outweigh it.
    top = max(piece[0] for piece in pieces)
    chosen = next(i for i, piece in enumerate(pieces) if piece[0] >= 0.4 * top)
    _, start, end = pieces[chosen]
    segments = [(start, end)]
    # A teaser box in the middle of an article ("More from UK" and a few headlines) is skipped
    # when the article visibly goes on after it: several paragraphs, some of them in a row (lone
    # snippets between bylines and dates are more teasers), and no comment furniture.
    for _, next_start, next_end in pieces[chosen + 1 :]:
        following = rest[next_start:next_end]
        texty = [i for i, b in enumerate(following) if _is_texty(b)]
        adjacent = any(b - a == 1 for a, b in itertools.pairwise(texty))
        if (
            len(texty) >= 3
            and adjacent
            and texty[0] <= 8
            and next_start - end <= 10
            and not any(_COMMENT_META.search(b) for b in following)
        ):
            segments.append((next_start + texty[0], next_end))
            end = next_end
        else:
            break
    body = [
        b
        for first, last in segments
        for b in rest[first:last]
        if not _STOP_HEADING.match(b)
        and _norm(b) != title_key
        and not _BOILERPLATE.search(b)
        and not _FURNITURE.match(b)
    ]
    # Trailing short blocks are bylines of the next teaser, not article text.
    while body and not listed and not _is_texty(body[-1]) and not _is_credit(body[-1]):
        body.pop()
    return parts, body


_CREDIT = re.compile(
    r"^(?:\(?(?:reporting|additional\s+reporting|writing|editing|edited|compiled)\b.*\bby\b"
    r"|contributed\s+by|with\s+(?:reporting|files)\s+from)",
    re.IGNORECASE,
)


def _is_credit(block: str) -> bool:
    return bool(_CREDIT.search(block)) or ("contributed" in block.lower() and _words(block) < 20)


def note_paragraphs(text: str) -> list[str]:
    """Paragraphs of a note: as `split_paragraphs`, but list items and headings on lines of their
    own stay separate even without blank lines between them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    for chunk in re.split(r"\n[ \t\f\v]*\n", text):
        current: list[str] = []
        for line in chunk.splitlines():
            line = line.strip()
            if not line:
                continue
            if _MARKDOWN_LINE.match(line + " ") and current:
                paragraphs.append(" ".join(current))
                current = []
            current.append(line)
            if line.startswith("#"):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def _note(text: str, url: str | None) -> Article:
    """A note stays whole: the first short line is its title, markdown headings become headings."""
    paragraphs = note_paragraphs(text)
    title = ""
    first = paragraphs[0]
    if first.startswith("#") or (len(first) <= 120 and not first.rstrip().endswith((".", ":"))):
        title = first.lstrip("#").strip()
    if title and len(paragraphs) > 1:
        paragraphs = paragraphs[1:]  # the title line is shown as the title, not twice
    blocks: list[Block] = []
    for paragraph in paragraphs:
        heading = re.match(r"^(#{1,6})\s+(.*)$", paragraph)
        item = re.match(r"^(?:[-*+]|\d+[.)])\s+(.*)$", paragraph)
        if heading:
            blocks.append(
                Block(BlockKind.HEADING, heading.group(2).strip(), level=len(heading.group(1)))
            )
        elif item:
            blocks.append(
                Block(
                    BlockKind.LIST_ITEM,
                    item.group(1).strip(),
                    level=1,
                    ordered=paragraph[0].isdigit(),
                )
            )
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, paragraph))
    return Article(title=title[:MAX_TITLE_CHARS], blocks=tuple(blocks), url=url)


def extract_text(text: str, url: str | None = None) -> Article:
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        return Article(title="", blocks=(), url=url)
    if not looks_like_dump(paragraphs):
        return _note(text, url)
    parts, body = declutter(paragraphs)
    if not body:
        return _note(text, url)
    site = parts.site if parts.site and len(parts.site) <= 80 else None
    blocks = tuple(clean_blocks([Block(BlockKind.PARAGRAPH, p) for p in body], parts.title))
    if not blocks:
        return _note(text, url)
    return Article(
        title=parts.title[:MAX_TITLE_CHARS],
        blocks=blocks,
        site_name=site,
        section=parts.section,
        url=url,
    )
