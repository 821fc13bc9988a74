"""Where is a node first written as a subject? ``file:line`` for validation results.

A light token scan of Turtle, TriG, N-Triples and N-Quads (RDF/XML and JSON-LD get no line): it follows
statement ends and brackets and expands prefixed names and relative IRIs, which is all a location needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from server.graph.rebasing import Rebaser
from server.settings import DEFAULT_BASE_IRI, Settings

_LOCATABLE = {".ttl", ".trig", ".nt", ".nq"}

_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<comment>#[^\n]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<iri><[^>\s]*>)|(?P<punct>\^\^|[.;,\[\](){}])"
    r'|(?P<word>[^\s.;,\[\](){}<>"\'^]+(?:\.[^\s.;,\[\](){}<>"\'^]+)*)',
    re.DOTALL,
)


class Locator:
    """Maps a focus node to ``file:line``; files are scanned lazily, in order, and only as far as needed.

    A node is located at the first file (in the given order) that writes it as a subject, so scanning
    file after file until the node turns up gives the same answer as indexing them all first, and a
    report about the bundled data never scans a large file that comes after them.
    """

    def __init__(self, files: list[Path], settings: Settings) -> None:
        self._files = [Path(f) for f in files if Path(f).suffix.lower() in _LOCATABLE]
        self._settings = settings
        self._rebaser = Rebaser(DEFAULT_BASE_IRI, settings.base_iri)
        self._index: dict[str, str] = {}
        self._scanned = 0

    def __call__(self, node: Any, data: Graph | Callable[[Any], Any], hops: int = 3) -> str | None:
        """``node`` is an rdflib or pyoxigraph term; ``data`` the rdflib graph, or a function giving a
        subject that refers to a blank node (blank nodes take their referrer's location)."""
        if isinstance(node, BNode | ox.BlankNode) and hops > 0:
            if isinstance(data, Graph):
                referrer = next(data.subjects(None, node), None) if isinstance(node, BNode) else None
            else:
                referrer = data(node)
            return self(referrer, data, hops - 1) if referrer is not None else None
        if isinstance(node, ox.NamedNode):
            iri = node.value
        elif isinstance(node, URIRef):
            iri = str(node)
        else:
            return None
        while iri not in self._index and self._scanned < len(self._files):
            f = self._files[self._scanned]
            self._scanned += 1
            shown = self._display(f)
            rebase = self._rebaser.iri
            for found, line in subject_lines(f).items():
                self._index.setdefault(rebase(found), f"{shown}:{line}")
        return self._index.get(iri)

    def _display(self, f: Path) -> str:
        try:
            return str(f.resolve().relative_to(self._settings.project_root.resolve()))
        except ValueError:
            return str(f)


def subject_lines(path: Path) -> Mapping[str, int]:
    """IRI -> first line where it is the subject of a statement, for Turtle, TriG, N-Triples, N-Quads.

    A token scan, not a parser: it follows statement ends ('.') and brackets, and expands prefixed
    names and relative IRIs (against @base, else the default base, as the loader does). Each version of
    a file is scanned once per process (validating files always scans the ontology too).
    """
    stat = path.stat()
    if path.suffix.lower() in (".nt", ".nq"):
        return _line_subjects(path.resolve(), stat.st_mtime_ns, stat.st_size)
    return _scanned(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _line_subjects(path: Path, mtime_ns: int, size: int) -> Mapping[str, int]:
    """N-Triples and N-Quads: one statement per line, its subject the first IRI (always absolute)."""
    found: dict[str, int] = {}
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, 1):
            text = text.lstrip()
            if text.startswith("<"):
                end = text.find(">")
                if end > 0:
                    found.setdefault(text[1:end], number)
    return MappingProxyType(found)


@lru_cache(maxsize=32)
def _scanned(path: Path, mtime_ns: int, size: int) -> dict[str, int]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found: dict[str, int] = {}
    ns: dict[str, str] = {}
    base = DEFAULT_BASE_IRI
    depth, line, expect_subject = 0, 1, True
    directive: list[str] = []  # tokens of a @prefix/@base/PREFIX/BASE line being read
    pending: tuple[str, int] | None = None  # a subject candidate: a graph name if '{' follows
    for m in _TOKEN.finditer(text):
        kind, tok = m.lastgroup, m.group()
        start_line = line
        line += tok.count("\n")
        if kind in ("ws", "comment"):
            continue
        if pending is not None:
            if tok != "{":
                found.setdefault(*pending)
            pending = None
        if directive:
            directive.append(tok)
            if directive[0].lower() in ("@base", "base") and kind == "iri":
                base, directive = urljoin(base, tok[1:-1]), []
            elif kind == "iri":
                ns[directive[1].rstrip(":")] = urljoin(base, tok[1:-1])
                directive = []
            continue
        if kind == "word" and tok.lower() in ("@prefix", "prefix", "@base", "base"):
            directive = [tok]
            continue
        if kind == "punct":
            if tok in "[(":
                if expect_subject:
                    expect_subject = False
                depth += 1
            elif tok in "])":
                depth -= 1
            elif tok in "{}" or (tok == "." and depth == 0):
                expect_subject = True
            continue
        if expect_subject and depth == 0 and kind in ("iri", "word") and tok.upper() != "GRAPH":
            iri = _expand(tok, kind, ns, base)
            expect_subject = False
            if iri is not None:
                pending = (iri, start_line)
    if pending is not None:
        found.setdefault(*pending)
    return found


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _expand(tok: str, kind: str | None, ns: dict[str, str], base: str) -> str | None:
    if kind == "iri":
        iri = tok[1:-1]
        # urljoin would leave an absolute IRI as it is, at a cost that dominates large files
        return iri if _ABSOLUTE.match(iri) else urljoin(base, iri)
    prefix, colon, local = tok.partition(":")
    if not colon or prefix not in ns:
        return None
    return ns[prefix] + re.sub(r"\\(.)", r"\1", local)
