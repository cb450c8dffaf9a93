"""The "Mentor matching" page of the main window: the optimal assignment of every relative
waiting for a mentor, computed on the task runner's worker (never on the UI thread), for the
advisor to review: untick what they do not want, then save the rest as proposed matches."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import ServiceError
from advisor_app.i18n import N_, _, ngettext
from advisor_app.services.facade import Services
from advisor_app.services.mentor_dto import AssignmentView, MatchView, ProposalView
from advisor_app.ui.table_models import Column, Index, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import table_view


class ProposalColumn(IntEnum):
    KEEP = 0
    RELATIVE = 1
    MENTOR = 2
    SCORE = 3


class ProposalsModel(RowsModel[ProposalView]):
    """The proposals with a check box each: ticked ones are saved."""

    COLUMNS = (
        Column[ProposalView](N_("Keep"), lambda p: ""),
        Column[ProposalView](N_("Relative"), lambda p: p.mentee_name),
        Column[ProposalView](N_("Mentor"), lambda p: p.mentor_name),
        Column[ProposalView](N_("Score"), lambda p: f"{p.score:.1f}", lambda p: p.score),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.dropped: set[int] = set()  # mentee ids the advisor unticked

    def set_rows(self, rows: Any) -> None:
        self.dropped = set()
        super().set_rows(rows)

    def kept(self) -> tuple[ProposalView, ...]:
        return tuple(p for p in self.rows() if p.mentee_id not in self.dropped)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == ProposalColumn.KEEP:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.CheckStateRole
            and index.isValid()
            and index.column() == ProposalColumn.KEEP
            and 0 <= index.row() < len(self.rows())
        ):
            dropped = self.row_at(index.row()).mentee_id in self.dropped
            return Qt.CheckState.Unchecked if dropped else Qt.CheckState.Checked
        return super().data(index, role)

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != ProposalColumn.KEEP:
            return False
        mentee = self.row_at(index.row()).mentee_id
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        if checked:
            self.dropped.discard(mentee)
        else:
            self.dropped.add(mentee)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class MentorMatchingPage(QWidget):
    assignment_loaded = Signal(object)  # AssignmentView
    proposals_saved = Signal(object)  # tuple[MatchView, ...]

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services, self._runner, self._actor = services, runner, actor
        self.assignment: AssignmentView | None = None
        self.run_button = QPushButton(_("&Match everyone waiting"))
        self.run_button.setObjectName("run_assignment")
        self.save_button = QPushButton(_("&Save the ticked proposals"))
        self.save_button.setObjectName("save_proposals")
        self.save_button.setEnabled(False)
        self.summary = QLabel(
            _(
                "Finds the best mentor for every relative waiting for one. Nothing is saved "
                "until you have reviewed the proposals."
            )
        )
        self.summary.setObjectName("assignment_summary")
        self.summary.setWordWrap(True)
        self.unassigned = QLabel()
        self.unassigned.setObjectName("unassigned")
        self.unassigned.setWordWrap(True)
        self.model = ProposalsModel(self)
        self.view = table_view(self.model, "proposals", _("Proposed matches"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.unassigned)
        self.run_button.clicked.connect(self.run_assignment)
        self.save_button.clicked.connect(self._on_save_button_clicked)

    def run_assignment(self) -> None:
        """On the worker: the UI stays responsive while the solver runs."""
        self.run_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.summary.setText(_("Matching..."))
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.mentors.assign_all(actor),
            self._show,
            self._show_error,
            owner=self,
            on_bug=lambda: self.run_button.setEnabled(True),
        )

    def _show(self, found: AssignmentView) -> None:
        self.assignment = found
        self.model.set_rows(found.proposals)
        self.run_button.setEnabled(True)
        self.save_button.setEnabled(bool(found.proposals))
        waiting = len(found.proposals) + len(found.unassigned)
        self.summary.setText(
            ngettext(
                "{n} relative waiting; {k} proposals, {total} points in all (one at a time, "
                "best first, would give {greedy}). Found in {ms} ms. Untick what you do not "
                "want, then save.",
                "{n} relatives waiting; {k} proposals, {total} points in all (one at a time, "
                "best first, would give {greedy}). Found in {ms} ms. Untick what you do not "
                "want, then save.",
                waiting,
            ).format(
                n=waiting,
                k=len(found.proposals),
                total=f"{found.total:.1f}",
                greedy=f"{found.greedy_total:.1f}",
                ms=f"{found.seconds * 1000:.0f}",
            )
        )
        names = ", ".join(name for _rid, name in found.unassigned[:20])
        self.unassigned.setText(
            _("No mentor fits the rules for: {names}").format(names=names)
            if found.unassigned
            else ""
        )
        self.assignment_loaded.emit(found)

    def _on_save_button_clicked(self) -> None:
        pairs = tuple((p.mentee_id, p.mentor_id) for p in self.model.kept())
        if not pairs:
            return
        self.save_button.setEnabled(False)
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.mentors.save_proposals(actor, pairs),
            self._saved,
            self._show_error,
            owner=self,
        )

    def _saved(self, matches: tuple[MatchView, ...]) -> None:
        self.model.set_rows(())
        self.summary.setText(
            ngettext("{n} match proposed.", "{n} matches proposed.", len(matches)).format(
                n=len(matches)
            )
        )
        self.proposals_saved.emit(matches)

    def _show_error(self, error: ServiceError) -> None:
        self.run_button.setEnabled(True)
        self.save_button.setEnabled(bool(self.model.rows()))
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Not saved"),
            error.translated(_),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("error_box")
        box.open()
