"""One instrument's questions as a form: a row of choices per scale item (smileys for the
children's check-in), a text box per free-text item. Item text in the language the check-in
is given in; a licensed shell without loaded text shows numbered items for score entry."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.errors import N_
from advisor_app.domain.instruments import Instrument, Item
from advisor_app.i18n import _, catalog

NO_ANSWER = 10_000  # the button id of "No answer" (-1 is Qt's "nothing checked")
SMILEY_COLOURS = ("#c0392b", "#e67e22", "#f1c40f", "#7cb342", "#2e7d32")


def smiley_icon(step: int, steps: int, size: int = 64) -> QIcon:
    """A face drawn with QPainter (no emoji font needed): from sad (0) to happy (steps-1)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(SMILEY_COLOURS[round(step * (len(SMILEY_COLOURS) - 1) / max(steps - 1, 1))])
    painter.setBrush(colour)
    painter.setPen(QPen(QColor("#333333"), size / 32))
    margin = size * 0.06
    painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.setBrush(QColor("#333333"))
    eye = size * 0.07
    painter.drawEllipse(QPointF(size * 0.35, size * 0.38), eye, eye)
    painter.drawEllipse(QPointF(size * 0.65, size * 0.38), eye, eye)
    # Mouth: the curve bends down for sad faces, is flat in the middle, up for happy ones.
    bend = (step / max(steps - 1, 1) - 0.5) * 2  # -1 .. 1
    path = QPainterPath(QPointF(size * 0.3, size * 0.68))
    path.quadTo(QPointF(size * 0.5, size * (0.68 + 0.2 * bend)), QPointF(size * 0.7, size * 0.68))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#333333"), size / 20))
    painter.drawPath(path)
    painter.end()
    return QIcon(pixmap)


class InstrumentForm(QGroupBox):
    """The answers to one instrument; ``values()`` gives None for an unanswered item."""

    def __init__(
        self,
        instrument: Instrument,
        language: str,
        parent: QWidget | None = None,
        *,
        optional: bool = False,
    ) -> None:
        """``optional``: each scale item also offers "No answer", so a choice made by mistake
        can be taken back (the own-life questions may be left out one by one)."""
        super().__init__(instrument.name_in(language), parent)
        self.instrument = instrument
        self.setObjectName(f"instrument_{instrument.id}")
        self.groups: list[QButtonGroup] = []
        self.first_buttons: list[QRadioButton] = []
        self.text_edits: list[QPlainTextEdit] = []
        # Each scale item's grid, its buttons and how many go in a row at the normal size.
        self._grids: list[tuple[QGridLayout, list[QRadioButton], int]] = []
        layout = QVBoxLayout(self)
        intro = instrument.intro.get(language) or instrument.intro.get("en")
        if intro:
            intro_label = QLabel(intro)
            intro_label.setWordWrap(True)
            intro_label.setObjectName("instrument_intro")
            layout.addWidget(intro_label)
        labels = instrument.scale_labels.get(language) or instrument.scale_labels.get("en")
        steps = instrument.scale_max - instrument.scale_min + 1
        number = 0
        for item in instrument.items:
            number += 1
            question = self._question_text(item, number, language)
            caption = QLabel(question)
            caption.setWordWrap(True)
            caption.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(caption)
            if item.kind == "text":
                edit = QPlainTextEdit()
                edit.setObjectName(f"text_{instrument.id}_{item.id}")
                edit.setAccessibleName(question)
                edit.setTabChangesFocus(True)
                edit.setMaximumHeight(90)
                caption.setBuddy(edit)
                layout.addWidget(edit)
                self.text_edits.append(edit)
                continue
            row = QWidget()
            row_layout = QGridLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            # Long worded scales (WHO-5) wrap into rows of three so a large font still fits.
            per_row = steps if instrument.scale_kind == "smiley" or not labels or steps <= 4 else 3
            group = QButtonGroup(self)
            group.setExclusive(True)
            buttons: list[QRadioButton] = []
            for step in range(steps):
                value = instrument.scale_min + step
                text = labels[step] if labels else str(value)
                button = QRadioButton(text if instrument.scale_kind != "smiley" else "")
                button.setObjectName(f"answer_{instrument.id}_{item.id}_{value}")
                button.setAccessibleName(f"{question}: {text}")
                button.setToolTip(text)
                if instrument.scale_kind == "smiley":
                    button.setIcon(smiley_icon(step, steps))
                    button.setIconSize(button.iconSize() * 2.5)
                group.addButton(button, value)
                buttons.append(button)
                row_layout.addWidget(button, step // per_row, step % per_row)
                if step == 0:
                    caption.setBuddy(button)
                    self.first_buttons.append(button)
            if optional:
                none_text = catalog(language).gettext(N_("No answer"))
                button = QRadioButton(none_text)
                button.setObjectName(f"answer_{instrument.id}_{item.id}_none")
                button.setAccessibleName(f"{question}: {none_text}")
                group.addButton(button, NO_ANSWER)
                buttons.append(button)
                row_layout.addWidget(button, steps // per_row, steps % per_row)
            row_layout.setColumnStretch(per_row, 1)
            self._grids.append((row_layout, buttons, per_row))
            layout.addWidget(row)
            self.groups.append(group)
        credit = instrument.credit.get(language) or instrument.credit.get("en")
        if credit:
            credit_label = QLabel(credit)
            credit_label.setWordWrap(True)
            credit_label.setObjectName("instrument_credit")
            credit_label.setStyleSheet("color: palette(mid);")
            layout.addWidget(credit_label)

    def set_one_answer_per_line(self, on: bool) -> None:
        """In the relative's large text the worded answers go one under the other, so a
        narrow screen (800 px) shows them whole; the smileys stay side by side."""
        for grid, buttons, per_row in self._grids:
            columns = 1 if on and self.instrument.scale_kind != "smiley" else per_row
            for button in buttons:
                grid.removeWidget(button)
            for step, button in enumerate(buttons):
                grid.addWidget(button, step // columns, step % columns)
            for column in range(grid.columnCount()):
                grid.setColumnStretch(column, 1 if column == columns else 0)

    def _question_text(self, item: Item, number: int, language: str) -> str:
        if self.instrument.shows_text:
            text = item.text_in(language)
            if text:
                return f"{number}. {text}"
        # A licensed shell: the advisor types the scores from the licensed paper form.
        return _("Item {number}").format(number=number)

    def values(self) -> tuple[int | None, ...]:
        return tuple(
            None if g.checkedId() in (-1, NO_ANSWER) else g.checkedId() for g in self.groups
        )

    def texts(self) -> tuple[str, ...]:
        return tuple(edit.toPlainText() for edit in self.text_edits)

    def set_values(self, values: tuple[int | None, ...]) -> None:
        for group, value in zip(self.groups, values, strict=True):
            if value is not None:
                group.button(value).setChecked(True)

    def first_unanswered(self) -> int | None:
        for position, group in enumerate(self.groups):
            if group.checkedId() in (-1, NO_ANSWER):
                return position
        return None

    def focus_item(self, position: int) -> None:
        self.first_buttons[position].setFocus(Qt.FocusReason.OtherFocusReason)

    def has_content(self) -> bool:
        return any(v is not None for v in self.values()) or any(t.strip() for t in self.texts())
