"""Qt's own words follow the UI's language: a standard button of a Qt dialog reads Danish in
the Danish UI and English again after switching."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from advisor_app.ui.app import use_qt_language


def test_qt_standard_buttons_follow_the_language(qtbot: object) -> None:
    def cancel_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        text = box.button(QDialogButtonBox.StandardButton.Cancel).text()
        box.deleteLater()
        return text.replace("&", "")

    try:
        use_qt_language("da")
        assert cancel_text() == "Annuller"
    finally:
        use_qt_language("en")
    assert cancel_text() == "Cancel"
