"""The idle lock: after some minutes without input the program's windows are covered and
the signed-in user's password is asked again. Nothing is closed or hidden underneath, so a
dialog half filled in (a session's notes) is exactly as it was when the password is given.

Covering rather than hiding: hiding a dialog that runs its own event loop ends that loop
(as if cancelled); a cover on top keeps it alive and shows nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.errors import ServiceError
from advisor_app.i18n import _
from advisor_app.ui.forms import ErrorBanner
from advisor_app.ui.sign_in import password_edit
from advisor_app.ui.task_runner import TaskRunner

DEFAULT_MINUTES = 10
MAX_REFUSALS = 5
SETTING = "idle_lock_minutes"
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class Cover(QWidget):
    """An opaque sheet over one window's content; it follows the window's size."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("idle_cover")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoMousePropagation)
        label = QLabel(_("Locked. Enter your password to continue."), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        elif event.type() == QEvent.Type.ChildAdded:
            self.raise_()
        return False


class UnlockDialog(QDialog):
    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlock_dialog")
        self.setWindowTitle(_("Locked"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.password = password_edit()
        self.password.setObjectName("unlock_password")
        self.error = ErrorBanner()
        self.buttons = QDialogButtonBox()
        self.unlock_button = self.buttons.addButton(
            _("Unlock"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.unlock_button.setObjectName("unlock")
        self.quit_button = self.buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        form = QFormLayout()
        form.addRow(
            QLabel(
                _("The program was locked after a time without use. Signed in as {user}.").format(
                    user=username
                )
            )
        )
        form.addRow(_("&Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def reject(self) -> None:
        """Escape does not unlock; only Quit (which asks nothing: the data is saved, what
        is typed but not saved is lost, as with closing the window) or the password."""


class IdleLock(QObject):
    """Watches the application's input; ``confirm(password)`` checks the password (it
    runs on the task runner and raises a ServiceError when wrong)."""

    locked_changed = Signal(bool)
    quit_requested = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        confirm: Callable[[str], None],
        username: str,
        minutes: int = DEFAULT_MINUTES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._confirm = confirm
        self._username = username
        self._covers: list[Cover] = []
        self.dialog: UnlockDialog | None = None
        self.refusals = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(1, minutes) * 60_000)

    def set_interval_ms(self, interval: int) -> None:
        self.timer.setInterval(interval)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and not self.locked:
            self.timer.start()
        elif (
            event.type() == QEvent.Type.Show
            and self.locked
            and isinstance(watched, QMainWindow | QDialog)
            and watched.isWindow()
            and watched is not self.dialog
            and not any(c.parent() is watched for c in self._covers)
        ):
            # A window that opens while locked (a task's message box) is covered too, and
            # the password question stays on top.
            self._covers.append(Cover(watched))
            QTimer.singleShot(0, self._raise_dialog)
        return False

    def _raise_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()

    def lock(self) -> None:
        if self.locked:
            return
        self.timer.stop()
        for window in QApplication.topLevelWidgets():
            if isinstance(window, QMainWindow | QDialog) and window.isVisible():
                self._covers.append(Cover(window))
        dialog = UnlockDialog(self._username)
        dialog.buttons.accepted.connect(self._on_dialog_accepted)
        dialog.quit_button.clicked.connect(self.quit_requested)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.password.setFocus(Qt.FocusReason.OtherFocusReason)
        self.locked_changed.emit(True)

    def _on_dialog_accepted(self) -> None:
        dialog = self.dialog
        if dialog is None or not dialog.unlock_button.isEnabled():
            return
        password, confirm = dialog.password.text(), self._confirm
        dialog.unlock_button.setEnabled(False)
        self._runner.submit(
            lambda: confirm(password),
            lambda _none: self.unlock(),
            self._on_refused,
            owner=dialog,
            on_bug=lambda: dialog.unlock_button.setEnabled(True),
        )

    def _on_refused(self, error: ServiceError) -> None:
        if self.dialog is None:
            return
        self.refusals += 1
        if self.refusals >= MAX_REFUSALS:
            # Whatever the server's rules (a team database's logins are not counted here),
            # five wrong answers end the program; what was saved is saved.
            self.quit_requested.emit()
            return
        self.dialog.unlock_button.setEnabled(True)
        self.dialog.password.clear()
        self.dialog.error.show_error(error, {"password": self.dialog.password})

    def unlock(self) -> None:
        self.refusals = 0
        for cover in self._covers:
            cover.deleteLater()
        self._covers.clear()
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        self.timer.start()
        self.locked_changed.emit(False)
