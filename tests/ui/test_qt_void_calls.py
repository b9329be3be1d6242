"""PySide6 6.12.0 on Python 3.11 aborts after a few thousand calls to void C++ methods.

The installed PySide6 must survive far more than the reading view ever makes.
"""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument

VOID_CALLS = 100_000
CALLS_PER_DOCUMENT = 1_000


def test_a_hundred_thousand_void_calls_do_not_crash(qapp) -> None:  # type: ignore[no-untyped-def]
    document = QTextDocument()
    cursor = QTextCursor(document)
    for call in range(VOID_CALLS):
        if call % CALLS_PER_DOCUMENT == 0:
            document = QTextDocument()
            cursor = QTextCursor(document)
        cursor.insertText("x")
    assert document.characterCount() == CALLS_PER_DOCUMENT + 1  # plus the final paragraph mark
