"""The public page (pårørendeknap): the offer catalogue as a static website, in Danish and
English, for the municipality's web server.

Per language: an index by need ("I am the spouse of someone with dementia"), a page per
need, a page of all offers by kind, and a page per offer with Herning's five answers. Plain
HTML5 with ``lang``, headings, landmarks (header, nav, main, footer) and a skip link; no
JavaScript; only catalogue data, never anything about a person. Jinja2 templates with
autoescaping (resources/publish/templates); the stylesheet and the logo are files a
municipality replaces (``offers publish --stylesheet FILE --logo FILE``).

The offers' own text is written in Danish: on the English pages it keeps ``lang="da"`` so a
screen reader reads it in Danish, while everything around it is English.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from advisor_app.atomic_write import write_bytes_atomically
from advisor_app.domain.enums import Condition, OfferAudience, OfferKind
from advisor_app.domain.offers import (
    AUDIENCE_NEEDS,
    CONDITION_IN_SENTENCE,
    FIELD_LABELS,
    FIVE_ANSWERS,
    KIND_LABELS,
    OfferContent,
)
from advisor_app.i18n import N_, catalog, format_date
from advisor_app.locations import resource

LANGUAGES: dict[str, str] = {"da": "Dansk", "en": "English"}
CONTENT_LANGUAGE = "da"
DEFAULT_SITE_NAME = N_("Offers for relatives")

TEXT: dict[str, str] = {
    "skip": N_("Skip to the content"),
    "menu": N_("Main menu"),
    "by_need": N_("Find help by need"),
    "all": N_("All offers"),
    "no_personal": N_(
        "This page holds general information about offers for relatives. It holds no "
        "information about any person."
    ),
    "heading": N_("Help and offers for relatives"),
    "lead": N_(
        "Choose what fits you best. Every offer tells you what it is, who it is for, where "
        "and when it is, and how you take part."
    ),
    "general": N_("For every relative"),
    "none_here": N_("There are no offers here at the moment."),
    "facts": N_("Good to know"),
    "updated": N_("Updated {date}"),
}
CONDITION_HEADINGS: dict[Condition, str] = {
    Condition.DEMENTIA: N_("Dementia"),
    Condition.HUNTINGTONS: N_("Huntington's disease"),
    Condition.COPD: N_("COPD"),
    Condition.HEART: N_("Heart disease"),
    Condition.CANCER: N_("Cancer"),
    Condition.STROKE: N_("Stroke"),
    Condition.PARKINSONS: N_("Parkinson's disease"),
    Condition.MENTAL_ILLNESS: N_("Mental illness"),
    Condition.DISABILITY: N_("Disability"),
    Condition.BRAIN_INJURY: N_("Acquired brain injury"),
    Condition.FRAILTY: N_("Frailty in old age"),
    Condition.OTHER: N_("Other illness"),
}


@dataclass(frozen=True, slots=True)
class PublishedOffer:
    id: int
    content: OfferContent


@dataclass(frozen=True, slots=True)
class SiteOptions:
    site_name: str | None = None  # None: "Offers for relatives" in each language
    stylesheet: bytes | None = None  # None: resources/publish/style.css
    logo: bytes | None = None  # None: resources/publish/logo.svg
    logo_suffix: str = ".svg"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(resource("publish", "templates"))),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def needs_of(
    offers: Sequence[PublishedOffer],
) -> list[tuple[Condition, list[tuple[OfferAudience, list[PublishedOffer]]]]]:
    """The needs the index lists: each condition some offer names, with each kind of
    relative some offer for that condition names; an offer for every condition (or every
    relative) counts in each."""
    found = []
    for condition in Condition:
        named = [o for o in offers if condition in o.content.conditions]
        if not named:
            continue
        audiences = []
        for audience in OfferAudience:
            if not any(audience in o.content.audiences for o in named):
                continue
            matching = [o for o in offers if o.content.is_for(condition, audience)]
            audiences.append((audience, matching))
        if audiences:
            found.append((condition, audiences))
    return found


def render_site(
    offers: Sequence[PublishedOffer],
    updated: date,
    options: SiteOptions | None = None,
) -> dict[str, bytes]:
    """Every file of the site by its relative path (``da/index.html``, ``style.css``...)."""
    options = options or SiteOptions()
    env = _environment()
    ordered = sorted(offers, key=lambda o: (o.content.title.casefold(), o.id))
    logo = f"logo{options.logo_suffix}"
    files: dict[str, bytes] = {
        "style.css": options.stylesheet or resource("publish", "style.css").read_bytes(),
        logo: options.logo or resource("publish", "logo.svg").read_bytes(),
    }
    needs = needs_of(ordered)
    for lang in LANGUAGES:
        gettext = catalog(lang).gettext
        ngettext = catalog(lang).ngettext
        site_name = options.site_name or gettext(DEFAULT_SITE_NAME)
        t = {key: gettext(value) for key, value in TEXT.items()}

        def page(
            template: str,
            path: str,
            lang: str = lang,
            site_name: str = site_name,
            t: dict[str, str] = t,
            **context: object,
        ) -> None:
            depth = path.count("/")
            root = "../" * (depth + 1)
            html = env.get_template(template).render(
                lang=lang,
                site_name=site_name,
                t=t,
                root=root,
                home="../" * depth,
                up="../" * depth,
                logo=logo,
                page_path=path,
                others=[{"code": c, "name": n} for c, n in LANGUAGES.items() if c != lang],
                updated=format_date(updated, lang),
                content_lang=CONTENT_LANGUAGE,
                **context,
            )
            files[f"{lang}/{path}"] = html.encode("utf-8")

        groups = []
        for condition, audiences in needs:
            sentence = gettext(CONDITION_IN_SENTENCE[condition])
            items = []
            for audience, matching in audiences:
                slug = f"{condition.value}-{audience.value}"
                text = gettext(AUDIENCE_NEEDS[audience]).format(condition=sentence)
                count = ngettext("{n} offer", "{n} offers", len(matching)).format(n=len(matching))
                items.append({"slug": slug, "text": text, "count_text": count})
                page(
                    "list.html",
                    f"need/{slug}.html",
                    heading=text,
                    groups=_by_kind(matching, gettext),
                )
            groups.append(
                {
                    "code": condition.value,
                    "heading": gettext(CONDITION_HEADINGS[condition]),
                    "needs": items,
                }
            )
        general = [o for o in ordered if not o.content.conditions]
        page("index.html", "index.html", needs=groups, general=general)
        page("list.html", "all.html", heading=t["all"], groups=_by_kind(ordered, gettext))
        for offer in ordered:
            page(
                "offer.html",
                f"offer/{offer.id}.html",
                offer=offer,
                kind=gettext(KIND_LABELS[offer.content.kind]),
                answers=[
                    {
                        "code": code,
                        "question": gettext(question),
                        "lines": _lines(getattr(offer.content, code)),
                    }
                    for code, question in FIVE_ANSWERS
                ],
                facts=_facts(offer.content, gettext, lang),
            )
    site_name = options.site_name or catalog("da").gettext(DEFAULT_SITE_NAME)
    files["index.html"] = (
        env.get_template("choose.html")
        .render(
            lang="da",
            site_name=site_name,
            logo=logo,
            languages=[{"code": c, "name": n} for c, n in LANGUAGES.items()],
            updated=format_date(updated, "da"),
        )
        .encode("utf-8")
    )
    return files


def _by_kind(
    offers: Sequence[PublishedOffer], gettext: Callable[[str], str]
) -> list[dict[str, object]]:
    groups: list[dict[str, object]] = []
    for kind in OfferKind:
        matching = [o for o in offers if o.content.kind is kind]
        if matching:
            groups.append(
                {"code": kind.value, "heading": gettext(KIND_LABELS[kind]), "offers": matching}
            )
    return groups


def _facts(
    content: OfferContent, gettext: Callable[[str], str], lang: str
) -> list[dict[str, object]]:
    facts: list[dict[str, object]] = []
    for name in ("contact", "address", "area", "legal_basis"):
        value = getattr(content, name)
        if value:
            facts.append(
                {
                    "label": gettext(FIELD_LABELS[name]),
                    "value": value,
                    "link": False,
                    "content": True,
                }
            )
    if content.link:
        facts.append(
            {
                "label": gettext(FIELD_LABELS["link"]),
                "value": content.link,
                "link": True,
                "content": False,
            }
        )
    if content.valid_from or content.valid_to:
        period = " – ".join(
            format_date(day, lang) if day else "" for day in (content.valid_from, content.valid_to)
        )
        facts.append(
            {"label": gettext(N_("Valid")), "value": period, "link": False, "content": False}
        )
    return facts


def write_site(files: dict[str, bytes], directory: Path) -> int:
    """Write the files under ``directory`` (made when missing); returns how many."""
    for relative, data in files.items():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(target, data)
    return len(files)
