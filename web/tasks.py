"""Rechecks asked from the UI run in a child process each (`python -m web.recheck_worker`; a site
rescan starts a Twisted reactor, which runs once per process), recorded in `recheck_tasks`; the
UI shows their progress from the database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Page, RecheckTask, ScanRun, SiteScan, utcnow

ROOT = Path(__file__).resolve().parent.parent
ACTIVE = ("queued", "running")


def start(state: Any, session: Session, *, kind: str, site_id: str, unit_id: str, by: str, url: str = "",
          finding_id: int | None = None) -> RecheckTask:
    """Record the task and start its worker; one active task per site and kind at a time."""
    busy = session.scalar(select(RecheckTask).where(RecheckTask.site_id == site_id, RecheckTask.kind == kind,
                                                    RecheckTask.status.in_(ACTIVE), RecheckTask.url == url))
    if busy is not None:
        return busy
    task = RecheckTask(kind=kind, site_id=site_id, unit_id=unit_id, url=url, finding_id=finding_id,
                       status="queued", progress="等待开始", created_by=by)
    session.add(task)
    session.commit()
    config = ["--config", str(state.config.registry)] if state.config.registry is not None else []
    cmd = [sys.executable, "-m", "web.recheck_worker", "--db", state.db_url, *config, str(task.id)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True, env={**os.environ})
    state.workers[task.id] = proc
    return task


def reap(state: Any, session: Session, task: RecheckTask) -> None:
    """A worker that died without saying so leaves its task failed, not running forever."""
    proc = state.workers.get(task.id)
    if proc is None or proc.poll() is None:
        return
    state.workers.pop(task.id, None)
    session.refresh(task)
    if task.status in ACTIVE:
        task.status, task.finished_at = "failed", utcnow()
        task.result = f"复查进程意外退出（退出码 {proc.returncode}）"
        session.commit()


STOPPED = "复查因服务停止而中断，请重新发起"


def stop_all(state: Any, session: Session, *, grace_s: float = 5.0) -> int:
    """When the UI stops, its rechecks stop with it, and their tasks say so: a child left running
    would write into a database the next server may have moved, and a task left 'running' with no
    child would block every later recheck of its site. Returns how many were stopped."""
    procs = {tid: p for tid, p in state.workers.items() if p.poll() is None}
    for proc in procs.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the child leads its own session
    deadline = time.monotonic() + grace_s
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    for task_id in procs:
        task = session.get(RecheckTask, task_id)
        if task is not None:
            session.refresh(task)
            if task.status in ACTIVE:
                task.status, task.finished_at, task.result = "failed", utcnow(), STOPPED
    session.commit()
    state.workers.clear()
    return len(procs)


@dataclass
class Progress:
    run_id: int | None = None
    scan_status: str | None = None
    pages: int = 0


def progress(session: Session, task: RecheckTask) -> Progress:
    """How far a site recheck got: its scan run (started after the task) and pages fetched so far."""
    if task.kind != "site":
        return Progress()
    row = session.execute(
        select(SiteScan.run_id, SiteScan.status).join(ScanRun, ScanRun.id == SiteScan.run_id)
        .where(SiteScan.site_id == task.site_id, ScanRun.kind == "recheck", ScanRun.started_at >= task.created_at)
        .order_by(SiteScan.run_id.desc()).limit(1)).first()
    if row is None:
        return Progress()
    pages = session.scalar(select(func.count(Page.id)).where(Page.run_id == row[0], Page.site_id == task.site_id))
    return Progress(run_id=row[0], scan_status=row[1], pages=pages or 0)
