"""Saved queries: their typed parameters, and request values bound as RDF terms.

A saved query (``queries/*.rq``, read by ``server.sparql.query_files``) names its parameters, and each
parameter's value reaches the engine as an RDF term through pyoxigraph ``substitutions``; the query text
is never edited. Types: ``iri`` (optionally of a ``class`` and/or in a concept ``scheme``), ``date``
(xsd:date), ``year`` (xsd:gYear), ``string``, ``integer`` (``min``/``max``); ``allowed`` enumerates the
accepted literal values. A parameter without ``default`` may be left out, and is then unbound.

Two facts about pyoxigraph 0.5 substitution shape how the queries are written (measured on 0.5.13):
a substituted variable must be in the SELECT projection (and so in GROUP BY), or the query is refused;
and it is bound only in the projected solutions, so ``BOUND(?p)`` stays false and ``BIND(?p AS ?x)``
leaves ``?x`` unbound, while ``?p`` inside a function or comparison is replaced. "Unbound matches
everything" is therefore written ``FILTER(COALESCE(?value = ?p, true))``: the comparison is an error,
hence true, exactly when ``?p`` is unbound. ``server.sparql.query_files`` refuses ``BOUND(?param)`` and
``BIND(?param AS ...)`` with the line, so the trap cannot come back.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from server.errors import BadParameter
from server.graph.vocabulary import RDFS, SKOS, XSD

ParamType = TypingLiteral["iri", "date", "year", "string", "integer"]
PARAM_TYPES: tuple[str, ...] = ("iri", "date", "year", "string", "integer")
# Characters an IRIREF may not hold (SPARQL 1.1 grammar, production 139), plus whitespace.
IRI_FORBIDDEN_RE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MAX_STRING = 500  # longest accepted string parameter, in characters: a register code or a name search


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a saved query, as declared in its header."""

    name: str
    type: ParamType
    description: Mapping[str, str]
    line: int
    default: str | None = None
    example: str | None = None
    allowed: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    of_class: str | None = None  # full IRI, for type iri
    in_scheme: str | None = None  # full IRI, for type iri

    def to_term(self, raw: str, prefixes: Mapping[str, str]) -> ox.NamedNode | ox.Literal:
        """The RDF term for a request value; raises BadParameter saying what is expected."""
        value = raw.strip()
        if self.type == "iri":
            term: ox.NamedNode | ox.Literal = ox.NamedNode(parse_iri(self.name, value, prefixes))
        elif self.type == "date":
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise BadParameter(self.name, f"expected a date as YYYY-MM-DD, got {value!r}")
            try:
                date.fromisoformat(value)
            except ValueError:
                raise BadParameter(self.name, f"{value!r} is not a calendar date") from None
            term = ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        elif self.type == "year":
            if not re.fullmatch(r"[0-9]{4}", value):
                raise BadParameter(self.name, f"expected a year as four digits, got {value!r}")
            term = ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
        elif self.type == "integer":
            if not re.fullmatch(r"[+-]?[0-9]{1,9}", value):
                raise BadParameter(self.name, f"expected an integer, got {value!r}")
            number = int(value)
            if self.minimum is not None and number < self.minimum:
                raise BadParameter(self.name, f"must be at least {self.minimum}, got {number}")
            if self.maximum is not None and number > self.maximum:
                raise BadParameter(self.name, f"must be at most {self.maximum}, got {number}")
            value = str(number)
            term = ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
        else:
            if len(value) > MAX_STRING:
                raise BadParameter(self.name, f"longer than {MAX_STRING} characters")
            term = ox.Literal(value)
        if self.allowed and value not in self.allowed:
            raise BadParameter(self.name, f"{value!r} is not one of: {', '.join(self.allowed)}")
        return term

    def openapi_schema(self) -> dict[str, object]:
        """The JSON Schema of the query-string value, for the OpenAPI document."""
        schema: dict[str, object] = {"type": "string"}
        if self.type == "iri":
            schema["format"] = "iri"
        elif self.type == "date":
            schema["format"] = "date"
        elif self.type == "year":
            schema.update(type="integer", minimum=1000, maximum=9999)
        elif self.type == "integer":
            schema["type"] = "integer"
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        if self.allowed:
            schema["enum"] = (
                [int(v) for v in self.allowed] if schema["type"] == "integer" else list(self.allowed)
            )
        if self.default is not None:
            schema["default"] = int(self.default) if schema["type"] == "integer" else self.default
        return schema

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "type": self.type, "description": dict(self.description)}
        for key, value in (
            ("class", self.of_class),
            ("scheme", self.in_scheme),
            ("default", self.default),
            ("example", self.example),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
        ):
            if value is not None:
                out[key] = value
        if self.allowed:
            out["allowed"] = list(self.allowed)
        return out


@dataclass(frozen=True)
class SavedQuery:
    """A parsed ``.rq`` file: its name (the route), header and SPARQL text."""

    name: str
    path: Path
    title: Mapping[str, str]
    description: Mapping[str, str]
    parameters: tuple[Parameter, ...]
    text: str
    tags: tuple[str, ...] = field(default=())

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def bind(
        self,
        raw: Mapping[str, str | None],
        prefixes: Mapping[str, str],
        known: Mapping[str, Collection[str]] | None = None,
    ) -> dict[str, ox.NamedNode | ox.Literal]:
        """Substitutions for the request values ``raw`` (missing or empty: the default, else unbound).

        ``known`` gives, per IRI parameter, the IRIs the published data holds of its class or scheme;
        a value outside them is refused, so a typo is an error rather than an empty answer.
        """
        bound: dict[str, ox.NamedNode | ox.Literal] = {}
        for p in self.parameters:
            value = raw.get(p.name)
            if value is None or not value.strip():
                value = p.default
            if value is None:
                continue
            term = p.to_term(value, prefixes)
            if known is not None and p.name in known and isinstance(term, ox.NamedNode):
                members = known[p.name]
                if term.value not in members:
                    sample = ", ".join(sorted(members)[:8]) + (" …" if len(members) > 8 else "")
                    what = " ".join(
                        filter(
                            None,
                            (
                                p.of_class and f"of class <{p.of_class}>",
                                p.in_scheme and f"in scheme <{p.in_scheme}>",
                            ),
                        )
                    )
                    raise BadParameter(
                        p.name,
                        f"<{term.value}> is not a resource {what} in the published data; allowed: {sample}",
                    )
            bound[p.name] = term
        return bound

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": dict(self.title),
            "description": dict(self.description),
            "parameters": [p.as_json() for p in self.parameters],
            "tags": list(self.tags),
        }


def parse_iri(name: str, value: str, prefixes: Mapping[str, str]) -> str:
    """An absolute IRI from a full IRI (``<…>`` optional) or a prefixed name; BadParameter otherwise."""
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if "://" not in value and not value.startswith("urn:"):
        prefix, sep, local = value.partition(":")
        if sep and prefix in prefixes:
            value = prefixes[prefix] + local
        elif sep:
            raise BadParameter(
                name, f"unknown prefix '{prefix}:'; use a full IRI or one of: {', '.join(sorted(prefixes))}"
            )
    if not SCHEME_RE.match(value):
        raise BadParameter(name, f"expected an absolute IRI or a prefixed name, got {value!r}")
    if IRI_FORBIDDEN_RE.search(value):
        raise BadParameter(name, 'an IRI may not contain spaces, control characters or any of <>"{}|^`\\')
    try:
        ox.NamedNode(value)
    except ValueError as e:
        raise BadParameter(name, f"not a valid IRI: {e}") from None
    return value


def membership_query(param: Parameter) -> str | None:
    """SELECT ?value ?label over the resources an IRI parameter may name, or None if it accepts any IRI.

    The class and scheme are bound through substitutions like any other value.
    """
    patterns = []
    if param.of_class:
        patterns.append("?value a ?class .")
    if param.in_scheme:
        patterns.append("?value skos:inScheme ?scheme .")
    if not patterns:
        return None
    return (
        f"PREFIX skos: <{SKOS}>\n"
        f"PREFIX rdfs: <{RDFS}>\n"
        f"SELECT DISTINCT ?value (SAMPLE(?l) AS ?label) {'?class' if param.of_class else ''} "
        f"{'?scheme' if param.in_scheme else ''}\n"
        f"WHERE {{ {' '.join(patterns)}\n"
        '  OPTIONAL { ?value skos:prefLabel|rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "fi") || LANG(?l) '
        '= "") } }\n'
        f"GROUP BY ?value {'?class' if param.of_class else ''} {'?scheme' if param.in_scheme else ''}\n"
        "ORDER BY ?label ?value"
    )


def membership_substitutions(param: Parameter) -> dict[str, ox.NamedNode]:
    subs = {}
    if param.of_class:
        subs["class"] = ox.NamedNode(param.of_class)
    if param.in_scheme:
        subs["scheme"] = ox.NamedNode(param.in_scheme)
    return subs
