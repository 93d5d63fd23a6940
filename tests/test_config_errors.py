"""Config errors (issue #7): YAML syntax errors, unknown fields, duplicate ids, invalid URLs — each
one line on stderr naming the file, the line and the field, and exit code 2 from `govinspect scan`.

The paths are long on purpose (as pytest's are): a message Rich wraps at 80 columns is three
lines a script cannot grep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from samples_env import run_cli
from typer.testing import CliRunner

from cli.app import _register, app

GOOD_SITE = """\
      - id: site-a
        name: 甲网站
        url: http://127.0.6.50/
"""


def _registry(body: str) -> str:
    return "units:\n  - id: unit-a\n    name: 甲单位\n    kind: county\n    sites:\n" + body


CASES = {
    # name: (file text, expected line, expected field, words of the message)
    "yaml_syntax": (_registry(GOOD_SITE + "      - id: site-b\n        name: [unclosed\n"), 11, None,
                    "YAML syntax error: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence at line 10)"),
    "yaml_indent": (_registry(GOOD_SITE + "       url: http://127.0.6.52/\n"), 9, None, "YAML syntax error"),
    "unknown_field": (_registry(GOOD_SITE + "        colour: red\n"), 9, "units[0].sites[0].colour", "unknown field"),
    "duplicate_id": (_registry(GOOD_SITE + GOOD_SITE.replace("甲网站", "乙网站")), 9, "units[0].sites[1].id",
                     "duplicate id 'site-a'"),
    "invalid_url": (_registry(GOOD_SITE.replace("http://127.0.6.50/", "htp:/127.0.6.50")), 8, "units[0].sites[0].url",
                    "not an http(s) URL"),
    "invalid_canary": ("crawl:\n  canary_urls:\n    - http://127.0.6.51/\n    - gov.cn\n" + _registry(GOOD_SITE), 4,
                       "crawl.canary_urls[1]", "not an http(s) URL"),
    "bad_network": ("crawl:\n  allow_networks: [10.0.0.0/33]\n" + _registry(GOOD_SITE), 2, "crawl.allow_networks", ""),
}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _register()
    return CliRunner()


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_error_is_one_line_with_file_line_field(case: str, tmp_path: Path, runner: CliRunner) -> None:
    text, line, field, words = CASES[case]
    deep = tmp_path / "a-directory-with-a-rather-long-name" / "and-another-one-below-it"
    deep.mkdir(parents=True)
    path = deep / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["scan", "--config", str(path), "--db", str(tmp_path / "x.db"), "--no-progress"])
    assert result.exit_code == 2, (result.output, result.exception)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    msg = lines[0]
    assert msg.startswith(f"config error: {path}:{line}:"), msg
    if field:
        assert f":{line}: {field}:" in msg, msg
    assert words in msg, msg
    assert not (tmp_path / "x.db").exists()  # nothing was started


def test_config_error_from_the_real_command(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(_registry(GOOD_SITE + "        max_pages: many\n"), encoding="utf-8")
    proc = run_cli("scan", "--config", str(path), "--db", str(tmp_path / "x.db"), "--no-progress")
    assert proc.returncode == 2
    assert re.fullmatch(rf"config error: {re.escape(str(path))}:9: units\[0\]\.sites\[0\]\.max_pages: .*integer.*\n",
                        proc.stderr), proc.stderr
