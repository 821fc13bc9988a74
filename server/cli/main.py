"""``smarthame``: the command line, thin over the library modules.

smarthame build [--validator]        load, validate, publish (refuses on violations)
smarthame validate [FILES...]        SHACL report; exit 0 conforms, 1 violations, 2 unreadable input
                                     (--validator fast|pyshacl on both: the compiled one, or the reference)
smarthame convert [--check]          the reference records -> data/*.ttl
smarthame import FILE... [--dry-run]  records, spreadsheets or RDF -> a new validated version
smarthame dump [--format] [--graph] [-o FILE]
smarthame query QUERY_OR_FILE [--format table|json|csv|tsv]
smarthame serve [FILES...] [--host] [--port] [--timeout] [--processes] [--workers] [--base-iri]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from server import settings as settings_mod
from server.errors import ParseError, SmartHameError, ValidationFailed
from server.settings import Settings

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
    from server.graph.loading import bundled_sources, dataset_version, load_sources
    from server.graph.validation import validate
    from server.graph.versions import publish

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
    version = dataset_version([s.path for s in sources], settings.base_iri)
    with step(f"Publishing version {version}"):
        target = publish(ds, version, settings.base_iri, settings.build_dir)
    _print_counts(target)
    return EXIT_OK


def _print_counts(target: Path) -> None:
    import json

    manifest = json.loads((target / "manifest.json").read_text())
    print(f"Published {manifest['triples']} triples as version {manifest['version']} in {target}")
    print("\nTriples per graph:")
    for g, n in manifest["graphs"].items():
        print(f"  {n:>7}  {g}")
    print("\nInstances per class:")
    for c, n in manifest["classes"].items():
        print(f"  {n:>7}  {c}")


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
    from server.graph.versions import open_dataset
    from server.web.serving import serve

    published = open_dataset(settings)  # fail here, before binding the port, on a bad file
    print(
        f"Serving {published.manifest.get('triples', '?')} triples on http://{settings.host}:{settings.port}/",
        file=sys.stderr,
    )
    return serve(settings, published)


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
    # Also after `serve` (`smarthame serve --base-iri URL`); SUPPRESS keeps a value given before it.
    p.add_argument("--base-iri", default=argparse.SUPPRESS, help=help_["base_iri"])
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
    "convert": cmd_convert,
    "import": cmd_import,
    "validate": cmd_validate,
    "dump": cmd_dump,
    "query": cmd_query,
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
