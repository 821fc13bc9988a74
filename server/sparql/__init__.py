"""SPARQL evaluation: the protocol, media types, the engine and its workers, the DESCRIBE index path,
the result cache, the SERVICE guard and saved queries. Knows no web framework."""
