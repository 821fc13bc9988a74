"""The benchmark scripts under bench/ still start: each imports what it needs from the package.

They are scripts, not tests, and nothing else runs them; `bench/import.py` imported a function that had
moved and failed at its first line for several changes before anyone noticed. One Python process loads
every script as a module (its ``main()`` does not run) and names those that fail.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from server.settings import PROJECT_ROOT

pytestmark = pytest.mark.process
BENCH = PROJECT_ROOT / "bench"
LOAD_ALL = """
import importlib.util, sys, traceback
sys.path.insert(0, sys.argv[1])
failed = []
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1][:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    module = sys.modules[name] = importlib.util.module_from_spec(spec)  # dataclasses look it up there
    try:
        spec.loader.exec_module(module)
    except Exception:
        failed.append(path + ": " + traceback.format_exc(limit=1).strip().splitlines()[-1])
print("\\n".join(failed))
"""


def test_every_benchmark_script_loads() -> None:
    scripts = sorted(str(p) for p in BENCH.glob("*.py"))
    assert len(scripts) >= 10, scripts
    done = subprocess.run(
        [sys.executable, "-c", LOAD_ALL, str(BENCH), *scripts],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"scripts that do not load:\n{done.stdout}"
