"""Untrusted text in widgets: shown as plain text everywhere, and notes through one renderer.

Qt takes any string that looks like HTML as rich text wherever a widget's format is `AutoText`
(labels, tooltips, message boxes), and rich text loads `<img src>` from the local disk: a title
or a server's error text of `<img src="/dev/zero">` would eat all memory. So labels are set to
plain text, tooltips are escaped HTML that shows the string literally, and the one piece of rich
text Readmark makes itself, a note in Markdown, is rendered by `note_html`, which never lets an
image, raw HTML or a link other than http(s) through.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
)
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from reader.core.textsafe import clean_text
from reader.render.inert import InertDocument

# `![alt](src)`, `![alt][ref]`, `![alt][]` and `![alt]` (a shortcut reference) all become images.
_INLINE_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_REFERENCE_IMAGE = re.compile(r"!\[([^\]\n]*)\](?:\[[^\]\n]*\])?")
# `[ref]: destination "title"`: a definition whose destination is not http(s) is dropped.
_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]*)>?.*$", re.MULTILINE)
_WEB = re.compile(r"https?://", re.IGNORECASE)
_LINK_SCHEMES = ("http", "https")
_NOTE_FEATURES = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML  # raw HTML in a note is shown as typed
)


def shown(text: str) -> str:
    """`text` as a widget shows it: control characters and non-characters left out."""
    return clean_text(text)


def plain_label(label: QLabel) -> QLabel:
    """`label`, set to show its text exactly as given, never as HTML."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tooltip(text: str) -> str:
    """A tooltip that shows `text` literally: escaped HTML, so Qt neither guesses nor loads."""
    return '<p style="white-space:pre-wrap">' + html.escape(shown(text), quote=False) + "</p>"


def window_title(text: str) -> str:
    """`text` for a window title: one line, and Qt's `[*]` placeholder written as itself."""
    return " ".join(shown(text).split()).replace("[*]", "[*][*]")


def action_text(text: str) -> str:
    """`text` for a menu item or button: `&` stays an ampersand, not a shortcut marker."""
    return shown(text).replace("&", "&&")


def show_error_box(parent: QWidget | None, title: str, text: str) -> None:
    """A modal error whose text (a path, a server's words) is shown as plain text."""
    box = QMessageBox(QMessageBox.Icon.Critical, window_title(title), shown(text))
    box.setParent(parent, box.windowFlags())
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def inert_markdown(note: str) -> str:
    """The Markdown of `note` with every image written as its alt text and every reference
    definition that does not lead to a web page dropped."""
    text = _INLINE_IMAGE.sub(r"\1", shown(note))
    text = _REFERENCE_IMAGE.sub(r"\1", text)
    # Whatever `![` the patterns did not take (nesting, say) is written as a plain "!".
    text = text.replace("![", "&#33;[")
    return _DEFINITION.sub(lambda m: m.group() if _WEB.match(m.group(1)) else "", text)


def note_document(note: str, plain_tail: str = "") -> QTextDocument:
    """`note` (Markdown) laid out as rich text with no image, raw HTML or non-web link in it;
    `plain_tail`, if given, follows below a rule as plain text."""
    document = InertDocument()
    document.setMarkdown(inert_markdown(note), _NOTE_FEATURES)
    _make_inert(document)
    if plain_tail:
        cursor = QTextCursor(document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        rule = QTextBlockFormat()
        rule.setProperty(
            QTextFormat.Property.BlockTrailingHorizontalRulerWidth,
            QTextLength(QTextLength.Type.PercentageLength, 100),
        )
        cursor.insertBlock(rule, QTextCharFormat())
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        cursor.insertText(shown(plain_tail))
    return document


def note_html(note: str, plain_tail: str = "") -> str:
    """The HTML of `note_document`, ready for a tooltip."""
    return note_document(note, plain_tail).toHtml()


def _make_inert(document: QTextDocument) -> None:
    """Remove images and unlink links that do not lead to a web page, whatever made them."""
    images: list[tuple[int, int]] = []
    links: list[tuple[int, int]] = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            fmt = fragment.charFormat()
            where = (fragment.position(), fragment.length())
            if fmt.isImageFormat():
                images.append(where)
            elif fmt.isAnchor() and QUrl(fmt.anchorHref()).scheme().lower() not in _LINK_SCHEMES:
                links.append(where)
            iterator += 1
        block = block.next()
    cursor = QTextCursor(document)
    for position, length in links:  # formats change in place: positions stay valid
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        fmt = cursor.charFormat()
        fmt.setAnchor(False)
        fmt.setAnchorHref("")
        fmt.setFontUnderline(False)
        fmt.clearForeground()
        cursor.setCharFormat(fmt)
    for position, length in reversed(images):  # from the end, so earlier positions hold
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
