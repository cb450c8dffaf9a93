"""The offer catalogue in the windows (tilbud, OfferCatalogue): a searchable, filterable list
with one offer's five answers beside it. In the advisor's window it refers the relative on
the page to the chosen offers; in the administrator's window it creates, edits and retires
offers (each edit a new version; referrals keep the version they were made to)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from advisor_app.atomic_write import write_bytes_atomically
from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import Condition, OfferAudience, OfferKind
from advisor_app.domain.errors import ServiceError
from advisor_app.domain.offers import (
    AUDIENCE_LABELS,
    FIELD_LABELS,
    FIVE_ANSWERS,
    KIND_LABELS,
    OfferContent,
    describe_row,
)
from advisor_app.i18n import N_, _, format_date, ngettext
from advisor_app.reports import offers_file
from advisor_app.services.dto import RelativeDetail
from advisor_app.services.facade import Services
from advisor_app.services.offers import (
    ImportRefused,
    ImportResult,
    OfferFilter,
    OfferView,
    ReferralView,
)
from advisor_app.ui.citizen_form import ServiceDialog
from advisor_app.ui.forms import OptionalDate, add_row, line_edit
from advisor_app.ui.labels import label
from advisor_app.ui.table_models import ROW_ROLE, Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import table_view

SEARCH_DELAY_MS = 200


class OffersModel(RowsModel[OfferView]):
    COLUMNS = (
        Column[OfferView](N_("Offer"), lambda v: v.content.title),
        Column[OfferView](N_("Kind"), lambda v: _(KIND_LABELS[v.content.kind])),
        Column[OfferView](N_("Area"), lambda v: v.content.area),
        Column[OfferView](N_("Version"), lambda v: str(v.number), lambda v: v.number),
    )


def offer_html(view: OfferView) -> str:
    """One offer's five answers and facts, every text escaped (it is typed by people)."""
    content = view.content
    parts = [
        f"<h2>{escape(content.title)}</h2>",
        f"<p><i>{escape(_(KIND_LABELS[content.kind]))} · "
        f"{escape(_('Version {number}').format(number=view.number))}</i></p>",
    ]
    for code, question in FIVE_ANSWERS:
        text = escape(getattr(content, code)).replace("\n", "<br>")
        parts.append(f"<h3>{escape(_(question))}</h3><p>{text}</p>")
    facts = [
        (FIELD_LABELS[name], getattr(content, name))
        for name in ("contact", "address", "area", "link", "legal_basis")
        if getattr(content, name)
    ]
    if content.conditions:
        facts.append((FIELD_LABELS["conditions"], ", ".join(label(c) for c in content.conditions)))
    if content.audiences:
        facts.append(
            (
                FIELD_LABELS["audiences"],
                ", ".join(_(AUDIENCE_LABELS[a]) for a in content.audiences),
            )
        )
    if content.valid_from or content.valid_to:
        facts.append(
            (
                N_("Valid"),
                " – ".join(
                    format_date(d) if d else "" for d in (content.valid_from, content.valid_to)
                ),
            )
        )
    if facts:
        parts.append("<p>")
        parts.extend(f"<b>{escape(_(name))}:</b> {escape(value)}<br>" for name, value in facts)
        parts.append("</p>")
    return "".join(parts)


def _filter_combo(items: list[tuple[str, object]], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(_("All"), None)
    for text, data in items:
        combo.addItem(text, data)
    return combo


class OfferCatalogue(QWidget):
    """The catalogue page. ``editable``: the administrator's (new, edit, retire);
    otherwise the advisor's, with ``current_relative`` giving the relative to refer."""

    searched = Signal(object)  # tuple[OfferView, ...]
    referred = Signal(object)  # tuple[ReferralView, ...]
    offer_saved = Signal(object)  # OfferView
    exported = Signal(str)  # the file written
    imported = Signal(object)  # ImportResult

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        *,
        editable: bool = False,
        current_relative: Callable[[], RelativeDetail | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("offer_catalogue")
        self._services = services
        self._runner = runner
        self._actor = actor
        self._editable = editable
        self._current_relative = current_relative or (lambda: None)
        self._seq = 0
        self._loaded = False
        self.dialog: OfferDialog | None = None
        self.import_box: QMessageBox | None = None

        self.search = QLineEdit()
        self.search.setObjectName("offer_search")
        self.search.setPlaceholderText(_("Search the offers"))
        self.search.setAccessibleName(_("Search the offers"))
        self.search.setClearButtonEnabled(True)
        self.condition = _filter_combo([(label(c), c.value) for c in Condition], "offer_condition")
        self.condition.setAccessibleName(_("Condition"))
        self.audience = _filter_combo(
            [(_(AUDIENCE_LABELS[a]), a.value) for a in OfferAudience], "offer_audience"
        )
        self.audience.setAccessibleName(_("Relatives"))
        self.kind = _filter_combo([(_(KIND_LABELS[k]), k.value) for k in OfferKind], "offer_kind")
        self.kind.setAccessibleName(_("Kind"))
        self.area = _filter_combo([], "offer_area")
        self.area.setAccessibleName(_("Area"))
        filters = QHBoxLayout()
        for caption, widget in (
            (_("&Search"), self.search),
            (_("C&ondition"), self.condition),
            (_("&Relatives"), self.audience),
            (_("&Kind"), self.kind),
            (_("&Area"), self.area),
        ):
            text = QLabel(caption)
            text.setBuddy(widget)
            filters.addWidget(text)
            filters.addWidget(widget, 2 if widget is self.search else 1)

        self.model = OffersModel(self)
        self.view = table_view(self.model, "offers", _("Offers"))
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 190), (2, 130), (3, 70)):
            self.view.setColumnWidth(column, width)
        if not editable:  # refer to several at once
            self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.count_label = QLabel()
        self.count_label.setObjectName("offer_count")
        self.detail = QTextBrowser()
        self.detail.setObjectName("offer_detail")
        self.detail.setAccessibleName(_("The offer"))
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count_label)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        buttons = QHBoxLayout()
        if editable:
            self.new_button = QPushButton(_("&New offer…"))
            self.new_button.setObjectName("new_offer")
            self.edit_button = QPushButton(_("&Edit offer…"))
            self.edit_button.setObjectName("edit_offer")
            self.retire_button = QPushButton(_("&Take out of the catalogue"))
            self.retire_button.setObjectName("retire_offer")
            self.export_button = QPushButton(_("E&xport…"))
            self.export_button.setObjectName("export_offers")
            self.export_button.setToolTip(
                _("The catalogue as a spreadsheet to edit (.xlsx or .csv)")
            )
            self.import_button = QPushButton(_("&Import…"))
            self.import_button.setObjectName("import_offers")
            self.import_button.setToolTip(
                _("Read an edited catalogue file back: all of it, or nothing if a row is wrong")
            )
            for button in (
                self.new_button,
                self.edit_button,
                self.retire_button,
                self.export_button,
                self.import_button,
            ):
                buttons.addWidget(button)
            self.export_button.clicked.connect(self._on_export_button_clicked)
            self.import_button.clicked.connect(self._on_import_button_clicked)
            self.new_button.clicked.connect(self._on_new_button_clicked)
            self.edit_button.clicked.connect(self._on_edit_button_clicked)
            self.retire_button.clicked.connect(self._on_retire_button_clicked)
            self.view.doubleClicked.connect(self._on_edit_button_clicked)
        else:
            self.refer_button = QPushButton(_("Re&fer the current relative"))
            self.refer_button.setObjectName("refer_relative")
            self.refer_button.setToolTip(
                _("Refer the relative shown on the Relatives tab to the chosen offers")
            )
            buttons.addWidget(self.refer_button)
            self.refer_button.clicked.connect(self._on_refer_button_clicked)
        self.status = QLabel()
        self.status.setObjectName("offer_status")
        buttons.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._on_search_text_changed)
        for combo in (self.condition, self.audience, self.kind, self.area):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._update_buttons()

    # ---- loading and searching -----------------------------------------------------------
    def ensure_loaded(self) -> None:
        if not self._loaded:
            self._loaded = True
            services, actor = self._services, self._actor
            self._runner.submit(
                lambda: services.offers.areas(actor), self._on_areas_loaded, owner=self
            )
            self.run_search()

    def _on_areas_loaded(self, areas: tuple[str, ...]) -> None:
        current = self.area.currentData()
        self.area.blockSignals(True)
        while self.area.count() > 1:
            self.area.removeItem(1)
        for area in areas:
            self.area.addItem(area, area)
        found = self.area.findData(current) if current else 0
        self.area.setCurrentIndex(max(0, found))
        self.area.blockSignals(False)

    def _on_search_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_filter_changed(self, _index: int) -> None:
        self.run_search()

    def current_filter(self) -> OfferFilter:
        def value(combo: QComboBox, enum: Any) -> Any:
            data = combo.currentData()
            return None if data is None else enum(data)

        area = self.area.currentData()
        return OfferFilter(
            text=self.search.text(),
            condition=value(self.condition, Condition),
            audience=value(self.audience, OfferAudience),
            kind=value(self.kind, OfferKind),
            area=str(area) if area else None,
            include_invalid=self._editable,  # the admin sees offers not yet or no longer valid
        )

    def run_search(self) -> None:
        self._timer.stop()
        self._seq += 1
        seq = self._seq
        wanted = self.current_filter()
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.offers.search(actor, wanted),
            lambda found: self._on_search_result(seq, found),
            self._show_error,
            owner=self,
        )

    def _on_search_result(self, seq: int, found: tuple[OfferView, ...]) -> None:
        if seq != self._seq:
            return
        selected = {v.offer_id for v in self.selected_offers()}
        self.model.set_rows(found)
        self.count_label.setText(
            ngettext("{n} offer", "{n} offers", len(found)).format(n=len(found))
        )
        proxy = self.view.model()
        for row in range(proxy.rowCount()):
            offer = proxy.index(row, 0).data(ROW_ROLE)
            if offer is not None and offer.offer_id in selected:
                self.view.selectRow(row)
        self._on_selection_changed()
        self.searched.emit(found)

    def select_offer(self, offer_id: int, *, add: bool = False) -> bool:
        proxy = self.view.model()
        for row in range(proxy.rowCount()):
            offer = proxy.index(row, 0).data(ROW_ROLE)
            if offer is not None and offer.offer_id == offer_id:
                if add:
                    from PySide6.QtCore import QItemSelectionModel

                    flags = (
                        QItemSelectionModel.SelectionFlag.Select
                        | QItemSelectionModel.SelectionFlag.Rows
                    )
                    self.view.selectionModel().select(proxy.index(row, 0), flags)
                else:
                    self.view.selectRow(row)
                return True
        return False

    def selected_offers(self) -> list[OfferView]:
        model = self.view.selectionModel()
        if model is None:
            return []
        rows = model.selectedRows()
        return [r.data(ROW_ROLE) for r in rows]

    def _on_selection_changed(self, *_args: object) -> None:
        chosen = self.selected_offers()
        if chosen:
            self.detail.setHtml(offer_html(chosen[-1]))
        else:
            self.detail.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_offers())
        if self._editable:
            self.edit_button.setEnabled(len(self.selected_offers()) == 1)
            self.retire_button.setEnabled(chosen)
        else:
            self.refer_button.setEnabled(chosen)

    # ---- referring (the advisor's) ---------------------------------------------------------
    def _on_refer_button_clicked(self) -> None:
        relative = self._current_relative()
        chosen = self.selected_offers()
        if relative is None:
            self.status.setText(_("Choose the relative on the Relatives tab first."))
            return
        if not chosen:
            return
        services, actor, relative_id = self._services, self._actor, relative.id
        ids = tuple(v.offer_id for v in chosen)
        self._runner.submit(
            lambda: services.offers.refer(actor, relative_id, ids),
            self._on_referred,
            self._show_error,
            owner=self,
        )

    def _on_referred(self, made: tuple[ReferralView, ...]) -> None:
        self.status.setText(
            ngettext(
                "The relative is referred to {n} offer.",
                "The relative is referred to {n} offers.",
                len(made),
            ).format(n=len(made))
        )
        self.referred.emit(made)

    # ---- editing (the administrator's) -----------------------------------------------------
    def _on_new_button_clicked(self) -> None:
        self._open_dialog(None)

    def _on_edit_button_clicked(self, *_args: object) -> None:
        chosen = self.selected_offers()
        if len(chosen) == 1:
            self._open_dialog(chosen[0])

    def _open_dialog(self, offer: OfferView | None) -> None:
        dialog = OfferDialog(self._services, self._runner, self._actor, offer, self)
        dialog.offer_saved.connect(self._on_offer_saved)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _on_offer_saved(self, view: OfferView) -> None:
        self.status.setText(
            _("Saved: {title}, version {number}.").format(
                title=view.content.title, number=view.number
            )
        )
        self._after_change(view)

    def _after_change(self, view: OfferView) -> None:
        self.offer_saved.emit(view)
        self._loaded = False
        self.ensure_loaded()

    def _on_retire_button_clicked(self) -> None:
        chosen = self.selected_offers()
        if not chosen:
            return
        offer = chosen[0]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Take out of the catalogue"),
            _("Take '{title}' out of the catalogue? Referrals to it keep what they showed.").format(
                title=offer.content.title
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirm_retire")
        box.button(QMessageBox.StandardButton.Yes).setText(_("Take out"))
        box.button(QMessageBox.StandardButton.Cancel).setText(_("Cancel"))
        services, actor = self._services, self._actor

        def on_finished(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self._runner.submit(
                    lambda: services.offers.retire(actor, offer.offer_id, offer.version),
                    self._on_retired,
                    self._show_error,
                    owner=self,
                )

        box.finished.connect(on_finished)
        box.finished.connect(box.deleteLater)
        box.open()

    def _on_retired(self, view: OfferView) -> None:
        self.status.setText(
            _("'{title}' is taken out of the catalogue.").format(title=view.content.title)
        )
        self._after_change(view)

    # ---- the catalogue file (the administrator's) ---------------------------------------------
    def _file_dialog(self, title: str, name: str, *, save: bool) -> QFileDialog:
        dialog = QFileDialog(self, title)
        dialog.setObjectName(name)
        dialog.setNameFilter(_("Spreadsheet (*.xlsx *.csv)"))
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("xlsx")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.finished.connect(dialog.deleteLater)
        return dialog

    def _on_export_button_clicked(self) -> None:
        dialog = self._file_dialog(_("Export the offer catalogue"), "export_dialog", save=True)
        dialog.fileSelected.connect(self.export_to)
        dialog.open()

    def _on_import_button_clicked(self) -> None:
        dialog = self._file_dialog(_("Import the offer catalogue"), "import_dialog", save=False)
        dialog.fileSelected.connect(self.import_from)
        dialog.open()

    def export_to(self, path: str) -> None:
        try:
            fmt = offers_file.format_of(path)
        except ServiceError as error:
            self._show_error(error)
            return
        services, actor = self._services, self._actor

        def work() -> bytes:
            views = services.offers.export_catalogue(actor)
            return offers_file.write([(v.offer_id, v.content) for v in views], fmt)

        def written(data: bytes) -> None:
            try:
                write_bytes_atomically(Path(path), data)
            except OSError:
                self.status.setText(_("The file could not be written."))
                return
            self.status.setText(_("The catalogue is exported to {file}.").format(file=path))
            self.exported.emit(path)

        self._runner.submit(work, written, self._show_error, owner=self)

    def import_from(self, path: str) -> None:
        try:
            fmt = offers_file.format_of(path)
            data = Path(path).read_bytes()
        except ServiceError as error:
            self._show_error(error)
            return
        except OSError:
            self.status.setText(_("The file could not be read."))
            return
        services, actor = self._services, self._actor

        def work() -> ImportResult:
            parsed = offers_file.parse_file(data, fmt)
            return services.offers.import_catalogue(actor, parsed.rows, parsed.problems)

        self._runner.submit(work, self._on_imported, self._on_import_failed, owner=self)

    def _on_imported(self, result: ImportResult) -> None:
        self.status.setText(
            _("{created} offers created, {updated} updated, {unchanged} unchanged").format(
                created=result.created, updated=result.updated, unchanged=result.unchanged
            )
        )
        self.imported.emit(result)
        self._loaded = False
        self.ensure_loaded()

    def _on_import_failed(self, error: ServiceError) -> None:
        if not isinstance(error, ImportRefused):
            self._show_error(error)
            return
        self._show_error(error)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Import the offer catalogue"),
            error.translated(_),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("import_refused")
        box.setDetailedText("\n".join(describe_row(row, _) for row in error.rows))
        box.finished.connect(box.deleteLater)
        self.import_box = box
        box.open()

    def _show_error(self, error: ServiceError) -> None:
        self.status.setText(error.translated(_))


class _Choices(QListWidget):
    """Checkable items of a vocabulary (none ticked: every one)."""

    def __init__(self, items: list[tuple[str, str]], chosen: tuple[str, ...]) -> None:
        super().__init__()
        for text, value in items:
            item = QListWidgetItem(text, self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if value in chosen else Qt.CheckState.Unchecked
            )
        self.setMaximumHeight(120)

    def values(self) -> list[str]:
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]


class OfferDialog(ServiceDialog):
    """New offer, or a new version of one. A rule broken shows in the banner, points at the
    field, and keeps everything typed."""

    offer_saved = Signal(object)  # OfferView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        offer: OfferView | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._offer = offer
        self.setObjectName("offer_dialog")
        self.setWindowTitle(
            _("New offer")
            if offer is None
            else _("Edit offer (version {number})").format(number=offer.number)
        )
        content = offer.content if offer is not None else None
        form = QFormLayout()
        self.kind = QComboBox()
        for kind in OfferKind:
            self.kind.addItem(_(KIND_LABELS[kind]), kind.value)
        if content is not None:
            self.kind.setCurrentIndex(self.kind.findData(content.kind.value))
        add_row(form, _("&Kind"), self.kind, "kind")
        self.title_edit = line_edit(content.title if content else None, 200)
        add_row(form, _("&Title"), self.title_edit, "title")
        self.answers: dict[str, QPlainTextEdit] = {}
        for code, question in FIVE_ANSWERS:
            edit = QPlainTextEdit(getattr(content, code) if content else "")
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(70)
            add_row(form, _(question), edit, code)
            self.answers[code] = edit
        self.conditions = _Choices(
            [(label(c), c.value) for c in Condition],
            tuple(c.value for c in content.conditions) if content else (),
        )
        add_row(form, _("Conditions (none: all)"), self.conditions, "conditions")
        self.audiences = _Choices(
            [(_(AUDIENCE_LABELS[a]), a.value) for a in OfferAudience],
            tuple(a.value for a in content.audiences) if content else (),
        )
        add_row(form, _("Relatives (none: all)"), self.audiences, "audiences")
        self.lines: dict[str, QLineEdit] = {}
        for name, caption in (
            ("contact", _("C&ontact")),
            ("address", _("A&ddress")),
            ("area", _("A&rea")),
            ("link", _("&Link")),
            ("legal_basis", _("Le&gal basis")),
        ):
            line = line_edit(getattr(content, name) if content else None, 500)
            add_row(form, caption, line, name)
            self.lines[name] = line
        self.valid_from = OptionalDate(_("Valid from"), content.valid_from if content else None)
        add_row(form, _("Valid &from"), self.valid_from, "valid_from")
        self.valid_to = OptionalDate(_("Valid to"), content.valid_to if content else None)
        add_row(form, _("Valid unt&il"), self.valid_to, "valid_to")
        form_widget = QWidget()
        form_widget.setLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(form_widget, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 760)

    def fields(self) -> dict[str, QWidget]:
        return {
            "kind": self.kind,
            "title": self.title_edit,
            **self.answers,
            "conditions": self.conditions,
            "audiences": self.audiences,
            **self.lines,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }

    def content(self) -> OfferContent:
        valid_from: date | None = self.valid_from.value()
        valid_to: date | None = self.valid_to.value()
        return OfferContent(
            kind=OfferKind(self.kind.currentData()),
            title=self.title_edit.text(),
            what=self.answers["what"].toPlainText(),
            who=self.answers["who"].toPlainText(),
            where=self.answers["where"].toPlainText(),
            when=self.answers["when"].toPlainText(),
            how=self.answers["how"].toPlainText(),
            conditions=tuple(Condition(v) for v in self.conditions.values()),
            audiences=tuple(OfferAudience(v) for v in self.audiences.values()),
            contact=self.lines["contact"].text(),
            address=self.lines["address"].text(),
            area=self.lines["area"].text(),
            link=self.lines["link"].text(),
            legal_basis=self.lines["legal_basis"].text(),
            valid_from=valid_from,
            valid_to=valid_to,
        )

    def build_call(self) -> Callable[[], Any]:
        services, actor, offer, content = self._services, self._actor, self._offer, self.content()
        if offer is None:
            return lambda: services.offers.create(actor, content)
        return lambda: services.offers.update(actor, offer.offer_id, offer.version, content)

    def deliver(self, result: Any) -> None:
        self.offer_saved.emit(result)
