"""The handout a relative takes home from a meeting, as a PDF (ReportLab platypus).

``HandoutRenderer().render(handout) -> bytes``: plain data in (domain/handout.py), bytes out,
no Qt, no database. In the recipient's language (``catalog(handout.language)``), whatever
the UI speaks, with dates written out in that language (Babel).

- Variants: standard; easy-read (larger type, short sentences, one topic a page); child (own
  wording, no third-party health details and no chart).
- Every user text reaches a ``Paragraph`` through ``escape`` (ReportLab reads tags in it: an
  ``<img src=...>`` would open a file), long texts in chunks so a 1 MB note paginates in
  linear time.
- A page that holds personal data is marked "FORTROLIGT"/"CONFIDENTIAL": the flowables of a
  personal section set a flag the page's end callback reads; the general pages (where to
  turn, the advisor's contact) carry no mark.
- DejaVu Sans embedded; title (no name), language, author (the municipality) set; the
  creation date is the handout's own ``made_at`` and ``invariant`` fixes the document id, so
  the same record renders to the same bytes.
- QR codes for links (ReportLab's barcode module); the wellbeing trend as a line chart
  (ReportLab's graphics).
"""

from __future__ import annotations

import io
import time as _time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from advisor_app.domain.handout import (
    Handout,
    HandoutVariant,
    OfferItem,
    ReliefItem,
    WellbeingTrend,
)
from advisor_app.i18n import N_, catalog, locale_of
from advisor_app.reports.stats_pdf import FONT, FONT_BOLD, PDF_LANGUAGES, register_fonts

CREATOR = "advisor_app"
LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")

# Layout, in millimetres.
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 30 * mm
MARGIN_BOTTOM = 18 * mm
HEADER_Y = PAGE_HEIGHT - 16 * mm
HEADER_RULE_Y = PAGE_HEIGHT - 22 * mm
FOOTER_Y = 10 * mm
LOGO_HEIGHT = 12 * mm
LOGO_MAX_WIDTH = 40 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
QR_SIZE = 24 * mm
QR_MAX_LINK = 400  # longer links are printed but get no code
CHUNK = 2000  # characters of user text a paragraph at most
CHART_HEIGHT = 70 * mm

ACCENT = colors.HexColor("#2F6B9A")
CHILD_ACCENT = colors.HexColor("#D9822B")
MUTED = colors.HexColor("#6B6B6B")
LIGHT = colors.HexColor("#EEF3F8")
GRID = colors.HexColor("#D5DDE5")
CONFIDENTIAL_RED = colors.HexColor("#B22222")

TITLE = N_("Information for relatives")
CONFIDENTIAL = N_("CONFIDENTIAL")
PAGE = N_("Page {page}")

# Wording per variant: (standard, easy-read, child). English source strings.
WORDS: dict[str, tuple[str, str, str]] = {
    "greeting": (N_("Dear {name}"), N_("Hello {name}"), N_("Hi {name}!")),
    "intro": (
        N_(
            "Here is what we talked about at our meeting on {date}: what we agreed, the "
            "offers chosen for you and where you can turn for help."
        ),
        N_("We met on {date}. This paper is for you. Keep it."),
        N_(
            "We talked together on {date}. Here you can read what we talked about and who "
            "you can talk to."
        ),
    ),
    "citizen": (
        N_("The person you care for"),
        N_("The person you help"),
        N_("The person you live with or care about"),
    ),
    "follow_ups": (N_("What we agreed"), N_("What we agreed"), N_("What we agreed to do")),
    "meeting": (N_("Our next meeting"), N_("Next time we meet"), N_("When we meet again")),
    "offers": (
        N_("Offers chosen for you"),
        N_("Help you can get"),
        N_("Things you can join"),
    ),
    "relief": (
        N_("Your relief in the coming weeks"),
        N_("When you get a break"),
        N_("When someone else helps at home"),
    ),
    "mentor": (N_("Your mentor"), N_("Your mentor"), N_("Someone who knows how it feels")),
    "advisor": (N_("Your advisor"), N_("Call me"), N_("You can always talk to me")),
    "help": (N_("Where to turn"), N_("Where to get help"), N_("Grown-ups you can talk to")),
    "trend": (N_("How you have been"), N_("How you have been"), N_("How you have been")),
}

FIVE_ANSWERS = (
    ("what", N_("What")),
    ("who", N_("Who")),
    ("where", N_("Where")),
    ("when", N_("When")),
    ("how", N_("How")),
)


def _variant_index(variant: HandoutVariant) -> int:
    return {HandoutVariant.STANDARD: 0, HandoutVariant.EASY_READ: 1, HandoutVariant.CHILD: 2}[
        variant
    ]


def user_text(text: str) -> Iterator[str]:
    """User text as ReportLab mini-markup, escaped, in chunks of at most ``CHUNK`` characters
    (at a line or a space where there is one), line breaks kept."""
    for line in text.splitlines() or [""]:
        while len(line) > CHUNK:
            cut = line.rfind(" ", 0, CHUNK)
            cut = cut if cut > CHUNK // 2 else CHUNK
            yield escape(line[:cut])
            line = line[cut:].lstrip(" ")
        yield escape(line)


class _Personal(Flowable):
    """Marks the page it lands on as holding personal data (drawn as nothing)."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return (0, 0)

    def draw(self) -> None:
        self.canv._handout_personal = True  # type: ignore[attr-defined]


@lru_cache(maxsize=1024)
def qr_modules(link: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of ``link`` (level M, the mask with the lowest penalty, as ISO 18004 has
    it) as rows of dark modules. Choosing the mask is 80% of the work and the same offer's
    link comes back on handout after handout: kept per link."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(link)
    code.make()
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


class _Qr(Flowable):
    """A QR code (ReportLab's encoder) drawn as one filled path: one PDF operator per run
    of dark modules instead of a rectangle object each."""

    border = 2

    def __init__(self, link: str) -> None:
        super().__init__()
        self.modules = qr_modules(link)
        self.width = self.height = QR_SIZE

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return (self.width, self.height)

    def draw(self) -> None:
        count = len(self.modules)
        size = self.width / (count + 2 * self.border)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            y = self.height - (r + self.border + 1) * size
            c = 0
            while c < count:
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect((start + self.border) * size, y, (c - start) * size, size * 1.02)
        self.canv.drawPath(path, stroke=0, fill=1)


class _FixedStamp:
    """ReportLab's timestamp, fixed at the handout's ``made_at`` (UTC)."""

    def __init__(self, when: datetime) -> None:
        utc = when.astimezone(UTC)
        self.t = utc.timestamp()
        self.lt = _time.gmtime(int(self.t))
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = 0
        self.dmm = 0
        self.tzname = "UTC"


def _styles(variant: HandoutVariant) -> dict[str, ParagraphStyle]:
    size = {HandoutVariant.STANDARD: 10.5, HandoutVariant.EASY_READ: 15.0}.get(variant, 13.0)
    accent = CHILD_ACCENT if variant is HandoutVariant.CHILD else ACCENT
    body = ParagraphStyle(
        "Body",
        fontName=FONT,
        bulletFontName=FONT,
        fontSize=size,
        leading=size * 1.35,
        spaceAfter=size * 0.4,
    )
    return {
        "Body": body,
        "Title": ParagraphStyle(
            "Title",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size * 2,
            leading=size * 2.4,
            textColor=accent,
            spaceAfter=size * 0.6,
        ),
        "Heading": ParagraphStyle(
            "Heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size * 1.4,
            leading=size * 1.8,
            textColor=accent,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.4,
            keepWithNext=True,
        ),
        "Subheading": ParagraphStyle(
            "Subheading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=size * 1.15,
            leading=size * 1.5,
            spaceBefore=size * 0.5,
            keepWithNext=True,
        ),
        "Bullet": ParagraphStyle(
            "Bullet", parent=body, leftIndent=size * 1.3, bulletIndent=size * 0.2
        ),
        "Cell": ParagraphStyle("Cell", parent=body, spaceAfter=0),
        "Label": ParagraphStyle("Label", parent=body, fontName=FONT_BOLD, spaceAfter=0),
        "Note": ParagraphStyle(
            "Note", parent=body, fontSize=size * 0.8, leading=size, textColor=MUTED
        ),
    }


class HandoutRenderer:
    """One handout, rendered to PDF bytes."""

    def render(self, handout: Handout) -> bytes:
        register_fonts()
        return _Build(handout).pdf()


class _Build:
    def __init__(self, handout: Handout) -> None:
        self.h = handout
        self.lang = handout.language
        self.gettext = catalog(handout.language).gettext
        self.locale = locale_of(handout.language)
        self.variant = handout.variant
        self.index = _variant_index(handout.variant)
        self.styles = _styles(handout.variant)
        self.logo = ImageReader(io.BytesIO(handout.logo)) if handout.logo else None

    # ---- words ------------------------------------------------------------------------
    def t(self, message: str, **params: object) -> str:
        text = self.gettext(message)
        return text.format(**params) if params else text

    def words(self, key: str, **params: object) -> str:
        return self.t(WORDS[key][self.index], **params)

    def day(self, value: date) -> str:
        return babel_date(value, format="full", locale=self.locale)

    def short_day(self, value: date) -> str:
        """A day of the coming weeks: "torsdag 26. november", "Thursday 26 November"."""
        pattern = "EEEE d. MMMM" if self.lang == "da" else "EEEE d MMMM"
        return babel_date(value, format=pattern, locale=self.locale)

    def clock(self, value: time) -> str:
        return babel_time(value, format="HH:mm", locale=self.locale)

    def local(self, value: datetime) -> datetime:
        return value.astimezone(LOCAL_ZONE)

    # ---- the document -----------------------------------------------------------------
    def pdf(self) -> bytes:
        buffer = io.BytesIO()
        title = f"{self.t(TITLE)} · {self.h.municipality}" if self.h.municipality else self.t(TITLE)
        doc = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            subject="",
            author=self.h.municipality,
            creator=CREATOR,
            producer=CREATOR,
            keywords=[],
            lang=PDF_LANGUAGES.get(self.lang, self.lang),
            invariant=1,
            pageCompression=1,
            initialFontName=FONT,
        )
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates(
            [
                PageTemplate(
                    id="handout", frames=[frame], onPage=self._header, onPageEnd=self._page_end
                )
            ]
        )
        stamp = _FixedStamp(self.h.made_at)

        def canvas_maker(*args: Any, **kwargs: Any) -> Canvas:
            canvas = Canvas(*args, **kwargs)
            canvas._doc._timeStamp = stamp  # type: ignore[attr-defined]
            return canvas

        doc.build(self.story(), canvasmaker=canvas_maker)
        return buffer.getvalue()

    def _header(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        x = MARGIN_X
        if self.logo is not None:
            width, height = self.logo.getSize()
            scale = min(LOGO_HEIGHT / height, LOGO_MAX_WIDTH / width)
            canvas.drawImage(
                self.logo,
                x,
                HEADER_Y - LOGO_HEIGHT / 3,
                width * scale,
                height * scale,
                mask="auto",
            )
            x += width * scale + 4 * mm
        canvas.setFont(FONT_BOLD, 12)
        canvas.setFillColor(colors.black)
        canvas.drawString(x, HEADER_Y, self.h.municipality)
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, HEADER_RULE_Y, PAGE_WIDTH - MARGIN_X, HEADER_RULE_Y)
        canvas.restoreState()
        canvas._handout_personal = False  # type: ignore[attr-defined]
        # Where the page's mark goes once the page is known to hold personal data: right
        # after the header, so text extraction reads it in order (header, mark, body).
        canvas._handout_mark_at = len(canvas._code)  # type: ignore[attr-defined]

    def _page_end(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if getattr(canvas, "_handout_personal", False):
            start = len(canvas._code)  # type: ignore[attr-defined]
            canvas.saveState()
            canvas.setFont(FONT_BOLD, 11)
            canvas.setFillColor(CONFIDENTIAL_RED)
            canvas.drawRightString(PAGE_WIDTH - MARGIN_X, HEADER_Y, self.t(CONFIDENTIAL))
            canvas.restoreState()
            # Drawn last (only now is it known), moved to just after the header.
            code: list[str] = canvas._code  # type: ignore[attr-defined]
            mark = code[start:]
            del code[start:]
            at: int = canvas._handout_mark_at  # type: ignore[attr-defined]
            code[at:at] = mark
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_Y, self.t(PAGE, page=doc.page))
        canvas.restoreState()

    # ---- the story --------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        sections: list[list[Flowable]] = [
            self.greeting(),
            self.citizen(),
            self.follow_ups(),
            self.next_meeting(),
            self.offers(),
            self.relief(),
            self.mentor(),
            self.trend(),
            self.advisor(),
            self.help_lines(),
        ]
        story: list[Flowable] = []
        for section in sections:
            if not section:
                continue
            if story and self.variant is HandoutVariant.EASY_READ:
                story.append(PageBreak())  # one topic a page
            story.extend(section)
        return story

    def paragraphs(self, text: str, style: str = "Body") -> list[Flowable]:
        return [Paragraph(chunk, self.styles[style]) for chunk in user_text(text) if chunk]

    def heading(self, key: str, *, personal: bool = True) -> list[Flowable]:
        found: list[Flowable] = [Paragraph(escape(self.words(key)), self.styles["Heading"])]
        return [_Personal(), *found] if personal else found

    def greeting(self) -> list[Flowable]:
        made = self.local(self.h.made_at).date()
        items: list[Flowable] = [
            _Personal(),
            Paragraph(escape(self.words("greeting", name=self.h.recipient)), self.styles["Title"]),
            Paragraph(escape(self.words("intro", date=self.day(made))), self.styles["Body"]),
        ]
        for note in self.h.notes:
            items.extend(self.paragraphs(note))
        return items

    def citizen(self) -> list[Flowable]:
        if not self.h.citizens:
            return []
        items = self.heading("citizen")
        for citizen in self.h.citizens:
            text = f"{escape(citizen.name)} ({escape(self.t(citizen.relation).lower())})"
            # A child's handout never names a third party's illness.
            if citizen.conditions and self.variant is not HandoutVariant.CHILD:
                names = ", ".join(self.t(c) for c in citizen.conditions)
                text += "<br/>" + escape(self.t(N_("Illness or condition: {names}"), names=names))
            items.append(Paragraph(text, self.styles["Body"]))
        return items

    def follow_ups(self) -> list[Flowable]:
        if not self.h.follow_ups:
            return []
        items = self.heading("follow_ups")
        for item in self.h.follow_ups:
            text = "".join(user_text(item.description))
            if item.due_on is not None:
                text += " – " + escape(self.t(N_("by {date}"), date=self.day(item.due_on)))
            items.append(Paragraph(text, self.styles["Bullet"], bulletText="•"))
        return items

    def next_meeting(self) -> list[Flowable]:
        meeting = self.h.next_meeting
        if meeting is None:
            return []
        when = self.local(meeting.starts_at)
        items = self.heading("meeting")
        line = self.t(
            N_("{day} at {time}"), day=self.day(when.date()), time=self.clock(when.time())
        )
        items.append(Paragraph(escape(line), self.styles["Body"]))
        if meeting.place:
            items.extend(self.paragraphs(meeting.place))
        return items

    def offers(self) -> list[Flowable]:
        if not any(group.offers for group in self.h.offers):
            return []
        items = self.heading("offers")
        for group in self.h.offers:
            if not group.offers:
                continue
            need = Paragraph(escape(group.need), self.styles["Subheading"])
            for n, offer in enumerate(group.offers):
                items.extend(self.offer(offer, need if n == 0 else None))
        return items

    def offer(self, offer: OfferItem, lead: Flowable | None = None) -> list[Flowable]:
        """One offer, kept on one page with the need's heading when it is the first."""
        if sum(len(getattr(offer, a)) for a, _ in FIVE_ANSWERS) > 3 * CHUNK:
            return ([lead] if lead else []) + self.long_offer(offer)
        body = self.styles["Body"]
        rows: list[list[Any]] = [
            [Paragraph(escape(offer.title), self.styles["Label"]), ""],
        ]
        for attribute, label in FIVE_ANSWERS:
            value = getattr(offer, attribute)
            if value:
                rows.append(
                    [
                        self.t(label),  # a plain string: the table draws it, no wrapping
                        self.paragraphs(value, "Cell"),
                    ]
                )
        if offer.contact:
            rows.append(
                [
                    self.t(N_("Contact")),
                    self.paragraphs(offer.contact, "Cell"),
                ]
            )
        if offer.link:
            rows.append(
                [
                    self.t(N_("Read more")),
                    self.paragraphs(offer.link, "Cell"),
                ]
            )
        label_width = 28 * mm if self.variant is HandoutVariant.STANDARD else 38 * mm
        qr = self.qr(offer.link) if offer.link and len(offer.link) <= QR_MAX_LINK else None
        widths = [label_width, FRAME_WIDTH - label_width]
        style: list[Any] = [
            ("SPAN", (0, 0), (1, 0)),
            ("FONT", (0, 0), (-1, -1), FONT),
            ("FONT", (0, 1), (0, -1), FONT_BOLD, body.fontSize, body.leading),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (1, 0), LIGHT),
            ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
        ]
        if qr is not None:
            # The code in a third column beside every row (one table, not a nested one).
            widths = [label_width, FRAME_WIDTH - label_width - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm]
            for row in rows:
                row.append("")
            rows[0][2] = qr
            style.append(("SPAN", (2, 0), (2, -1)))
        table = Table(rows, colWidths=widths, splitByRow=1)
        table.setStyle(TableStyle(style))
        parts: list[Flowable] = [table]
        if offer.version_id is not None:
            parts.append(
                Paragraph(
                    escape(self.t(N_("Ref. {ref}"), ref=offer.version_id)), self.styles["Note"]
                )
            )
        parts.append(Spacer(1, 3 * mm))
        return [KeepTogether(([lead] if lead else []) + parts)]

    def long_offer(self, offer: OfferItem) -> list[Flowable]:
        """An offer too long for one page: its answers as paragraphs that may split."""
        parts: list[Flowable] = [Paragraph(escape(offer.title), self.styles["Label"])]
        for attribute, label in (
            *FIVE_ANSWERS,
            ("contact", N_("Contact")),
            ("link", N_("Read more")),
        ):
            value = getattr(offer, attribute)
            if value:
                parts.append(Paragraph(escape(self.t(label)), self.styles["Label"]))
                parts.extend(self.paragraphs(value))
        if offer.link and len(offer.link) <= QR_MAX_LINK:
            parts.append(self.qr(offer.link))
        if offer.version_id is not None:
            parts.append(
                Paragraph(
                    escape(self.t(N_("Ref. {ref}"), ref=offer.version_id)), self.styles["Note"]
                )
            )
        return parts

    def qr(self, link: str) -> Flowable:
        return _Qr(link)

    def relief(self) -> list[Flowable]:
        if not self.h.relief:
            return []
        items = self.heading("relief")
        body = self.styles["Body"]
        rows: list[list[Any]] = [
            [self.t(label) for label in (N_("Date"), N_("Time"), N_("Kind"), N_("By"))]
        ]
        for item in self.h.relief:
            rows.append(
                [
                    # Ours and one line each: plain strings the table draws as they are.
                    self.short_day(item.day),
                    self.relief_time(item),
                    self.t(item.kind),
                    self.paragraphs(item.provider, "Cell"),
                ]
            )
        table = Table(
            rows,
            colWidths=[
                0.34 * FRAME_WIDTH,
                0.20 * FRAME_WIDTH,
                0.20 * FRAME_WIDTH,
                0.26 * FRAME_WIDTH,
            ],
            repeatRows=1,
            splitInRow=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, body.fontSize, body.leading),
                    ("FONT", (0, 0), (-1, 0), FONT_BOLD, body.fontSize, body.leading),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, MUTED),
                ]
            )
        )
        items.append(table)
        return items

    def relief_time(self, item: ReliefItem) -> Any:
        """ "09:00–15:00"; a stay that ends on a later day says which ("14:00 until Monday
        22 March 10:00"), wrapped in its cell."""
        if item.until is None or item.until == item.day:
            return f"{self.clock(item.starts)}–{self.clock(item.ends)}"
        line = self.t(
            N_("{start} until {day} {end}"),
            start=self.clock(item.starts),
            day=self.short_day(item.until),
            end=self.clock(item.ends),
        )
        return self.paragraphs(line, "Cell")

    def contact_lines(self, name: str, phone: str, email: str, extra: str = "") -> list[Flowable]:
        items = self.paragraphs(name, "Label")
        if phone:
            items.append(
                Paragraph(escape(self.t(N_("Phone: {phone}"), phone=phone)), self.styles["Body"])
            )
        if email:
            items.append(
                Paragraph(escape(self.t(N_("E-mail: {email}"), email=email)), self.styles["Body"])
            )
        if extra:
            items.extend(self.paragraphs(extra))
        return items

    def mentor(self) -> list[Flowable]:
        mentor = self.h.mentor
        if mentor is None:
            return []
        return self.heading("mentor") + self.contact_lines(mentor.name, mentor.phone, mentor.email)

    def advisor(self) -> list[Flowable]:
        advisor = self.h.advisor
        if advisor is None:
            return []
        return self.heading("advisor", personal=False) + self.contact_lines(
            advisor.name, advisor.phone, advisor.email, advisor.contact_line
        )

    def help_lines(self) -> list[Flowable]:
        if not self.h.help_lines:
            return []
        items = self.heading("help", personal=False)
        for line in self.h.help_lines:
            bits = [f"<b>{escape(line.name)}</b>"]
            if line.phone:
                bits.append(escape(self.t(N_("Phone: {phone}"), phone=line.phone)))
            if line.link:
                bits.append(escape(line.link))
            text = " · ".join(bits)
            if line.about:
                text += "<br/>" + escape(line.about)
            items.append(Paragraph(text, self.styles["Bullet"], bulletText="•"))
        return items

    def trend(self) -> list[Flowable]:
        trend = self.h.trend
        if trend is None or len(trend.points) < 2 or self.variant is HandoutVariant.CHILD:
            return []
        items = self.heading("trend")
        items.append(Paragraph(escape(trend.instrument), self.styles["Note"]))
        # Shapes check every attribute they are given unless told not to: a third of the
        # chart's cost for values made right here.
        checking = rl_config.shapeChecking
        rl_config.shapeChecking = 0
        try:
            items.append(self.chart(trend))
        finally:
            rl_config.shapeChecking = checking
        return items

    def chart(self, trend: WellbeingTrend) -> Drawing:
        """The trend as a line over time, drawn from ReportLab's graphics shapes (the chart
        library's LinePlot cost 10 ms of a 25 ms handout for the same picture)."""
        drawing = Drawing(FRAME_WIDTH, CHART_HEIGHT, initialFontName=FONT)
        left, bottom = 14 * mm, 12 * mm
        width, height = FRAME_WIDTH - 20 * mm, CHART_HEIGHT - 18 * mm
        first = trend.points[0].taken_on.toordinal()
        span = max(1, trend.points[-1].taken_on.toordinal() - first)
        top = max(1, trend.scale_max)

        def x_of(day: date) -> float:
            return left + width * (day.toordinal() - first) / span

        def y_of(score: float) -> float:
            return bottom + height * min(max(score, 0), top) / top

        step = max(1, top // 4)
        for value in range(0, top + 1, step):
            y = y_of(value)
            drawing.add(Line(left, y, left + width, y, strokeColor=GRID, strokeWidth=0.4))
            drawing.add(
                String(
                    left - 2 * mm, y - 2.5, str(value), fontName=FONT, fontSize=8, textAnchor="end"
                )
            )
        drawing.add(Line(left, bottom, left, bottom + height, strokeColor=MUTED, strokeWidth=0.6))
        drawing.add(Line(left, bottom, left + width, bottom, strokeColor=MUTED, strokeWidth=0.6))
        label = _day_label(first, self.locale)
        for offset in _ticks(p.taken_on.toordinal() - first for p in trend.points):
            x = left + width * offset / span
            drawing.add(
                String(
                    x,
                    bottom - 5 * mm,
                    label(offset),
                    fontName=FONT,
                    fontSize=7,
                    textAnchor="middle",
                )
            )
        points: list[float] = []
        for point in trend.points:
            points.extend((x_of(point.taken_on), y_of(point.score)))
        drawing.add(PolyLine(points, strokeColor=ACCENT, strokeWidth=1.6))
        for point in trend.points:
            drawing.add(
                Circle(
                    x_of(point.taken_on), y_of(point.score), 2, fillColor=ACCENT, strokeColor=None
                )
            )
        return drawing


def _ticks(offsets: Iterable[int], most: int = 6) -> list[int]:
    found = sorted(set(offsets))
    if len(found) <= most:
        return found
    step = (len(found) - 1) / (most - 1)
    return [found[round(i * step)] for i in range(most)]


def _day_label(first: int, locale: Any) -> Callable[[float], str]:
    def label(offset: float) -> str:
        return babel_date(date.fromordinal(first + int(offset)), format="d MMM yy", locale=locale)

    return label
