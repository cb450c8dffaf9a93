"""The administrator's page of municipal settings: one field per key of the registry
(domain/settings.py), so a key another capability adds appears here without a change; the
logo is chosen from a file, shown, and can be removed. Saved all at once, with the versions
read, so a colleague's change in between is a conflict rather than lost."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.settings import LOGO_MAX_BYTES, SETTINGS, SettingKind
from advisor_app.i18n import _
from advisor_app.services.facade import Services
from advisor_app.services.settings import MunicipalSettings
from advisor_app.ui.forms import ErrorBanner, add_row
from advisor_app.ui.task_runner import TaskRunner

LOGO_PREVIEW_HEIGHT = 48


class SettingsPage(QWidget):
    settings_loaded = Signal(object)  # MunicipalSettings
    settings_saved = Signal(object)  # MunicipalSettings

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings_page")
        self._services = services
        self._runner = runner
        self._actor = actor
        self.current: MunicipalSettings | None = None
        self.logo: bytes | None = None
        self.banner = ErrorBanner(self)
        self.status = QLabel()
        self.status.setObjectName("settings_status")
        form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        for key, spec in SETTINGS.items():
            if spec.kind is SettingKind.IMAGE:
                self.fields[key] = add_row(form, _(spec.label), self._logo_row(), key)
            else:
                edit = QLineEdit()
                edit.setMaxLength(spec.max_len)
                self.fields[key] = add_row(form, _(spec.label), edit, key)
        self.save_button = QPushButton(_("&Save settings"))
        self.save_button.setObjectName("save_settings")
        self.save_button.clicked.connect(self._on_save_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        title = QLabel(_("The municipality's settings: handouts and mentor matching"))
        title.setObjectName("settings_title")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        # The keys grow with the capabilities: the form scrolls rather than squeezing.
        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()
        scroll.setObjectName("settings_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(fields)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.load()

    def _logo_row(self) -> QWidget:
        row = QWidget()
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logo_preview")
        self.logo_preview.setMinimumHeight(LOGO_PREVIEW_HEIGHT)
        self.choose_logo_button = QPushButton(_("C&hoose logo…"))
        self.choose_logo_button.setObjectName("choose_logo")
        self.remove_logo_button = QPushButton(_("&Remove logo"))
        self.remove_logo_button.setObjectName("remove_logo")
        self.choose_logo_button.clicked.connect(self._on_choose_logo_clicked)
        self.remove_logo_button.clicked.connect(self._on_remove_logo_clicked)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.logo_preview)
        layout.addWidget(self.choose_logo_button)
        layout.addWidget(self.remove_logo_button)
        layout.addStretch(1)
        return row

    # ---- loading -----------------------------------------------------------------------
    def load(self) -> None:
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.settings.current(actor), self.show_settings, self._on_error, owner=self
        )

    def show_settings(self, settings: MunicipalSettings) -> None:
        self.current = settings
        for key, spec in SETTINGS.items():
            if spec.kind is SettingKind.IMAGE:
                continue
            field = self.fields[key]
            if isinstance(field, QLineEdit):
                field.setText(settings.text(key))
        self._show_logo(settings.logo)
        self.settings_loaded.emit(settings)

    def _show_logo(self, data: bytes | None) -> None:
        self.logo = data
        self.remove_logo_button.setEnabled(data is not None)
        if data is None:
            self.logo_preview.setText(_("No logo"))
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self.logo_preview.setText(_("Not an image"))
            return
        self.logo_preview.setPixmap(
            pixmap.scaledToHeight(LOGO_PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation)
        )

    # ---- the logo ----------------------------------------------------------------------
    def ask_logo_path(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the logo"), "", _("Images (*.png *.jpg *.jpeg)")
        )
        return path

    def _on_choose_logo_clicked(self) -> None:
        path = self.ask_logo_path()
        if not path:
            return
        try:
            with Path(path).open("rb") as handle:
                data = handle.read(LOGO_MAX_BYTES + 1)
        except OSError:
            self._on_error(ValidationError(N_("The file could not be read.")))
            return
        self.banner.clear()
        self._show_logo(data)  # checked by the service on saving

    def _on_remove_logo_clicked(self) -> None:
        self._show_logo(None)

    # ---- saving ------------------------------------------------------------------------
    def changes(self) -> dict[str, object]:
        """The keys whose field differs from what was loaded (only those are saved and
        logged)."""
        current = self.current
        found: dict[str, object] = {}
        for key, spec in SETTINGS.items():
            if spec.kind is SettingKind.IMAGE:
                if current is None or self.logo != current.logo:
                    found[key] = self.logo
                continue
            field = self.fields[key]
            if isinstance(field, QLineEdit) and (
                current is None or field.text().strip() != current.text(key)
            ):
                found[key] = field.text()
        return found

    def _on_save_clicked(self) -> None:
        if self.current is None:
            return
        self.banner.clear()
        changes, versions = self.changes(), dict(self.current.versions)
        if not changes:
            self.status.setText(_("Nothing has changed."))
            return
        self.save_button.setEnabled(False)
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.settings.save(actor, changes, versions),
            self._on_saved,
            self._on_error,
            owner=self,
            on_bug=lambda: self.save_button.setEnabled(True),
        )

    def _on_saved(self, settings: MunicipalSettings) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(_("The settings are saved."))
        self.show_settings(settings)
        self.settings_saved.emit(settings)

    def _on_error(self, error: ServiceError) -> None:
        self.save_button.setEnabled(True)
        self.banner.show_error(error, self.fields)
