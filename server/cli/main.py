"""``smarthame``: the command line, thin over the library modules.

smarthame build [--validator]        load, validate, publish (refuses on violations)
smarthame releases                   the published versions, newest first
smarthame rollback VERSION           publish an earlier version again, as a new release
smarthame validate [FILES...]        SHACL report; exit 0 conforms, 1 violations, 2 unreadable input
                                     (--validator fast|pyshacl on both: the compiled one, or the reference)
smarthame convert [--check]          the reference records -> data/*.ttl
smarthame import FILE... [--dry-run]  records, spreadsheets or RDF -> a new validated version
smarthame dump [--format] [--graph] [-o FILE]
smarthame query QUERY_OR_FILE [--format table|json|csv|tsv]
smarthame serve [FILES...] [--host] [--port] [--timeout] [--processes] [--workers] [--base-iri]
                [--engine URL]               answer from an external SPARQL engine instead of memory
smarthame publish --to URL                   load the published version into that engine, then switch
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from server import settings as settings_mod
from server.errors import ParseError, SmartHameError, ValidationFailed
from server.settings import Settings

if TYPE_CHECKING:
    from datetime import datetime

    from server.graph.releases import Release

EXIT_OK, EXIT_VIOLATIONS, EXIT_UNREADABLE = 0, 1, 2


@contextmanager
def step(label: str, quiet: bool = False) -> Iterator[None]:
    """Progress on stderr: each step is announced and timed, so a long build is never silent."""
    start = time.perf_counter()
    if not quiet:
        print(f"… {label}", file=sys.stderr, flush=True)
    yield
    if not quiet:
        print(f"✓ {label} ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from server.graph.loading import bundled_sources, load_sources
    from server.graph.releases import ReleaseNotes
    from server.graph.validation import validate
    from server.publish.publishing import publish_version, source_files

    started = _now()
    sources = bundled_sources(settings)
    with step("Reading ontology and data"):
        ds = load_sources(sources, settings.base_iri)
    with step("Validating against the Smart Häme shapes"):
        report = validate(ds, settings)
    if not report.conforms:
        print(report.format_text(), file=sys.stderr)
        print("Build refused: nothing was published; the published version is unchanged.", file=sys.stderr)
        return EXIT_VIOLATIONS
    if report.results:
        print(report.format_text(), file=sys.stderr)
    files = source_files([s.path for s in sources], settings.project_root)
    notes = ReleaseNotes(
        "build", settings.publisher_name, "smarthame build", files, f"Built from {len(files)} files."
    )
    with step("Publishing"):
        release = publish_version(ds, settings, notes, started=started)
    _print_release(release)
    return EXIT_OK


def _print_release(release: Release) -> None:
    manifest = release.manifest
    if not release.created:
        print(
            f"Unchanged: the inputs give the bytes of version {release.version} (sha256 "
            f"{release.content_sha256[:12]}…), which stays published; no new release."
        )
        return
    print(f"Published {manifest['triples']} triples as version {release.version} in {release.folder}")
    changes = release.changes
    since = f"since version {release.previous}" if release.previous else "from nothing"
    entities = changes.get("entities", {})
    print(
        f"Changes {since}: +{changes.get('added', 0)} -{changes.get('removed', 0)} quads; "
        f"{entities.get('added', 0)} entities added, {entities.get('changed', 0)} changed, "
        f"{entities.get('removed', 0)} removed"
    )
    print("\nTriples per graph:")
    for g, n in manifest["graphs"].items():
        print(f"  {n:>7}  {g}")
    print("\nInstances per class:")
    for c, n in manifest["classes"].items():
        print(f"  {n:>7}  {c}")


def cmd_releases(args: argparse.Namespace, settings: Settings) -> int:
    from server.graph.releases import current_release, list_releases

    releases = list_releases(settings.build_dir)
    if not releases:
        print(f"No published version under {settings.build_dir}; run `smarthame build` first.")
        return EXIT_OK
    current = current_release(settings.build_dir)
    head = f"{'version':>8}  {'issued (UTC)':<20} {'action':<9} {'quads':>9} {'+added':>8} {'-removed':>8}"
    print(f"{head}  notes")
    for r in reversed(releases):
        mark = "*" if current is not None and r.version == current.version else " "
        kept = "" if r.retained else " (dumps pruned)"
        changes = r.changes
        print(
            f"{mark}{r.version:>7}  {r.issued:%Y-%m-%d %H:%M:%S}  {r.notes.action:<9} {r.triples:>9} "
            f"{changes.get('added', 0):>8} {changes.get('removed', 0):>8}  {r.notes.summary}{kept}"
        )
    print("\n* the published version; `smarthame rollback VERSION` publishes an earlier one again.")
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    from server.publish.publishing import rollback

    with step(f"Publishing version {args.version} again"):
        release = rollback(args.version, settings, settings.publisher_name)
    _print_release(release)
    return EXIT_OK


def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0)


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from server.graph.loading import bundled_sources, load_sources
    from server.graph.validation import validate, validate_files

    if args.files:
        report = validate_files([Path(f) for f in args.files], settings)
    else:
        report = validate(load_sources(bundled_sources(settings), settings.base_iri), settings)
    print(report.format_text())
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


def cmd_dump(args: argparse.Namespace, settings: Settings) -> int:
    from server.graph.versions import open_published
    from server.publish.dumps import write_dump

    published = open_published(settings)
    if not args.output:
        write_dump(published, sys.stdout.buffer, args.format, graph=args.graph)
        return EXIT_OK
    # Written beside the target and renamed into place: a failed dump never leaves half a file behind.
    target = Path(args.output)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            write_dump(published, out, args.format, graph=args.graph)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return EXIT_OK


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    from server.cli.query import run_cli_query

    text = args.query
    if Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    return run_cli_query(text, args.format, settings)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from server.graph.versions import current_folder, open_dataset, read_manifest, served_kind
    from server.sparql.remote_store import open_engine
    from server.web.serving import serve

    # Fail here, before binding the port, on a bad file, a missing version or an engine holding none. An
    # on-disk store is opened by each server process itself, never before the fork
    # (server.sparql.workers._spawn_fresh_zygote).
    if settings.engine:
        published = open_engine(settings)
        triples = published.manifest.get("triples", "?")
    elif settings.files or served_kind(settings) == "memory":
        published = open_dataset(settings)
        triples = published.manifest.get("triples", "?")
    else:
        published = None
        folder = current_folder(settings.build_dir)
        triples = read_manifest(folder)["triples"] if folder is not None else "?"
    print(f"Serving {triples} triples on http://{settings.host}:{settings.port}/", file=sys.stderr)
    return serve(settings, published)


def cmd_publish(args: argparse.Namespace, settings: Settings) -> int:
    from server.graph.versions import open_published
    from server.sparql.remote_publish import prune, rollback, stage, switch

    if args.rollback:
        with step(f"Pointing {settings.engine} back at the previous version"):
            version = rollback(settings)
        print(f"The engine at {settings.engine} now serves version {version}")
        return EXIT_OK
    with step(f"Loading the published version into {settings.engine}"):
        manifest = stage(settings, open_published(settings))
    with step("Switching to it (the pointer only)"):
        switch(settings, manifest["version"])
    with step("Dropping the versions before the previous one"):
        dropped = prune(settings)
    version, triples = manifest["version"], manifest["triples"]
    print(
        f"The engine at {settings.engine} now serves version {version} ({triples} triples); "
        f"{len(dropped)} older version(s) dropped"
    )
    return EXIT_OK


def cmd_convert(args: argparse.Namespace, settings: Settings) -> int:
    from server.graph.records.convert import REFERENCE, write_data

    folders = [Path(r) for r in args.reference] if args.reference else REFERENCE
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        print(
            f"error: {', '.join(missing)} not found: the converter reads the reference records "
            "(../shared/reference/real-data and real-data-2 beside the project, or --reference DIR ...)",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    changed, report = write_data(folders, settings.data_dir, check=args.check)
    print("\n".join(report))
    if args.check and changed:
        print(f"out of date: {', '.join(changed)}; run `smarthame convert`", file=sys.stderr)
        return EXIT_VIOLATIONS
    return EXIT_OK


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from server.cli.importing import run_import

    return run_import(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smarthame", description="The Smart Häme knowledge graph.")
    parser.add_argument("--base-iri", help=settings_mod.settings_help()["base_iri"])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="Load ontology and data, validate, and publish.")
    _add_validator_flag(p)
    sub.add_parser("releases", help="List the published versions, newest first.")
    p = sub.add_parser("rollback", help="Publish an earlier version again, as a new release.")
    p.add_argument("version", help="the version, as `smarthame releases` lists it")

    p = sub.add_parser(
        "validate", help="Validate the bundled data, or the given RDF files with the ontology."
    )
    p.add_argument("files", nargs="*", help="Turtle, TriG, N-Triples, N-Quads, RDF/XML or JSON-LD files")
    _add_validator_flag(p)

    p = sub.add_parser("convert", help="Turn the sourced reference records into data/*.ttl.")
    p.add_argument(
        "--reference",
        action="append",
        help="a folder of record files (repeatable; default ../shared/reference/real-data and real-data-2)",
    )
    p.add_argument("--check", action="store_true", help="only compare; exit 1 when a file would change")

    from server.cli.importing import add_import_parser

    add_import_parser(sub)

    p = sub.add_parser("dump", help="Write the published dataset.")
    p.add_argument("--format", default="trig", choices=["trig", "nquads", "turtle", "ntriples"])
    p.add_argument("--graph", help="Only this named graph (IRI)")
    p.add_argument("-o", "--output", help="File to write (default: standard output)")

    p = sub.add_parser("query", help="Run a SPARQL query over the published dataset.")
    p.add_argument("query", help="SPARQL text or a .rq file")
    p.add_argument("--format", default="table", choices=["table", "json", "csv", "tsv"])

    p = sub.add_parser("serve", help="Start the HTTP server.")
    p.add_argument("files", nargs="*", help="Serve these RDF files instead of the published dataset")
    help_ = settings_mod.settings_help()
    p.add_argument("--host", help=help_["host"])
    p.add_argument("--port", type=_strict(settings_mod.parse_whole), help=help_["port"])
    p.add_argument("--timeout", type=_strict(settings_mod.parse_seconds), help=help_["timeout"])
    p.add_argument("--processes", type=_strict(settings_mod.parse_whole), help=help_["processes"])
    p.add_argument("--workers", type=_strict(settings_mod.parse_whole), help=help_["workers"])
    p.add_argument("--public-url", help=help_["public_url"])
    p.add_argument("--allow-service", action="append", help=help_["service_allowlist"])
    p.add_argument("--store", choices=settings_mod.STORE_KINDS, help=help_["store"])
    # Also after `serve` (`smarthame serve --base-iri URL`); SUPPRESS keeps a value given before it.
    p.add_argument("--base-iri", default=argparse.SUPPRESS, help=help_["base_iri"])
    p.add_argument("--engine", help=help_["engine"])

    p = sub.add_parser("publish", help="Load the published version into an external SPARQL engine.")
    p.add_argument("--to", dest="engine", required=True, metavar="URL", help=help_["engine"])
    p.add_argument("--engine-update", metavar="URL", help=help_["engine_update"])
    p.add_argument("--engine-store", metavar="URL", help=help_["engine_store"])
    p.add_argument("--engine-user", help=help_["engine_user"])
    p.add_argument("--base-iri", default=argparse.SUPPRESS, help=help_["base_iri"])
    p.add_argument(
        "--rollback",
        action="store_true",
        help="Point the engine back at the version it served before the last switch (kept for this).",
    )
    return parser


def _add_validator_flag(p: argparse.ArgumentParser) -> None:
    help_ = settings_mod.settings_help()["validator"]
    p.add_argument("--validator", choices=settings_mod.VALIDATORS, help=help_)


def _strict(parse: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from one of the settings' strict parsers (its message, not argparse's guess)."""

    def convert(raw: str) -> object:
        try:
            return parse(raw)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    return convert


COMMANDS = {
    "build": cmd_build,
    "releases": cmd_releases,
    "rollback": cmd_rollback,
    "convert": cmd_convert,
    "import": cmd_import,
    "validate": cmd_validate,
    "dump": cmd_dump,
    "query": cmd_query,
    "publish": cmd_publish,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides = {
        "base_iri": args.base_iri,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "timeout": getattr(args, "timeout", None),
        "processes": getattr(args, "processes", None),
        "workers": getattr(args, "workers", None),
        "public_url": getattr(args, "public_url", None),
        "service_allowlist": tuple(args.allow_service) if getattr(args, "allow_service", None) else None,
        "validator": getattr(args, "validator", None),
        "store": getattr(args, "store", None),
        "engine": getattr(args, "engine", None),
        "engine_update": getattr(args, "engine_update", None),
        "engine_store": getattr(args, "engine_store", None),
        "engine_user": getattr(args, "engine_user", None),
    }
    if args.command == "serve" and args.files:
        overrides["files"] = tuple(Path(f) for f in args.files)
    try:
        settings = settings_mod.from_environment(**overrides)
    except settings_mod.SettingError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        return COMMANDS[args.command](args, settings)
    except ParseError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    except ValidationFailed as e:
        print(e.report.format_text(), file=sys.stderr)
        return EXIT_VIOLATIONS
    except SmartHameError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return EXIT_VIOLATIONS if e.status < 500 else EXIT_UNREADABLE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
