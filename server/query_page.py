"""The HTML page a browser gets from ``GET /sparql`` without a query: a plain query form.

One function, so the page can be swapped (a YASGUI editor replaces it later) without touching the endpoint.
"""

from __future__ import annotations

from html import escape

EXAMPLE = """SELECT ?class (COUNT(?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances)
LIMIT 20"""


def render_query_page(endpoint: str, example: str = EXAMPLE) -> str:
    """A self-contained HTML form that sends a query to ``endpoint`` by GET."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Smart Häme SPARQL endpoint</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
textarea {{ width: 100%; font-family: ui-monospace, monospace; font-size: 0.95rem; }}
label {{ margin-right: 1rem; }}
</style>
</head>
<body>
<h1>Smart Häme SPARQL endpoint</h1>
<p>Send SPARQL 1.1 queries to <code>{escape(endpoint)}</code> by GET or POST. A GET without a query and
with <code>Accept: text/turtle</code> returns the service description.</p>
<form method="get" action="{escape(endpoint)}">
<p><textarea name="query" rows="14" aria-label="SPARQL query">{escape(example)}</textarea></p>
<p>
<label>Results as
<select name="format">
<option value="json">SPARQL JSON</option>
<option value="xml">SPARQL XML</option>
<option value="csv">CSV</option>
<option value="tsv">TSV</option>
<option value="turtle">Turtle (CONSTRUCT, DESCRIBE)</option>
<option value="jsonld">JSON-LD (CONSTRUCT, DESCRIBE)</option>
</select></label>
<label>Time limit (s) <input name="timeout" type="number" min="0.1" step="0.1" size="5"></label>
<button type="submit">Run query</button>
</p>
</form>
</body>
</html>
"""
