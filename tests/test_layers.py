"""The layer order (pyproject.toml [tool.importlinter]) holds, and an upward import breaks it."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"
# scheduler.py is a module, not a package, so the contract cannot list it: only the CLI is above it
ABOVE_SCHEDULER = {"cli", "web", "samplesites"}


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_contract_is_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_upward_import_fails_naming_both_modules(tmp_path: Path) -> None:
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "govinspect-demo", "__pycache__",
                                                              "*.db", ".import_linter_cache"))
    target = copy / "db" / "runs.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nfrom reports import queries  # noqa\n",
                      encoding="utf-8")
    result = _lint(copy)
    assert result.returncode != 0
    assert "db.runs -> reports.queries" in result.stdout, result.stdout


def test_scheduler_imports_no_layer_above_it() -> None:
    tree = ast.parse((ROOT / "scheduler.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
    assert not imported & ABOVE_SCHEDULER
