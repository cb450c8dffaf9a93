"""The handout renderer's speed: a 2-page handout with every section (a QR code and the
wellbeing chart included) rendered 100 times in-process, against a plain ReportLab document
of the same size (two pages of paragraphs in the same embedded fonts) made in the same run,
interleaved so both see the same machine. Not part of the test run.

    make bench-handout            # or: .venv/bin/python benchmarks/handout.py --runs 100

Passes when the handout's median is under 50 ms and within 2x the plain document's.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from advisor_app.devtools.handout_sample import sample_handout
from advisor_app.reports.handout_pdf import HandoutRenderer, qr_modules
from advisor_app.reports.stats_pdf import FONT, register_fonts

LIMIT_MS = 50.0
LIMIT_RATIO = 2.0


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")


def plain_document(paragraphs: int) -> bytes:
    """Two pages of plain paragraphs in DejaVu Sans, embedded like the handout's."""
    style = ParagraphStyle("Body", fontName=FONT, fontSize=10.5, leading=14)
    text = escape(
        "Pårørendegruppe for demens: en gruppe for pårørende til mennesker med demens, "
        "hver anden tirsdag kl. 17-19 på Aktivitetscentret Østergade 12, 7400 Herning. "
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(  # the handout's settings: compressed pages, invariant
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        invariant=1,
        pageCompression=1,
        initialFontName=FONT,
    )
    doc.build([Paragraph(text, style) for _ in range(paragraphs)])
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    register_fonts()
    handout = sample_handout(offers=1)
    renderer = HandoutRenderer()
    pdf = renderer.render(handout)
    pages = page_count(pdf)
    paragraphs = 10
    while page_count(plain_document(paragraphs + 1)) <= pages:  # as full as two pages get
        paragraphs += 1
    plain = plain_document(paragraphs)
    print(
        f"handout: {pages} pages, {len(pdf):,} bytes (chart, QR code, every section); "
        f"plain: {page_count(plain)} pages, {paragraphs} paragraphs, {len(plain):,} bytes"
    )
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(args.runs):
        started = time.perf_counter()
        renderer.render(handout)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        plain_document(paragraphs)
        theirs.append((time.perf_counter() - started) * 1000)
    cold: list[float] = []
    for _ in range(args.runs // 4):
        qr_modules.cache_clear()  # a link never printed before: its QR code computed anew
        started = time.perf_counter()
        renderer.render(handout)
        cold.append((time.perf_counter() - started) * 1000)
    mine, base = statistics.median(ours), statistics.median(theirs)
    ratio = mine / base
    print(
        f"{args.runs} runs: handout median {mine:.1f} ms (p90 "
        f"{statistics.quantiles(ours, n=10)[-1]:.1f} ms), plain median {base:.1f} ms, "
        f"ratio {ratio:.2f}"
    )
    print(
        f"{len(cold)} runs with the QR code computed anew each time: median "
        f"{statistics.median(cold):.1f} ms"
    )
    ok = mine < LIMIT_MS and ratio <= LIMIT_RATIO
    print(f"{'PASS' if ok else 'FAIL'}: under {LIMIT_MS:.0f} ms and within {LIMIT_RATIO:.0f}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
