"""A text document that fetches nothing on its own, shared by the window and the PDF writer."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument


class InertDocument(QTextDocument):
    """A document that loads no resource: only what was added to it with `addResource`."""

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 - Qt override
        return None
