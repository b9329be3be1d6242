"""`readmark-cli extract SOURCE`: print the clean article without saving it."""

from __future__ import annotations

import argparse
import html
import sys

from reader.core import fetch
from reader.core.extract import extract
from reader.core.models import Article, Block, BlockKind

from .common import print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "extract", help="print the clean article from a URL, a file or - (stdin); saves nothing"
    )
    parser.add_argument("source", help="URL, path, or - for standard input")
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown", "html"],
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--as", dest="kind", choices=["html", "text"], help="read the input as HTML or as text"
    )
    parser.set_defaults(run=run)


def article_json(article: Article) -> dict[str, object]:
    """The JSON form of an article; the one place that decides its keys."""
    return {
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "section": article.section,
        "published": article.published,
        "lang": article.lang,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "lead_image": article.lead_image,
        "text": article.text,
        "blocks": [block.to_dict() for block in article.blocks],
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
    }


def article_text(article: Article) -> str:
    head = [article.title] if article.title else []
    byline = " · ".join(p for p in (article.byline, article.site_name, article.published) if p)
    if byline:
        head.append(byline)
    paragraphs = [block.text for block in article.blocks if block.text]
    return "\n\n".join([*head, *paragraphs]) + "\n"


def _markdown_inline(block: Block) -> str:
    """Block text with emphasis and links as Markdown; nested or overlapping ranges stay plain."""
    text = block.text
    marks = sorted(block.inlines, key=lambda i: (i.start, -i.end))
    out: list[str] = []
    position = 0
    for inline in marks:
        if inline.start < position:
            continue
        out.append(_escape_md(text[position : inline.start]))
        inner = _escape_md(text[inline.start : inline.end])
        if inline.kind == "link" and inline.href:
            out.append(f"[{inner}](<{inline.href}>)")
        elif inline.kind == "em":
            out.append(f"*{inner}*")
        elif inline.kind == "strong":
            out.append(f"**{inner}**")
        elif inline.kind == "code":
            out.append(f"`{text[inline.start : inline.end]}`")
        else:
            out.append(inner)
        position = inline.end
    out.append(_escape_md(text[position:]))
    return "".join(out)


def _escape_md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>" else c for c in text)


def article_markdown(article: Article) -> str:
    lines: list[str] = []
    if article.title:
        lines += [f"# {_escape_md(article.title)}", ""]
    meta = [p for p in (article.byline, article.site_name, article.published) if p]
    if meta:
        lines += [f"*{_escape_md(' · '.join(meta))}*", ""]
    for block in article.blocks:
        if block.kind is BlockKind.HEADING:
            lines.append("#" * min(6, max(2, block.level + 1)) + " " + _markdown_inline(block))
        elif block.kind is BlockKind.LIST_ITEM:
            indent = "  " * max(0, block.level - 1)
            lines.append(f"{indent}{'1.' if block.ordered else '-'} {_markdown_inline(block)}")
        elif block.kind is BlockKind.QUOTE:
            lines.append("> " + _markdown_inline(block))
        elif block.kind is BlockKind.CODE:
            lines += ["```", block.text, "```"]
        elif block.kind is BlockKind.IMAGE:
            if block.src:
                lines.append(f"![{_escape_md(block.text)}](<{block.src}>)")
        elif block.kind is BlockKind.TABLE and block.rows:
            width = max(len(row) for row in block.rows)
            rows = [list(row) + [""] * (width - len(row)) for row in block.rows]
            lines.append("| " + " | ".join(_escape_md(c) for c in rows[0]) + " |")
            lines.append("|" + " --- |" * width)
            lines += ["| " + " | ".join(_escape_md(c) for c in row) + " |" for row in rows[1:]]
        else:
            lines.append(_markdown_inline(block))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _html_inline(block: Block) -> str:
    text = block.text
    out: list[str] = []
    position = 0
    for inline in sorted(block.inlines, key=lambda i: (i.start, -i.end)):
        if inline.start < position:
            continue
        out.append(html.escape(text[position : inline.start]))
        inner = html.escape(text[inline.start : inline.end])
        if inline.kind == "link" and inline.href:
            out.append(f'<a href="{html.escape(inline.href, quote=True)}">{inner}</a>')
        elif inline.kind in ("em", "strong", "code"):
            out.append(f"<{inline.kind}>{inner}</{inline.kind}>")
        else:
            out.append(inner)
        position = inline.end
    out.append(html.escape(text[position:]))
    return "".join(out)


def article_html(article: Article) -> str:
    """A standalone, script-free HTML page of the article; every value is escaped."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(article.lang or "")}">',
        '<head><meta charset="utf-8">',
        f"<title>{html.escape(article.title)}</title></head>",
        "<body><article>",
        f"<h1>{html.escape(article.title)}</h1>",
    ]
    meta = [p for p in (article.byline, article.site_name, article.published) if p]
    if meta:
        parts.append(f"<p><em>{html.escape(' · '.join(meta))}</em></p>")
    open_list: str | None = None
    for block in article.blocks:
        list_tag = ("ol" if block.ordered else "ul") if block.kind is BlockKind.LIST_ITEM else None
        if open_list and list_tag != open_list:
            parts.append(f"</{open_list}>")
            open_list = None
        if list_tag and not open_list:
            parts.append(f"<{list_tag}>")
            open_list = list_tag
        if block.kind is BlockKind.HEADING:
            level = min(6, max(2, block.level + 1))
            parts.append(f"<h{level}>{_html_inline(block)}</h{level}>")
        elif block.kind is BlockKind.LIST_ITEM:
            parts.append(f"<li>{_html_inline(block)}</li>")
        elif block.kind is BlockKind.QUOTE:
            parts.append(f"<blockquote><p>{_html_inline(block)}</p></blockquote>")
        elif block.kind is BlockKind.CODE:
            parts.append(f"<pre><code>{html.escape(block.text)}</code></pre>")
        elif block.kind is BlockKind.IMAGE:
            if block.src:
                src = html.escape(block.src, quote=True)
                caption = html.escape(block.text)
                parts.append(
                    f'<figure><img src="{src}" alt="{caption}">'
                    + (f"<figcaption>{caption}</figcaption>" if caption else "")
                    + "</figure>"
                )
        elif block.kind is BlockKind.TABLE and block.rows:
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table>{rows}</table>")
        else:
            parts.append(f"<p>{_html_inline(block)}</p>")
    if open_list:
        parts.append(f"</{open_list}>")
    parts.append("</article></body></html>")
    return "\n".join(parts) + "\n"


def run(args: argparse.Namespace) -> int:
    raw = fetch.load(args.source)
    article = extract(raw, kind=args.kind)
    if args.format == "json":
        from reader.commands.entities import mentions_json
        from reader.core.entities import recognise

        data = article_json(article)
        data["entities"] = mentions_json(article, recognise(article))
        print_json(data)
    elif args.format == "markdown":
        sys.stdout.write(article_markdown(article))
    elif args.format == "html":
        sys.stdout.write(article_html(article))
    else:
        sys.stdout.write(article_text(article))
    return 0
