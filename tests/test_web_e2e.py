"""End to end: a real headless Chromium (Playwright) drives `govinspect serve` on a scanned
sample-site database as an inspector would: sign in, filter findings, open a finding's evidence
and see its screenshot, dismiss one with a reason, recheck a broken link and see the result,
download the xlsx and the 通报. Screenshots of the dashboard, a site page and a finding go to the
test's directory (and to docs/screenshots/ with GOVINSPECT_DOCS_SCREENSHOTS=1, for the README)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook
from samples_env import ROOT, SampleEnv, run_cli, scan_args, start_samples

from crawler.chromium import system_chromium

pytestmark = pytest.mark.slow
PASSWORD = "inspector-pass-1"
DOCS = ROOT / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SampleEnv, str]]:
    """The sample sites and accounts, served and scanned once (screenshots on); they stay up for rechecks."""
    tmp = tmp_path_factory.mktemp("web")
    env = start_samples(tmp, first_octet=14, accounts=True)
    try:
        reg = yaml.safe_load(env.registry.read_text(encoding="utf-8"))
        reg["crawl"]["screenshots"] = {"enabled": True, "max_bytes": 150_000}
        env.registry.write_text(yaml.safe_dump(reg, allow_unicode=True), encoding="utf-8")
        db = str(tmp / "web.db")
        proc = run_cli(*scan_args(env, db), env=env.env)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        proc = run_cli("user", "add", "zhang", "--role", "inspector", "--name", "张检查", "--db", db,
                       env={"GOVINSPECT_PASSWORD": PASSWORD})
        assert proc.returncode == 0, proc.stderr
        yield env, db
    finally:
        env.stop()


@pytest.fixture(scope="module")
def server(scanned: tuple[SampleEnv, str]) -> Iterator[str]:
    env, db = scanned
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--db", db, "--port", str(port),
                             "--config", str(env.registry)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={**os.environ, **env.env})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "govinspect serve did not answer in 30 s"
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = system_chromium()
    assert chromium, "no Chromium: run scripts/bootstrap.sh as root (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield b
        b.close()


def _shot(page: Any, name: str, tmp: Path) -> None:
    page.screenshot(path=str(tmp / f"{name}.png"), full_page=False)
    if os.environ.get("GOVINSPECT_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"), full_page=False)


def test_inspector_reviews_findings_in_a_browser(server: str, browser: Any, tmp_path: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    errors: list[str] = []  # a CSP violation or a failed asset shows up here
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    # sign in
    page.goto(server + "/findings")
    assert "/login" in page.url
    page.fill("input[name=username]", "zhang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/findings")
    page.goto(server + "/")
    assert page.locator("table.ranking tbody tr").count() == 10  # the sample registry's units, the dead site's too
    assert "截止" in page.inner_text("section.cards")
    _shot(page, "dashboard", tmp_path)

    # filter: empty columns only
    page.goto(server + "/findings")
    page.select_option("select[name=check]", "column_empty")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**check=column_empty**")
    rows = page.locator("table.findings tbody tr")
    assert rows.count() >= 1
    assert set(page.locator("table.findings tbody tr td:nth-child(5)").all_inner_texts()) == {"空白栏目"}

    # a finding's evidence and its screenshot
    rows.first.locator("a.detail").click()
    page.wait_for_url("**/findings/*")
    img = page.locator("figure.shot img")
    img.wait_for()
    page.wait_for_function("document.querySelector('figure.shot img').complete")
    assert img.evaluate("i => i.naturalWidth") > 100
    assert page.locator("dl.evidence").count() == 1 and "栏目" in page.inner_text("dl.evidence")
    _shot(page, "finding", tmp_path)

    # dismiss it with a reason; the audit trail says who
    page.click("form.review button[value=dismissed]")  # no reason: refused
    assert "驳回必须填写理由" in page.inner_text("main")
    page.fill("form.review input[name=reason]", "该栏目已按规定整合，误报")
    page.click("form.review button[value=dismissed]")
    page.wait_for_load_state()
    assert "已驳回" in page.inner_text("p.lead")
    assert "张检查" in page.inner_text("table.history") and "误报" in page.inner_text("table.history")

    # recheck a broken link: progress, then the result on the finding
    page.goto(server + "/findings?check=link_broken&status=open")
    page.locator("table.findings tbody tr a.detail").first.click()
    page.wait_for_url("**/findings/*")
    finding_url = page.url
    page.click("text=立即复查该链接")
    page.wait_for_url("**/rechecks/*")
    page.wait_for_selector("p.recheck-result", timeout=60_000)
    result = page.inner_text("p.recheck-result")
    assert "链接仍不可用" in result or "链接已恢复" in result, result
    page.goto(finding_url)
    assert result in page.inner_text("ul.rechecks")

    # a site page
    page.goto(server + "/sites/akzf-www")
    assert page.locator("section.group").count() >= 2
    _shot(page, "site", tmp_path)

    # downloads: the findings sheet and the 通报
    page.goto(server + "/findings")
    with page.expect_download() as dl:
        page.click("text=Excel（.xlsx）")
    assert dl.value.suggested_filename == "问题清单.xlsx"
    ws = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes())).active
    assert [c.value for c in ws[1]][:4] == ["序号", "单位", "网站/账号", "问题类型"] and ws.max_row > 10
    page.goto(server + "/reports")
    with page.expect_download() as dl:
        page.click("text=全市检查情况通报")
    assert dl.value.suggested_filename.endswith("通报.docx")
    doc = Document(io.BytesIO(Path(dl.value.path()).read_bytes()))
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "排名")
    scores = [float(r.cells[2].text) for r in ranking.rows[1:]]
    assert len(scores) == 10 and scores == sorted(scores, reverse=True)

    assert not dialogs and not outside and not errors, (dialogs, outside, errors)
    ctx.close()


def test_site_recheck_runs_in_the_background_with_progress(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 1200, "height": 800})
    page = ctx.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "zhang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    page.goto(server + "/sites/akzrzyj")
    page.click("text=立即复查整个网站")
    page.wait_for_url("**/rechecks/*")
    assert "状态" in page.inner_text("p.status")
    page.wait_for_selector("p.recheck-result", timeout=240_000)
    result = page.inner_text("p.recheck-result")
    assert "复查扫描" in result and "完成" in result, result
    page.goto(server + "/sites/akzrzyj")
    runs = page.inner_text("main")
    assert "复查" in runs and result in runs
    ctx.close()
