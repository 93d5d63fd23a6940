"""`python -m web.recheck_worker [--config PATH] --db URL TASK_ID`: runs one recheck asked from
the web UI and writes its progress and result into the task row. A link is requested again
(monitor.recheck); a site is rescanned (scan.runner.run_scan, kind recheck). Status changes it
causes go into the review audit trail under the name of who asked."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.audit import record_review
from db.models import Finding, RecheckTask, utcnow
from db.session import make_engine, session_factory


def _statuses(session: Session, site_id: str) -> dict[int, str]:
    return {fid: st for fid, st in session.execute(select(Finding.id, Finding.status).where(Finding.subject_id == site_id))}


def _audit(session: Session, task: RecheckTask, before: dict[int, str]) -> tuple[int, int]:
    """Record every status the recheck changed; returns (fixed now, still open)."""
    fixed = still = 0
    for f in session.scalars(select(Finding).where(Finding.subject_id == task.site_id)):
        was = before.get(f.id)
        if was is not None and was != f.status:
            record_review(session, f, was, by=task.created_by, source="recheck", reason=f.status_reason)
            fixed += f.status == "fixed"
        if f.status in ("open", "confirmed"):
            still += 1
    return fixed, still


def _set(session: Session, task: RecheckTask, **values: object) -> None:
    for k, v in values.items():
        setattr(task, k, v)
    session.commit()


def recheck_link(session: Session, task: RecheckTask, config: Path | None) -> None:
    from checks.config import load_indicators
    from core.netpolicy import AddressPolicy
    from core.registry import DEFAULT_REGISTRY, load_registry
    from monitor.recheck import recheck_url

    registry = load_registry(config or DEFAULT_REGISTRY)
    link_cfg = next(c.config for c in load_indicators().checks if c.check.id == "link_broken")
    policy = AddressPolicy.from_registry(registry)
    why = policy.check_url(task.url)
    if why:
        _set(session, task, status="failed", finished_at=utcnow(), result=f"未请求：{why}")
        return
    _set(session, task, progress="正在请求链接")
    before = _statuses(session, task.site_id)
    res = recheck_url(session, task.site_id, task.url, timeout_s=registry.crawl.download_timeout,
                      user_agent=registry.crawl.user_agent, soft_404=link_cfg.soft_404,  # type: ignore[attr-defined]
                      policy=policy)
    _audit(session, task, before)
    verdict = "链接已恢复可用，问题标记为已整改" if res.working else "链接仍不可用，问题保持待处理"
    _set(session, task, status="done", finished_at=utcnow(), progress="完成", result=f"{verdict}（{res.why}）")


def recheck_site(session: Session, task: RecheckTask, config: Path | None, db_url: str) -> None:
    from scan.runner import run_scan

    before = _statuses(session, task.site_id)
    _set(session, task, progress="正在重新扫描网站")
    session.close()  # the scan writes with its own connections
    result = run_scan(config, db_url=db_url, site_ids=[task.site_id], kind="recheck", progress=False)
    task = session.get(RecheckTask, task.id)  # type: ignore[assignment]
    if result.status != "completed":
        _set(session, task, status="failed", finished_at=utcnow(), run_id=result.run_id,
             result=f"复查扫描 {result.run_id} {result.status}：{result.error or ''}")
        return
    fixed, still = _audit(session, task, before)
    _set(session, task, status="done", finished_at=utcnow(), run_id=result.run_id, progress="完成",
         result=f"复查扫描（运行 {result.run_id}）完成：{fixed} 个问题已整改，{still} 个问题仍存在")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.recheck_worker")
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", type=Path)
    parser.add_argument("task_id", type=int)
    args = parser.parse_args(argv)
    engine = make_engine(args.db)
    session = session_factory(engine)()
    try:
        task = session.get(RecheckTask, args.task_id)
        if task is None:
            return 2
        _set(session, task, status="running")
        try:
            if task.kind == "url":
                recheck_link(session, task, args.config)
            else:
                recheck_site(session, task, args.config, args.db)
        except Exception as exc:  # the task says what went wrong; the UI has no other channel
            session.rollback()
            task = session.get(RecheckTask, args.task_id)
            assert task is not None
            _set(session, task, status="failed", finished_at=utcnow(),
                 result=f"复查失败：{type(exc).__name__}: {exc}"[:2000])
            traceback.print_exc()
            return 1
        return 0
    finally:
        session.close()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
