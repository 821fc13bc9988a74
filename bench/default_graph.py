"""The merged default graph of a version's store: the bulk-loaded merge against the SPARQL INSERT it
replaced (``server.graph.versions.merge_into_default_graph``), in time and memory.

    python bench/default_graph.py --projects 10000

Each way runs in a fresh process on the same synthetic projects in an in-memory store; printed: quads
after the merge, seconds, resident memory gained and the process's peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

INSERT = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _rss_mib() -> int:
    for line in open("/proc/self/status"):  # noqa: SIM115 - read at once
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def one(way: str, nq: Path) -> dict:
    import pyoxigraph as ox

    from server.graph.versions import merge_into_default_graph

    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    before, started = _rss_mib(), time.perf_counter()
    if way == "insert":
        store.update(INSERT)
    else:
        merge_into_default_graph(store)
    return {
        "way": way,
        "quads": len(store),
        "seconds": round(time.perf_counter() - started, 2),
        "gained_mib": _rss_mib() - before,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--projects", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--way", choices=("insert", "bulk"), help=argparse.SUPPRESS)  # one way, in this process
    p.add_argument("--nquads", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.way:
        print(json.dumps(one(args.way, args.nquads)))
        return 0
    import pyoxigraph as ox
    import synthetic

    with tempfile.TemporaryDirectory(prefix="smarthame-default-graph-") as folder:
        nq = Path(folder) / "synthetic.nq"
        quads = synthetic.generate(args.projects, args.seed)
        ox.serialize(quads, output=str(nq), format=ox.RdfFormat.N_QUADS)
        for way in ("insert", "bulk"):
            argv = [sys.executable, __file__, "--way", way, "--nquads", str(nq)]
            out = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT)
            print(out.stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
