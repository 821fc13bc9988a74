"""The Smart Häme knowledge graph: loading, validating, publishing and serving it."""
