"""The administrator's page on the program's users (brugere, Advisor rows): who may sign in,
with which role, and whether the account is active, disabled or locked after wrong
passwords. Add a user, unlock, disable, and set a new password.

On a team database (PostgreSQL) each user signs in as their own database login and the
server keeps the password, so the page asks for no passwords there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, cast

from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import Role
from advisor_app.domain.errors import ServiceError, ValidationError
from advisor_app.domain.permissions import ROLE_LABELS
from advisor_app.domain.rules import PASSWORD_MIN_LENGTH
from advisor_app.i18n import N_, _, format_datetime
from advisor_app.services.accounts import UserView
from advisor_app.services.facade import Services
from advisor_app.ui.citizen_form import ServiceDialog
from advisor_app.ui.forms import ErrorBanner, add_row, line_edit
from advisor_app.ui.serial_calls import SerialCalls
from advisor_app.ui.table_models import Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row as row_behind_selection
from advisor_app.ui.views import table_view

TWO_PASSWORDS_DIFFER = N_("The two passwords differ.")


def role_label(role: Role) -> str:
    return _(ROLE_LABELS[role])


@dataclass(frozen=True)
class UserRow:
    """A user as the page shows it: ``locked`` is decided once, when the row is loaded
    (an account stays locked until ``locked_until``, then unlocks itself)."""

    user: UserView
    locked: bool

    @classmethod
    def of(cls, user: UserView, now: datetime) -> UserRow:
        locked = user.active and user.locked_until is not None and user.locked_until > now
        return cls(user, locked)

    @property
    def state(self) -> str:
        if not self.user.active:
            return _("Disabled")
        if self.locked:
            return _("Locked until {time}").format(time=format_datetime(self.user.locked_until))
        return _("Active")


class UserColumn(IntEnum):
    USERNAME = 0
    NAME = 1
    ROLE = 2
    STATE = 3


class UsersModel(RowsModel[UserRow]):
    COLUMNS = (
        Column[UserRow](N_("User name"), lambda r: r.user.username),
        Column[UserRow](N_("Name"), lambda r: r.user.display_name),
        Column[UserRow](N_("Role"), lambda r: role_label(r.user.role)),
        Column[UserRow](
            N_("State"),
            lambda r: r.state,
            lambda r: (r.user.active, not r.locked, r.user.username),
            lambda r: r.locked or not r.user.active,
        ),
    )

    def set_users(self, users: tuple[UserView, ...], now: datetime) -> None:
        self.set_rows([UserRow.of(u, now) for u in users])

    def put_user(self, user: UserView, now: datetime) -> int:
        """Replace the row of this user (by id) or append it; returns its source row."""
        rows = list(self._rows)
        new = UserRow.of(user, now)
        for number, row in enumerate(rows):
            if row.user.id == user.id:
                rows[number] = new
                self._rows = tuple(rows)
                self.dataChanged.emit(
                    self.index(number, 0), self.index(number, len(self.COLUMNS) - 1)
                )
                return number
        number = len(rows)
        self.beginInsertRows(QModelIndex(), number, number)
        self._rows = (*rows, new)
        self.endInsertRows()
        return number

    def row_of(self, username: str) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.user.username == username), None)


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", ""))
    return button


def _password_edit() -> QLineEdit:
    edit = line_edit(max_length=1024)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _check_repeat(password: str, repeat: str) -> None:
    if password != repeat:
        raise ValidationError(TWO_PASSWORDS_DIFFER, field="repeat")


class AddUserDialog(ServiceDialog):
    """A new user: user name, name, role and (on a workstation) a first password, typed
    twice. A rule the service finds broken shows here and keeps what was typed."""

    user_added = Signal(object)  # UserView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        *,
        team: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._team = team
        self.setObjectName("add_user_dialog")
        self.setWindowTitle(_("Add user"))
        self.username_edit = line_edit(max_length=63)
        self.username_edit.setPlaceholderText(_("e.g. anne.hansen"))
        self.display_name_edit = line_edit()
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role_label(role), role.value)
        self.password_edit = _password_edit()
        self.repeat_edit = _password_edit()
        form = QFormLayout()
        add_row(form, _("&User name"), self.username_edit, "username")
        add_row(form, _("&Name"), self.display_name_edit, "display_name")
        add_row(form, _("&Role"), self.role_combo, "role")
        if team:
            note = QLabel(
                _(
                    "On a team database the user signs in with their own database login: "
                    "create the login first (createuser); its password stays with the server."
                )
            )
            note.setWordWrap(True)
            form.addRow(note)
        else:
            add_row(form, _("&Password"), self.password_edit, "password")
            add_row(form, _("Repea&t password"), self.repeat_edit, "repeat")
            self.password_edit.setToolTip(
                _("At least {count} characters").format(count=PASSWORD_MIN_LENGTH)
            )
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.banner.isVisible():
            self.username_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def fields(self) -> dict[str, QWidget]:
        return {
            "username": self.username_edit,
            "display_name": self.display_name_edit,
            "role": self.role_combo,
            "password": self.password_edit,
            "repeat": self.repeat_edit,
        }

    def build_call(self) -> Callable[[], Any]:
        services, actor = self._services, self._actor
        username = self.username_edit.text()
        display_name = self.display_name_edit.text().strip() or None
        role = Role(self.role_combo.currentData())
        password: str | None = None
        if not self._team:
            password = self.password_edit.text()
            _check_repeat(password, self.repeat_edit.text())
        return lambda: services.accounts.add_user(actor, username, role, display_name, password)

    def deliver(self, result: Any) -> None:
        self.user_added.emit(result)


class SetPasswordDialog(ServiceDialog):
    """A new password for a user (who forgot theirs); it also lifts a lock."""

    password_set = Signal(object)  # UserView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        user: UserView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self.user = user
        self.setObjectName("set_password_dialog")
        self.setWindowTitle(_("Set password"))
        who = QLabel(_("A new password for {user}").format(user=user.username))
        who.setObjectName("password_user")
        who.setTextFormat(Qt.TextFormat.PlainText)
        self.password_edit = _password_edit()
        self.password_edit.setToolTip(
            _("At least {count} characters").format(count=PASSWORD_MIN_LENGTH)
        )
        self.repeat_edit = _password_edit()
        form = QFormLayout()
        add_row(form, _("&Password"), self.password_edit, "password")
        add_row(form, _("Repea&t password"), self.repeat_edit, "repeat")
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.banner.isVisible():
            self.password_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def fields(self) -> dict[str, QWidget]:
        return {"password": self.password_edit, "repeat": self.repeat_edit}

    def build_call(self) -> Callable[[], Any]:
        services, actor, username = self._services, self._actor, self.user.username
        password = self.password_edit.text()
        _check_repeat(password, self.repeat_edit.text())
        return lambda: services.accounts.set_password(actor, username, password)

    def deliver(self, result: Any) -> None:
        self.password_set.emit(result)


class UsersPage(SerialCalls):
    """The users table and what an administrator does with the selected user. Each button
    is enabled only when it applies: Unlock for a locked account, Disable for an active one
    that is not one's own."""

    users_loaded = Signal(object)  # tuple[UserView, ...]
    user_added = Signal(object)  # UserView
    user_changed = Signal(object)  # UserView: unlocked, disabled or given a password
    dialog_opened = Signal(object)  # AddUserDialog | SetPasswordDialog | QMessageBox
    error_shown = Signal(object)  # ServiceError

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("users_page")
        self._services = services
        self._runner = runner
        self._actor = actor
        self._busy = False
        self._shown_once = False
        # On a team database the server keeps the passwords (services/accounts.py).
        self.team = not services.db.is_sqlite

        self.banner = ErrorBanner(self)
        self.model = UsersModel(self)
        self.view = table_view(self.model, "users", _("Users"), self)
        self.add_button = _button(_("&Add user…"), "add_user")
        self.unlock_button = _button(_("&Unlock"), "unlock_user")
        self.disable_button = _button(_("&Disable"), "disable_user")
        self.password_button = _button(_("Set &password…"), "set_password")
        self.password_button.setVisible(not self.team)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.unlock_button,
            self.disable_button,
            self.password_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.disable_button.clicked.connect(self._on_disable_button_clicked)
        self.password_button.clicked.connect(self._on_password_button_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self._update_buttons()

    # ---- loading -----------------------------------------------------------------------
    def reload(self) -> None:
        services, actor = self._services, self._actor
        self._run(lambda: services.accounts.list_users(actor), self._on_users_loaded)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.reload()

    def _on_users_loaded(self, users: tuple[UserView, ...]) -> None:
        keep = self.selected_user()
        self.model.set_users(users, self._services.clock.now())
        self.view.resizeColumnsToContents()
        if keep is not None:
            self.select_user(keep.username)
        self._update_buttons()
        self.users_loaded.emit(users)

    # ---- selection ---------------------------------------------------------------------
    def selected_row(self) -> UserRow | None:
        row = row_behind_selection(self.view)
        return row if isinstance(row, UserRow) else None

    def selected_user(self) -> UserView | None:
        row = self.selected_row()
        return None if row is None else row.user

    def select_user(self, username: str) -> bool:
        number = self.model.row_of(username)
        if number is None:
            return False
        proxy = cast(QSortFilterProxyModel, self.view.model())
        index = proxy.mapFromSource(self.model.index(number, 0))
        self.view.selectRow(index.row())
        self.view.scrollTo(index)
        return True

    def _on_view_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.selected_row()
        idle = not self._busy
        user = None if row is None else row.user
        self.add_button.setEnabled(idle)
        self.unlock_button.setEnabled(idle and row is not None and row.locked)
        self.disable_button.setEnabled(
            idle and user is not None and user.active and user.id != self._actor.advisor_id
        )
        self.password_button.setEnabled(idle and user is not None and not self.team)

    def _show_call_error(self, error: ServiceError) -> None:
        self.banner.show_error(error, {})
        self.error_shown.emit(error)

    def _on_user_changed(self, user: UserView) -> None:
        self.model.put_user(user, self._services.clock.now())
        self._update_buttons()
        self.user_changed.emit(user)

    # ---- actions -----------------------------------------------------------------------
    def _on_add_button_clicked(self) -> None:
        dialog = AddUserDialog(
            self._services, self._runner, self._actor, team=self.team, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.user_added.connect(self._on_add_dialog_user_added)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_add_dialog_user_added(self, user: UserView) -> None:
        self.model.put_user(user, self._services.clock.now())
        self.select_user(user.username)
        self._update_buttons()
        self.user_added.emit(user)

    def _on_unlock_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or not row.locked or self._busy:
            return
        services, actor, username = self._services, self._actor, row.user.username
        self._run(lambda: services.accounts.unlock(actor, username), self._on_user_changed)

    def _on_disable_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None or not self.disable_button.isEnabled():
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Disable user"),
            _(
                "Disable {user}? The user can no longer sign in; the account stays on record."
            ).format(user=user.username),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirm_disable")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Disable"))
        box.button(QMessageBox.StandardButton.No).setText(_("Keep"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def on_finished(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes and not self._busy:
                services, actor, username = self._services, self._actor, user.username
                self._run(lambda: services.accounts.disable(actor, username), self._on_user_changed)

        box.finished.connect(on_finished)
        box.open()
        self.dialog_opened.emit(box)

    def _on_password_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None or self.team:
            return
        dialog = SetPasswordDialog(self._services, self._runner, self._actor, user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.password_set.connect(self._on_user_changed)
        dialog.open()
        self.dialog_opened.emit(dialog)
