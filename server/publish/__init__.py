"""What describes or exports the graph: dumps, the DCAT-AP catalogue, VoID, the service description,
ontology and shapes documentation. Knows no web framework."""
