"""The fast SHACL validator: the shapes compiled to SPARQL and run on a pyoxigraph store.

pySHACL stays the reference (``server.graph.validation`` runs either); this package gives the same
results (focus node, path, constraint component, severity, value, message) in a fraction of the
time, because it never converts the data to rdflib and asks one set-based query per constraint
instead of evaluating every focus node in Python.

    shapes.py, reading.py the shapes graph -> Shape objects; refuses every SHACL feature not implemented
    paths.py              SHACL property paths -> SPARQL property paths and report text
    expressions.py        "does this node conform to that shape" as one SPARQL expression (sh:node, sh:or)
    literal_checks.py     the checks that follow rdflib's reading of literals (datatype, pattern, ranges), as
                          SPARQL custom functions
    sparql_constraints.py sh:sparql: prefixes, the checks pySHACL makes, one query for all focus nodes
    sparql_text.py        a token scan of SPARQL text: where to put the focus nodes, EXISTS bodies nested
    sparql_patterns.py    the triple patterns of a sh:sparql query and the groups that hold them
    plan.py               every reported constraint as one check (a query over all its focus nodes)
    data.py               the store the checks run on, and the original spelling of its literals
    run.py                running a plan (optionally for some focus nodes only) into ValidationResults
    locality.py           which focus nodes a change can affect, shape by shape (incremental validation)
    probes.py             the same for sh:sparql checks, by binding their patterns to the changed triples
"""
