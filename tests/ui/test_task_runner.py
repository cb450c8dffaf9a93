"""The task runner's contract with the UI thread, beyond what the forms' tests show."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt


def test_the_worker_never_drops_the_last_reference_to_a_task_owner(qtbot, runner):  # type: ignore[no-untyped-def]
    """A dialog without a parent lives as long as Python refers to it. The worker once kept
    the task's owner and callbacks until its job was over; when the UI thread had let go
    first (the test returned, the window went), the worker dropped the last reference and
    Qt deleted the dialog on the worker thread: the segfault after test_session_dialog.py.
    Here the worker is held right after it has sent the result, while the UI thread takes
    the result and lets go of the owner: the owner must be deleted then, on the UI thread."""
    ui_thread = threading.get_ident()
    deleted_on: list[int] = []
    owner = QObject()
    owner.destroyed.connect(
        lambda *_args: deleted_on.append(threading.get_ident()),
        Qt.ConnectionType.DirectConnection,
    )
    release = threading.Event()
    # Runs on the worker, inside its emit of the result (the runner's own slot is queued).
    runner._finished.connect(lambda *_args: release.wait(10), Qt.ConnectionType.DirectConnection)
    results: list[int] = []
    try:
        runner.submit(lambda: 42, lambda value, o=owner: results.append(value), owner=owner)
        qtbot.waitUntil(lambda: results == [42], timeout=10_000)
        del owner  # the UI thread's last reference
        assert deleted_on == [ui_thread]
    finally:
        release.set()
    assert runner.wait_idle()
    assert deleted_on == [ui_thread]
