"""The user guide (F1) and the About box's licences.

The guide is HTML in resources/help, one file per language; its list of shortcuts is made
from the window's own menu actions when it opens (plus the few keys that belong to a dialog),
so it cannot drift from what the keys really do.
"""

from __future__ import annotations

import json
from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
)

from advisor_app.i18n import N_, _, current_language
from advisor_app.locations import resource
from advisor_app.ui.check_in_dialog import RELATIVE_VIEW_KEY

SHORTCUTS_MARK = "<!--SHORTCUTS-->"


# Keys that belong to a dialog rather than to a menu action: (what it does, the key). Built
# when asked: a QKeySequence made at import time, before the QApplication, crashes Qt.
def dialog_keys() -> tuple[tuple[str, QKeySequence], ...]:
    return (
        (N_("Save the session or the check-in, from any field"), QKeySequence("Ctrl+Return")),
        (N_("Show the relative's view during a check-in"), QKeySequence(RELATIVE_VIEW_KEY)),
        (
            N_("Remove the chosen follow-up in the session"),
            QKeySequence(QKeySequence.StandardKey.Delete),
        ),
        (
            N_("Close a dialog (typed work is not thrown away without asking)"),
            QKeySequence("Esc"),
        ),
    )


def _plain(text: str) -> str:
    """A menu text as a reader sees it: no mnemonic ampersand, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _menu_actions(menu: QMenu, path: tuple[str, ...]) -> list[tuple[str, QAction]]:
    found: list[tuple[str, QAction]] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            found.extend(_menu_actions(sub, (*path, _plain(action.text()))))
        elif not action.isSeparator():
            found.append((" › ".join((*path, _plain(action.text()))), action))
    return found


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(where and what, the key) for every menu action with a shortcut, then the dialogs'."""
    rows: list[tuple[str, str]] = []
    for label, action in _menu_actions_of(window):
        for key in action.shortcuts():
            if not key.isEmpty():
                rows.append((label, key.toString(QKeySequence.SequenceFormat.NativeText)))
    rows.extend(
        (_(what), key.toString(QKeySequence.SequenceFormat.NativeText))
        for what, key in dialog_keys()
    )
    return rows


def _menu_actions_of(window: QMainWindow) -> list[tuple[str, QAction]]:
    found: list[tuple[str, QAction]] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            found.extend(_menu_actions(menu, (_plain(top.text()),)))
    return found


def shortcuts_html(rows: list[tuple[str, str]]) -> str:
    lines = [
        '<table cellspacing="0" cellpadding="4" border="1">',
        f"<tr><th>{escape(_('Key'))}</th><th>{escape(_('What it does'))}</th></tr>",
    ]
    lines.extend(f"<tr><td><b>{escape(k)}</b></td><td>{escape(w)}</td></tr>" for w, k in rows)
    lines.append("</table>")
    return "\n".join(lines)


def guide_html(window: QMainWindow, language: str | None = None) -> str:
    code = language or current_language()
    name = f"guide.{code}.html"
    try:
        text = resource("help", name).read_text(encoding="utf-8")
    except FileNotFoundError:
        text = resource("help", "guide.en.html").read_text(encoding="utf-8")
    return text.replace(SHORTCUTS_MARK, shortcuts_html(shortcut_rows(window)))


class HelpDialog(QDialog):
    """The guide in a QTextBrowser: not modal, so it can stay open beside the work."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("help_dialog")
        self.setWindowTitle(_("User guide"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("help_browser")
        self.browser.setOpenLinks(False)  # the guide has no links: nothing opens outside
        self.browser.setHtml(guide_html(window))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(720, 640)


def licence_lines() -> list[str]:
    """The About box's credits: the WHO-5 source (from the instrument's own file), the fonts
    and Qt for Python."""
    language = current_language()
    who5 = json.loads(resource("instruments", "who5.json").read_text(encoding="utf-8"))
    credit = who5.get("credit", {})
    return [
        str(credit.get(language) or credit.get("en") or "WHO-5"),
        _("Fonts: DejaVu Sans, under the DejaVu Fonts licence (free use and redistribution)."),
        _(
            "Qt for Python (PySide6) {pyside} with Qt {qt}, used under the GNU Lesser General "
            "Public License version 3 (LGPL v3)."
        ).format(pyside=pyside_version, qt=qVersion()),
    ]


def open_guide(window: QMainWindow) -> QDialog:
    existing = window.findChild(HelpDialog)
    if isinstance(existing, HelpDialog) and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return existing
    dialog = HelpDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
