"""Benchmark: what the browser tests' pages cost in each of Debian's Chromium builds.

Not a test (pytest does not collect it): a script.

    python bench/browsers.py               # 2 rounds
    python bench/browsers.py --rounds 3

It builds the bundled data into a temporary folder, starts ``python -m server.cli serve`` on it, and for
each round and each installed build (``chromium-headless-shell``, then ``chromium --headless``, both with
the flags the tests use) launches the browser and shows, in fi and in sv, the pages the browser tests
show most: the dashboard's four views until each is drawn, four Linked Data and list pages, the editor
with its default query run until YASR draws the table, and /docs until Swagger UI draws an operation. It
prints the CPU the whole machine used meanwhile (``/proc/stat``: the browser's processes and the server,
the same server for both builds) and the wall time, and the ratio of the two builds' medians.

Measured (``python bench/browsers.py``, 2 rounds, the 2-CPU machine at a quiet moment): the headless shell
7.9-8.3 core-seconds, the full browser 11.6-12.0; ratio 0.69 (0.63 in an earlier run of the same pages). So
the tests run in the shell (``tests/conftest.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import benchmark  # noqa: E402 - a sibling script: free ports and a server process, as the SPARQL benchmark has them

from tests.conftest import CHROMIUM_ARGS, CHROMIUM_CHOICES, settle, watch_requests  # noqa: E402

VIEWS = ("funding", "flow", "network", "map")
PAGES = ("/", "/project/A70870", "/ontology", "/queries")


def busy_seconds() -> float:
    """CPU seconds the machine has spent so far (all cores, user + nice + system + irq + softirq)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / 100


def show_pages(browser, url: str) -> None:
    for lang in ("fi", "sv"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        watch_requests(page)
        for view in VIEWS:
            page.goto(f"{url}/dashboard?lang={lang}&view={view}", wait_until="load")
            page.wait_for_selector(f"body[data-drawn={view}]", timeout=20000)
            settle(page)
        for path in PAGES:
            page.goto(f"{url}{path}?lang={lang}", wait_until="load")
        page.goto(f"{url}/sparql?lang={lang}", wait_until="load")
        page.wait_for_selector("#yasgui .yasqe .CodeMirror")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=20000)
        page.goto(f"{url}/docs", wait_until="load")
        page.wait_for_selector("#swagger-ui .opblock")
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    builds = [c for c in CHROMIUM_CHOICES if Path(c).exists()]
    if not builds:
        raise SystemExit("no Chromium installed: `make browser` installs the headless shell")
    with tempfile.TemporaryDirectory(prefix="smarthame-bench-browsers-") as workdir:
        build_dir = Path(workdir) / "build"
        env = {**os.environ, "SMARTHAME_BUILD_DIR": str(build_dir)}
        build = [sys.executable, "-m", "server.cli", "build"]
        subprocess.run(build, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        port = benchmark.free_port()
        server = benchmark.Server(
            "smarthame",
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
            "/sparql",
            port,
            env={"SMARTHAME_BUILD_DIR": str(build_dir)},
        )
        server.start(Path(workdir), ready_within=120)
        spent: dict[str, list[float]] = {b: [] for b in builds}
        try:
            with sync_playwright() as p:
                for round_ in range(args.rounds):
                    for build in builds:
                        before, started = busy_seconds(), time.monotonic()
                        browser = p.chromium.launch(executable_path=build, args=CHROMIUM_ARGS)
                        show_pages(browser, f"http://127.0.0.1:{port}")
                        browser.close()
                        spent[build].append(busy_seconds() - before)
                        print(
                            f"round {round_ + 1}  {Path(build).name:24s} {spent[build][-1]:6.2f} core-s  "
                            f"{time.monotonic() - started:5.2f} s wall",
                            flush=True,
                        )
        finally:
            server.stop()
    medians = {b: statistics.median(v) for b, v in spent.items()}
    for build, median in medians.items():
        print(f"median  {Path(build).name:24s} {median:6.2f} core-s")
    if len(builds) == 2:
        print(f"ratio   headless shell / full browser: {medians[builds[0]] / medians[builds[1]]:.2f}")


if __name__ == "__main__":
    main()
