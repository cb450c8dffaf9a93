"""The administrator sets the municipality's name, contact line and logo in the admin window;
a bad logo is refused with a message and nothing is saved."""

from __future__ import annotations

from handout_helpers import tiny_png
from PySide6.QtCore import Qt

from advisor_app.domain.enums import Role
from advisor_app.domain.settings import HANDOUT_CONTACT_LINE, MUNICIPALITY_NAME
from advisor_app.ui.app import Session

PASSWORD = "et langt og hemmeligt kodeord"


def test_the_admin_sets_name_contact_and_logo(qtbot, services, runner, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    services.accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    anne = services.accounts.sign_in("anne", PASSWORD)
    assert anne.role is Role.ADMIN
    session = Session(services, anne, runner)
    window = session.show()
    qtbot.addWidget(window)
    try:
        window.tabs.setCurrentWidget(window.settings_page)
        page = window.settings_page
        qtbot.waitUntil(lambda: page.current is not None, timeout=10_000)
        name = page.fields[MUNICIPALITY_NAME]
        qtbot.keyClicks(name, "Herning Kommune")
        qtbot.keyClicks(page.fields[HANDOUT_CONTACT_LINE], "Ring hverdage 9-12")

        bad = tmp_path / "logo.png"
        bad.write_bytes(b"GIF89a, not a logo")
        monkeypatch.setattr(page, "ask_logo_path", lambda: str(bad))
        qtbot.mouseClick(page.choose_logo_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.banner.isVisible(), timeout=10_000)
        assert "PNG" in page.banner.text()
        assert name.text() == "Herning Kommune"  # the form keeps what was typed
        assert services.settings.current(anne).municipality == ""  # nothing saved half

        good = tmp_path / "logo-good.png"
        good.write_bytes(tiny_png(40, 20))
        monkeypatch.setattr(page, "ask_logo_path", lambda: str(good))
        qtbot.mouseClick(page.choose_logo_button, Qt.MouseButton.LeftButton)
        assert not page.logo_preview.pixmap().isNull()
        with qtbot.waitSignal(page.settings_saved, timeout=10_000) as saved:
            qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        settings = saved.args[0]
        assert settings.municipality == "Herning Kommune"
        assert settings.contact_line == "Ring hverdage 9-12"
        assert settings.logo == tiny_png(40, 20)
        assert not page.banner.isVisible()
        runner.wait_idle()
    finally:
        session.idle_lock.stop()
