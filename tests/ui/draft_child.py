"""A real program process for tests/ui/test_drafts.py: opens the session dialog offscreen on a
database and either types a note and waits to be killed (``type``), or reports what the
dialog offers and restores (``reopen``). One JSON line on stdout per step."""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from advisor_app import i18n
from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.enums import Purpose, Role
from advisor_app.services.facade import open_services
from advisor_app.ui.session_dialog import SessionDialog
from advisor_app.ui.task_runner import TaskRunner


def say(**what: object) -> None:
    print(json.dumps(what, ensure_ascii=False), flush=True)


def main(url: str, advisor_id: int, username: str, relative_id: int, step: str, note: str) -> int:
    app = QApplication([])
    i18n.set_language("da")
    services, _backup = open_services(url)
    actor = Actor(AdvisorId(advisor_id), username, Role.ADVISOR, Purpose.ADVISORY, username)
    runner = TaskRunner()
    detail = services.relatives.get(actor, relative_id)
    dialog = SessionDialog(services, runner, actor, detail, services.reference.topics(actor))
    dialog.show()
    app.processEvents()
    if step == "type":
        dialog.notes.setFocus()
        QTest.keyClicks(dialog.notes, note)
        # Tell the parent once the autosave has kept it; then wait to be killed.
        dialog.drafts.draft_saved.connect(lambda: say(autosaved=dialog.notes.toPlainText()))
        return int(app.exec())
    offer = dialog.drafts.current_offer
    shown = dialog.draft_bar.offer_label.text() if dialog.draft_bar.isVisible() else None
    if offer is not None:
        dialog.draft_bar.restore_button.click()
    dialog.drafts.finish()  # as a completed save would: nothing of this process is left
    say(offered=shown, restored=dialog.notes.toPlainText())
    # Out at once: the dialog's settings call may still be on the runner's thread.
    os._exit(0)


if __name__ == "__main__":
    url, advisor, user, relative, step, note = sys.argv[1:7]
    sys.exit(main(url, int(advisor), user, int(relative), step, note))
