"""File ▸ Import… and Export…: each opens its dialog over the window.

The dialogs, and the import and export machinery behind them, are imported when first opened:
the window's first paint does not wait for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from reader.ui import actions

if TYPE_CHECKING:
    from reader.ui.features import FeatureContext


class ImportExport:
    """File ▸ Import… and Export…: each opens its dialog over the window."""

    def __init__(self, context: FeatureContext) -> None:
        self.context = context
        self.import_action = context.shell.add_action(actions.IMPORT, self.open_import)
        self.export_action = context.shell.add_action(actions.EXPORT, self.open_export)

    def open_import(self) -> None:
        from reader.ui.import_dialog import ImportDialog

        context = self.context
        # Imported articles get their entities as they are saved once the model is ready.
        dialog = ImportDialog(
            context.library.path,
            context.shell.widget,
            recognise=context.recogniser(),
            tasks=context.tasks,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _report: context.session.articles_changed.emit())
        dialog.show()

    def open_export(self) -> None:
        from reader.ui.export_dialog import ExportDialog

        context = self.context
        dialog = ExportDialog(context.library.path, context.shell.widget, tasks=context.tasks)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.query_edit.setText(context.library_query())
        dialog.show()


def install(context: FeatureContext) -> ImportExport:
    return ImportExport(context)
