"""Every setting once: name, type, default and one line of help.

Settings are read at the edge (command-line flags, then ``SMARTHAME_*`` environment
variables) and frozen into a :class:`Settings` value that the rest of the code receives.
Nothing else reads the environment.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SOURCE_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_ROOT = Path(__file__).resolve().parent / "bundled"  # what a wheel carries (see setup.py)


def _project_root() -> Path:
    """The source tree when running from one (a checkout, an editable install); else the copy of
    ontology/, data/ and queries/ that an installed wheel carries."""
    if (SOURCE_ROOT / "pyproject.toml").is_file() and (SOURCE_ROOT / "ontology").is_dir():
        return SOURCE_ROOT
    return BUNDLED_ROOT


def _default_build_dir() -> Path:
    """``build/`` in the source tree; for an installed package, the user's data folder (XDG), so that
    ``smarthame build`` and ``smarthame serve`` find the same published version from any directory."""
    if PROJECT_ROOT == SOURCE_ROOT:
        return SOURCE_ROOT / "build"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "smarthame" / "build"


PROJECT_ROOT = _project_root()
STORE_KINDS = ("auto", "memory", "disk")
DEFAULT_BASE_IRI = "https://w3id.org/smart-hame/"
VALIDATORS = ("fast", "pyshacl")
MAX_AUTO_PROCESSES = (
    8  # each server process brings its own query workers, each with its own copy of the store
)


@dataclass(frozen=True)
class Settings:
    base_iri: str = field(
        default=DEFAULT_BASE_IRI,
        metadata={"help": "Base IRI that every minted IRI starts with; data is rebased onto it at load."},
    )
    project_root: Path = field(
        default=PROJECT_ROOT, metadata={"help": "Folder holding ontology/, data/ and queries/."}
    )
    build_dir: Path = field(
        default_factory=_default_build_dir,
        metadata={
            "help": "Where `smarthame build` publishes the validated dataset: build/ in the source tree, "
            "else $XDG_DATA_HOME/smarthame/build."
        },
    )
    host: str = field(default="127.0.0.1", metadata={"help": "Interface to bind; loopback by default."})
    port: int = field(default=8000, metadata={"help": "TCP port to listen on."})
    timeout: float = field(
        default=10.0,
        metadata={"help": "Server-wide query time limit in seconds; a request may only lower it."},
    )
    max_query_length: int = field(
        default=100_000, metadata={"help": "Longest accepted SPARQL query text, in characters."}
    )
    max_rows: int = field(
        default=100_000,
        metadata={"help": "Most result rows (or triples) returned; longer results are cut and marked."},
    )
    max_url_bytes: int = field(
        default=32_768,
        metadata={
            "help": "Longest request target (path and query string) in bytes; a longer one is refused with "
            "414 (send a long query by POST). At most 65,535: the URL parser counts in 16 bits."
        },
    )
    max_header_bytes: int = field(
        default=32_768,
        metadata={"help": "Most bytes of request header lines together; more is refused with 431."},
    )
    head_timeout: float = field(
        default=10.0,
        metadata={
            "help": "Seconds a connection has to send a request's line and headers, from when it opens or "
            "its previous response ends; then it is answered 408 (or closed if it sent nothing)."
        },
    )
    body_timeout: float = field(
        default=30.0,
        metadata={"help": "Seconds a request has to send its whole body; then it is answered 408."},
    )
    max_connections: int = field(
        default=1_000,
        metadata={
            "help": "Open connections one server process holds; past it the connection idle the longest "
            "is closed (or, if every one is busy, the new one). Start-up raises the open-files limit to fit."
        },
    )
    client_slots: int = field(
        default=1,
        metadata={
            "help": "Query workers one client address may hold at once in a server process; its further "
            "queries wait, up to as many again or a quarter of max_waiting if that is more, and past that "
            "get 429. 0 means no cap (behind a proxy every client has the proxy's address)."
        },
    )
    max_waiting: int = field(
        default=32,
        metadata={
            "help": "Queries that may wait for a query worker in a server process; more are answered 503 "
            "with Retry-After."
        },
    )
    public_url: str = field(
        default="",
        metadata={
            "help": "The server's public address (e.g. https://data.example.org/) for the service "
            "description's sd:endpoint; empty uses the request's Host header, when it is a valid host."
        },
    )
    processes: int = field(
        default=0,
        metadata={
            "help": "Server processes sharing the port (each answers HTTP on its own core); "
            "0 means one per CPU, at most 8."
        },
    )
    workers: int = field(
        default=0,
        metadata={
            "help": "Query worker processes per server process; each can be stopped when its query "
            "runs out of time, and each comes to hold its own copy of the store. 0 means two with up to "
            "two server processes, one with more."
        },
    )
    worker_memory_mb: int = field(
        default=2048,
        metadata={
            "help": "Memory a query worker may allocate beyond the shared store before its query fails."
        },
    )
    cache_entries: int = field(
        default=512, metadata={"help": "Responses kept in the result cache (per dataset version)."}
    )
    cache_bytes: int = field(
        # 256 MiB: an entry may take a quarter, so a 21,000-row answer (8 MB, counted twice with its gzip
        # copy)
        # is still kept; at 64 MiB it was refused every time in the 100,000-project benchmark.
        default=256 * 1024 * 1024,
        metadata={"help": "Most bytes of responses kept in the result cache."},
    )
    service_allowlist: tuple[str, ...] = field(
        default=(),
        metadata={"help": "Endpoints a SERVICE clause may call; empty means federated query is off."},
    )
    publisher_name: str = field(
        default="Smart Häme knowledge graph project",
        metadata={
            "help": "Publisher named in the DCAT-AP catalogue and VoID; also the contact point's name."
        },
    )
    publisher_homepage: str = field(
        default="", metadata={"help": "Publisher's home page for the catalogue; empty means the base IRI."}
    )
    contact_email: str = field(
        default="",
        metadata={
            "help": "Organisational (never personal) e-mail address of the catalogue's contact point; "
            "empty publishes none."
        },
    )
    validator: str = field(
        default="fast",
        metadata={
            "help": "SHACL validator for build, validate and import: fast (the shapes compiled to SPARQL on "
            "pyoxigraph) or pyshacl (the reference implementation, slower)."
        },
    )
    validator_processes: int = field(
        default=0,
        metadata={
            "help": "Processes the fast validator forks for a large graph (200,000 quads or more): 0 means "
            "one per core (at most 4), 1 never forks."
        },
    )
    store: str = field(
        default="auto",
        metadata={
            "help": "How a published version is held: 'memory' (loaded into the server, fastest queries, "
            "but every query worker comes to hold its own copy), 'disk' (the on-disk store written at "
            "publish, opened read-only by every process: the page cache holds it once), or 'auto' "
            "(disk above memory_store_max_quads quads)."
        },
    )
    memory_store_max_quads: int = field(
        # Chosen from bench/memory.py (README, "One copy of the store"): in memory the benchmark's
        # aggregates ran 5-11x faster, but the server's PSS was 5.05x one copy of the store at 10,000
        # projects (789 MiB) and 4.15x at 100,000 (6.1 GB); from disk 0.45x at 100,000. About 21,000
        # projects: in memory an estimated 1.3-1.7 GB in all.
        default=1_000_000,
        metadata={"help": "With store 'auto', versions of more quads than this are served from disk."},
    )
    dashboard_index_at_open_max_quads: int = field(
        # bench/dashboard.py: reading the index costs 0.1 s of CPU on the bundled data and 4.1 s at 10,000
        # synthetic projects (455,588 quads), where it holds 61 MB in each server process.
        default=1_000_000,
        metadata={
            "help": "A version of at most this many quads has its dashboard index read by each server "
            "process as it opens (at start and at a switch), so no dashboard request waits for it; "
            "a larger one on the first dashboard request. 0: always on first need."
        },
    )
    keep_versions: int = field(
        default=5,
        metadata={
            "help": "Published versions whose dumps stay downloadable at /versions/<v>/dumps/; older ones "
            "keep their changes and a compressed N-Quads copy (enough for a rollback)."
        },
    )
    watch_interval: float = field(
        default=0.25,
        metadata={
            "help": "Seconds between a running server's checks of build/current (or of the external "
            "engine's pointer) for a newly published version; 0 turns watching off (SIGHUP still switches)."
        },
    )
    publish_token: str = field(
        default="",
        metadata={
            "help": "Bearer token that lets publishers write over HTTP (POST /publish, Graph Store writes); "
            "empty turns those writes off."
        },
    )
    engine: str = field(
        default="",
        metadata={
            "help": "SPARQL 1.1 query endpoint of an external engine to answer from (the version that "
            "`smarthame publish --to` put there); empty answers from the published version in memory."
        },
    )
    engine_update: str = field(
        default="",
        metadata={
            "help": "The engine's SPARQL Update endpoint, for `publish --to`; empty: beside the query "
            "endpoint (.../update for Oxigraph's .../query, .../sparql-auth for Virtuoso's .../sparql)."
        },
    )
    engine_store: str = field(
        default="",
        metadata={
            "help": "The engine's Graph Store endpoint, for `publish --to`; empty: beside the query endpoint "
            "(.../store for Oxigraph, .../sparql-graph-crud-auth for Virtuoso)."
        },
    )
    engine_user: str = field(
        default="",
        metadata={"help": "User for the engine's update and store endpoints (HTTP digest); empty: none."},
    )
    engine_password: str = field(
        default="", metadata={"help": "Password of engine_user (best given as SMARTHAME_ENGINE_PASSWORD)."}
    )
    files: tuple[Path, ...] = field(
        default=(),
        metadata={"help": "Serve these RDF files instead of the published dataset (no Smart Häme shapes)."},
    )

    def __post_init__(self) -> None:
        """Refuse a value that cannot work (a NaN timeout made every query fail with 500)."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kind = _kind(f)
            if kind == "float" and (
                isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
            ):
                raise SettingError(f.name, f"must be a finite number of seconds, got {value!r}")
            if kind == "float" and (value < 0 if f.name in ZERO_MEANS_AUTO else value <= 0):
                least = "0 or more" if f.name in ZERO_MEANS_AUTO else "more than 0"
                raise SettingError(f.name, f"must be {least} seconds, got {value!r}")
            if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                raise SettingError(f.name, f"must be a whole number, got {value!r}")
            if kind == "int" and value < (0 if f.name in ZERO_MEANS_AUTO else 1):
                least = "0 or more" if f.name in ZERO_MEANS_AUTO else "1 or more"
                raise SettingError(f.name, f"must be {least}, got {value}")
        if self.port > 65_535:
            raise SettingError("port", f"must be at most 65535, got {self.port}")
        if self.max_url_bytes > MAX_URL_BYTES:
            raise SettingError(
                "max_url_bytes",
                f"must be at most {MAX_URL_BYTES} (the URL parser's limit), got {self.max_url_bytes}",
            )
        if self.public_url and not re.fullmatch(
            r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/\S*)?", self.public_url
        ):
            raise SettingError(
                "public_url",
                f"must be an http(s) URL such as https://data.example.org/, got {self.public_url!r}",
            )

    @property
    def ontology_dir(self) -> Path:
        return self.project_root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.project_root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.project_root / "queries"

    @property
    def static_dir(self) -> Path:
        return Path(__file__).resolve().parent / "web" / "static"

    @property
    def server_processes(self) -> int:
        if self.processes > 0:
            return self.processes
        return max(1, min(len(os.sched_getaffinity(0)), MAX_AUTO_PROCESSES))

    @property
    def query_workers(self) -> int:
        """Query workers per server process.

        Each worker ends up with a private copy of the store: pyoxigraph writes to the store's memory as it
        reads, so the copy-on-write pages it shares with the server get copied (one aggregate in a forked
        process copied 96 of the 134 MB of a 10,000-project store). Two per server process keep a second
        worker free while one runs a query to its time limit; past two server processes, one each keeps the
        copies in proportion to the machine.
        """
        if self.workers > 0:
            return self.workers
        return 2 if self.server_processes <= 2 else 1

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


class SettingError(ValueError):
    """A setting with a value that cannot work; the message names the setting (flag or variable)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"setting {name} (--{name.replace('_', '-')}, SMARTHAME_{name.upper()}): {problem}")
        self.name = name


# Settings where 0 asks for an automatic value or turns a cap (or watching) off; every other number must be
# positive.
ZERO_MEANS_AUTO = frozenset(
    {
        "processes",
        "workers",
        "cache_entries",
        "cache_bytes",
        "client_slots",
        "port",
        "validator_processes",
        "watch_interval",
        "dashboard_index_at_open_max_quads",
    }
)
MAX_URL_BYTES = 65_535  # httptools.parse_url keeps offsets in 16 bits: a longer URL cannot be parsed
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+", re.ASCII)
_WHOLE = re.compile(r"[0-9]+", re.ASCII)


def parse_seconds(raw: str, zero: bool = False) -> float:
    """A positive (or, with ``zero``, also 0), finite decimal number of seconds written with ASCII digits
    (``2``, ``0.5``, ``.5``).

    Stricter than ``float()``, which also reads ``nan``, ``inf``, ``1_0`` (as 10) and ``٥`` (as 5).
    Raises ValueError saying what is expected.
    """
    text = raw.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"'{raw}' is not a number of seconds written with the digits 0-9 (e.g. 2 or 0.5)")
    value = float(text)
    if value < 0 or (value == 0 and not zero):
        raise ValueError(f"must be {'0 or more' if zero else 'more than 0'} seconds, got '{raw}'")
    return value


def parse_whole(raw: str) -> int:
    """A whole number written with ASCII digits only (no sign, underscore or other script's digits)."""
    text = raw.strip()
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"'{raw}' is not a whole number written with the digits 0-9")
    return int(text)


def settings_help() -> dict[str, str]:
    """Setting name -> help text, for the CLI and the README."""
    return {f.name: f.metadata.get("help", "") for f in dataclasses.fields(Settings)}


def from_environment(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from ``SMARTHAME_<NAME>`` variables, then explicit overrides (flags) on top."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        raw = environ.get(f"SMARTHAME_{f.name.upper()}")
        if raw is None:
            continue
        values[f.name] = _coerce(f, raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(**values)
    if settings.store not in STORE_KINDS:
        raise ValueError(f"setting store is '{settings.store}'; use one of {', '.join(STORE_KINDS)}")
    if not settings.base_iri.endswith(("/", "#")):
        settings = settings.replace(base_iri=settings.base_iri + "/")
    return settings


def _kind(f: dataclasses.Field[Any]) -> str:
    return f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))


def _coerce(f: dataclasses.Field[Any], raw: str) -> Any:
    kind = _kind(f)
    try:
        if kind == "int":
            return parse_whole(raw)
        if kind == "float":
            return parse_seconds(raw, zero=f.name in ZERO_MEANS_AUTO)
    except ValueError as e:
        raise SettingError(f.name, str(e)) from None
    if kind == "Path":
        return Path(raw)
    if kind.startswith("tuple"):
        parts = tuple(p for p in raw.split(",") if p)
        return tuple(Path(p) for p in parts) if "Path" in kind else parts
    return raw
