"""Start-up of the GUI: application object, fonts, language, database, the main window.

``--screenshot`` renders the window offscreen with the first relative selected and exits;
the README's picture comes from it.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QSettings, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from advisor_app import i18n
from advisor_app.atomic_write import atomic_path
from advisor_app.domain.actor import Actor
from advisor_app.domain.backup_rules import BackupKind
from advisor_app.domain.enums import Role
from advisor_app.domain.errors import ReadOnlyDatabase, ServiceError, StorageError
from advisor_app.i18n import N_
from advisor_app.locations import resources_dir
from advisor_app.services.backups import DamagedDatabaseError
from advisor_app.services.facade import (
    Services,
    hold_instance,
    open_services,
    open_team_as,
    server_refused_sign_in,
    storage_trouble,
)
from advisor_app.ui.backups_page import offer_restore
from advisor_app.ui.idle_lock import DEFAULT_MINUTES as DEFAULT_IDLE_MINUTES
from advisor_app.ui.idle_lock import SETTING as IDLE_SETTING
from advisor_app.ui.idle_lock import IdleLock
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.role_windows import AdminWindow, AnyWindow, AuditorWindow, ManagerWindow
from advisor_app.ui.sign_in import FirstAdminDialog, SignInDialog
from advisor_app.ui.task_runner import TaskRunner, log_bug

PRODUCT_NAME = N_("Relatives' advisor")
NO_FIRST_ADMIN = N_(
    "The database has no users yet, and it can only be read: the first administrator cannot "
    "be added. Ask your IT support to make the file writable, or start with another --db."
)
LAST_USER_SETTING = "last_user"
# How often the open program looks whether the day's backup is still to be made.
BACKUP_CHECK_MS = 15 * 60 * 1000


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return ""


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


_qt_translator: QTranslator | None = None


def use_qt_language(code: str) -> None:
    """Qt's own words (the file and print dialogs, standard buttons, a text field's menu) in
    the UI's language, from the catalogues Qt ships; English needs none."""
    global _qt_translator
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    # The product's name in the UI's language where a window has no title of its own.
    app.setApplicationDisplayName(i18n._(PRODUCT_NAME))
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if code == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{code}", folder):
        app.installTranslator(translator)
        _qt_translator = translator


def choose_language(requested: str | None) -> str:
    if requested:
        return requested
    stored = QSettings().value("language", i18n.DEFAULT_LANGUAGE)
    return stored if stored in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


class Session:
    """The signed-in user's time in the program: their window (rebuilt when the language
    changes) and the idle lock."""

    def __init__(self, services: Services, actor: Actor, runner: TaskRunner | None = None) -> None:
        self.services = services
        self.actor = actor
        self.runner = runner or TaskRunner()
        self.window: AnyWindow | None = None
        minutes = int(QSettings().value(IDLE_SETTING, DEFAULT_IDLE_MINUTES))  # type: ignore[call-overload]
        self.idle_lock = IdleLock(
            self.runner,
            lambda password: services.accounts.confirm_password(actor, password),
            actor.display_name or actor.username,
            minutes,
        )
        self.idle_lock.quit_requested.connect(self._on_idle_lock_quit_requested)
        # The day's backup while the program is open, on the worker (a copy of a large file
        # takes a moment); the parent keeps the timer on the UI thread.
        self.backup_timer = QTimer(self.runner)
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self._on_backup_timer_timeout)
        self.backup_timer.start()
        self.restored = False

    def show(self) -> AnyWindow:
        window = window_for(self.services, self.actor, self.runner, self.idle_lock)
        window.language_change_requested.connect(self._on_language_change_requested)
        if isinstance(window, AdminWindow):
            window.backups_page.restored.connect(self._on_backups_page_restored)
        window.show()
        self.window = window
        return window

    def _on_backup_timer_timeout(self) -> None:
        services = self.services
        self.runner.submit(
            lambda: services.backup_automatically(BackupKind.DAILY, only_if_due=True),
            lambda _made: None,
            _log_backup_failure,
        )

    def _on_backups_page_restored(self) -> None:
        """The file under the program was replaced: close, to be started again."""
        self.restored = True
        self.backup_timer.stop()
        self.idle_lock.stop()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def stop(self) -> None:
        self.backup_timer.stop()
        self.idle_lock.stop()

    def _on_idle_lock_quit_requested(self) -> None:
        self.idle_lock.stop()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def _on_language_change_requested(self, code: str) -> None:
        old = self.window
        selected = old.current_relative_id() if isinstance(old, MainWindow) else None
        i18n.set_language(code)
        use_qt_language(code)
        new = self.show()
        if old is not None:
            new.setGeometry(old.geometry())
            self.runner.wait_idle()
            old.deleteLater()
            old.hide()
        if selected is not None and isinstance(new, MainWindow):
            new._pending_select = selected


def _log_backup_failure(error: ServiceError) -> None:
    log.warning("automatic backup failed: %s", error.template)


def backup_on_close(services: Services) -> None:
    """The copy made when the window closes; a failure is logged, never a crash at exit."""
    try:
        services.backup_automatically(BackupKind.CLOSE)
    except ServiceError as error:
        _log_backup_failure(error)


def window_for(
    services: Services, actor: Actor, runner: TaskRunner, idle_lock: IdleLock
) -> AnyWindow:
    """Each role its own window: case work for an advisor, users and settings for an
    admin, the access log for an auditor, statistics for a manager."""
    if actor.role is Role.ADVISOR:
        return MainWindow(services, actor, runner, idle_lock=idle_lock)
    if actor.role is Role.ADMIN:
        return AdminWindow(services, actor, runner, idle_lock)
    if actor.role is Role.AUDITOR:
        return AuditorWindow(services, actor, runner, idle_lock)
    return ManagerWindow(services, actor, runner, idle_lock)


def sign_in_interactively(services: Services, runner: TaskRunner, user: str | None) -> Actor | None:
    """The first administrator on a database without users, else the sign-in dialog."""
    if not services.accounts.has_users():
        first = FirstAdminDialog(runner, services.accounts.create_first_admin, user or login_name())
        return first.actor if first.exec() == QDialog.DialogCode.Accepted else None
    remembered = str(QSettings().value(LAST_USER_SETTING, "") or "")
    dialog = SignInDialog(runner, services.accounts.sign_in, user or remembered)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    QSettings().setValue(LAST_USER_SETTING, dialog.actor.username)
    return dialog.actor


WELLBEING_TAB = 3
SCREENSHOT_CHECK_INS = 3
SCREENSHOT_SEARCH_ROWS = 100


def take_screenshot(
    window: MainWindow, target: Path, tab: int = 0, page: int | None = None
) -> None:
    """Select the first relative (for the wellbeing tab the first with a few check-ins, so
    there is a trend to see), wait for every load to finish, and save the window: on the
    relatives page at that tab of the relative's page, or on the window's ``page``."""
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
    if page is not None:
        window.tabs.setCurrentIndex(page)
        QApplication.processEvents()
        window.runner.wait_idle()
    else:
        window.tabs.setCurrentWidget(window.relatives_tab)
    QApplication.processEvents()
    save_window(window, target)


def save_window(window: QWidget, target: Path) -> None:
    QApplication.processEvents()
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as temporary:  # never a half-written picture under its name
        if not window.grab().save(str(temporary), target.suffix.lstrip(".").upper() or "PNG"):
            raise OSError("could not write the screenshot")


def _cannot_open(exc: Exception, screenshot: Path | None) -> int:
    trouble = exc if isinstance(exc, ServiceError) else storage_trouble(exc)
    if trouble is not None:
        message = trouble.translated(i18n._)
    else:
        log_bug(exc)
        message = i18n._(
            "The database could not be opened ({kind}). Check the --db address."
        ).format(kind=type(exc).__name__)
    if screenshot is None:
        QMessageBox(QMessageBox.Icon.Critical, i18n._(PRODUCT_NAME), message).exec()
    else:
        print(f"advisor-app: {message}", file=sys.stderr)
    return 2


def sign_in_to_team(
    url: str, runner: TaskRunner, user: str | None
) -> tuple[Services, Actor] | None:
    opened: list[Services] = []

    def connect(name: str, password: str) -> Actor:
        services, actor = open_team_as(url, name, password)
        opened.append(services)
        return actor

    dialog = SignInDialog(runner, connect, user or login_name())
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None or not opened:
        for services in opened:
            services.db.dispose()
        return None
    return opened[-1], dialog.actor


def run_gui(
    url: str,
    *,
    language: str | None,
    screenshot: Path | None,
    user: str | None,
    screenshot_tab: int = 0,
    screenshot_page: int | None = None,
    password: str | None = None,
    create_folder: bool = False,
) -> int:
    """Exit codes as the command line's: 0 done, 2 the database cannot be opened (also:
    already open in another window; read-only with no users yet), 3 sign-in refused.
    ``--screenshot`` signs in with ``user`` and ``password`` (no dialog)."""
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_application()
    i18n.set_language(choose_language(language))
    use_qt_language(i18n.current_language())
    # One window per SQLite file (a lock next to it); the offscreen screenshot takes none.
    instance = None
    if screenshot is None:
        try:
            instance = hold_instance(url, create_folder=create_folder)
        except Exception as exc:
            return _cannot_open(exc, screenshot)
    try:
        return _run_gui(
            app,
            url,
            screenshot=screenshot,
            user=user,
            screenshot_tab=screenshot_tab,
            screenshot_page=screenshot_page,
            password=password,
            create_folder=create_folder,
        )
    finally:
        if instance is not None:
            instance.release()


def _run_gui(
    app: QApplication,
    url: str,
    *,
    screenshot: Path | None,
    user: str | None,
    screenshot_tab: int,
    screenshot_page: int | None,
    password: str | None,
    create_folder: bool,
) -> int:
    runner = TaskRunner()
    team_actor: Actor | None = None
    try:
        services, backup = open_services(url, create_folder=create_folder)
    except DamagedDatabaseError as damaged:
        # Before sign-in: nothing was written to the file; offer the newest verified backup.
        if screenshot is not None:
            print(f"advisor-app: {damaged.translated(i18n._)}", file=sys.stderr)
            return 2
        reopened = offer_restore(url, damaged, i18n._(PRODUCT_NAME))
        if reopened is None:
            return 2
        services, backup = reopened
    except Exception as exc:  # shown to the user; logged without the message (may hold a URL)
        if server_refused_sign_in(exc) and screenshot is None:
            # A team database whose server wants the password: the sign-in dialog asks it
            # and connects as the user's own login.
            team = sign_in_to_team(url, runner, user)
            if team is None:
                return 0
            (services, team_actor), backup = team, None
        else:
            return _cannot_open(exc, screenshot)
    if backup is not None:
        log.info("database upgraded; backup copy written next to it")
    try:
        if team_actor is not None:
            actor = team_actor
        elif screenshot is not None or (user and password is not None):
            actor = services.accounts.sign_in(user or login_name(), password)
        else:
            if not services.accounts.has_users() and not services.db.accepts_writes():
                # The first administrator could not be saved: say so before the form.
                services.db.dispose()
                return _cannot_open(ReadOnlyDatabase(NO_FIRST_ADMIN), screenshot)
            found = sign_in_interactively(services, runner, user)
            if found is None:
                services.db.dispose()
                return 0
            actor = found
    except StorageError as error:
        services.db.dispose()
        return _cannot_open(error, screenshot)
    except ServiceError as error:
        print(f"advisor-app: {error.translated(i18n._)}", file=sys.stderr)
        services.db.dispose()
        return 3
    session = Session(services, actor, runner)
    window = session.show()
    if screenshot is not None:
        if isinstance(window, MainWindow):
            take_screenshot(window, screenshot, screenshot_tab, screenshot_page)
        else:
            QApplication.processEvents()  # the page's first load starts when it is shown
            runner.wait_idle()
            save_window(window, screenshot)
        runner.wait_idle()
        session.stop()
        window.close()
        services.db.dispose()
        print(f"screenshot: {screenshot}")
        return 0
    if isinstance(window, MainWindow):
        QTimer.singleShot(0, window.search.setFocus)
    code = app.exec()
    session.stop()
    runner.wait_idle()
    if not session.restored:
        backup_on_close(services)
    services.db.dispose()
    return int(code)
