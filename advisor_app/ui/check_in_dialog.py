"""A wellbeing check-in ("hvordan har du det?") during the meeting.

The advisor asks (interview), or hands the screen to the relative: F11 switches to the
relative's view, full screen in a large font, showing the questions only: nothing about the
citizen, other relatives, earlier scores or the advisor's tools. F11 again gives the screen
back. On saving, the advisor sees the score, the band in words (never a diagnosis) and the
prompts, whose suggested next steps can become follow-ups with one click.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.drafts import CheckInDraft, Draft, DraftContent, DraftKind, DraftSubject
from advisor_app.domain.enums import CheckInMode, Language
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.instruments import BAND_TEXTS, STEP_TEXTS, Instrument, Prompt
from advisor_app.i18n import _, catalog, current_language
from advisor_app.services.dto import (
    ActionInput,
    AnswerView,
    CheckInInput,
    CheckInResult,
    InstrumentAnswers,
    InstrumentChoice,
    RelativeDetail,
)
from advisor_app.services.facade import Services
from advisor_app.ui.drafts import DraftBar, DraftKeeper
from advisor_app.ui.forms import (
    ErrorBanner,
    SaveGuard,
    add_row,
    ask_to_discard,
    date_edit,
    enum_combo,
    from_qdate,
    from_qdatetime,
    is_bare_return,
    is_ctrl_return,
    to_qdatetime,
)
from advisor_app.ui.instrument_form import InstrumentForm
from advisor_app.ui.task_runner import TaskRunner

RELATIVE_VIEW_KEY = Qt.Key.Key_F11
RELATIVE_VIEW_FONT_SCALE = 1.6
DEFAULT_STEP_DAYS = 14


def prompt_text(prompt: Prompt) -> str:
    return _(prompt.message).format(points=prompt.points)


def band_text(band: str | None) -> str:
    return _(BAND_TEXTS[band]) if band in BAND_TEXTS else ""


def low_answer_lines(instrument: Instrument, answers: tuple[AnswerView, ...]) -> list[str]:
    """Which answers were at the instrument's low end (WHO-5: 0 or 1), each with its number,
    its text where the text may be shown, and the answer: what to ask more about."""
    if instrument.low_item_max is None:
        return []
    values = {a.item_id: a.value for a in answers if a.instrument_id == instrument.id}
    language = current_language()
    shown = instrument.text_allowed or instrument.text_loaded
    found = []
    for number, item in enumerate(instrument.scale_items, 1):
        value = values.get(item.id)
        if value is None or value > instrument.low_item_max:
            continue
        text = item.text_in(language) if shown else ""
        what = f"{number}. {text}" if text else _("Item {number}").format(number=number)
        found.append("• " + _("{item}: answered {value}").format(item=what, value=value))
    if not found:
        return []
    heading = (
        _("Answers at 0 or 1:")
        if instrument.low_item_max == 1
        else _("Answers at {value} or lower:").format(value=instrument.low_item_max)
    )
    return [heading, *found]


class CheckInDialog(QDialog):
    check_in_saved = Signal(object)  # CheckInResult
    follow_ups_created = Signal(object)  # tuple[ActionView, ...]

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative: RelativeDetail,
        choice: InstrumentChoice,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self._relative = relative
        self._choice = choice
        #: The saved check-in with its prompts (not ``result``: that is QDialog's method).
        self.saved_result: CheckInResult | None = None
        self.relative_view = False
        self._mode_before = 0
        self._answers_before: tuple[object, ...] = ()
        # The questions come in the relative's language, whatever the UI shows.
        self.language = relative.language.value
        self.setObjectName("check_in_dialog")
        self.setWindowTitle(_("How are you doing?"))  # never a name in a title
        self.setModal(True)
        self._base_font = self.font()

        # -- the advisor's panel: hidden in the relative's view
        self.advisor_panel = QWidget()
        self.advisor_panel.setObjectName("advisor_panel")
        heading = QLabel(_("Check-in with {name}").format(name=relative.name))
        heading.setObjectName("check_in_with")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.instrument_combo = QComboBox()
        for instrument in choice.instruments:
            self.instrument_combo.addItem(instrument.name_in(self.language), instrument.id)
        self.mode = enum_combo(list(CheckInMode), CheckInMode.INTERVIEW)
        self.taken_at = QDateTimeEdit(QDateTime.currentDateTime())
        self.taken_at.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.taken_at.setCalendarPopup(True)
        self.relative_view_button = QPushButton(_("Relative's view (F11)"))
        self.relative_view_button.setObjectName("relative_view_button")
        self.relative_view_button.setAutoDefault(False)
        panel_form = QFormLayout()
        add_row(panel_form, _("&Instrument"), self.instrument_combo, "instrument")
        add_row(panel_form, _("&Given as"), self.mode, "mode")
        add_row(panel_form, _("&Time"), self.taken_at, "taken_at")
        panel_layout = QVBoxLayout(self.advisor_panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.addWidget(heading)
        if choice.is_child:
            child_note = QLabel(_("A child relative: the check-in written for children."))
            child_note.setObjectName("child_note")
            panel_layout.addWidget(child_note)
        panel_layout.addLayout(panel_form)
        panel_layout.addWidget(self.relative_view_button)

        # -- the questions
        self.banner = ErrorBanner(self)
        self.questions = QWidget()
        self.questions.setObjectName("questions")
        self.questions_layout = QVBoxLayout(self.questions)
        self.main_form: InstrumentForm | None = None
        self.own_life_form: InstrumentForm | None = None
        if choice.own_life is not None:
            self.own_life_form = InstrumentForm(choice.own_life, self.language, optional=True)
        # Not ``scroll``: that is QWidget's method.
        self.questions_area = QScrollArea()
        self.questions_area.setWidgetResizable(True)
        self.questions_area.setWidget(self.questions)
        self.thanks = QLabel(
            catalog(self.language).gettext(
                N_("Thank you. Please give the screen back to the advisor.")
            )
        )
        self.thanks.setObjectName("thanks")
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setWordWrap(True)
        self.thanks.hide()

        # -- the result, for the advisor
        self.result_box = QGroupBox(_("Result"))
        self.result_box.setObjectName("result_box")
        self.result_layout = QVBoxLayout(self.result_box)
        self.result_label = QLabel()
        self.result_label.setObjectName("result_score")
        self.result_label.setWordWrap(True)
        self.result_layout.addWidget(self.result_label)
        self.prompts_label = QLabel()
        self.prompts_label.setObjectName("result_prompts")
        self.prompts_label.setWordWrap(True)
        self.prompts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_layout.addWidget(self.prompts_label)
        self.step_checks: list[tuple[QCheckBox, str]] = []
        self.steps_layout = QVBoxLayout()
        self.result_layout.addLayout(self.steps_layout)
        self.step_due = date_edit(date.today() + timedelta(days=DEFAULT_STEP_DAYS))
        steps_form = QFormLayout()
        add_row(steps_form, _("Follow-ups &due"), self.step_due, "step_due")
        self.result_layout.addLayout(steps_form)
        self.create_steps_button = QPushButton(_("&Create follow-ups"))
        self.create_steps_button.setObjectName("create_follow_ups")
        self.create_steps_button.setAutoDefault(False)
        self.result_layout.addWidget(self.create_steps_button)
        self.result_box.hide()

        # -- buttons
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save check-in"))
        self.save_button.setObjectName("save_check_in")
        self.save_button.setToolTip(_("Ctrl+Return"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        # Drafts (kladder): autosaved while answering, offered back after a crash. The bar
        # sits in the advisor's panel: the relative's view never shows it.
        self.draft_bar = DraftBar(self.advisor_panel)
        panel_layout.insertWidget(1, self.draft_bar)
        self.drafts = DraftKeeper(
            self,
            self.draft_bar,
            services.draft_store(actor),
            self._capture_draft,
            self.restore_draft,
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.advisor_panel)
        layout.addWidget(self.banner)
        layout.addWidget(self.questions_area, 1)
        layout.addWidget(self.thanks, 1)
        layout.addWidget(self.result_box)
        layout.addWidget(self.buttons)
        self._guard = SaveGuard(self, self.save_button, self.cancel_button, keep=[self.banner])

        self.instrument_combo.currentIndexChanged.connect(self._on_instrument_combo_changed)
        self.relative_view_button.clicked.connect(self.toggle_relative_view)
        self.create_steps_button.clicked.connect(self._on_create_steps_clicked)
        shortcut = QShortcut(QKeySequence(RELATIVE_VIEW_KEY), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.toggle_relative_view)
        self._build_questions()
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)
        self.resize(860, 760)

    # ---- the questions -----------------------------------------------------------------
    def instrument(self) -> Instrument:
        wanted = self.instrument_combo.currentData()
        return next(i for i in self._choice.instruments if i.id == wanted)

    def _build_questions(self) -> None:
        if self.main_form is not None:
            self.questions_layout.removeWidget(self.main_form)
            self.main_form.deleteLater()
        if self.own_life_form is not None:
            self.questions_layout.removeWidget(self.own_life_form)
        self.main_form = InstrumentForm(self.instrument(), self.language)
        self.questions_layout.addWidget(self.main_form)
        if self.own_life_form is not None:
            self.questions_layout.addWidget(self.own_life_form)
            # The own-life questions go with an adult instrument, never the children's.
            self.own_life_form.setVisible(self.instrument().audience != "child")
        self.questions_layout.addStretch(1)
        for child in self.main_form.findChildren(QWidget):
            child.installEventFilter(self)

    def _on_instrument_combo_changed(self, _index: int) -> None:
        if self.main_form is not None and self.main_form.has_content():
            self.banner.show_error(
                ValidationError(N_("The answers were cleared: another instrument was chosen.")),
                {},
            )
        while self.questions_layout.count():
            self.questions_layout.takeAt(0)
        self._build_questions()

    # ---- the relative's view -----------------------------------------------------------
    def toggle_relative_view(self) -> None:
        self.set_relative_view(not self.relative_view)

    def set_relative_view(self, on: bool) -> None:
        """Large font, full screen, questions only; the mode follows (self-completed)."""
        if on == self.relative_view:
            return
        self.relative_view = on
        self.advisor_panel.setVisible(not on)
        if on:
            # The mode follows who answers: self-completed, unless the relative answers
            # nothing before the screen comes back (then the advisor's choice stands).
            self._mode_before = self.mode.currentIndex()
            self._answers_before = self._answers()
            self.mode.setCurrentIndex(self.mode.findData(CheckInMode.SELF_COMPLETED))
            font = self.font()
            font.setPointSizeF(self._base_font.pointSizeF() * RELATIVE_VIEW_FONT_SCALE)
            self.setFont(font)
            self.banner.clear()  # the advisor's message is not the relative's to read
            self._scale_indicators(True)
            self.result_box.hide()
            self.showFullScreen()
        else:
            if self.saved_result is None and self._answers() == self._answers_before:
                self.mode.setCurrentIndex(self._mode_before)
            self.setFont(self._base_font)
            self._scale_indicators(False)
            self.result_box.setVisible(self.saved_result is not None)
            self.thanks.hide()
            self.questions_area.show()
            self.showNormal()
        self.cancel_button.setVisible(not on)
        # What the relative reads is in the relative's language, whatever the UI shows.
        self.save_button.setText(
            catalog(self.language).gettext(N_("Save check-in")) if on else _("Save check-in")
        )
        first = self.main_form.first_buttons if self.main_form else []
        if on and first and self.saved_result is None:
            first[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _answers(self) -> tuple[object, ...]:
        forms = [f for f in (self.main_form, self.own_life_form) if f is not None]
        return tuple((f.values(), f.texts()) for f in forms)

    def visible_texts(self) -> list[str]:
        """Every text a person looking at the dialog can see now (for tests and checks)."""
        found: list[str] = [self.windowTitle()]
        for widget in self.findChildren(QWidget):
            if not widget.isVisibleTo(self):
                continue
            for attribute in ("text", "title", "currentText", "toPlainText"):
                getter = getattr(widget, attribute, None)
                if callable(getter):
                    value = getter()
                    if isinstance(value, str) and value:
                        found.append(value)
        return found

    # ---- drafts ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.drafts.start(self.draft_subject(), self._relative.name, self.draft_version())

    def hideEvent(self, event: QHideEvent) -> None:
        self.drafts.keep()  # closed some other way than a save or a discard
        super().hideEvent(event)

    def draft_subject(self) -> DraftSubject:
        return DraftSubject(DraftKind.CHECK_IN, self._relative.id)

    def draft_version(self) -> int | None:
        return None

    def draft_reason(self) -> str:
        return ""

    def _capture_draft(self) -> tuple[DraftContent, str] | None:
        if not self.has_unsaved_answers():
            return None
        return self.draft_content(), self.draft_reason()

    def draft_content(self) -> CheckInDraft:
        main, own = self.main_form, self.own_life_form
        return CheckInDraft(
            instrument_id=str(self.instrument_combo.currentData()),
            mode=str(self.mode.currentData()),
            taken_at=from_qdatetime(self.taken_at.dateTime()),
            main_values=main.values() if main is not None else (),
            main_texts=main.texts() if main is not None else (),
            own_life_values=own.values() if own is not None else (),
            own_life_texts=own.texts() if own is not None else (),
        )

    def restore_draft(self, draft: Draft) -> None:
        """Put a kept draft back: the instrument, how and when, and every answer."""
        content = draft.content
        if not isinstance(content, CheckInDraft):
            return
        index = self.instrument_combo.findData(content.instrument_id)
        if index >= 0 and index != self.instrument_combo.currentIndex():
            self.instrument_combo.setCurrentIndex(index)
        mode = self.mode.findData(content.mode)
        if mode >= 0:
            self.mode.setCurrentIndex(mode)
        self.taken_at.setDateTime(to_qdatetime(content.taken_at))
        if self.main_form is not None and index >= 0:
            _restore_form(self.main_form, content.main_values, content.main_texts)
        if self.own_life_form is not None:
            _restore_form(self.own_life_form, content.own_life_values, content.own_life_texts)

    # ---- keys --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if is_ctrl_return(event):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A bare Enter never saves half a check-in; Escape does nothing in the relative's
        view."""
        if is_bare_return(event):
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.relative_view:
            # Only F11 gives the screen back: Escape, the key a relative presses by chance,
            # must not uncover the main window with the citizen's data behind the dialog.
            event.accept()
            return
        super().keyPressEvent(event)

    # ---- saving ------------------------------------------------------------------------
    def request(self) -> CheckInInput:
        assert self.main_form is not None
        missing = self.main_form.first_unanswered()
        if missing is not None:
            self.main_form.focus_item(missing)
            raise ValidationError(
                N_("Question {position} is not answered."), field="answers", position=missing + 1
            )
        own_life = None
        if (
            self.own_life_form is not None
            and self.own_life_form.isVisibleTo(self)
            and self.own_life_form.has_content()
        ):
            own_life = InstrumentAnswers(
                self.own_life_form.instrument.id,
                self.own_life_form.values(),
                self.own_life_form.texts(),
            )
        return CheckInInput(
            relative_id=self._relative.id,
            main=InstrumentAnswers(
                self.main_form.instrument.id, self.main_form.values(), self.main_form.texts()
            ),
            own_life=own_life,
            mode=CheckInMode(self.mode.currentData()),
            language=Language(self.language),
            taken_at=from_qdatetime(self.taken_at.dateTime()),
        )

    def _scale_indicators(self, large: bool) -> None:
        """The radio buttons' circles grow with the large text (a style's indicator keeps its
        pixel size whatever the font); the questions wrap rather than run off the right."""
        side = self.fontMetrics().height()
        self.questions.setStyleSheet(
            f"QRadioButton::indicator {{ width: {side}px; height: {side}px; }}" if large else ""
        )
        for form in (self.main_form, self.own_life_form):
            if form is not None:
                form.set_one_answer_per_line(large)

    @property
    def saving(self) -> bool:
        return self._guard.saving

    def save(self) -> None:
        if self._guard.saving or self.saved_result is not None:
            return
        self.banner.clear()
        try:
            data = self.request()
        except ValidationError as error:
            self.banner.show_error(error, {})
            return
        services, actor = self._services, self._actor
        self._guard.submit(
            self._runner,
            lambda: services.check_ins.record(actor, data),
            self._on_saved,
            self._on_error,
        )

    def _on_saved(self, result: CheckInResult) -> None:
        self.saved_result = result
        self.drafts.finish()
        # What was saved stays as it was: the answers and the advisor's choices are done.
        self.advisor_panel.setEnabled(False)
        self.questions.setEnabled(False)
        self.save_button.hide()
        self.cancel_button.setText(_("Close"))
        self._show_result(result)
        if self.relative_view:
            self.questions_area.hide()
            self.thanks.show()
        else:
            self.result_box.show()
        self.check_in_saved.emit(result)

    def _show_result(self, result: CheckInResult) -> None:
        view = result.check_in
        instrument = next(i for i in self._choice.instruments if i.id == view.instrument_id)
        lines = []
        if view.score is not None:
            top = instrument.score_max if instrument.score_max is not None else ""
            lines.append(_("Score: {score} of {top}").format(score=view.score, top=top))
        if view.band:
            lines.append(band_text(view.band))
        if result.previous_score is not None and view.score is not None:
            lines.append(
                _("Last time: {score}").format(score=result.previous_score)
                + (" · " + _("a significant change") if view.change is not None else "")
            )
        if not lines:
            lines.append(_("Saved. This check-in has no score: talk about the answers."))
        lines.extend(low_answer_lines(instrument, view.answers))
        self.result_label.setText("\n".join(lines))
        self.prompts_label.setText(
            "\n".join("• " + prompt_text(p) for p in result.prompts)
            or _("Nothing calls for follow-up.")
        )
        steps = list(dict.fromkeys(code for p in result.prompts for code in p.steps))
        for code in steps:
            box = QCheckBox(_(STEP_TEXTS[code]))
            box.setObjectName(f"step_{code}")
            self.steps_layout.addWidget(box)
            self.step_checks.append((box, code))
        has_steps = bool(steps)
        self.create_steps_button.setVisible(has_steps)
        self.step_due.setVisible(has_steps)

    def _on_create_steps_clicked(self) -> None:
        if self.saved_result is None:
            return
        due = from_qdate(self.step_due.date())
        items = tuple(
            ActionInput(_(STEP_TEXTS[code]), due)
            for box, code in self.step_checks
            if box.isChecked()
        )
        check_in_id = self.saved_result.check_in.id
        services, actor = self._services, self._actor
        self.create_steps_button.setEnabled(False)
        self._runner.submit(
            lambda: services.check_ins.add_follow_ups(actor, check_in_id, items),
            self._on_follow_ups_created,
            self._on_steps_error,
            owner=self,
            on_bug=lambda: self.create_steps_button.setEnabled(True),
        )

    def _on_follow_ups_created(self, actions: object) -> None:
        for box, _code in self.step_checks:
            box.setEnabled(False)
        self.create_steps_button.setText(_("Follow-ups created"))
        self.follow_ups_created.emit(actions)

    def _on_steps_error(self, error: ServiceError) -> None:
        self.create_steps_button.setEnabled(True)
        self.banner.show_error(error, {})

    def _on_error(self, error: ServiceError) -> None:
        self.banner.show_error(
            error, {"taken_at": self.taken_at, "instrument": self.instrument_combo}
        )

    # ---- closing -----------------------------------------------------------------------
    def has_unsaved_answers(self) -> bool:
        if self.saved_result is not None:
            return False
        forms = [f for f in (self.main_form, self.own_life_form) if f is not None]
        return any(f.has_content() for f in forms)

    def reject(self) -> None:
        if self._guard.saving:  # Escape or the close button while the save runs
            return
        if self.relative_view:
            self.set_relative_view(False)
            return
        if not self.has_unsaved_answers():
            self.drafts.finish()
            super().reject()
            return

        def discard() -> None:
            self.drafts.finish()
            QDialog.reject(self)

        ask_to_discard(
            self,
            _("Discard check-in?"),
            _("The check-in is not saved. Discard the answers?"),
            discard,
        )


def _restore_form(
    form: InstrumentForm, values: tuple[int | None, ...], texts: tuple[str, ...]
) -> None:
    """A draft's answers back into a form; one of another length (the instrument's items
    changed since) is left out rather than put against the wrong questions."""
    if len(values) == len(form.groups):
        form.set_values(values)
    if len(texts) == len(form.text_edits):
        for edit, text in zip(form.text_edits, texts, strict=True):
            edit.setPlainText(text)
