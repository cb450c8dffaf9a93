"""The handout renderer, on fabricated content with every section: read back with pypdf."""

from __future__ import annotations

import builtins
import dataclasses
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from handout_helpers import fonts, language, metadata, pages_text, text, tiny_png

from advisor_app.devtools.handout_sample import sample_handout, sample_offer
from advisor_app.domain.handout import (
    FollowUpItem,
    HandoutVariant,
    OfferGroup,
    from_json,
    to_json,
)
from advisor_app.reports.handout_pdf import HandoutRenderer

HOSTILE = '<img src="/etc/passwd"/> & </para> <font color="red">rød</font> <b>'


def render(**changes: Any) -> bytes:
    return HandoutRenderer().render(dataclasses.replace(sample_handout(), **changes))


def test_the_handout_reads_back_with_name_offers_follow_ups_and_danish_letters() -> None:
    handout = sample_handout(offers=4)
    found = text(HandoutRenderer().render(handout))
    assert "Søren Ærø Ågård" in found
    for group in handout.offers:
        assert group.need in found
        for offer in group.offers:
            assert offer.title in found
    for item in handout.follow_ups:
        assert item.description in found
    assert "tirsdag den 8. december 2026" in found  # the first follow-up's date, in Danish
    assert "Karen Ågård" in found and "Demens" in found
    assert "Birthe Løvgren" in found and "Dagcentret Bøgely" in found
    assert "Rådhuset, Torvet 5" in found  # the next meeting
    assert "Hanne Kjær" in found and "Ring mandag-torsdag 9-12" in found
    assert "Ældre Sagens Rådgivning" in found
    assert "FORTROLIGT" in found


def test_english_for_the_recipient_whatever_the_ui_speaks() -> None:
    found = text(HandoutRenderer().render(sample_handout(language="en")))
    assert "Dear Søren Ærø Ågård" in found
    assert "Tuesday, 8 December 2026" in found
    assert "CONFIDENTIAL" in found and "FORTROLIGT" not in found
    assert "Dementia" in found


def test_fonts_are_embedded_and_metadata_hold_no_personal_data() -> None:
    handout = sample_handout()
    pdf = HandoutRenderer().render(handout)
    used = fonts(pdf)
    assert used and all(used.values()), used
    assert not any("Helvetica" in name for name in used)
    meta = metadata(pdf)
    assert meta["/Title"] and meta["/Author"] == "Herning Kommune"
    everything = " ".join(meta.values())
    for personal in ("Søren", "Ågård", "Karen", "Birthe", "Hanne", "010145"):
        assert personal not in everything
    assert language(pdf) == "da-DK"


def test_the_same_content_gives_the_same_bytes_and_the_record_date() -> None:
    handout = sample_handout(logo=tiny_png())
    first = HandoutRenderer().render(handout)
    again = HandoutRenderer().render(from_json(to_json(handout)))
    assert first == again
    assert metadata(first)["/CreationDate"].startswith("D:20261124133000")


def test_hostile_text_shows_literally_and_opens_no_file_or_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    HandoutRenderer().render(sample_handout())  # fonts registered before the watch
    opened: list[str] = []
    real_open = builtins.open

    def watch_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def no_socket(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the renderer opened a socket")

    monkeypatch.setattr(builtins, "open", watch_open)
    monkeypatch.setattr(socket, "socket", no_socket)
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: watch_open(self, *a, **k))
    offer = dataclasses.replace(sample_offer(1), title=HOSTILE, how=HOSTILE, link=HOSTILE)
    pdf = render(
        recipient=HOSTILE,
        follow_ups=(FollowUpItem(HOSTILE, None),),
        offers=(OfferGroup(HOSTILE, (offer,)),),
        notes=(HOSTILE + "\nanden linje",),
    )
    found = text(pdf)
    assert '<img src="/etc/passwd"/>' in found
    assert '<font color="red">rød</font>' in found and "</para>" in found
    assert not any("passwd" in path for path in opened), opened


def test_a_megabyte_note_and_three_hundred_offers_paginate() -> None:
    note = ("Lang note om hverdagen med æøå. " * 40 + "\n") * 800  # about 1 MB
    assert len(note) > 1_000_000
    offers = tuple(sample_offer(n) for n in range(300))
    started = time.perf_counter()
    pdf = render(notes=(note,), offers=(OfferGroup("Mange tilbud", offers),))
    seconds = time.perf_counter() - started
    pages = pages_text(pdf)
    assert len(pages) > 150
    assert "Pårørendegruppe for demens nr. 299" in pages[-1] + pages[-2] + pages[-3]
    assert seconds < 60


def test_one_unbroken_word_of_a_megabyte_still_builds() -> None:
    pdf = render(notes=("x" * 1_000_000,))
    assert len(pages_text(pdf)) > 10


def test_easy_read_puts_one_topic_on_a_page_and_marks_only_personal_pages() -> None:
    standard = pages_text(HandoutRenderer().render(sample_handout()))
    easy = pages_text(HandoutRenderer().render(sample_handout(HandoutVariant.EASY_READ)))
    assert len(easy) > len(standard)
    help_page = next(page for page in easy if "Ældre Sagens Rådgivning" in page)
    assert "FORTROLIGT" not in help_page
    assert "FORTROLIGT" in easy[0]


def test_a_child_s_handout_names_no_illness_and_has_no_chart() -> None:
    found = text(HandoutRenderer().render(sample_handout(HandoutVariant.CHILD)))
    assert "Karen Ågård" in found
    assert "Sygdom eller tilstand" not in found and "Demens\n" not in found
    assert "WHO-5" not in found
    assert "Hej Søren Ærø Ågård!" in found


def test_the_wellbeing_chart_is_drawn_with_its_dates() -> None:
    found = text(HandoutRenderer().render(sample_handout()))
    assert "WHO-5" in found
    without = text(HandoutRenderer().render(dataclasses.replace(sample_handout(), trend=None)))
    assert "WHO-5" not in without


def test_offer_version_ids_are_part_of_the_content() -> None:
    handout = sample_handout(offers=5)
    assert handout.offer_version_ids == (1001, 1003, 1005, 1002, 1004)
    assert from_json(to_json(handout)).offer_version_ids == handout.offer_version_ids


def test_text_reads_in_order_header_mark_body_page_number() -> None:
    first = pages_text(HandoutRenderer().render(sample_handout()))[0]
    lines = [line for line in first.splitlines() if line.strip()]
    assert lines[:3] == ["Herning Kommune", "FORTROLIGT", "Kære Søren Ærø Ågård"]
    assert lines[-1] == "Side 1"
