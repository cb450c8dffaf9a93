"""What every window has, whatever the role: who is signed in, lock now, change one's own
password, the idle lock's period, the language, and About."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from advisor_app import __version__
from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.permissions import ROLE_LABELS
from advisor_app.domain.rules import PASSWORD_MIN_LENGTH
from advisor_app.i18n import LANGUAGES, _, current_language
from advisor_app.services.facade import Services
from advisor_app.services.settings import MunicipalSettings
from advisor_app.ui.forms import ErrorBanner, add_row
from advisor_app.ui.help_dialog import licence_lines, open_guide
from advisor_app.ui.idle_lock import SETTING as IDLE_SETTING
from advisor_app.ui.idle_lock import IdleLock
from advisor_app.ui.sign_in import password_edit
from advisor_app.ui.task_runner import TaskRunner

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}
PRODUCT = N_("Relatives' advisor")


def product_title(municipality: str) -> str:
    """The product's name, and the municipality's when the administrator has set it."""
    if not municipality:
        return _(PRODUCT)
    return _("{product} – {municipality}").format(product=_(PRODUCT), municipality=municipality)


def signed_in_text(actor: Actor) -> str:
    return _("Signed in as {name} ({role})").format(
        name=actor.display_name or actor.username, role=_(ROLE_LABELS[actor.role])
    )


class ChangePasswordDialog(QDialog):
    def __init__(
        self, runner: TaskRunner, change: Callable[[str, str], None], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("change_password_dialog")
        self.setWindowTitle(_("Change password"))
        self._runner = runner
        self._change = change
        self.old = password_edit()
        self.new = password_edit()
        self.new.setPlaceholderText(
            _("At least {count} characters").format(count=PASSWORD_MIN_LENGTH)
        )
        self.repeat = password_edit()
        self.error = ErrorBanner()
        form = QFormLayout()
        add_row(form, _("&Current password"), self.old, "old_password")
        add_row(form, _("&New password"), self.new, "password")
        add_row(form, _("&Repeat new password"), self.repeat, "repeat")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def _fields(self) -> dict[str, QWidget]:
        return {"password": self.new, "repeat": self.repeat, "old_password": self.old}

    def _on_buttons_accepted(self) -> None:
        if not self.ok_button.isEnabled():
            return
        if self.new.text() != self.repeat.text():
            self.error.show_error(
                ValidationError(N_("The two passwords differ."), field="repeat"), self._fields()
            )
            return
        old, new, change = self.old.text(), self.new.text(), self._change
        self.ok_button.setEnabled(False)
        self._runner.submit(
            lambda: change(old, new),
            lambda _none: self.accept(),
            self._on_refused,
            owner=self,
            on_bug=lambda: self.ok_button.setEnabled(True),
        )

    def _on_refused(self, error: ServiceError) -> None:
        self.ok_button.setEnabled(True)
        self.old.clear()
        self.error.show_error(error, self._fields())


class AccountMenus:
    """Adds the shared menus to ``window`` and keeps their actions."""

    def __init__(
        self,
        window: QMainWindow,
        services: Services,
        actor: Actor,
        runner: TaskRunner,
        idle_lock: IdleLock | None,
        on_language: Callable[[str], None],
    ) -> None:
        self._window = window
        self._services = services
        self._actor = actor
        self._runner = runner
        self._idle_lock = idle_lock
        self._on_language = on_language
        self.file_menu = window.menuBar().addMenu(_("&File"))
        self.lock_action = self.file_menu.addAction(_("&Lock now"))
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setEnabled(idle_lock is not None)
        self.lock_action.triggered.connect(self._on_lock_triggered)
        self.password_action = self.file_menu.addAction(_("Change &password…"))
        self.password_action.setEnabled(services.db.is_sqlite)  # a team's is the server's
        self.password_action.triggered.connect(self._on_password_triggered)
        self.file_menu.addSeparator()
        quit_action = self.file_menu.addAction(_("&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(window.close)
        self.settings_menu = QMenu(_("Se&ttings"), window)
        language_menu = self.settings_menu.addMenu(_("&Language"))
        group = QActionGroup(window)
        for code in LANGUAGES:
            action = QAction(LANGUAGE_NAMES[code], window, checkable=True)
            action.setChecked(code == current_language())
            action.setData(code)
            group.addAction(action)
            language_menu.addAction(action)
        group.triggered.connect(self._on_language_triggered)
        self.idle_action = self.settings_menu.addAction(_("Lock after &idle time…"))
        self.idle_action.setEnabled(idle_lock is not None)
        self.idle_action.triggered.connect(self._on_idle_triggered)
        self.help_menu = QMenu(_("&Help"), window)
        self.guide_action = self.help_menu.addAction(_("User &guide"))
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1
        self.guide_action.triggered.connect(self._on_guide_triggered)
        about = self.help_menu.addAction(_("&About"))
        about.triggered.connect(self._on_about_triggered)
        window.statusBar().addPermanentWidget(QLabel(signed_in_text(actor)))
        self.municipality = ""
        runner.submit(
            lambda: services.settings.current(actor), self._on_settings_loaded, owner=window
        )

    def _on_settings_loaded(self, settings: MunicipalSettings) -> None:
        """The municipality's name beside the product's in the title (never a person's)."""
        self.municipality = settings.municipality
        self._window.setWindowTitle(product_title(self.municipality))

    def _on_guide_triggered(self) -> None:
        open_guide(self._window)

    def finish(self) -> None:
        """Settings and Help go last, after the window's own menus."""
        self._window.menuBar().addMenu(self.settings_menu)
        self._window.menuBar().addMenu(self.help_menu)

    def _on_lock_triggered(self) -> None:
        if self._idle_lock is not None:
            self._idle_lock.lock()

    def _on_password_triggered(self) -> None:
        services, actor = self._services, self._actor
        dialog = ChangePasswordDialog(
            self._runner,
            lambda old, new: services.accounts.change_own_password(actor, old, new),
            self._window,
        )
        dialog.accepted.connect(
            lambda: self._window.statusBar().showMessage(_("Your password is changed."), 8000)
        )
        dialog.open()

    def _on_language_triggered(self, action: QAction) -> None:
        code = str(action.data())
        if code != current_language():
            QSettings().setValue("language", code)
            self._on_language(code)

    def _on_idle_triggered(self) -> None:
        lock = self._idle_lock
        if lock is None:
            return
        dialog = QInputDialog(self._window)
        dialog.setObjectName("idle_minutes_dialog")
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setWindowTitle(_("Lock after idle time"))
        dialog.setLabelText(_("Lock the program after this many minutes without use:"))
        dialog.setIntRange(1, 120)
        dialog.setIntValue(lock.timer.interval() // 60_000)

        def on_value(minutes: int) -> None:
            QSettings().setValue(IDLE_SETTING, minutes)
            lock.set_minutes(minutes)

        dialog.intValueSelected.connect(on_value)
        dialog.open()

    def _on_about_triggered(self) -> None:
        lines = [
            _("{product} {version}. Database: {where}").format(
                product=_(PRODUCT), version=__version__, where=self._services.describe_database()
            )
        ]
        if self.municipality:
            lines.append(self.municipality)
        lines.append("")
        lines.extend(licence_lines())
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("About"),
            "\n".join(lines),
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        box.setObjectName("about_box")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
