"""Start-up of the GUI: application object, fonts, language, database, the main window.

``--screenshot`` renders the window offscreen with the first relative selected and exits;
the README's picture comes from it.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from advisor_app import i18n
from advisor_app.domain.errors import ServiceError
from advisor_app.locations import resources_dir
from advisor_app.services.facade import Services, open_services
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.task_runner import log_bug

log = logging.getLogger(__name__)

BUNDLED_FAMILY = "DejaVu Sans"
_fonts_loaded = False


def load_fonts(app: QApplication) -> None:
    """Register the bundled DejaVu fonts (æøå everywhere). Where the platform has no fonts
    of its own (offscreen, minimal systems) they become the default, at the system's size."""
    global _fonts_loaded
    if not _fonts_loaded:
        # Once per process: each addApplicationFont invalidates Qt's font caches, and text
        # layouts still alive in open widgets then paint with freed font engines (a crash).
        for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
            QFontDatabase.addApplicationFont(str(path))
        _fonts_loaded = True
    if app.platformName() in ("offscreen", "minimal"):
        font = QFont(BUNDLED_FAMILY)
        font.setPointSizeF(app.font().pointSizeF())
        app.setFont(font)


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setOrganizationName("advisor_app")
    app.setApplicationName("advisor_app")
    load_fonts(app)
    return app


def choose_language(requested: str | None) -> str:
    if requested:
        return requested
    stored = QSettings().value("language", i18n.DEFAULT_LANGUAGE)
    return stored if stored in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


class Session:
    """Keeps the main window, and rebuilds it when the language changes."""

    def __init__(self, services: Services, user: str) -> None:
        self.services = services
        self.actor = services.advisors.ensure(user)
        self.window: MainWindow | None = None

    def show(self) -> MainWindow:
        window = MainWindow(self.services, self.actor)
        window.language_change_requested.connect(self._on_language_change_requested)
        window.show()
        self.window = window
        return window

    def _on_language_change_requested(self, code: str) -> None:
        old = self.window
        selected = old.current_relative_id() if old else None
        i18n.set_language(code)
        new = self.show()
        if old is not None:
            new.setGeometry(old.geometry())
            old.runner.wait_idle()
            old.deleteLater()
            old.hide()
        if selected is not None:
            new._pending_select = selected


WELLBEING_TAB = 3
SCREENSHOT_CHECK_INS = 3
SCREENSHOT_SEARCH_ROWS = 100


def take_screenshot(window: MainWindow, target: Path, tab: int = 0) -> None:
    """Select the first relative (for the wellbeing tab the first with a few check-ins, so
    there is a trend to see), wait for every load to finish, and save the window."""
    window.runner.wait_idle()
    rows = window.relatives_model.rowCount()
    for row in range(min(rows, SCREENSHOT_SEARCH_ROWS if tab == WELLBEING_TAB else 1)):
        window.relatives_view.selectRow(row)
        window.runner.wait_idle()
        if tab != WELLBEING_TAB or len(window.page.check_ins) >= SCREENSHOT_CHECK_INS:
            break
    if rows and window.page.sessions:
        window.page.sessions_view.selectRow(0)
    window.page.tabs.setCurrentIndex(tab)
    QApplication.processEvents()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(target)):
        raise OSError("could not write the screenshot")


def run_gui(
    url: str,
    *,
    language: str | None,
    screenshot: Path | None,
    user: str,
    screenshot_tab: int = 0,
) -> int:
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_application()
    i18n.set_language(choose_language(language))
    try:
        services, backup = open_services(url)
    except Exception as exc:  # shown to the user; logged without the message (may hold a URL)
        log_bug(exc)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "advisor_app",
            i18n._("The database could not be opened ({kind}). Check the --db address.").format(
                kind=type(exc).__name__
            ),
        )
        if screenshot is None:
            box.exec()
        return 1
    if backup is not None:
        log.info("database upgraded; backup copy written next to it")
    try:
        session = Session(services, user)
    except ServiceError as error:
        print(error.message, file=sys.stderr)
        return 1
    window = session.show()
    if screenshot is not None:
        take_screenshot(window, screenshot, screenshot_tab)
        window.close()
        services.db.dispose()
        print(f"screenshot: {screenshot}")
        return 0
    QTimer.singleShot(0, window.search.setFocus)
    code = app.exec()
    services.db.dispose()
    return int(code)
