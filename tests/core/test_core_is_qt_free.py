"""The core must never import PySide6: the CLI and the tests depend on it staying Qt-free."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import importlib, pkgutil, sys
import reader.core
for module in pkgutil.walk_packages(reader.core.__path__, "reader.core."):
    importlib.import_module(module.name)
import reader.cli
reader.cli.build_parser()
leaked = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6"))
print("LEAKED:" + ",".join(leaked))
"""


def test_importing_every_core_module_and_the_cli_loads_no_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "LEAKED:\n" in result.stdout, result.stdout
