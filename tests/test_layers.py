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


PRODUCT = ["core", "crawler", "spiders", "pipelines", "db", "checks", "scan", "monitor", "reports", "cli", "web"]


def _product_sources() -> dict[str, str]:
    out = {}
    for pkg in PRODUCT:
        for path in (ROOT / pkg).rglob("*.py") if (ROOT / pkg).is_dir() else []:
            out[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    out["scheduler.py"] = (ROOT / "scheduler.py").read_text(encoding="utf-8")
    return out


def test_each_govinspect_setting_has_one_default() -> None:
    import re

    sources = _product_sources()
    defined: dict[str, list[str]] = {}
    for path, text in sources.items():
        for name in re.findall(r"^(GOVINSPECT_[A-Z_]+)\s*(?::[^=]+)?=", text, re.M):
            defined.setdefault(name, []).append(path)
    assert defined, "crawler/settings.py defines the GOVINSPECT_* settings"
    assert all(paths == ["crawler/settings.py"] for paths in defined.values()), defined
    # a reader's fallback is the settings module's value, never a literal of its own
    literal_fallback = re.compile(r"""get(?:int|float|bool|list|dict)?\(\s*["']GOVINSPECT_[A-Z_]+["']\s*,\s*[-\d\[{"'TF]""")
    offenders = [p for p, text in sources.items() if literal_fallback.search(text)]
    assert not offenders, offenders


def test_exit_codes_and_the_homepage_timeout_are_defined_once() -> None:
    import re

    sources = _product_sources()
    exits = [p for p, t in sources.items() if re.search(r"^\s*(EXIT_\w+|BUSY|USAGE)\s*=\s*\d", t, re.M)]
    assert exits == ["core/exitcodes.py"], exits
    assert not [p for p, t in sources.items() if re.search(r"\b(typer\.Exit|sys\.exit)\([1-9]\)", t)]
    # the indicator's 15 s lives in config/indicators.yaml only: no model or function defaults it
    timeouts = [p for p, t in sources.items() if re.search(r"\b(timeout_s|slow_s)\b[^=\n]*=\s*(Field\()?(default=)?15", t)]
    assert not timeouts, timeouts
    indicators = (ROOT / "config" / "indicators.yaml").read_text(encoding="utf-8")
    assert re.search(r"^\s+timeout_s:\s*15\b", indicators, re.M)
