"""Ask the advisor to confirm a warning: never a silent acceptance, never a blocking call.

"Go back" is the default button, so Enter or Escape returns to the form with everything kept;
only a deliberate click (or its mnemonic) saves anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from advisor_app.i18n import _


def confirm_anyway(
    parent: QWidget,
    object_name: str,
    title: str,
    lines: Sequence[str],
    accept_text: str,
    on_accept: Callable[[], None],
    *,
    question: str | None = None,
    on_back: Callable[[], None] | None = None,
) -> QMessageBox:
    text = "\n".join(f"• {line}" for line in lines)
    text += "\n\n" + (question or _("Save anyway?"))
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setObjectName(object_name)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the lines may quote the advisor's note
    accept = box.addButton(accept_text, QMessageBox.ButtonRole.AcceptRole)
    accept.setObjectName("accept_anyway")
    back = box.addButton(_("Go &back"), QMessageBox.ButtonRole.RejectRole)
    back.setObjectName("go_back")
    box.setDefaultButton(back)
    box.setEscapeButton(back)

    def on_finished(_result: int) -> None:
        if box.clickedButton() is accept:
            on_accept()
        elif on_back is not None:
            on_back()

    box.finished.connect(on_finished)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
