"""``smarthame query``: run SPARQL over the published dataset and print it for a terminal or a pipe."""

from __future__ import annotations

import json
import sys
from typing import Any

from server.graph.versions import open_published
from server.settings import Settings
from server.sparql.engine import Engine, QueryRequest
from server.sparql.formats import CLI_OUTPUT_TYPES, TURTLE


def run_cli_query(text: str, output: str, settings: Settings) -> int:
    engine = Engine(open_published(settings), settings)
    engine.start()
    try:
        result = engine.run_sync(QueryRequest(text=text, result_format=CLI_OUTPUT_TYPES[output]))
        if result.kind == "graph":
            result = engine.run_sync(QueryRequest(text=text, result_format=TURTLE))
    finally:
        engine.close()
    if output != "table" or result.kind == "graph":
        sys.stdout.buffer.write(result.body)
        return 0
    print(format_table(json.loads(result.body)))
    return 0


def format_table(results: dict[str, Any]) -> str:
    """SPARQL JSON results as an aligned text table (or the boolean of an ASK)."""
    if "boolean" in results:
        return "true" if results["boolean"] else "false"
    columns = results["head"]["vars"]
    rows = [[_cell(b.get(v)) for v in columns] for b in results["results"]["bindings"]]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, sep, *body, f"({len(rows)} rows)"])


def _cell(binding: dict[str, str] | None) -> str:
    if binding is None:
        return ""
    if binding["type"] == "uri":
        return f"<{binding['value']}>"
    if binding.get("xml:lang"):
        return f"{binding['value']}@{binding['xml:lang']}"
    return str(binding["value"])
