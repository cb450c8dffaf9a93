"""The drafts in a dialog: every few seconds (when something changed) and on every close that
is not a completed save, what is typed goes to the user's draft store (services/drafts.py);
a dialog opened for the same relative after a crash offers the draft back in a bar at its
top ("Du har en ikke-gemt samtale fra 14:32 med ... Gendan / Kassér").

Each dialog writes its own draft file, so the dialog that offers an old draft never
overwrites it before the advisor has chosen: ignoring the offer loses neither.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from advisor_app.domain.drafts import Draft, DraftContent, DraftKind, DraftSubject
from advisor_app.i18n import _, format_datetime
from advisor_app.services.drafts import DraftStore, new_draft_id

log = logging.getLogger(__name__)

AUTOSAVE_MS = 3000


def saved_when(saved_at: datetime, now: datetime | None = None) -> str:
    """14:32 for today, else the date too."""
    local = saved_at.astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else format_datetime(saved_at)


def offer_text(draft: Draft) -> str:
    when = saved_when(draft.saved_at)
    subject = draft.subject
    if subject.editing_id is not None:
        if subject.kind is DraftKind.SESSION:
            return _("You have an unsaved correction of this session from {time}.").format(
                time=when
            )
        return _("You have an unsaved correction of this check-in from {time}.").format(time=when)
    if subject.kind is DraftKind.CHECK_IN:
        return _("You have an unsaved check-in from {time} with {name}.").format(
            time=when, name=draft.label
        )
    if subject.relative_id is None:
        return _("You have an unsaved anonymous session from {time}.").format(time=when)
    return _("You have an unsaved session from {time} with {name}.").format(
        time=when, name=draft.label
    )


class DraftBar(QFrame):
    """The offer of a draft (Restore / Discard) and, when a draft cannot be written, why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draft_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.offer = QWidget(self)
        self.offer_label = QLabel(self.offer)
        self.offer_label.setObjectName("draft_offer")
        self.offer_label.setTextFormat(Qt.TextFormat.PlainText)
        self.offer_label.setWordWrap(True)
        self.restore_button = QPushButton(_("Restore"), self.offer)
        self.restore_button.setObjectName("draft_restore")
        self.restore_button.setAutoDefault(False)
        self.discard_button = QPushButton(_("Disc&ard draft"), self.offer)
        self.discard_button.setObjectName("draft_discard")
        self.discard_button.setAutoDefault(False)
        row = QHBoxLayout(self.offer)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.offer_label, 1)
        row.addWidget(self.restore_button)
        row.addWidget(self.discard_button)
        self.problem = QLabel(self)
        self.problem.setObjectName("draft_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.offer)
        layout.addWidget(self.problem)
        self.offer.hide()
        self.problem.hide()
        self.hide()

    def _update_visible(self) -> None:
        self.setVisible(not self.offer.isHidden() or not self.problem.isHidden())

    def show_offer(self, text: str | None) -> None:
        self.offer_label.setText(text or "")
        self.offer.setVisible(text is not None)
        self._update_visible()

    def show_problem(self, text: str | None) -> None:
        self.problem.setText(text or "")
        self.problem.setVisible(text is not None)
        self._update_visible()


Capture = Callable[[], tuple[DraftContent, str] | None]


class DraftKeeper(QObject):
    """Autosave of one dialog and the offer of earlier drafts of the same subject.

    ``capture()`` gives the form's content and a correction's reason, or None when nothing
    worth keeping is typed; ``restore(draft)`` puts a draft back into the form."""

    draft_saved = Signal()
    draft_restored = Signal()

    def __init__(
        self,
        dialog: QWidget,
        bar: DraftBar,
        store: DraftStore | None,
        capture: Capture,
        restore: Callable[[Draft], None],
        *,
        interval_ms: int | None = None,
    ) -> None:
        super().__init__(dialog)
        self._bar = bar
        self.store = store
        self._capture = capture
        self._restore = restore
        self.draft_id = new_draft_id()
        self.subject: DraftSubject | None = None
        self._label = ""
        self._version: int | None = None
        self._last: tuple[DraftContent, str] | None = None
        self._written: Draft | None = None
        self.finished = False
        self.offered: list[Draft] = []
        self._timer = QTimer(self)
        self._timer.setInterval(AUTOSAVE_MS if interval_ms is None else interval_ms)
        self._timer.timeout.connect(self.autosave)
        bar.restore_button.clicked.connect(self._on_restore_clicked)
        bar.discard_button.clicked.connect(self._on_discard_clicked)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_about_to_quit)

    # ---- the subject and the offer -----------------------------------------------------
    def start(self, subject: DraftSubject, label: str, editing_version: int | None = None) -> None:
        """Begin autosaving and offer the drafts already kept for ``subject`` (once)."""
        if self.subject is not None or self.finished:
            return
        self.subject = subject
        self._label = label
        self._version = editing_version
        if self.store is None:
            return
        try:
            self.store.clean_temporary()
            self.offered = [d for d in self.store.drafts(subject) if d.draft_id != self.draft_id]
        except OSError as exc:
            log.warning("drafts not read: %s", type(exc).__name__)
            self.offered = []
        self._show_next_offer()
        self._timer.start()

    @property
    def current_offer(self) -> Draft | None:
        return self.offered[0] if self.offered else None

    def _show_next_offer(self) -> None:
        offer = self.current_offer
        self._bar.show_offer(None if offer is None else offer_text(offer))

    def _on_restore_clicked(self) -> None:
        offer = self.current_offer
        if offer is None or self.store is None:
            return
        self._restore(offer)
        # The restored work is this dialog's now: kept in its own file before the old one goes.
        if self.autosave(force=True):
            self._discard_quietly(offer)
        self.offered.pop(0)
        self._show_next_offer()
        self.draft_restored.emit()

    def _on_discard_clicked(self) -> None:
        offer = self.current_offer
        if offer is None:
            return
        self._discard_quietly(offer)
        self.offered.pop(0)
        self._show_next_offer()

    def _discard_quietly(self, draft: Draft) -> None:
        if self.store is None:
            return
        try:
            self.store.discard(draft)
        except OSError as exc:
            log.warning("draft not removed: %s", type(exc).__name__)

    # ---- autosave ------------------------------------------------------------------------
    def autosave(self, force: bool = False) -> bool:
        """Keep what is typed if it changed since the last draft; True when the draft on
        disk is the form's content now."""
        if self.store is None or self.subject is None or self.finished:
            return False
        captured = self._capture()
        if captured is None:
            # Nothing typed (or all of it taken back): no draft of this dialog is needed.
            if self._written is not None:
                self._discard_quietly(self._written)
                self._written = None
            self._last = None
            return True
        if captured == self._last and not force:
            return True
        content, reason = captured
        draft = Draft(
            subject=self.subject,
            draft_id=self.draft_id,
            saved_at=datetime.now(UTC),
            label=self._label,
            content=content,
            reason=reason,
            editing_version=self._version,
        )
        try:
            self.store.save(draft)
        except OSError as exc:
            log.warning("draft not saved: %s", type(exc).__name__)
            self._bar.show_problem(
                _(
                    "What you type cannot be kept as a draft on this computer (the disk may "
                    "be full or read-only). Save as soon as you can."
                )
            )
            return False
        self._bar.show_problem(None)
        self._last = captured
        self._written = draft
        self.draft_saved.emit()
        return True

    def keep(self) -> None:
        """A close (or hide) that is not a completed save: keep what is typed now."""
        if not self.finished:
            self.autosave()

    def finish(self) -> None:
        """The work was saved, or thrown away on purpose: this dialog's draft goes."""
        self._timer.stop()
        self.finished = True
        if self._written is not None:
            self._discard_quietly(self._written)
            self._written = None

    def _on_about_to_quit(self) -> None:
        self.keep()
