"""Run a plan's queries in forked processes, for large graphs.

pyoxigraph holds the GIL while a query runs, so the checks of one validation only use one core in
one process. The checks are independent: after the data is loaded, forked children (which share the
store's pages until they write to them) each take queries from a pool, and send back the solutions
as plain tuples of terms (pyoxigraph terms pickle, and blank node ids are those of the shared store).

Forking is only done where it is safe and pays: the process has one thread (a fork copies only the
calling thread, so a lock held elsewhere would stay held in the child), the platform forks, and the
graph is large enough that the queries outweigh starting the children.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from server.graph.shacl.data import DataGraph

MIN_QUADS = 200_000  # below this a serial run takes well under a second: forking is not worth it

Solution = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Task:
    check: int  # index of the check in the plan
    query: str
    only: frozenset[Any] | None  # keep only rows about these focus nodes (blank nodes: run in full)


def processes_for(requested: int, quads: int) -> int:
    """How many processes a run of ``quads`` gets: ``requested`` (0 = one per core, at most 4), or 1
    where forking is unsafe or would not pay."""
    if requested == 1 or quads < MIN_QUADS or not can_fork():
        return 1
    return requested if requested > 1 else max(1, min(os.cpu_count() or 1, 4))


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def map_queries(
    data: DataGraph, functions: dict[Any, Callable[..., Any]], tasks: Sequence[Task], processes: int
) -> Iterator[tuple[Task, list[Solution]]]:
    """Each task with its solutions, in the order of ``tasks`` (a task's solutions in the engine's
    order, which may differ between processes; reports are sorted)."""
    if processes <= 1 or len(tasks) < 2 or not can_fork():
        for task in tasks:
            yield task, _solutions(data, functions, task.query)
        return
    global _SHARED
    _SHARED = (data, functions, tasks)
    try:
        with multiprocessing.get_context("fork").Pool(min(processes, len(tasks))) as pool:
            # One task at a time: the checks' costs differ widely, so small chunks keep every
            # process busy to the end; imap keeps the tasks' order, so results are deterministic.
            yield from zip(tasks, pool.imap(_run_task, range(len(tasks)), chunksize=1), strict=True)
    finally:
        _SHARED = None


_SHARED: tuple[DataGraph, dict[Any, Callable[..., Any]], Sequence[Task]] | None = None


def _run_task(index: int) -> list[Solution]:
    if _SHARED is None:
        raise RuntimeError("a validation process was started without the data it forked from")
    data, functions, tasks = _SHARED
    return _solutions(data, functions, tasks[index].query)


def _solutions(data: DataGraph, functions: dict[Any, Callable[..., Any]], query: str) -> list[Solution]:
    results = data.query(query, functions)
    names = [v.value for v in results.variables]
    return [tuple((n, s[n]) for n in names if s[n] is not None) for s in results]
