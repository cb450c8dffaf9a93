"""``advisor-app offers export|import|publish``: the offer catalogue from the command line
(an administrator's work; signing in as the other commands do, see cli.py).

export FILE       the catalogue (offers not retired) as CSV or XLSX, by the file's ending
import FILE       a catalogue file back: an edited row (with its id) makes a new version of
                  that offer when its content changed, a row without an id a new offer;
                  any bad row: exit 2, one line per bad row on stderr, nothing imported
publish -o DIR    the public page (pårørendeknap): a static site in Danish and English
                  [--stylesheet FILE] [--logo FILE.svg|.png] [--site-name TEXT]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from advisor_app.atomic_write import write_bytes_atomically

if TYPE_CHECKING:
    from advisor_app.domain.actor import Actor
    from advisor_app.services.facade import Services

LOGO_SUFFIXES = (".svg", ".png")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    offers = sub.add_parser("offers", help="the offer catalogue (an administrator's)")
    offers_sub = offers.add_subparsers(dest="offers_command", required=True)
    export = offers_sub.add_parser(
        "export",
        help="the catalogue as a file to edit (.csv or .xlsx)",
        description="One row per offer; conditions and relatives are codes joined by commas, "
        "dates YYYY-MM-DD; keep the id column: it is how an edited row finds its offer.",
    )
    export.add_argument("file", type=Path, metavar="FILE")
    load = offers_sub.add_parser(
        "import",
        help="read an edited catalogue file back (.csv or .xlsx)",
        description="All or nothing: any bad row is reported by row and column and nothing "
        "is imported (exit 2). A row whose content did not change makes no new version.",
    )
    load.add_argument("file", type=Path, metavar="FILE")
    publish = offers_sub.add_parser(
        "publish",
        help="write the public page (pårørendeknap) as a static website",
        description="DIR/da/ and DIR/en/: an index by need, a page per offer; only offers "
        "in force today. Replace the look with --stylesheet and --logo.",
    )
    publish.add_argument("-o", "--output", required=True, type=Path, metavar="DIR")
    publish.add_argument("--stylesheet", type=Path, metavar="FILE.css")
    publish.add_argument("--logo", type=Path, metavar="FILE.svg|FILE.png")
    publish.add_argument("--site-name", metavar="TEXT")


def offers_command(services: Services, args: argparse.Namespace) -> int:
    from advisor_app.cli import sign_in
    from advisor_app.reports import offers_file

    if args.offers_command in ("export", "import"):
        offers_file.format_of(args.file.name)  # bad usage before any password is asked for
    actor = sign_in(services, args.user)
    if args.offers_command == "export":
        return _export(services, actor, args.file)
    if args.offers_command == "import":
        return _import(services, actor, args.file)
    return _publish(services, actor, args)


def _read(path: Path) -> bytes:
    from advisor_app import i18n
    from advisor_app.cli import BadInput

    try:
        return path.read_bytes()
    except OSError:
        raise BadInput(i18n._("The file could not be read.")) from None


def _export(services: Services, actor: Actor, path: Path) -> int:
    from advisor_app import i18n
    from advisor_app.cli import BadInput
    from advisor_app.reports import offers_file

    fmt = offers_file.format_of(path.name)
    views = services.offers.export_catalogue(actor)
    data = offers_file.write([(v.offer_id, v.content) for v in views], fmt)
    try:
        write_bytes_atomically(path, data)
    except OSError:
        raise BadInput(i18n._("The file could not be written.")) from None
    print(i18n._("{count} offers written to {file}").format(count=len(views), file=path))
    return 0


def _import(services: Services, actor: Actor, path: Path) -> int:
    from advisor_app import i18n
    from advisor_app.domain.offers import describe_row
    from advisor_app.reports import offers_file
    from advisor_app.services.offers import ImportRefused

    fmt = offers_file.format_of(path.name)
    parsed = offers_file.parse_file(_read(path), fmt)
    try:
        result = services.offers.import_catalogue(actor, parsed.rows, parsed.problems)
    except ImportRefused as refused:
        for problem in refused.rows:
            print(f"{path.name}: {describe_row(problem, i18n._)}", file=sys.stderr)
        print(f"advisor-app: {refused.translated(i18n._)}", file=sys.stderr)
        return 2
    print(
        i18n._("{created} offers created, {updated} updated, {unchanged} unchanged").format(
            created=result.created, updated=result.updated, unchanged=result.unchanged
        )
    )
    return 0


def _publish(services: Services, actor: Actor, args: argparse.Namespace) -> int:
    from advisor_app import i18n
    from advisor_app.cli import BadInput
    from advisor_app.reports.offers_site import PublishedOffer, SiteOptions, render_site, write_site

    logo = None
    suffix = ".svg"
    if args.logo is not None:
        suffix = args.logo.suffix.lower()
        if suffix not in LOGO_SUFFIXES:
            raise BadInput(i18n._("The logo must be an .svg or .png file."))
        logo = _read(args.logo)
    stylesheet = _read(args.stylesheet) if args.stylesheet is not None else None
    today = services.clock.today()
    views = services.offers.export_catalogue(actor)
    offers = [PublishedOffer(v.offer_id, v.content) for v in views if v.content.valid_on(today)]
    files = render_site(
        offers,
        today,
        SiteOptions(
            site_name=(args.site_name or "").strip() or None,
            stylesheet=stylesheet,
            logo=logo,
            logo_suffix=suffix,
        ),
    )
    try:
        count = write_site(files, args.output)
    except OSError:
        raise BadInput(i18n._("The folder could not be written.")) from None
    print(
        i18n._("{offers} offers published as {files} files in {folder}").format(
            offers=len(offers), files=count, folder=args.output
        )
    )
    return 0
