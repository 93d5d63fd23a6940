"""Crawled text holding control characters reaches every output cleaned (core/sanitize.py): a page
whose title and anchors carry ESC/BEL/NUL and other C0 characters is crawled, then the findings are
exported as XLSX, CSV, JSON and a table, to files and to the terminal. Every export succeeds, none
holds a raw ESC, the JSON gives back the text unchanged, and the scan summary (homepage errors,
new-media account errors) is cleaned the same way."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from faultserver import FaultServer, page, scan_cmd, site_entry, status, write_registry
from openpyxl import load_workbook
from rich.console import Console
from samples_env import run_cli

from core.sanitize import json_text, shown
from reports.export import to_csv, to_json, to_xlsx

NASTY = "\x1b]0;pwned\x07\x1b[2J\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\x9b\u202e"
ESC = "\x1b"


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hostile")
    nav = (f'<div class="nav"><a href="/tzgg/">通知公告{NASTY}</a></div>'
           f'<a href="/gone.html">失效链接{NASTY}</a><a href="/ok.html">正常</a>')
    srv = FaultServer("127.0.7.40", routes={
        "/": page(_html(f"首页{NASTY}", nav)),
        # a stale column: its finding's detail quotes the column's name, as the anchor gave it
        "/tzgg/": page(_html(f"通知公告{NASTY}", "<ul class='list'>" + "".join(
            f'<li><a href="/tzgg/{i}.html">关于开展第{i}次检查的通知</a><span>2020-0{i}-01</span></li>'
            for i in range(1, 6)) + "</ul>")),
        "/ok.html": page(_html("正常", "正文")),
        **{f"/tzgg/{i}.html": page(_html(f"通知{i}", "正文")) for i in range(1, 6)},
        "/gone.html": status(404),
    })
    with srv:
        registry = write_registry(tmp / "sites.yaml", [site_entry("h", srv.url("/"))], download_timeout=5,
                                  retry_times=0)
        db = str(tmp / "hostile.db")
        proc = run_cli(*scan_cmd(registry, db))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert ESC not in proc.stdout + proc.stderr
    return tmp, db


def test_the_crawl_kept_the_hostile_text(crawled: Any) -> None:
    """The database holds what the page said (only NUL, which PostgreSQL cannot store, is gone)."""
    _, db = crawled
    proc = run_cli("findings", "--db", db, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert any(ESC in text for text in _strings(rows)), rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "table"])
def test_every_export_succeeds_without_a_raw_escape(crawled: Any, fmt: str) -> None:
    tmp, db = crawled
    out = tmp / f"findings.{fmt}"
    to_file = run_cli("findings", "--db", db, "--format", fmt, "--output", str(out))
    assert to_file.returncode == 0, to_file.stderr[-3000:]
    assert "Traceback" not in to_file.stderr and ESC not in to_file.stdout + to_file.stderr
    if fmt == "xlsx":
        cells = [str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None]
        assert cells and not any(ESC in c for c in cells)
        assert any("\\x1b" in c or "\\u001b" in c for c in cells)  # shown, not silently lost
    else:
        data = out.read_bytes()
        assert b"\x1b" not in data and b"\x07" not in data and b"\x00" not in data
        if fmt == "json":  # lossless: the text comes back as the page had it
            assert any(ESC in text for text in _strings(json.loads(data)))
    if fmt != "xlsx":
        to_terminal = run_cli("findings", "--db", db, "--format", fmt)
        assert to_terminal.returncode == 0, to_terminal.stderr[-3000:]
        assert ESC not in to_terminal.stdout and "\x07" not in to_terminal.stdout
        assert "\\x1b" in to_terminal.stdout or "\\u001b" in to_terminal.stdout


def test_writers_clean_every_cell() -> None:
    rows = [{"a": f"x{NASTY}", "b": {"anchor": NASTY}, "c": 3, "d": None, "e": f"={NASTY}"}]
    for text in (to_csv(rows, list(rows[0])), to_json(rows)):
        assert not any(ch in text for ch in "\x1b\x07\x00\x9b\u202e")
    assert json.loads(to_json(rows)) == rows
    load_workbook(io.BytesIO(to_xlsx(rows, list(rows[0]))))  # openpyxl accepts every cell
    assert shown("制表\t换行\n") == "制表\t换行\n"  # harmless in a cell
    assert shown(None) == "" and shown("\x1b[2J") == "\\x1b[2J"
    assert json.loads(json_text("\x9b\u202e")) == "\x9b\u202e"


def test_scan_summary_shows_errors_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import cmd_scan
    from scan.runner import ScanResult

    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(cmd_scan, "console", Console(file=out, width=200, force_terminal=True))
    monkeypatch.setattr(cmd_scan, "err_console", Console(file=err, width=200, force_terminal=True))
    result = ScanResult(
        run_id=1, status="incomplete",
        site_stats={"s": {"home_ok": False, "home_error": f"reset: {NASTY}", "pages": 0, "links": 0, "columns": 0,
                          "items": 0, "errors": 1}},
        # a weibo answer whose JSON key held an escape sequence, quoted in the account's error
        account_results={"w": {"status": "failed", "error": f"shape: unexpected key '{NASTY}'",
                               "stats": {"platform": "weibo"}}},
        error=f"accounts crawl ended: {NASTY}")
    cmd_scan.print_summary(result, "sqlite:///x.db")
    cmd_scan.say_error("scan failed:", result.error)
    # Rich's own styling uses ESC sequences on a terminal; the crawled ones must not get through
    text = out.getvalue() + err.getvalue()
    assert "]0;pwned" not in text.replace("\\x1b]0;pwned", "")
    assert "\x07" not in text and "\x00" not in text and "\\x1b]0;pwned" in text


def test_table_to_a_file_is_plain(crawled: Any, tmp_path: Path) -> None:
    _, db = crawled
    out = tmp_path / "t.txt"
    assert run_cli("findings", "--db", db, "--output", str(out)).returncode == 0
    assert "\x1b" not in out.read_text(encoding="utf-8")
