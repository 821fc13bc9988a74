"""Schemathesis over ``/openapi.json`` against a real server on the bundled data (issue 12, item 17),
with a fixed seed and a bounded number of examples: ``/sparql`` conforms to its description (statuses,
media types, response schemas), and no operation answers a server error.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.http
SCHEMATHESIS = Path(shutil.which("schemathesis") or Path(__file__).parents[1] / ".venv/bin/schemathesis")
CONFORMANCE = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
)


def schemathesis(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    if not SCHEMATHESIS.is_file():
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    return subprocess.run(
        [str(SCHEMATHESIS), "run", server.url + "/openapi.json", "--seed", "1", "--no-color", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_sparql_conforms_to_its_openapi_description(live_server: LiveServer) -> None:
    ran = schemathesis(
        live_server, "--include-path", "/sparql", "--checks", CONFORMANCE, "--max-examples", "25"
    )
    assert ran.returncode == 0, ran.stdout[-4000:]
    assert "2 passed" in ran.stdout  # GET and POST /sparql


def test_no_operation_answers_a_server_error(live_server: LiveServer) -> None:
    ran = schemathesis(
        live_server, "--checks", "not_a_server_error", "--max-examples", "5", "--phases", "examples,fuzzing"
    )
    assert ran.returncode == 0, ran.stdout[-4000:]
