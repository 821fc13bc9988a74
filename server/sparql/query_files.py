"""Reading ``queries/*.rq`` into saved queries (:class:`server.sparql.saved_queries.SavedQuery`).

Each file is runnable SPARQL on its own. Its header is a block of ``#+`` comment lines at the top, a small
indentation-based subset of YAML (grlc's decorators are the model), read here with line numbers so that
every mistake is reported as ``file:line``::

    #+ title:
    #+   fi: Hankkeet kärjittäin
    #+   sv: Projekt per spets
    #+   en: Projects by spearhead
    #+ description:
    #+   fi: Pidempi kuvaus, joka voi jatkua
    #+       seuraavalla rivillä.
    #+   sv: ...
    #+   en: ...
    #+ params:
    #+   spearhead:
    #+     type: iri
    #+     class: smh:Spearhead
    #+     scheme: res:scheme/spearheads
    #+     example: res:concept/spearheads/circular-economy
    #+     description:
    #+       fi: ...
    #+       sv: ...
    #+       en: ...

A parameter's name is a SPARQL variable of the query; the file is checked by parsing it with its
parameters bound to their examples, and ``BOUND(?param)`` / ``BIND(?param AS ...)`` are refused (see
``server.sparql.saved_queries`` for why).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from server.errors import BadParameter, ParseError
from server.graph.rebasing import Rebaser
from server.settings import DEFAULT_BASE_IRI
from server.sparql.saved_queries import PARAM_TYPES, Parameter, SavedQuery, parse_iri

LANGUAGES = ("fi", "sv", "en")  # every title and description in each: the pages are in all three
NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")
VARIABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KEY_RE = re.compile(r"^([A-Za-z_][\w.-]*):(?:\s+(.*))?$")


@dataclass
class _Node:
    line: int
    value: str | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def _header_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, text after '#+')`` for the leading comment block."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if stripped.startswith("#+"):
            out.append((number, line.lstrip()[2:].rstrip()))
    return out


def _parse_tree(path: Path, lines: list[tuple[int, str]]) -> _Node:
    """Nested key/value nodes from indented ``key: value`` lines; deeper lines after a value continue it."""
    root = _Node(line=0)
    stack: list[tuple[int, _Node]] = [(-1, root)]
    last: tuple[int, _Node] | None = None  # (indent, node) of the latest scalar, for continuations
    for number, body in lines:
        indent = len(body) - len(body.lstrip(" "))
        content = body.strip()
        if not content:
            continue
        if last is not None and indent > last[0] and last[1].value is not None:
            last[1].value += " " + content
            continue
        match = KEY_RE.match(content)
        if not match:
            raise ParseError(path, number, f"expected 'key: value' in the header, got {content!r}")
        while stack and indent <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        if parent.value is not None:
            raise ParseError(
                path, number, f"'{match.group(1)}' is indented under a key that already has a value"
            )
        key = match.group(1)
        if key in parent.children:
            raise ParseError(path, number, f"'{key}' is given twice")
        node = _Node(line=number, value=match.group(2).strip() if match.group(2) else None)
        parent.children[key] = node
        stack.append((indent, node))
        last = (indent, node)
    return root


def _texts(path: Path, node: _Node | None, what: str, line: int) -> dict[str, str]:
    if node is None:
        languages = "Finnish, Swedish and English: fi, sv, en"
        raise ParseError(path, line or 1, f"the header has no '{what}' (give it in {languages})")
    texts = {lang: child.value or "" for lang, child in node.children.items()}
    for lang in LANGUAGES:
        if not texts.get(lang):
            raise ParseError(path, node.line, f"'{what}' has no '{lang}' text")
    unknown = set(texts) - set(LANGUAGES)
    if unknown:
        raise ParseError(path, node.line, f"'{what}' has unknown languages: {', '.join(sorted(unknown))}")
    return texts


PARAM_KEYS = {"type", "class", "scheme", "default", "example", "allowed", "min", "max", "description"}
TOP_KEYS = {"title", "description", "params", "tags"}


def _expand(path: Path, line: int, value: str, prefixes: Mapping[str, str]) -> str:
    try:
        return parse_iri("class", value, prefixes)
    except BadParameter as e:
        raise ParseError(path, line, e.message) from None


def _parameter(path: Path, name: str, node: _Node, prefixes: Mapping[str, str]) -> Parameter:
    if not VARIABLE_RE.match(name):
        raise ParseError(path, node.line, f"parameter '{name}' is not a SPARQL variable name")
    unknown = set(node.children) - PARAM_KEYS
    if unknown:
        key = min(unknown)
        raise ParseError(
            path,
            node.children[key].line,
            f"unknown parameter key '{key}'; known: {', '.join(sorted(PARAM_KEYS))}",
        )
    get = {k: (c.value, c.line) for k, c in node.children.items()}
    kind = get.get("type", (None, node.line))
    if kind[0] not in PARAM_TYPES:
        raise ParseError(path, kind[1], f"parameter '{name}' needs a type, one of: {', '.join(PARAM_TYPES)}")
    bounds = {}
    for key in ("min", "max"):
        if key in get:
            if kind[0] != "integer" or not re.fullmatch(r"[+-]?\d+", get[key][0] or ""):
                raise ParseError(
                    path, get[key][1], f"'{key}' needs an integer parameter and an integer value"
                )
            bounds[key] = int(get[key][0] or 0)
    for key in ("class", "scheme"):
        if key in get and kind[0] != "iri":
            raise ParseError(path, get[key][1], f"'{key}' only applies to a parameter of type iri")
    allowed = tuple(v.strip() for v in (get.get("allowed", ("", 0))[0] or "").split(",") if v.strip())
    param = Parameter(
        name=name,
        type=kind[0],  # type: ignore[arg-type]
        description=_texts(path, node.children.get("description"), f"params.{name}.description", node.line),
        line=node.line,
        default=get.get("default", (None, 0))[0],
        example=get.get("example", (None, 0))[0],
        allowed=allowed,
        minimum=bounds.get("min"),
        maximum=bounds.get("max"),
        of_class=_expand(path, get["class"][1], get["class"][0] or "", prefixes) if "class" in get else None,
        in_scheme=_expand(path, get["scheme"][1], get["scheme"][0] or "", prefixes)
        if "scheme" in get
        else None,
    )
    for key in ("default", "example"):
        value = get.get(key, (None, 0))[0]
        if value is not None:
            try:
                param.to_term(value, prefixes)
            except BadParameter as e:
                raise ParseError(path, get[key][1], f"{key} of '{name}': {e.message}") from None
    return param


def _check_sparql(
    path: Path, text: str, parameters: tuple[Parameter, ...], prefixes: Mapping[str, str]
) -> None:
    """Parse the query (empty store) with every parameter bound, and refuse the substitution traps."""
    for p in parameters:
        if not re.search(rf"[?$]{p.name}\b", text):
            raise ParseError(path, p.line, f"parameter '{p.name}' is not a variable of the query")
        for pattern, problem in (
            (
                rf"BOUND\s*\(\s*[?$]{p.name}\s*\)",
                "BOUND(?{0}) is always false under substitution; write FILTER(COALESCE(?x = ?{0}, true))",
            ),
            (
                rf"BIND\s*\(\s*[?$]{p.name}\s+AS\b",
                "BIND(?{0} AS ...) stays unbound under substitution; use ?{0} where it is needed",
            ),
        ):
            match = re.search(pattern, text, re.IGNORECASE)
            if match:
                raise ParseError(path, text.count("\n", 0, match.start()) + 1, problem.format(p.name))
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
    for p in parameters:
        sample = p.default or p.example
        if sample is not None:
            substitutions[ox.Variable(p.name)] = p.to_term(sample, prefixes)
    try:
        result = ox.Store().query(text, substitutions=substitutions)
    except SyntaxError as e:
        message = e.msg or str(e)
        where = re.match(r"error at (\d+):(\d+): ", message)
        line = int(where.group(1)) if where else None
        raise ParseError(path, line, f"SPARQL syntax error: {message}") from None
    except RuntimeError as e:
        raise ParseError(path, None, f"a parameter cannot be bound: {e}") from None
    if not isinstance(result, ox.QuerySolutions):
        raise ParseError(path, None, "a saved query must be a SELECT query (it is shown as a table)")


def load_saved_query(path: Path, prefixes: Mapping[str, str], base_iri: str = DEFAULT_BASE_IRI) -> SavedQuery:
    """Parse and check one ``.rq`` file; raises ParseError with ``file:line``."""
    name = path.stem
    if not NAME_RE.match(name):
        raise ParseError(
            path, None, "a saved query's file name is its route: lower-case letters, digits and '-'"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ParseError(path, None, f"not UTF-8: {e}") from None
    # The files are written against the default base, like the data; move our own IRIs with it. This
    # edits trusted text from our repository once at start-up, never a request value.
    text = Rebaser(DEFAULT_BASE_IRI, base_iri).text(text)
    root = _parse_tree(path, _header_lines(text))
    unknown = set(root.children) - TOP_KEYS
    if unknown:
        key = min(unknown)
        raise ParseError(
            path, root.children[key].line, f"unknown header key '{key}'; known: {', '.join(sorted(TOP_KEYS))}"
        )
    params_node = root.children.get("params")
    parameters = tuple(
        _parameter(path, pname, pnode, prefixes)
        for pname, pnode in (params_node.children.items() if params_node else ())
    )
    tags_node = root.children.get("tags")
    query = SavedQuery(
        name=name,
        path=path,
        title=_texts(path, root.children.get("title"), "title", 1),
        description=_texts(path, root.children.get("description"), "description", 1),
        parameters=parameters,
        text=text,
        tags=tuple(t.strip() for t in (tags_node.value or "").split(",") if t.strip()) if tags_node else (),
    )
    _check_sparql(path, text, parameters, prefixes)
    return query


def load_catalog(
    folder: Path, prefixes: Mapping[str, str], base_iri: str = DEFAULT_BASE_IRI
) -> dict[str, SavedQuery]:
    """Every ``*.rq`` in ``folder`` by name, sorted; the first bad file raises ParseError."""
    if not folder.is_dir():
        return {}
    return {p.stem: load_saved_query(p, prefixes, base_iri) for p in sorted(folder.glob("*.rq"))}
