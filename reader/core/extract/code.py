"""Code blocks as their authors wrote them: one line per line (`<br>` and line wrappers count),
every token of a highlighter kept, and the language the page names in its classes."""

from __future__ import annotations

import re

import lxml.html

# Highlighters wrap lines in these; each starts a new line.
_LINE_TAGS = frozenset({"div", "p", "li", "tr", "table", "section"})
_NEVER_CODE = frozenset({"script", "style", "button", "template", "noscript", "svg"})
# Gutters and copy widgets inside a code block are not its text.
_NOT_TEXT = re.compile(
    r"(?:^|[\s_-])(?:line-?numbers?|linenos?|gutter|copy(?:-?button)?)(?:$|[\s_-])"
)
_LANGUAGE = re.compile(
    r"(?:^|\s)(?:language|lang|highlight-source|highlight|brush:?|sourceCode|hljs)-?\s*"
    r"([a-z][\w+#.-]{0,24})(?=$|\s|;)",
    re.IGNORECASE,
)
_NOT_LANGUAGES = frozenset({"none", "text", "plain", "plaintext", "nohighlight", "js-copy"})
MAX_CODE_CHARS = 200_000


def code_text(node: lxml.html.HtmlElement) -> str:
    """The text of a `<pre>` with its line breaks; trailing spaces and blank edges trimmed."""
    pieces: list[str] = []
    _walk(node, pieces, 0)
    text = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")[:MAX_CODE_CHARS]
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines).expandtabs(4)


def _walk(node: lxml.html.HtmlElement, pieces: list[str], depth: int) -> None:
    if node.text:
        pieces.append(node.text)
    for child in node:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            pieces.append("\n")
        elif tag and tag not in _NEVER_CODE and not _NOT_TEXT.search(child.get("class") or ""):
            line = tag in _LINE_TAGS
            if line and pieces and not pieces[-1].endswith("\n"):
                pieces.append("\n")
            if depth < 200:
                _walk(child, pieces, depth + 1)
            if line and pieces and not pieces[-1].endswith("\n"):
                pieces.append("\n")
        if child.tail:
            pieces.append(child.tail)


def code_language(node: lxml.html.HtmlElement) -> str | None:
    """The programming language a `<pre>` (or the `<code>` in it) names, lower case."""
    candidates = [node]
    inner = node.find(".//code")
    if inner is not None:
        candidates.append(inner)
    for element in candidates:
        for name in ("data-lang", "data-language"):
            value = (element.get(name) or "").strip().lower()
            if re.fullmatch(r"[a-z][\w+#.-]{0,24}", value) and value not in _NOT_LANGUAGES:
                return value
        for match in _LANGUAGE.finditer(element.get("class") or ""):
            value = match.group(1).lower()
            if value not in _NOT_LANGUAGES:
                return value
    return None
