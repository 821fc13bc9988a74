"""Build hook: a wheel carries the bundled ontology, data and saved queries.

They are the top-level folders ``ontology/``, ``data/`` and ``queries/`` of the repository (where people
edit them); a regular, non-editable build copies them into the package as ``server/bundled/``, where
``server.settings`` looks when it is not running from the source tree. Everything else is declared in
pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("ontology", "data", "queries")


class BuildWithBundledData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the source tree itself
            return
        target = Path(self.build_lib) / "server" / "bundled"
        for name in BUNDLED:
            shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithBundledData})
