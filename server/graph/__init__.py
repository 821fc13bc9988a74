"""The graph: its vocabulary, reading files and records into named graphs, rebasing, SHACL validation,
and publishing and opening versions. Imports nothing from the layers above (sparql, publish, web, cli)."""
