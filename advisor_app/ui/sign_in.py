"""Signing in at the start: the first administrator of a new database, or a user's name and
password. The work runs on the task runner; a refusal is shown in the dialog, which keeps
the user name (never the password)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.rules import PASSWORD_MIN_LENGTH
from advisor_app.i18n import _
from advisor_app.ui.forms import ErrorBanner, add_row
from advisor_app.ui.task_runner import TaskRunner

SignIn = Callable[[str, str], Actor]


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(1024)
    return edit


class _CredentialsDialog(QDialog):
    """A small form whose OK runs ``attempt`` on the runner and keeps the Actor it returns."""

    def __init__(self, runner: TaskRunner, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.actor: Actor | None = None
        self.setWindowTitle(title)
        self.error = ErrorBanner()
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("sign_in_ok")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Quit"))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def _attempt(self) -> Callable[[], Actor] | None:
        """The work OK starts (each dialog says what); None when the form is not ready."""
        return None

    def _fields(self) -> dict[str, QWidget]:
        return {}

    def _on_buttons_accepted(self) -> None:
        if not self.ok_button.isEnabled():
            return
        try:
            attempt = self._attempt()
        except ServiceError as error:
            self.error.show_error(error, self._fields())
            return
        if attempt is None:
            return
        self.ok_button.setEnabled(False)
        self.error.clear()
        self._runner.submit(
            attempt, self._on_signed_in, self._on_refused, owner=self, on_bug=self._on_bug
        )

    def _on_signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _on_refused(self, error: ServiceError) -> None:
        self.ok_button.setEnabled(True)
        self.error.show_error(error, self._fields())
        self._after_refusal()

    def _after_refusal(self) -> None:
        """What a refusal clears (a password is typed again)."""

    def _on_bug(self) -> None:
        self.ok_button.setEnabled(True)


class SignInDialog(_CredentialsDialog):
    def __init__(
        self, runner: TaskRunner, sign_in: SignIn, username: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, _("Sign in"), parent)
        self.setObjectName("sign_in_dialog")
        self._sign_in = sign_in
        self.ok_button.setText(_("Sign in"))
        self.username = QLineEdit(username)
        self.username.setMaxLength(120)
        self.password = password_edit()
        add_row(self.form, _("&User name"), self.username, "username")
        add_row(self.form, _("&Password"), self.password, "password")
        (self.password if username else self.username).setFocus(Qt.FocusReason.OtherFocusReason)

    def _fields(self) -> dict[str, QWidget]:
        return {"username": self.username, "password": self.password}

    def _attempt(self) -> Callable[[], Actor] | None:
        name, password, sign_in = self.username.text(), self.password.text(), self._sign_in
        return lambda: sign_in(name, password)

    def _after_refusal(self) -> None:
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)


class FirstAdminDialog(_CredentialsDialog):
    """A database without users: the first user is an administrator, made here."""

    def __init__(
        self,
        runner: TaskRunner,
        create: Callable[[str, str, str], Actor],
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, _("The first administrator"), parent)
        self.setObjectName("first_admin_dialog")
        self._create = create
        self.ok_button.setText(_("Create administrator"))
        intro = QLabel(
            _(
                "This database has no users yet. Create the first administrator: the "
                "administrator adds the advisors, the manager and the auditor."
            )
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.username = QLineEdit(username)
        self.username.setMaxLength(63)
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(200)
        self.password = password_edit()
        self.repeat = password_edit()
        self.password.setPlaceholderText(
            _("At least {count} characters").format(count=PASSWORD_MIN_LENGTH)
        )
        add_row(self.form, _("&User name"), self.username, "username")
        add_row(self.form, _("&Name"), self.display_name, "display_name")
        add_row(self.form, _("&Password"), self.password, "password")
        add_row(self.form, _("&Repeat password"), self.repeat, "repeat")

    def _fields(self) -> dict[str, QWidget]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "password": self.password,
            "repeat": self.repeat,
        }

    def _attempt(self) -> Callable[[], Actor] | None:
        if self.password.text() != self.repeat.text():
            raise ValidationError(N_("The two passwords differ."), field="repeat")
        name, shown, password = (
            self.username.text(),
            self.display_name.text(),
            self.password.text(),
        )
        create = self._create
        return lambda: create(name, shown, password)
