"""graph/classification: projects classified against the strategy in force when they ran and against
the Smart Häme spearheads by theme, by documented rules and by editors' decisions, each with its
provenance. Judgements made for the graph, never facts of a source."""
