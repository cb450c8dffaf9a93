"""The handout dialog: choose the variant and the recipient's language, look at the real
pages, save them as a PDF or print them; the handouts given before, to print again.

The pages in the preview are the PDF itself drawn by PDFium (pypdfium2): QtPdf is not in
PySide6-Essentials, and poppler's pdftoppm took 350 ms for a three-page handout against
PDFium's 17 ms in-process. Printing draws the same pages at the printer's resolution onto
a QPrinter from Qt's print dialog. The composing, rendering and drawing run on the task
runner's worker; the PDF's SHA-256 is recorded with every handout given, and printing again
checks that the record still renders to those bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from advisor_app.atomic_write import write_bytes_atomically
from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import Language
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.handout import HandoutDelivery, HandoutVariant
from advisor_app.i18n import _, format_datetime
from advisor_app.reports.handout_pdf import HandoutRenderer
from advisor_app.services.dto import RelativeDetail
from advisor_app.services.facade import Services
from advisor_app.services.handouts import HandoutDraft, HandoutRecordView
from advisor_app.ui.labels import label
from advisor_app.ui.table_models import Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view

PREVIEW_DPI = 100
PRINT_DPI_MAX = 300
SUGGESTED_FILE = "udleveringsark.pdf"  # never the relative's name: file names leak

VARIANT_LABELS = {
    HandoutVariant.STANDARD: N_("Standard"),
    HandoutVariant.EASY_READ: N_("Easy to read"),
    HandoutVariant.CHILD: N_("For a child"),
}
DELIVERY_LABELS = {HandoutDelivery.PRINTED: N_("Printed"), HandoutDelivery.SAVED: N_("Saved")}
NOT_THE_SAME = N_(
    "The recorded handout no longer gives the same PDF (the program has changed since); "
    "it is not printed."
)


def page_images(pdf: bytes, dpi: float) -> list[QImage]:
    """The PDF's pages as images (on any thread: QImage, not QPixmap)."""
    import pypdfium2 as pdfium

    images = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            bitmap = page.render(scale=dpi / 72, prefer_bgrx=True, rev_byteorder=True)
            image = QImage(
                bytes(bitmap.buffer),
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            ).copy()  # own the pixels: the buffer goes with the bitmap
            images.append(image)
            page.close()
    finally:
        document.close()
    return images


def print_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Draw every page of ``pdf`` onto ``printer``, fitted to its page; returns the count."""
    dpi = min(printer.resolution(), PRINT_DPI_MAX)
    images = page_images(pdf, dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise ValidationError(N_("The printer could not be started."))
    try:
        for number, image in enumerate(images):
            if number:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
    finally:
        painter.end()
    return len(images)


@dataclass(frozen=True)
class Rendered:
    draft: HandoutDraft
    pdf: bytes
    pages: list[QImage]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


class HandoutsModel(RowsModel[HandoutRecordView]):
    """The handouts given to a relative (the newest first: the view sorts by when made)."""

    COLUMNS = (
        Column(N_("Made"), lambda r: format_datetime(r.made_at), lambda r: r.made_at),
        Column(N_("Variant"), lambda r: _(VARIANT_LABELS[r.variant])),
        Column(N_("Language"), lambda r: label(r.language)),
        Column(N_("Given"), lambda r: _(DELIVERY_LABELS[r.delivery])),
        Column(N_("Advisor"), lambda r: r.advisor_name),
    )


class HandoutDialog(QDialog):
    """Make, preview, save and print a relative's handout; print earlier ones again."""

    preview_shown = Signal(object)  # Rendered
    handout_given = Signal(object)  # HandoutRecordView
    history_loaded = Signal(object)  # tuple[HandoutRecordView, ...]
    printed = Signal(int)  # pages

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative: RelativeDetail,
        session_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self._relative_id = relative.id
        self._session_id = session_id
        self.rendered: Rendered | None = None
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.print_dialog: QPrintDialog | None = None
        self._to_print: tuple[bytes, HandoutRecordView | None] | None = None
        self.setObjectName("handout_dialog")
        self.setWindowTitle(_("Handout"))  # no name in a window title

        self.variant = QComboBox()
        self.variant.setObjectName("handout_variant")
        for variant, text in VARIANT_LABELS.items():
            self.variant.addItem(_(text), variant)
        default = HandoutVariant.CHILD if relative.is_child else HandoutVariant.STANDARD
        self.variant.setCurrentIndex(self.variant.findData(default))
        self.language = QComboBox()
        self.language.setObjectName("handout_language")
        for language in Language:
            self.language.addItem(label(language), language)
        self.language.setCurrentIndex(self.language.findData(relative.language))
        self.trend = QCheckBox(_("Include the wellbeing chart"))
        self.trend.setObjectName("handout_trend")
        self.trend.setChecked(True)
        options = QFormLayout()
        options.addRow(_("&Variant:"), self.variant)
        options.addRow(_("&Language of the handout:"), self.language)
        options.addRow(self.trend)

        self.omitted = QLabel()
        self.omitted.setObjectName("handout_omitted")
        self.omitted.setWordWrap(True)
        self.omitted.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel()
        self.status.setObjectName("handout_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.preview = QScrollArea()
        self.preview.setObjectName("handout_preview")
        self.preview.setAccessibleName(_("Preview of the handout"))
        self.preview.setWidgetResizable(True)
        self.preview.setWidget(self.pages)

        self.history_model = HandoutsModel(self)
        self.history_view = table_view(self.history_model, "handout_history", _("Handouts given"))
        self.history_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.print_again_button = QPushButton(_("Print &again"))
        self.print_again_button.setObjectName("print_again")
        self.print_again_button.setEnabled(False)
        self.history_view.selectionModel().selectionChanged.connect(
            self._on_history_selection_changed
        )
        self.print_again_button.clicked.connect(self._on_print_again_clicked)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.save_button = self.buttons.addButton(
            _("&Save as PDF…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.setObjectName("save_handout")
        self.print_button = self.buttons.addButton(
            _("&Print…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button.setObjectName("print_handout")
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.print_button.clicked.connect(self._on_print_clicked)
        self._set_ready(False)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addLayout(options)
        side_layout.addWidget(self.omitted)
        side_layout.addWidget(QLabel(_("Handouts given before:")))
        side_layout.addWidget(self.history_view, 1)
        again_row = QHBoxLayout()
        again_row.addWidget(self.print_again_button)
        again_row.addStretch(1)
        side_layout.addLayout(again_row)
        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(1100, 760)

        self.variant.currentIndexChanged.connect(self._on_option_changed)
        self.language.currentIndexChanged.connect(self._on_option_changed)
        self.trend.toggled.connect(self._on_option_changed)
        self.refresh()
        self.load_history()

    # ---- making and showing ------------------------------------------------------------
    def chosen_variant(self) -> HandoutVariant:
        # Qt hands a StrEnum back as its str value.
        value = self.variant.currentData()
        return HandoutVariant(value) if value else HandoutVariant.STANDARD

    def chosen_language(self) -> Language:
        value = self.language.currentData()
        return Language(value) if value else Language.DANISH

    def _set_ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    def refresh(self) -> None:
        self._set_ready(False)
        self.status.setText(_("Making the handout…"))
        services, actor = self._services, self._actor
        relative_id, session_id = self._relative_id, self._session_id
        variant, language = self.chosen_variant(), self.chosen_language()
        include_trend = self.trend.isChecked()

        def make() -> Rendered:
            draft = services.handouts.compose(
                actor,
                relative_id,
                variant,
                language,
                session_id=session_id,
                include_trend=include_trend,
            )
            pdf = HandoutRenderer().render(draft.handout)
            return Rendered(draft, pdf, page_images(pdf, PREVIEW_DPI))

        self._runner.submit(make, self._on_rendered, self._show_error, owner=self)

    def _on_option_changed(self, *_args: object) -> None:
        self.refresh()

    def _on_rendered(self, rendered: Rendered) -> None:
        self.rendered = rendered
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for number, image in enumerate(rendered.pages, 1):
            page = QLabel()
            page.setObjectName(f"handout_page_{number}")
            page.setAccessibleName(_("Page {page}").format(page=number))
            page.setPixmap(QPixmap.fromImage(image))
            self.pages_layout.addWidget(page)
        self.pages_layout.addStretch(1)
        self.omitted.setText("\n".join(_(reason) for reason in rendered.draft.omitted))
        self.status.setText(
            _("{pages} pages. Save or print to give it to the relative.").format(
                pages=len(rendered.pages)
            )
        )
        self._set_ready(True)
        self.preview_shown.emit(rendered)

    def load_history(self) -> None:
        services, actor, relative_id = self._services, self._actor, self._relative_id
        self._runner.submit(
            lambda: services.handouts.history(actor, relative_id),
            self._on_history_loaded,
            self._show_error,
            owner=self,
        )

    def _on_history_loaded(self, rows: tuple[HandoutRecordView, ...]) -> None:
        self.history_model.set_rows(rows)
        self._on_history_selection_changed()
        self.history_loaded.emit(rows)

    def _on_history_selection_changed(self, *_args: object) -> None:
        self.print_again_button.setEnabled(selected_row(self.history_view) is not None)

    # ---- saving ------------------------------------------------------------------------
    def ask_save_path(self) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the handout"), SUGGESTED_FILE, _("PDF documents (*.pdf)")
        )
        return path

    def _on_save_clicked(self) -> None:
        rendered = self.rendered
        if rendered is None:
            return
        path = self.ask_save_path()
        if not path:
            return
        services, actor = self._services, self._actor

        def save() -> HandoutRecordView:
            try:
                write_bytes_atomically(Path(path), rendered.pdf)
            except OSError:
                raise ValidationError(N_("The file could not be written.")) from None
            return services.handouts.record(
                actor, rendered.draft, rendered.sha256, HandoutDelivery.SAVED
            )

        self._runner.submit(save, self._on_given, self._show_error, owner=self)

    def _on_given(self, record: HandoutRecordView) -> None:
        text = (
            _("The handout is printed and recorded.")
            if record.delivery is HandoutDelivery.PRINTED
            else _("The handout is saved and recorded.")
        )
        self.status.setText(text)
        self.handout_given.emit(record)
        self.load_history()

    # ---- printing ----------------------------------------------------------------------
    def _on_print_clicked(self) -> None:
        if self.rendered is not None:
            self.open_print_dialog(self.rendered.pdf, None)

    def open_print_dialog(self, pdf: bytes, again: HandoutRecordView | None) -> None:
        """Qt's print dialog, opened without blocking; printing follows its ``accepted``."""
        self._to_print = (pdf, again)
        dialog = QPrintDialog(self.printer, self)
        dialog.setObjectName("handout_print_dialog")
        dialog.accepted.connect(self._on_print_dialog_accepted)
        dialog.finished.connect(dialog.deleteLater)
        self.print_dialog = dialog
        QDialog.open(dialog)  # the stubs know only QPrintDialog's open(receiver, member)

    def _on_print_dialog_accepted(self) -> None:
        if self._to_print is None:
            return
        pdf, again = self._to_print
        self._to_print = None
        try:
            pages = print_pdf(self.printer, pdf)
        except ServiceError as error:
            self._show_error(error)
            return
        self.printed.emit(pages)
        if again is not None:
            self.status.setText(_("The handout is printed again."))
            return
        rendered = self.rendered
        if rendered is None or rendered.pdf != pdf:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.handouts.record(
                actor, rendered.draft, rendered.sha256, HandoutDelivery.PRINTED
            ),
            self._on_given,
            self._show_error,
            owner=self,
        )

    def _on_print_again_clicked(self) -> None:
        chosen = selected_row(self.history_view)
        if not isinstance(chosen, HandoutRecordView):
            return
        services, actor = self._services, self._actor

        def again() -> tuple[bytes, HandoutRecordView]:
            recorded = services.handouts.reprint(actor, chosen.id, HandoutDelivery.PRINTED)
            pdf = HandoutRenderer().render(recorded.handout)
            if hashlib.sha256(pdf).hexdigest() != recorded.record.sha256:
                raise ValidationError(NOT_THE_SAME)
            return pdf, recorded.record

        self._runner.submit(
            again,
            lambda found: self.open_print_dialog(found[0], found[1]),
            self._show_error,
            owner=self,
        )

    # ---- errors ------------------------------------------------------------------------
    def _show_error(self, error: ServiceError) -> None:
        self.status.setText(error.translated(_))
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Handout"),
            error.translated(_),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("error_box")
        box.open()
